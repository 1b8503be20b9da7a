//! Signing in to Auth0's Management API. A desktop user cannot be given log-stream rights, so the sign-in is the
//! client-credentials grant of a machine-to-machine application (through `auth0-client`), or a Management API
//! token pasted from the dashboard. Either way the granted scopes are read from the token and the missing ones
//! among those the integration uses are named before any call fails.

use std::path::Path;

use auth0_client::{Auth0Client, Auth0Credentials, Auth0Error};
use cloud_http::{Idempotency, Secret, Transport, parse_endpoint};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use keychain::Keychain;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use crate::custom_domain::canonical_domain;
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
const PRIVATE_KEY_PATH_KEY: &str = "auth0-private-key-path";
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth0Method {
    ClientSecret,
    /// Private-key JWT client authentication: the app signs an assertion with the user's key file.
    PrivateKeyJwt,
    ManagementToken,
}

/// The signing algorithms Auth0 accepts for a private-key JWT that this app offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssertionAlgorithm {
    RS256,
    PS256,
}

/// Who is signed in to Auth0, and what the token may do. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth0Account {
    /// The tenant domain as entered (`acme.eu.auth0.com`, or a custom domain such as `login.acme.com`).
    pub domain: String,
    /// With a custom domain: the tenant's own domain (`acme.eu.auth0.com`), where tokens are requested and
    /// the Management API is called. Not a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_domain: Option<String>,
    /// The machine-to-machine application, for the client-secret and private-key methods.
    pub client_id: Option<String>,
    /// For a pasted token: the application Auth0 issued it to (the dashboard's API Explorer token belongs to
    /// an application of the tenant), read from its claims. `None` when the token does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_client_id: Option<String>,
    pub method: Auth0Method,
    /// For the private-key method: how the assertion is signed (the key file's path is in the keychain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion_algorithm: Option<AssertionAlgorithm>,
    /// `None` for an opaque token whose scopes cannot be read.
    pub granted_scopes: Option<Vec<String>>,
    /// Scopes of [`LOG_STREAM_SCOPES`] the token lacks.
    pub missing_scopes: Vec<String>,
    /// Whether the credential was stored in the keychain (a pasted token only when the user asked).
    pub remembered: bool,
    pub keychain_account: String,
}

/// The application a token was issued to: `azp` in Auth0's token profile, `client_id` in the RFC 9068 profile
/// (<https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles>), else a client-credentials
/// `sub` of the form `{client_id}@clients`.
fn issued_to(claims: &serde_json::Value) -> Option<String> {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    text("azp")
        .or_else(|| text("client_id"))
        .or_else(|| text("sub").and_then(|sub| sub.strip_suffix("@clients")))
        .map(str::to_owned)
}

impl Auth0Account {
    /// The application the tenant knows this sign-in by: the one signed in with, or the one a pasted token was
    /// issued to.
    pub fn application(&self) -> Option<&str> {
        self.client_id
            .as_deref()
            .or(self.token_client_id.as_deref())
    }

    /// Where tokens are requested and the Management API is called: the canonical domain behind a custom
    /// one, else the domain as entered.
    pub fn management_domain(&self) -> &str {
        self.canonical_domain.as_deref().unwrap_or(&self.domain)
    }
}

#[derive(Debug, Clone)]
pub struct Auth0Session {
    pub account: Auth0Account,
    pub client: Auth0Client,
    /// What the setup engine's `Connection` takes (its `Debug` redacts the secret).
    pub credentials: Auth0Credentials,
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

