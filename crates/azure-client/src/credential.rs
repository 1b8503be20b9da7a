//! Credentials. Real clouds use `azure_identity` (`ClientSecretCredential`, `ClientCertificateCredential`,
//! `AzureCliCredential`). azure_identity refuses an authority that is not https, so for a loopback authority
//! (the sandbox) the same client-credentials exchanges (secret, or a client assertion signed with the
//! certificate's key) are done here, behind the same `TokenCredential` trait.

use std::sync::Arc;
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::SecretBytes;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error as CoreError, ErrorKind};
use azure_core::http::ClientOptions;
use azure_identity::{
    AzureCliCredential, ClientCertificateCredential, ClientCertificateCredentialOptions,
    ClientSecretCredential, ClientSecretCredentialOptions,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cloud_http::{Secret, is_loopback};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::sign::Signer;
use serde::Deserialize;
use time::OffsetDateTime;
use url::Url;

use crate::certificate::ClientCertificate;
use crate::cloud::AzureEndpoints;
use crate::error::AzureError;

/// A service principal's client-secret credential for the given cloud.
pub fn service_principal_credential(
    endpoints: &AzureEndpoints,
    tenant_id: &str,
    client_id: &str,
    client_secret: &Secret,
) -> Result<Arc<dyn TokenCredential>, AzureError> {
    if is_loopback(&endpoints.authority) {
        return Ok(Arc::new(ClientSecretHttpCredential::new(
            &endpoints.authority,
            tenant_id,
            client_id,
            client_secret.clone(),
        )?));
    }
    let options = ClientSecretCredentialOptions {
        client_options: cloud_options(endpoints),
    };
    let credential = ClientSecretCredential::new(
        tenant_id,
        client_id.to_owned(),
        azure_core::credentials::Secret::new(client_secret.expose().to_owned()),
        Some(options),
    )
    .map_err(|e| AzureError::Credential {
        message: e.to_string(),
    })?;
    Ok(credential)
}

/// A service principal's certificate credential for the given cloud: azure_identity's
/// `ClientCertificateCredential` (PKCS#12 in memory) for real clouds, [`ClientCertificateHttpCredential`] for a
/// loopback authority.
pub fn service_principal_certificate_credential(
    endpoints: &AzureEndpoints,
    tenant_id: &str,
    client_id: &str,
    certificate: Arc<ClientCertificate>,
) -> Result<Arc<dyn TokenCredential>, AzureError> {
    if is_loopback(&endpoints.authority) {
        return Ok(Arc::new(ClientCertificateHttpCredential::new(
            &endpoints.authority,
            tenant_id,
            client_id,
            certificate,
        )?));
    }
    let pkcs12 = certificate
        .to_pkcs12()
        .map_err(|e| AzureError::Credential {
            message: format!("the certificate {e}"),
        })?;
    let options = ClientCertificateCredentialOptions {
        client_options: cloud_options(endpoints),
        password: None,
    };
    let credential = ClientCertificateCredential::new(
        tenant_id.to_owned(),
        client_id.to_owned(),
        SecretBytes::new(pkcs12),
        Some(options),
    )
    .map_err(|e| AzureError::Credential {
        message: e.to_string(),
    })?;
    Ok(credential)
}

/// azure_identity's options pointing at the cloud's authority.
fn cloud_options(endpoints: &AzureEndpoints) -> ClientOptions {
    let mut client_options = ClientOptions::default();
    let mut custom = CustomConfiguration::default();
    custom.authority_host = endpoints
        .authority
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    client_options.cloud = Some(Arc::new(CloudConfiguration::Custom(custom)));
    client_options
}

/// Reuses the signed-in Azure CLI (`az login`).
pub fn azure_cli_credential() -> Result<Arc<dyn TokenCredential>, AzureError> {
    let credential = AzureCliCredential::new(None).map_err(|e| AzureError::Credential {
        message: e.to_string(),
    })?;
    Ok(credential)
}

/// The identity platform's token endpoint `{authority}/{tenant}/oauth2/v2.0/token` for one client, over
/// reqwest: what the secret and the certificate credentials share. No cache: the Resource Manager client
/// caches, and asks again when a token is refused.
struct TokenEndpoint {
    token_url: Url,
    client_id: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenRefusal {
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenEndpoint {
    fn new(authority: &Url, tenant_id: &str, client_id: &str) -> Result<Self, AzureError> {
        let bad = |detail: String| AzureError::Credential { message: detail };
        if tenant_id.is_empty()
            || !tenant_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        {
            return Err(bad(format!("\"{tenant_id}\" is not a valid tenant id")));
        }
        let token_url = authority
            .join(&format!("{tenant_id}/oauth2/v2.0/token"))
            .map_err(|e| bad(e.to_string()))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            // A token endpoint never redirects; following one would re-post the secret elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            token_url,
            client_id: client_id.to_owned(),
            http,
        })
    }

    /// The client-credentials grant for `scopes`, authenticated by `authentication` (secret or assertion).
    async fn client_credentials(
        &self,
        scopes: &[&str],
        authentication: &[(&str, &str)],
    ) -> azure_core::Result<AccessToken> {
        let scope = scopes.join(" ");
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        form.extend_from_slice(authentication);
        // A client-credentials grant repeated only issues another token, so what did not get an answer, was
        // throttled or failed on the server's side is asked again, as azure_identity's pipeline does.
        let mut attempt = 0u32;
        let (status, body) = loop {
            attempt += 1;
            let last = attempt >= TOKEN_ATTEMPTS;
            let (status, retry_after, body) = match self.exchange(&form).await {
                Ok(answer) => answer,
                Err(error) if !last => {
                    tracing::debug!("token request failed, asking again: {error}");
                    tokio::time::sleep(token_backoff(attempt, None)).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            let transient =
                status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if !transient || last {
                break (status, body);
            }
            tokio::time::sleep(token_backoff(attempt, retry_after)).await;
        };
        if !status.is_success() {
            let refusal: Option<TokenRefusal> = serde_json::from_slice(&body).ok();
            let detail = refusal
                .map(|r| {
                    format!(
                        "{}: {}",
                        r.error.unwrap_or_default(),
                        r.error_description.unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| status.to_string());
            return Err(CoreError::with_message(
                ErrorKind::Credential,
                format!("the identity platform refused the client credentials ({status}) {detail}"),
            ));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|e| CoreError::with_message(ErrorKind::DataConversion, e.to_string()))?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        Ok(AccessToken::new(
            // azure_core keeps its own copy in its own secret type, which is what TokenCredential hands out.
            azure_core::credentials::Secret::new(answer.access_token.expose().to_owned()),
            OffsetDateTime::now_utc() + lifetime,
        ))
    }

    /// One token request: its status, the seconds `Retry-After` asks for, and its body.
    async fn exchange(
        &self,
        form: &[(&str, &str)],
    ) -> azure_core::Result<(reqwest::StatusCode, Option<u64>, Vec<u8>)> {
        let response = self
            .http
            .post(self.token_url.clone())
            .form(form)
            .send()
            .await
            .map_err(|e| {
                CoreError::with_message(
                    ErrorKind::Connection,
                    format!("token request failed: {}", cloud_http::error_text(e)),
                )
            })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = response
            .bytes()
            .await
            .map_err(|e| CoreError::with_message(ErrorKind::Io, e.to_string()))?;
        Ok((status, retry_after, body.to_vec()))
    }
}

/// Token requests per token, the first included.
const TOKEN_ATTEMPTS: u32 = 5;

/// The wait before asking for a token again: what `Retry-After` asked (at most 5 s), else 100 ms doubling.
fn token_backoff(attempt: u32, retry_after: Option<u64>) -> Duration {
    match retry_after {
        Some(seconds) => Duration::from_secs(seconds.min(5)),
        None => Duration::from_millis(100 * 2u64.pow(attempt.min(5))),
    }
}

/// A service principal's client secret against a loopback authority.
pub struct ClientSecretHttpCredential {
    endpoint: TokenEndpoint,
    client_secret: Secret,
}

impl std::fmt::Debug for ClientSecretHttpCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecretHttpCredential")
            .field("token_url", &self.endpoint.token_url.as_str())
            .field("client_id", &self.endpoint.client_id)
            .finish_non_exhaustive()
    }
}

impl ClientSecretHttpCredential {
    pub fn new(
        authority: &Url,
        tenant_id: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Result<Self, AzureError> {
        Ok(Self {
            endpoint: TokenEndpoint::new(authority, tenant_id, client_id)?,
            client_secret,
        })
    }
}

#[async_trait::async_trait]
impl TokenCredential for ClientSecretHttpCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.endpoint
            .client_credentials(scopes, &[("client_secret", self.client_secret.expose())])
            .await
    }
}

/// A service principal's certificate against a loopback authority: every token request carries a new client
/// assertion (RS256, `x5t` = the certificate's SHA-1 thumbprint in base64url, `aud` = the token endpoint,
/// five minutes, a random `jti`), as Microsoft's certificate credentials are specified.
pub struct ClientCertificateHttpCredential {
    endpoint: TokenEndpoint,
    certificate: Arc<ClientCertificate>,
}

impl std::fmt::Debug for ClientCertificateHttpCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificateHttpCredential")
            .field("token_url", &self.endpoint.token_url.as_str())
            .field("client_id", &self.endpoint.client_id)
            .field("thumbprint", &self.certificate.thumbprint())
            .finish_non_exhaustive()
    }
}

