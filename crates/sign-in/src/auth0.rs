//! Signing in to Auth0's Management API. A desktop user cannot be given log-stream rights, so the sign-in is the
//! client-credentials grant of a machine-to-machine application (through `auth0-client`), or a Management API
//! token pasted from the dashboard. Either way the granted scopes are read from the token and the missing ones
//! among those the integration uses are named before any call fails.

use auth0_client::{Auth0Client, Auth0Credentials, Auth0Error};
use cloud_http::{Secret, Transport};
use keychain::Keychain;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::SignInError;
use crate::oauth::jwt_claims;

/// Every Management API scope the integration uses: create and inspect streams, resume and remove them,
/// and read the tenant logs for the health view.
pub const LOG_STREAM_SCOPES: [&str; 5] = [
    "read:log_streams",
    "create:log_streams",
    "update:log_streams",
    "delete:log_streams",
    "read:logs",
];

const CLIENT_SECRET_KEY: &str = "auth0-client-secret";
const MANAGEMENT_TOKEN_KEY: &str = "auth0-management-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth0Method {
    ClientSecret,
    ManagementToken,
}

/// Who is signed in to Auth0, and what the token may do. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth0Account {
    /// The tenant domain as entered (`acme.eu.auth0.com`).
    pub domain: String,
    /// The machine-to-machine application, for the client-secret method.
    pub client_id: Option<String>,
    pub method: Auth0Method,
    /// `None` for an opaque token whose scopes cannot be read.
    pub granted_scopes: Option<Vec<String>>,
    /// Scopes of [`LOG_STREAM_SCOPES`] the token lacks.
    pub missing_scopes: Vec<String>,
    /// Whether the credential was stored in the keychain (a pasted token only when the user asked).
    pub remembered: bool,
    pub keychain_account: String,
}

#[derive(Debug, Clone)]
pub struct Auth0Session {
    pub account: Auth0Account,
    pub client: Auth0Client,
}

/// Auth0 sign-ins, storing what must outlive the process in `keychain`.
#[derive(Debug, Clone)]
pub struct Auth0SignIn {
    keychain: Keychain,
    transport: Transport,
}

impl Auth0SignIn {
    pub fn new(keychain: Keychain, transport: Transport) -> Self {
        Self {
            keychain,
            transport,
        }
    }

    /// Obtains a token for the M2M application, reads its scopes, and stores the client secret.
    pub async fn with_client_secret(
        &self,
        domain: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Result<Auth0Session, SignInError> {
        let domain = required("auth0_domain", domain)?;
        let client_id = required("auth0_client_id", client_id)?;
        if client_secret.is_empty() {
            return Err(SignInError::invalid(
                "auth0_client_secret",
                "must not be empty",
            ));
        }
        let client = Auth0Client::new(
            &domain,
            None,
            Auth0Credentials::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
            },
            self.transport.clone(),
        )?;
        let granted = client.scopes().await?;
        let account = Auth0Account {
            keychain_account: format!("auth0:{client_id}@{domain}"),
            domain,
            client_id: Some(client_id),
            method: Auth0Method::ClientSecret,
            missing_scopes: missing(granted.as_deref()),
            granted_scopes: granted,
            remembered: true,
        };
        self.keychain
            .save(&account.keychain_account, CLIENT_SECRET_KEY, &client_secret)
            .await?;
        Ok(Auth0Session { account, client })
    }

    /// Uses a Management API token pasted from the dashboard. It stays in memory unless `remember` is set.
    pub async fn with_management_token(
        &self,
        domain: &str,
        token: Secret,
        remember: bool,
    ) -> Result<Auth0Session, SignInError> {
        let domain = required("auth0_domain", domain)?;
        if token.is_empty() {
            return Err(SignInError::invalid(
                "auth0_management_token",
                "must not be empty",
            ));
        }
        let claims = jwt_claims(token.expose().trim());
        if let Some(expired_at) = claims
            .as_ref()
            .and_then(|c| c.get("exp")?.as_i64())
            .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok())
            .filter(|exp| *exp <= self.transport.clock().now())
        {
            return Err(SignInError::Auth0(Auth0Error::Unauthorized {
                message: format!("the pasted token expired at {expired_at}"),
            }));
        }
        let token = Secret::new(token.expose().trim());
        let client = Auth0Client::new(
            &domain,
            None,
            Auth0Credentials::ManagementToken(token.clone()),
            self.transport.clone(),
        )?;
        let granted = client.scopes().await?;
        let account = Auth0Account {
            keychain_account: format!("auth0:token@{domain}"),
            domain,
            client_id: None,
            method: Auth0Method::ManagementToken,
            missing_scopes: missing(granted.as_deref()),
            granted_scopes: granted,
            remembered: remember,
        };
        if remember {
            self.keychain
                .save(&account.keychain_account, MANAGEMENT_TOKEN_KEY, &token)
                .await?;
        }
        Ok(Auth0Session { account, client })
    }

    /// The session saved earlier for `account`, if its credential is still in the keychain.
    pub async fn restore(
        &self,
        account: &Auth0Account,
    ) -> Result<Option<Auth0Session>, SignInError> {
        let credentials = match (account.method, &account.client_id) {
            (Auth0Method::ClientSecret, Some(client_id)) => self
                .keychain
                .load(&account.keychain_account, CLIENT_SECRET_KEY)
                .await?
                .map(|client_secret| Auth0Credentials::ClientCredentials {
                    client_id: client_id.clone(),
                    client_secret,
                }),
            (Auth0Method::ManagementToken, _) if account.remembered => self
                .keychain
                .load(&account.keychain_account, MANAGEMENT_TOKEN_KEY)
                .await?
                .map(Auth0Credentials::ManagementToken),
            _ => None,
        };
        let Some(credentials) = credentials else {
            return Ok(None);
        };
        let client = Auth0Client::new(&account.domain, None, credentials, self.transport.clone())?;
        Ok(Some(Auth0Session {
            account: account.clone(),
            client,
        }))
    }

    /// Removes every keychain entry of `account`.
    pub async fn sign_out(&self, account: &Auth0Account) -> Result<(), SignInError> {
        self.keychain.sign_out(&account.keychain_account).await?;
        Ok(())
    }
}

impl Auth0Session {
    /// Fails naming the first missing scope, for callers that cannot go on without all of them.
    pub fn require_all_scopes(&self) -> Result<(), SignInError> {
        match self.account.missing_scopes.first() {
            Some(scope) => Err(SignInError::Auth0(Auth0Error::MissingScope {
                scope: scope.clone(),
            })),
            None => Ok(()),
        }
    }
}

fn required(field: &'static str, value: &str) -> Result<String, SignInError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SignInError::invalid(field, "must not be empty"));
    }
    Ok(value.to_owned())
}

fn missing(granted: Option<&[String]>) -> Vec<String> {
    let Some(granted) = granted else {
        return Vec::new();
    };
    LOG_STREAM_SCOPES
        .iter()
        .filter(|needed| !granted.iter().any(|g| g == *needed))
        .map(|s| (*s).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_scopes_are_named_in_order() {
        let granted = vec!["read:log_streams".to_owned(), "read:logs".to_owned()];
        assert_eq!(
            missing(Some(&granted)),
            vec![
                "create:log_streams",
                "update:log_streams",
                "delete:log_streams"
            ]
        );
        assert!(missing(None).is_empty());
    }
}