    /// Obtains a token for the M2M application, reads its scopes, and stores the client secret. `canonical`
    /// is the tenant's own domain when `domain` is a custom one (see [`crate::canonical_domain`]).
    pub async fn with_client_secret(
        &self,
        domain: &str,
        canonical: Option<&str>,
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
        let canonical_domain = canonical_domain(&domain, canonical)?;
        let credentials = Auth0Credentials::ClientCredentials {
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
        };
        let management = canonical_domain.as_deref().unwrap_or(&domain);
        let client = Auth0Client::new(
            management,
            None,
            credentials.clone(),
            self.transport.clone(),
        )?;
        let granted = client.scopes().await?;
        let account = Auth0Account {
            keychain_account: format!("auth0:{client_id}@{domain}"),
            domain,
            canonical_domain,
            client_id: Some(client_id),
            token_client_id: None,
            method: Auth0Method::ClientSecret,
            assertion_algorithm: None,
            missing_scopes: missing(granted.as_deref()),
            granted_scopes: granted,
            remembered: true,
        };
        self.keychain
            .save(&account.keychain_account, CLIENT_SECRET_KEY, &client_secret)
            .await?;
        Ok(Auth0Session {
            account,
            client,
            credentials,
        })
    }

    /// Uses a Management API token pasted from the dashboard. It stays in memory unless `remember` is set.
    pub async fn with_management_token(
        &self,
        domain: &str,
        canonical: Option<&str>,
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
        let canonical_domain = canonical_domain(&domain, canonical)?;
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
        let token_client_id = claims.as_ref().and_then(issued_to);
        let token = Secret::new(token.expose().trim());
        let credentials = Auth0Credentials::ManagementToken(token.clone());
        let management = canonical_domain.as_deref().unwrap_or(&domain);
        let client = Auth0Client::new(
            management,
            None,
            credentials.clone(),
            self.transport.clone(),
        )?;
        let granted = client.scopes().await?;
        let account = Auth0Account {
            keychain_account: format!("auth0:token@{domain}"),
            domain,
            canonical_domain,
            client_id: None,
            token_client_id,
            method: Auth0Method::ManagementToken,
            assertion_algorithm: None,
            missing_scopes: missing(granted.as_deref()),
            granted_scopes: granted,
            remembered: remember,
        };
        if remember {
            self.keychain
                .save(&account.keychain_account, MANAGEMENT_TOKEN_KEY, &token)
                .await?;
        }
        Ok(Auth0Session {
            account,
            client,
            credentials,
        })
    }

    /// Obtains a token with a private-key JWT client assertion signed by the key in `key_file` (PEM), and
    /// stores the key file's path (not the key) in the keychain. The token is not renewed within the session
    /// (Auth0 issues them for 24 hours by default); restoring signs a new assertion.
    pub async fn with_private_key(
        &self,
        domain: &str,
        canonical: Option<&str>,
        client_id: &str,
        key_file: &Path,
        algorithm: AssertionAlgorithm,
    ) -> Result<Auth0Session, SignInError> {
        let domain = required("auth0_domain", domain)?;
        let client_id = required("auth0_client_id", client_id)?;
        let canonical_domain = canonical_domain(&domain, canonical)?;
        let management = canonical_domain.as_deref().unwrap_or(&domain);
        let base = parse_endpoint("auth0_domain", management).map_err(Auth0Error::from)?;
        let key = read_private_key(key_file, algorithm).await?;
        let token = self
            .token_by_assertion(&base, &client_id, &key, algorithm)
            .await?;
        let credentials = Auth0Credentials::ManagementToken(token);
        let client = Auth0Client::new(
            management,
            None,
            credentials.clone(),
            self.transport.clone(),
        )?;
        let granted = client.scopes().await?;
        let account = Auth0Account {
            keychain_account: format!("auth0:{client_id}@{domain}"),
            domain,
            canonical_domain,
            client_id: Some(client_id),
            token_client_id: None,
            method: Auth0Method::PrivateKeyJwt,
            assertion_algorithm: Some(algorithm),
            missing_scopes: missing(granted.as_deref()),
            granted_scopes: granted,
            remembered: true,
        };
        let path = key_file.to_str().ok_or_else(|| {
            SignInError::invalid("auth0_private_key_path", "the path must be valid Unicode")
        })?;
        self.keychain
            .save(
                &account.keychain_account,
                PRIVATE_KEY_PATH_KEY,
                &Secret::new(path),
            )
            .await?;
        Ok(Auth0Session {
            account,
            client,
            credentials,
        })
    }