const ASSERTION_LIFETIME_SECS: i64 = 300;
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

impl ClientCertificateHttpCredential {
    pub fn new(
        authority: &Url,
        tenant_id: &str,
        client_id: &str,
        certificate: Arc<ClientCertificate>,
    ) -> Result<Self, AzureError> {
        Ok(Self {
            endpoint: TokenEndpoint::new(authority, tenant_id, client_id)?,
            certificate,
        })
    }

    fn assertion(&self, now: OffsetDateTime) -> Result<Secret, ErrorStack> {
        let header = serde_json::json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": URL_SAFE_NO_PAD.encode(self.certificate.thumbprint_bytes()),
        });
        let mut jti = [0u8; 16];
        openssl::rand::rand_bytes(&mut jti)?;
        let issued = now.unix_timestamp();
        let claims = serde_json::json!({
            "aud": self.endpoint.token_url.as_str(),
            "iss": self.endpoint.client_id,
            "sub": self.endpoint.client_id,
            "jti": URL_SAFE_NO_PAD.encode(jti),
            "nbf": issued,
            "iat": issued,
            "exp": issued + ASSERTION_LIFETIME_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signer = Signer::new(MessageDigest::sha256(), self.certificate.key())?;
        signer.update(signing_input.as_bytes())?;
        let signature = signer.sign_to_vec()?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

#[async_trait::async_trait]
impl TokenCredential for ClientCertificateHttpCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let assertion = self.assertion(OffsetDateTime::now_utc()).map_err(|e| {
            CoreError::with_message(
                ErrorKind::Credential,
                format!("could not sign the client assertion: {e}"),
            )
        })?;
        self.endpoint
            .client_credentials(
                scopes,
                &[
                    ("client_assertion_type", CLIENT_ASSERTION_TYPE),
                    ("client_assertion", assertion.expose()),
                ],
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::AzureCloud;

    #[test]
    fn every_cloud_gets_a_credential_and_loopback_gets_the_http_one() {
        let secret = Secret::new("s");
        for cloud in [
            AzureCloud::Public,
            AzureCloud::UsGovernment,
            AzureCloud::China,
        ] {
            let endpoints = AzureEndpoints::for_cloud(&cloud).unwrap();
            let credential = service_principal_credential(
                &endpoints,
                "00000000-0000-0000-0000-000000000001",
                "c",
                &secret,
            );
            let text = format!("{:?}", credential.unwrap());
            assert!(text.contains("ClientSecretCredential"), "{cloud:?}: {text}");
            assert!(!text.contains("\"s\""));
        }
        let sandbox = AzureEndpoints::for_cloud(&AzureCloud::Custom {
            authority: "http://127.0.0.1:4001".into(),
            management: "http://127.0.0.1:4002".into(),
        })
        .unwrap();
        let credential = service_principal_credential(&sandbox, "tenant-1", "c", &secret).unwrap();
        let text = format!("{credential:?}");
        assert!(
            text.contains("ClientSecretHttpCredential")
                && text.contains("127.0.0.1:4001/tenant-1/oauth2/v2.0/token"),
            "{text}"
        );
        assert!(service_principal_credential(&sandbox, "bad tenant/..", "c", &secret).is_err());
    }

    #[test]
    fn real_clouds_get_azure_identity_certificates_and_loopback_the_http_one() {
        let pem = cloud_sandbox::testing::KeyPair::new().combined_pem(None);
        let certificate = Arc::new(ClientCertificate::from_bytes(&pem, None).unwrap());
        let public = AzureEndpoints::for_cloud(&AzureCloud::Public).unwrap();
        let credential = service_principal_certificate_credential(
            &public,
            "00000000-0000-0000-0000-000000000001",
            "c",
            certificate.clone(),
        )
        .unwrap();
        let text = format!("{credential:?}");
        assert!(text.contains("ClientCertificateCredential"), "{text}");
        let sandbox = AzureEndpoints::for_cloud(&AzureCloud::Custom {
            authority: "http://127.0.0.1:4001".into(),
            management: "http://127.0.0.1:4002".into(),
        })
        .unwrap();
        let credential =
            service_principal_certificate_credential(&sandbox, "tenant-1", "c", certificate)
                .unwrap();
        let text = format!("{credential:?}");
        assert!(
            text.contains("ClientCertificateHttpCredential") && !text.contains("PRIVATE"),
            "{text}"
        );
    }
}
