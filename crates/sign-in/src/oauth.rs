//! The `oauth2` crate's client for the Microsoft identity platform, over the workspace's reqwest (the crate's own
//! reqwest integration targets an older reqwest), plus the mapping of its errors to [`SignInError`] without
//! ever copying a response body (it may hold tokens) into a message.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet, ErrorResponse,
    ExtraTokenFields, HttpRequest, HttpResponse, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::SignInError;

/// Azure returns an ID token next to the access token when `openid` was asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub(crate) struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

pub(crate) type TokenAnswer = StandardTokenResponse<IdTokenField, BasicTokenType>;

pub(crate) type IdentityClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A public client of `{authority}/{tenant}/oauth2/v2.0/...`.
pub(crate) fn identity_client(
    authority: &Url,
    tenant: &str,
    client_id: &str,
) -> Result<IdentityClient, SignInError> {
    let endpoint = |path: &str| {
        authority
            .join(&format!("{tenant}/oauth2/v2.0/{path}"))
            .map(|url| url.to_string())
            .map_err(|e| SignInError::invalid("azure_tenant", e.to_string()))
    };
    let bad = |e: url::ParseError| SignInError::invalid("azure_authority_url", e.to_string());
    Ok(oauth2::Client::new(ClientId::new(client_id.to_owned()))
        .set_auth_uri(AuthUrl::new(endpoint("authorize")?).map_err(bad)?)
        .set_token_uri(TokenUrl::new(endpoint("token")?).map_err(bad)?)
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(endpoint("devicecode")?).map_err(bad)?,
        )
        .set_auth_type(oauth2::AuthType::RequestBody))
}

/// The HTTP client the `oauth2` crate calls. Redirects are not followed: a token endpoint never redirects, and
/// following one could forward credentials elsewhere.
#[derive(Debug, Clone)]
pub(crate) struct OAuthHttp(reqwest::Client);

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct OAuthHttpError(String);

impl OAuthHttp {
    pub fn new() -> Result<Self, SignInError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("auth0-eventgrid/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SignInError::Network {
                detail: e.to_string(),
            })?;
        Ok(Self(client))
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for OAuthHttp {
    type Error = OAuthHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)
                .map_err(|e| OAuthHttpError(format!("could not build the request: {e}")))?;
            let host = request.url().host_str().unwrap_or_default().to_owned();
            let response = self.0.execute(request).await.map_err(|e| {
                // reqwest's message names the URL, never the form body.
                OAuthHttpError(format!("{host}: {e}"))
            })?;
            let mut answer = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let body = response
                .bytes()
                .await
                .map_err(|e| OAuthHttpError(format!("{host}: {e}")))?;
            answer
                .body(body.to_vec())
                .map_err(|e| OAuthHttpError(e.to_string()))
        })
    }
}

/// Maps a token-endpoint failure. `refused` turns the server's answer (error code and description) into the
/// right variant for the flow at hand.
pub(crate) fn token_error<T>(
    error: RequestTokenError<OAuthHttpError, T>,
    refused: impl FnOnce(&T) -> SignInError,
) -> SignInError
where
    T: ErrorResponse + 'static,
{
    match error {
        RequestTokenError::ServerResponse(answer) => refused(&answer),
        RequestTokenError::Request(e) => SignInError::Network { detail: e.0 },
        // The body is deliberately dropped: a half-understood success answer can still hold a token.
        RequestTokenError::Parse(e, _body) => SignInError::Unexpected {
            detail: format!("the token answer could not be read at {}", e.path()),
        },
        RequestTokenError::Other(detail) => SignInError::Unexpected { detail },
    }
}

/// A refusal of a user grant: `invalid_grant` means the code or refresh token is dead.
pub(crate) fn refused_grant(answer: &BasicErrorResponse, sign_in_again: bool) -> SignInError {
    let description = answer.error_description().map(|d| first_line(d));
    match answer.error() {
        BasicErrorResponseType::InvalidGrant if sign_in_again => SignInError::SignInAgain {
            detail: description,
        },
        other => SignInError::Refused {
            error: other.as_ref().to_owned(),
            description,
        },
    }
}

/// Azure's descriptions carry a trace and correlation id on later lines; the first line says what happened.
pub(crate) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// The claims of a JWT, read without checking the signature: only for display (who signed in), from a token
/// that came straight from the token endpoint over TLS.
pub(crate) fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_from_the_payload() {
        let body = URL_SAFE_NO_PAD.encode(br#"{"name":"Ada","tid":"t-1"}"#);
        let claims = jwt_claims(&format!("eyJhbGciOiJIUzI1NiJ9.{body}.sig")).unwrap();
        assert_eq!(claims["name"], "Ada");
        assert!(jwt_claims("opaque").is_none());
    }

    #[test]
    fn an_invalid_grant_means_sign_in_again_only_for_stored_tokens() {
        let answer: BasicErrorResponse = serde_json::from_str(
            r#"{"error":"invalid_grant","error_description":"AADSTS50173: revoked.\r\nTrace ID: x"}"#,
        )
        .unwrap();
        let again = refused_grant(&answer, true);
        assert_eq!(again.code(), "SignInAgain");
        assert!(again.to_string().contains("AADSTS50173: revoked."));
        assert!(!again.to_string().contains("Trace ID"));
        assert_eq!(refused_grant(&answer, false).code(), "SignInRefused");
    }
}