    async fn token_by_assertion(
        &self,
        base: &Url,
        client_id: &str,
        key: &EncodingKey,
        algorithm: AssertionAlgorithm,
    ) -> Result<Secret, SignInError> {
        let now = self.transport.clock().now();
        let assertion = client_assertion(client_id, base.as_str(), key, algorithm, now)?;
        let url = base
            .join("oauth/token")
            .map_err(|e| SignInError::Unexpected {
                detail: e.to_string(),
            })?;
        let audience = format!("{base}api/v2/");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", assertion.expose()),
            ("audience", audience.as_str()),
        ];
        let http = self.transport.client();
        let response = self
            .transport
            .send(
                &|| http.post(url.clone()).form(&form),
                Idempotency::Idempotent,
            )
            .await
            .map_err(Auth0Error::from)?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let text = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        if !status.is_success() {
            let message = [text("error"), text("error_description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            return Err(SignInError::Auth0(Auth0Error::InvalidCredentials {
                message: if message.is_empty() {
                    status.to_string()
                } else {
                    message
                },
            }));
        }
        text("access_token")
            .map(Secret::new)
            .ok_or_else(|| SignInError::Unexpected {
                detail: "Auth0's token answer has no access_token".into(),
            })
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
            (Auth0Method::PrivateKeyJwt, Some(client_id)) => {
                let (Some(path), Some(algorithm)) = (
                    self.keychain
                        .load(&account.keychain_account, PRIVATE_KEY_PATH_KEY)
                        .await?,
                    account.assertion_algorithm,
                ) else {
                    return Ok(None);
                };
                let base = parse_endpoint("auth0_domain", account.management_domain())
                    .map_err(Auth0Error::from)?;
                let key = read_private_key(Path::new(path.expose()), algorithm).await?;
                let token = self
                    .token_by_assertion(&base, client_id, &key, algorithm)
                    .await?;
                Some(Auth0Credentials::ManagementToken(token))
            }
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
        let client = Auth0Client::new(
            account.management_domain(),
            None,
            credentials.clone(),
            self.transport.clone(),
        )?;
        Ok(Some(Auth0Session {
            account: account.clone(),
            client,
            credentials,
        }))
    }

    /// Removes every keychain entry of `account`.
    pub async fn sign_out(&self, account: &Auth0Account) -> Result<(), SignInError> {
        self.keychain.sign_out(&account.keychain_account).await?;
        Ok(())
    }

    /// Removes every keychain entry `previous` wrote that `current`, the sign-in that replaced it, does not
    /// use: all of them when the two are filed under different keychain accounts (another application, another
    /// tenant, a pasted token instead of an application), otherwise those of the method no longer used (a
    /// client secret after switching to a private key, a token no longer remembered). Called only once
    /// `current` has signed in.
    pub async fn remove_replaced(
        &self,
        previous: &Auth0Account,
        current: &Auth0Account,
    ) -> Result<(), SignInError> {
        let kept = kept_keys(current);
        if previous.keychain_account != current.keychain_account || kept.is_empty() {
            return self.sign_out(previous).await;
        }
        for key in [
            CLIENT_SECRET_KEY,
            PRIVATE_KEY_PATH_KEY,
            MANAGEMENT_TOKEN_KEY,
        ] {
            if !kept.contains(&key) {
                self.keychain.delete(&current.keychain_account, key).await?;
            }
        }
        Ok(())
    }
}

