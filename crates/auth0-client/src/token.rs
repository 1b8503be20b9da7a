//! Management API tokens: acquisition by client credentials, caching until shortly before expiry, and
//! reading the granted scopes so a missing one is named before any call fails.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cloud_http::Secret;
use serde::Deserialize;
use time::OffsetDateTime;

/// Renew this long before the announced expiry, so a token never expires between check and use.
pub(crate) const RENEW_MARGIN: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub value: Secret,
    pub expires_at: Option<OffsetDateTime>,
    pub scopes: Option<Vec<String>>,
}

impl CachedToken {
    pub fn is_fresh(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|at| now + RENEW_MARGIN < at)
    }
}

#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: Secret,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct TokenErrorResponse {
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Scopes granted to a token: the space-separated `scope` claim of a JWT. `None` for an opaque token.
pub fn granted_scopes(token: &str) -> Option<Vec<String>> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let scope = claims.get("scope")?.as_str()?;
    Some(scope.split_whitespace().map(str::to_owned).collect())
}

/// The expiry claim of a JWT, for pasted tokens whose lifetime is not announced separately.
pub(crate) fn jwt_expiry(token: &str) -> Option<OffsetDateTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    OffsetDateTime::from_unix_timestamp(claims.get("exp")?.as_i64()?).ok()
}

/// Auth0's 403 text is "Insufficient scope, expected any of: create:log_streams".
pub(crate) fn scope_from_message(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("expected any of:")?;
    let scope = rest.split([',', ' ']).find(|s| !s.is_empty())?;
    Some(scope.trim_end_matches('.').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        format!("eyJhbGciOiJub25lIn0.{body}.sig")
    }

    #[test]
    fn reads_scopes_and_expiry_from_a_jwt() {
        let token = jwt(
            serde_json::json!({"scope": "read:log_streams create:log_streams", "exp": 1700000000}),
        );
        assert_eq!(
            granted_scopes(&token).unwrap(),
            vec!["read:log_streams", "create:log_streams"]
        );
        assert_eq!(jwt_expiry(&token).unwrap().unix_timestamp(), 1_700_000_000);
        assert_eq!(granted_scopes("opaque-token"), None);
    }

    #[test]
    fn names_the_scope_from_a_403_message() {
        assert_eq!(
            scope_from_message("Insufficient scope, expected any of: create:log_streams")
                .as_deref(),
            Some("create:log_streams")
        );
        assert_eq!(
            scope_from_message("Insufficient scope; expected any of: read:logs,read:logs_users")
                .as_deref(),
            Some("read:logs")
        );
        assert_eq!(scope_from_message("Forbidden"), None);
    }
}
