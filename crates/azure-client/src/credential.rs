//! Credentials. Real clouds use `azure_identity` (`ClientSecretCredential`, `AzureCliCredential`).
//! `ClientSecretCredential` refuses an authority that is not https, so for a loopback authority (the
//! sandbox) the same client-credentials exchange is done here, behind the same `TokenCredential` trait.

use std::sync::Arc;
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error as CoreError, ErrorKind};
use azure_core::http::ClientOptions;
use azure_identity::{AzureCliCredential, ClientSecretCredential, ClientSecretCredentialOptions};
use cloud_http::{Secret, is_loopback};
use serde::Deserialize;
use time::OffsetDateTime;
use url::Url;

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
    let mut client_options = ClientOptions::default();
    let mut custom = CustomConfiguration::default();
    custom.authority_host = endpoints
        .authority
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    client_options.cloud = Some(Arc::new(CloudConfiguration::Custom(custom)));
    let options = ClientSecretCredentialOptions { client_options };
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

/// Reuses the signed-in Azure CLI (`az login`).
pub fn azure_cli_credential() -> Result<Arc<dyn TokenCredential>, AzureError> {
    let credential = AzureCliCredential::new(None).map_err(|e| AzureError::Credential {
        message: e.to_string(),
    })?;
    Ok(credential)
}

/// OAuth 2.0 client credentials against `{authority}/{tenant}/oauth2/v2.0/token`, over reqwest. No cache:
/// the Resource Manager client caches, and asks again when a token is refused.
pub struct ClientSecretHttpCredential {
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    http: reqwest::Client,
}

impl std::fmt::Debug for ClientSecretHttpCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecretHttpCredential")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenRefusal {
    error: Option<String>,
    error_description: Option<String>,
}

impl ClientSecretHttpCredential {
    pub fn new(
        authority: &Url,
        tenant_id: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Result<Self, AzureError> {
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
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            token_url,
            client_id: client_id.to_owned(),
            client_secret,
            http,
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
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("scope", scope.as_str()),
        ];
        let response = self
            .http
            .post(self.token_url.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                CoreError::with_message(ErrorKind::Connection, format!("token request failed: {e}"))
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| CoreError::with_message(ErrorKind::Io, e.to_string()))?;
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
            azure_core::credentials::Secret::new(answer.access_token),
            OffsetDateTime::now_utc() + lifetime,
        ))
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
}