/// The keychain keys a signed-in `account` keeps its credential under.
fn kept_keys(account: &Auth0Account) -> Vec<&'static str> {
    match account.method {
        Auth0Method::ClientSecret => vec![CLIENT_SECRET_KEY],
        Auth0Method::PrivateKeyJwt => vec![PRIVATE_KEY_PATH_KEY],
        Auth0Method::ManagementToken if account.remembered => vec![MANAGEMENT_TOKEN_KEY],
        Auth0Method::ManagementToken => Vec::new(),
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

/// Reads a PEM private key for `algorithm`, naming the field when the file is missing or not an RSA key.
async fn read_private_key(
    path: &Path,
    algorithm: AssertionAlgorithm,
) -> Result<EncodingKey, SignInError> {
    let field = "auth0_private_key_path";
    let pem = crate::key_file::read_key_file(field, path).await?;
    let not_a_key = || {
        SignInError::invalid(
            field,
            format!("{} is not an RSA private key in PEM format", path.display()),
        )
    };
    let key = match algorithm {
        AssertionAlgorithm::RS256 | AssertionAlgorithm::PS256 => EncodingKey::from_rsa_pem(&pem),
    }
    .map_err(|_| not_a_key())?;
    // A public key parses too; only signing tells them apart.
    jsonwebtoken::encode(
        &Header::new(jwt_algorithm(algorithm)),
        &serde_json::json!({}),
        &key,
    )
    .map_err(|_| not_a_key())?;
    Ok(key)
}

fn jwt_algorithm(algorithm: AssertionAlgorithm) -> Algorithm {
    match algorithm {
        AssertionAlgorithm::RS256 => Algorithm::RS256,
        AssertionAlgorithm::PS256 => Algorithm::PS256,
    }
}

/// A short-lived assertion: issuer and subject are the client id, the audience is the tenant's URL, and a
/// random `jti` makes every one unique so a captured assertion cannot be replayed.
fn client_assertion(
    client_id: &str,
    audience: &str,
    key: &EncodingKey,
    algorithm: AssertionAlgorithm,
    now: OffsetDateTime,
) -> Result<Secret, SignInError> {
    let header = Header::new(jwt_algorithm(algorithm));
    let issued = now.unix_timestamp();
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": issued,
        "exp": issued + 60,
        "jti": oauth2::CsrfToken::new_random().secret(),
    });
    jsonwebtoken::encode(&header, &claims, key)
        .map(Secret::new)
        .map_err(|e| {
            SignInError::invalid(
                "auth0_private_key_path",
                format!("could not sign with the key: {e}"),
            )
        })
}

/// The tenant's Applications page in the Auth0 Dashboard, where the machine-to-machine application is created.
/// `None` for a custom domain (or the sandbox): the dashboard address cannot be derived from it.
pub fn dashboard_applications_url(domain: &str) -> Option<String> {
    let host = domain
        .trim()
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    let name = host.strip_suffix(".auth0.com")?;
    let (tenant, region) = match name.split('.').collect::<Vec<_>>().as_slice() {
        [tenant] => (tenant.to_string(), "us".to_owned()),
        [tenant, region] => (tenant.to_string(), region.to_string()),
        _ => return None,
    };
    let valid = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    (valid(&tenant) && valid(&region))
        .then(|| format!("https://manage.auth0.com/dashboard/{region}/{tenant}/applications"))
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
    use jsonwebtoken::{DecodingKey, Validation};

    use super::*;

    const KEY: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/test-only-rsa-key.pem"
    );
    const PUBLIC_KEY: &[u8] = include_bytes!("../tests/fixtures/test-only-rsa-key.pub.pem");

    #[tokio::test]
    async fn assertions_are_signed_with_the_key_and_name_the_client_and_tenant() {
        let now = OffsetDateTime::now_utc();
        for (algorithm, jwt_algorithm) in [
            (AssertionAlgorithm::RS256, Algorithm::RS256),
            (AssertionAlgorithm::PS256, Algorithm::PS256),
        ] {
            let key = read_private_key(Path::new(KEY), algorithm).await.unwrap();
            let first =
                client_assertion("m2m-id", "https://acme.eu.auth0.com/", &key, algorithm, now)
                    .unwrap();
            let second =
                client_assertion("m2m-id", "https://acme.eu.auth0.com/", &key, algorithm, now)
                    .unwrap();
            let mut validation = Validation::new(jwt_algorithm);
            validation.set_audience(&["https://acme.eu.auth0.com/"]);
            validation.set_issuer(&["m2m-id"]);
            let decoding = DecodingKey::from_rsa_pem(PUBLIC_KEY).unwrap();
            let claims =
                jsonwebtoken::decode::<serde_json::Value>(first.expose(), &decoding, &validation)
                    .unwrap()
                    .claims;
            assert_eq!(claims["sub"], "m2m-id");
            assert_eq!(
                claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
                60
            );
            let other =
                jsonwebtoken::decode::<serde_json::Value>(second.expose(), &decoding, &validation)
                    .unwrap()
                    .claims;
            assert_ne!(claims["jti"], other["jti"], "every assertion is unique");
        }
    }

    #[tokio::test]
    async fn unreadable_or_wrong_key_files_name_the_field() {
        let missing =
            read_private_key(Path::new("/nonexistent/key.pem"), AssertionAlgorithm::RS256)
                .await
                .err()
                .unwrap();
        assert_eq!(
            missing.problem().field.as_deref(),
            Some("auth0_private_key_path")
        );
        let public = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/test-only-rsa-key.pub.pem"
        );
        let wrong = read_private_key(Path::new(public), AssertionAlgorithm::PS256)
            .await
            .err()
            .unwrap();
        assert!(
            wrong.to_string().contains("not an RSA private key"),
            "{wrong}"
        );
    }

    #[tokio::test]
    async fn key_files_that_are_not_small_regular_files_are_refused_before_parsing() {
        let folder = tempfile::tempdir().unwrap();
        let large = folder.path().join("large.pem");
        std::fs::write(&large, vec![b'a'; 65 * 1024]).unwrap();
        let mut cases = vec![
            (folder.path(), "a folder, not a regular file"),
            (large.as_path(), "larger than 64 KiB"),
        ];
        if cfg!(unix) {
            cases.push((Path::new("/dev/zero"), "not a regular file"));
        }
        for (path, expected) in cases {
            let error = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                read_private_key(path, AssertionAlgorithm::RS256),
            )
            .await
            .expect("refused at once, never read")
            .err()
            .unwrap();
            assert_eq!(
                error.problem().field.as_deref(),
                Some("auth0_private_key_path")
            );
            assert!(error.to_string().contains(expected), "{expected}: {error}");
        }
    }

    #[test]
    fn the_dashboard_applications_page_follows_the_tenant_domain() {
        assert_eq!(
            dashboard_applications_url("acme.eu.auth0.com").as_deref(),
            Some("https://manage.auth0.com/dashboard/eu/acme/applications")
        );
        assert_eq!(
            dashboard_applications_url("https://Acme.auth0.com/").as_deref(),
            Some("https://manage.auth0.com/dashboard/us/acme/applications")
        );
        assert_eq!(dashboard_applications_url("login.acme.com"), None);
        assert_eq!(dashboard_applications_url("http://127.0.0.1:4000"), None);
        assert_eq!(dashboard_applications_url("a.b.c.auth0.com"), None);
    }

    #[test]
    fn a_tokens_application_is_read_from_its_claims() {
        let claims = |json: serde_json::Value| issued_to(&json);
        assert_eq!(
            claims(serde_json::json!({"azp": "app-1", "sub": "app-2@clients"})).as_deref(),
            Some("app-1")
        );
        assert_eq!(
            claims(serde_json::json!({"client_id": "app-3"})).as_deref(),
            Some("app-3")
        );
        assert_eq!(
            claims(serde_json::json!({"sub": "app-2@clients"})).as_deref(),
            Some("app-2")
        );
        assert_eq!(claims(serde_json::json!({"sub": "auth0|ada"})), None);
        assert_eq!(claims(serde_json::json!({"azp": " "})), None);
    }

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
