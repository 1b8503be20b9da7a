//! Signing a user in to Azure: authorization code with PKCE S256 in the system browser (loopback redirect), or
//! the device code on locked-down machines. Both end in an [`AzureSession`]: who signed in, and a
//! `TokenCredential` over the refresh token kept in the keychain. The exchange runs here; the caller (the
//! webview, the command line) learns only the sign-in link, the device code to type, and who signed in.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use azure_client::{
    AzureClient, AzureEndpoints, AzureError, CertificateError, ClientCertificate, Subscription,
    Tenant, azure_cli_credential, service_principal_certificate_credential,
    service_principal_credential,
};
use azure_core::credentials::TokenCredential;
use cloud_http::{Clock, Secret, Transport};
use keychain::Keychain;
use oauth2::{
    AuthorizationCode, CsrfToken, DeviceCodeErrorResponse, DeviceCodeErrorResponseType,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse as _,
};
use serde::{Deserialize, Serialize};

use crate::config::{AzureSignInConfig, is_guid};
use crate::credential::{
    ConsumerCredential, CredentialParts, REFRESH_TOKEN_KEY, RefreshTokenCredential,
};
use crate::error::SignInError;
use crate::loopback::{CallbackPage, LoopbackListener, SignInCancel};
use crate::oauth::{
    OAuthHttp, TokenAnswer, first_line, identity_client, jwt_claims, refused_grant, token_error,
};

/// The keychain key of a service principal's client secret.
const CLIENT_SECRET_KEY: &str = "azure-client-secret";
/// The keychain key of a certificate sign-in's file path: not a secret, but its presence is what makes the
/// sign-in restorable, so signing out (which empties the keychain account) ends it.
const CERTIFICATE_PATH_KEY: &str = "azure-certificate-path";
/// The keychain key of the password of a service principal's certificate file (when it has one).
const CERTIFICATE_PASSWORD_KEY: &str = "azure-certificate-password";
/// The field a certificate file's problems are reported on.
const CERTIFICATE_FIELD: &str = "azure_certificate_path";

/// How the user signed in to Azure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AzureMethod {
    Browser,
    DeviceCode,
    /// An app registration's client id and secret (a service principal).
    ServicePrincipal,
    /// An app registration's client id and a certificate file (PEM or PKCS#12) with its private key.
    ServicePrincipalCertificate,
    /// The signed-in Azure CLI (`az login`).
    AzureCli,
}

/// Who signed in. Safe to show, to send to the webview and to save: it holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureAccount {
    /// The sign-in name (`ada@contoso.com`).
    pub username: String,
    pub display_name: String,
    /// The tenant the credential currently acts in.
    pub tenant_id: String,
    /// The tenant the user signed in to first.
    pub home_tenant_id: String,
    pub object_id: String,
    pub method: AzureMethod,
    /// Where the refresh token, client secret or certificate password is filed in the keychain (unused for
    /// the Azure CLI).
    pub keychain_account: String,
    /// For [`AzureMethod::ServicePrincipalCertificate`]: the certificate file, read again on restore. A path is
    /// not a secret; the file's password (if any) is in the keychain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_path: Option<String>,
}

/// Starts Azure sign-ins for one app registration and cloud.
#[derive(Clone)]
pub struct AzureSignIn {
    config: AzureSignInConfig,
    keychain: Keychain,
    clock: Arc<dyn Clock>,
    http: OAuthHttp,
}

impl std::fmt::Debug for AzureSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureSignIn")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AzureSignIn {
    /// A session of `account` acting through `credential`, against this sign-in's clouds and keychain.
    fn session(&self, account: AzureAccount, credential: Arc<dyn TokenCredential>) -> AzureSession {
        AzureSession::for_credential(
            account,
            credential,
            self.config.endpoints.clone(),
            self.keychain.clone(),
        )
    }

    pub fn new(
        config: AzureSignInConfig,
        keychain: Keychain,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, SignInError> {
        AzureSignInConfig::check_tenant(&config.tenant)?;
        Ok(Self {
            config,
            keychain,
            clock,
            http: OAuthHttp::new()?,
        })
    }

    pub fn config(&self) -> &AzureSignInConfig {
        &self.config
    }

    /// Starts listening on loopback, builds the sign-in link and hands it to `open_url` (which opens the system
    /// browser and says whether it could). Show [`BrowserSignIn::url`] as a copyable link either way.
    pub async fn start_browser(
        &self,
        open_url: impl FnOnce(&str) -> bool,
    ) -> Result<BrowserSignIn, SignInError> {
        let client_id = self.config.client_id()?.to_owned();
        let client = identity_client(
            &self.config.endpoints.authority,
            &self.config.tenant,
            &client_id,
        )?;
        let state = CsrfToken::new_random();
        let listener = LoopbackListener::bind(state.secret().clone()).await?;
        let redirect_uri = listener.redirect_uri();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let redirect =
            RedirectUrl::new(redirect_uri.clone()).map_err(|e| SignInError::Listener {
                detail: e.to_string(),
            })?;
        let (url, _) = client
            .authorize_url(|| state.clone())
            .add_scopes(self.config.sign_in_scopes().into_iter().map(Scope::new))
            .set_pkce_challenge(challenge)
            .set_redirect_uri(Cow::Owned(redirect))
            .add_extra_param("prompt", "select_account")
            .url();
        let url = url.to_string();
        let browser_opened = open_url(&url);
        Ok(BrowserSignIn {
            url,
            browser_opened,
            listener,
            verifier,
            redirect_uri,
            client_id,
            sign_in: self.clone(),
        })
    }

    /// Asks for a device code; show [`DeviceSignIn::user_code`] and [`DeviceSignIn::verification_uri`], then
    /// call [`DeviceSignIn::finish`].
    pub async fn start_device_code(&self) -> Result<DeviceSignIn, SignInError> {
        let client_id = self.config.client_id()?.to_owned();
        let client = identity_client(
            &self.config.endpoints.authority,
            &self.config.tenant,
            &client_id,
        )?;
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(self.config.sign_in_scopes().into_iter().map(Scope::new))
            .request_async(&self.http)
            .await
            .map_err(|e| token_error(e, |refusal| refused_grant(refusal, false)))?;
        Ok(DeviceSignIn {
            details,
            client_id,
            sign_in: self.clone(),
        })
    }

    /// Signs in as a service principal (an app registration's client id and secret), checking the secret by
    /// getting a token, then storing it in the keychain.
    pub async fn with_service_principal(
        &self,
        tenant_id: &str,
        client_id: &str,
        client_secret: Secret,
    ) -> Result<AzureSession, SignInError> {
        let (tenant_id, client_id) = service_principal_ids(tenant_id, client_id)?;
        if client_secret.is_empty() {
            return Err(SignInError::invalid(
                "azure_client_secret",
                "must not be empty",
            ));
        }
        let endpoints = &self.config.endpoints;
        let credential =
            service_principal_credential(endpoints, tenant_id, client_id, &client_secret)?;
        let account = identify_service_principal(
            credential.as_ref(),
            endpoints,
            AzureMethod::ServicePrincipal,
            (tenant_id, client_id),
        )
        .await?;
        self.keychain
            .save(&account.keychain_account, CLIENT_SECRET_KEY, &client_secret)
            .await?;
        Ok(self.session(account, credential))
    }

    /// Signs in as a service principal with a certificate: `certificate_path` is a PEM file (certificate and
    /// private key, what `az ad sp create-for-rbac --create-cert` writes) or PKCS#12 (.pfx/.p12), opened with
    /// `password` if it has one. Checked by getting a token; then the path is kept in the account and the
    /// password (if any) in the keychain. Problems with the file name `azure_certificate_path`.
    pub async fn with_service_principal_certificate(
        &self,
        tenant_id: &str,
        client_id: &str,
        certificate_path: &Path,
        password: Option<Secret>,
    ) -> Result<AzureSession, SignInError> {
        let (tenant_id, client_id) = service_principal_ids(tenant_id, client_id)?;
        let password = password.filter(|p| !p.is_empty());
        let path = certificate_path.to_str().ok_or_else(|| {
            SignInError::invalid(CERTIFICATE_FIELD, "the path must be valid Unicode")
        })?;
        if path.trim().is_empty() {
            return Err(SignInError::invalid(CERTIFICATE_FIELD, "must not be empty"));
        }
        let certificate = read_certificate(certificate_path, password.as_ref()).await?;
        let endpoints = &self.config.endpoints;
        let credential =
            service_principal_certificate_credential(endpoints, tenant_id, client_id, certificate)?;
        let mut account = identify_service_principal(
            credential.as_ref(),
            endpoints,
            AzureMethod::ServicePrincipalCertificate,
            (tenant_id, client_id),
        )
        .await?;
        account.certificate_path = Some(path.to_owned());
        self.keychain
            .save(
                &account.keychain_account,
                CERTIFICATE_PATH_KEY,
                &Secret::new(path),
            )
            .await?;
        match &password {
            Some(password) => {
                self.keychain
                    .save(
                        &account.keychain_account,
                        CERTIFICATE_PASSWORD_KEY,
                        password,
                    )
                    .await?
            }
            None => {
                self.keychain
                    .delete(&account.keychain_account, CERTIFICATE_PASSWORD_KEY)
                    .await?
            }
        }
        Ok(self.session(account, credential))
    }

    /// Reuses the signed-in Azure CLI (`az login`); nothing is stored.
    pub async fn with_azure_cli(&self) -> Result<AzureSession, SignInError> {
        let credential = azure_cli_credential()?;
        let account = identify(
            credential.as_ref(),
            &self.config.endpoints,
            AzureMethod::AzureCli,
        )
        .await?;
        Ok(self.session(account, credential))
    }

    /// The session saved earlier for `account`, if its credential is still in the keychain. Whether a refresh
    /// token still works shows on first use ([`SignInError::SignInAgain`] if not).
    pub async fn restore(
        &self,
        account: &AzureAccount,
    ) -> Result<Option<AzureSession>, SignInError> {
        let endpoints = &self.config.endpoints;
        match account.method {
            AzureMethod::AzureCli => {
                let credential = azure_cli_credential()?;
                Ok(Some(self.session(account.clone(), credential)))
            }
            AzureMethod::ServicePrincipal => {
                let Some(secret) = self
                    .keychain
                    .load(&account.keychain_account, CLIENT_SECRET_KEY)
                    .await?
                else {
                    return Ok(None);
                };
                let credential = service_principal_credential(
                    endpoints,
                    &account.tenant_id,
                    &account.username,
                    &secret,
                )?;
                Ok(Some(self.session(account.clone(), credential)))
            }
            AzureMethod::ServicePrincipalCertificate => {
                let stored = self
                    .keychain
                    .load(&account.keychain_account, CERTIFICATE_PATH_KEY)
                    .await?;
                let (Some(path), Some(_)) = (&account.certificate_path, stored) else {
                    return Ok(None);
                };
                let password = self
                    .keychain
                    .load(&account.keychain_account, CERTIFICATE_PASSWORD_KEY)
                    .await?;
                let certificate = read_certificate(Path::new(path), password.as_ref()).await?;
                let credential = service_principal_certificate_credential(
                    endpoints,
                    &account.tenant_id,
                    &account.username,
                    certificate,
                )?;
                Ok(Some(self.session(account.clone(), credential)))
            }
            AzureMethod::Browser | AzureMethod::DeviceCode => {
                let Some(refresh) = self
                    .keychain
                    .load(&account.keychain_account, REFRESH_TOKEN_KEY)
                    .await?
                else {
                    return Ok(None);
                };
                let client_id = self.config.client_id()?.to_owned();
                let credential = RefreshTokenCredential::new(
                    self.credential_parts(
                        &account.tenant_id,
                        &client_id,
                        &account.keychain_account,
                    ),
                    refresh,
                );
                Ok(Some(AzureSession::for_user(
                    account.clone(),
                    Arc::new(credential),
                    endpoints.clone(),
                    self.keychain.clone(),
                )))
            }
        }
    }

    fn credential_parts(
        &self,
        tenant: &str,
        client_id: &str,
        keychain_account: &str,
    ) -> CredentialParts {
        CredentialParts {
            authority: self.config.endpoints.authority.clone(),
            tenant: tenant.to_owned(),
            client_id: client_id.to_owned(),
            http: self.http.clone(),
            clock: self.clock.clone(),
            renew_margin: self.config.renew_margin,
            keychain: self.keychain.clone(),
            keychain_account: keychain_account.to_owned(),
        }
    }

    /// Turns the token answer of a completed sign-in into a session, storing the refresh token.
    async fn establish(
        &self,
        answer: TokenAnswer,
        client_id: &str,
        method: AzureMethod,
    ) -> Result<AzureSession, SignInError> {
        let refresh = answer
            .refresh_token()
            .map(|t| Secret::new(t.secret().clone()))
            .ok_or_else(|| SignInError::Unexpected {
                detail: "the sign-in returned no refresh token (offline_access was not granted)"
                    .into(),
            })?;
        let account = account_from(&answer, method)?;
        self.keychain
            .save(&account.keychain_account, REFRESH_TOKEN_KEY, &refresh)
            .await?;
        let credential = RefreshTokenCredential::new(
            self.credential_parts(&account.tenant_id, client_id, &account.keychain_account),
            refresh,
        );
        credential
            .remember(&self.config.endpoints.scope, &answer)
            .await;
        Ok(AzureSession::for_user(
            account,
            Arc::new(credential),
            self.config.endpoints.clone(),
            self.keychain.clone(),
        ))
    }
}

/// A service principal's tenant (its own: not `organizations`/`common`) and application id, trimmed.
fn service_principal_ids<'a>(
    tenant_id: &'a str,
    client_id: &'a str,
) -> Result<(&'a str, &'a str), SignInError> {
    let tenant_id = tenant_id.trim();
    if tenant_id.is_empty() || matches!(tenant_id, "organizations" | "common") {
        return Err(SignInError::invalid(
            "azure_tenant_id",
            "a service principal signs in to its own tenant: enter its tenant id or domain",
        ));
    }
    AzureSignInConfig::check_tenant(tenant_id).map_err(|_| {
        SignInError::invalid(
            "azure_tenant_id",
            format!("\"{tenant_id}\" is not a tenant id or domain"),
        )
    })?;
    let client_id = client_id.trim();
    if !is_guid(client_id) {
        return Err(SignInError::invalid(
            "azure_client_id",
            "expect the application (client) id, a GUID such as 00000000-0000-0000-0000-000000000000",
        ));
    }
    Ok((tenant_id, client_id))
}

/// Reads a certificate file (a regular file of at most 64 KiB, see `key_file`), naming
/// `azure_certificate_path` and the file for every problem.
async fn read_certificate(
    path: &Path,
    password: Option<&Secret>,
) -> Result<Arc<ClientCertificate>, SignInError> {
    let bytes = crate::key_file::read_key_file(CERTIFICATE_FIELD, path).await?;
    let password = password.cloned();
    let certificate = tokio::task::spawn_blocking(move || {
        ClientCertificate::from_bytes(&bytes, password.as_ref())
    })
    .await
    .map_err(|e| SignInError::Unexpected {
        detail: e.to_string(),
    })?;
    certificate.map(Arc::new).map_err(|e: CertificateError| {
        SignInError::invalid(CERTIFICATE_FIELD, format!("{}: {e}", path.display()))
    })
}

/// Who a non-interactive credential is, from the claims of a token it obtains (which also proves it works).
/// Who a service principal's credential is, found by getting a token: the account is named by its client id
/// and kept in the keychain under the application and its tenant.
async fn identify_service_principal(
    credential: &dyn TokenCredential,
    endpoints: &AzureEndpoints,
    method: AzureMethod,
    (tenant_id, client_id): (&str, &str),
) -> Result<AzureAccount, SignInError> {
    let mut account = identify(credential, endpoints, method).await?;
    account.username = client_id.to_owned();
    account.keychain_account = format!("azure-app:{client_id}@{tenant_id}");
    Ok(account)
}

async fn identify(
    credential: &dyn TokenCredential,
    endpoints: &AzureEndpoints,
    method: AzureMethod,
) -> Result<AzureAccount, SignInError> {
    let token = credential
        .get_token(&[&endpoints.scope], None)
        .await
        .map_err(|e| AzureError::Credential {
            message: e.to_string(),
        })?;
    let claims = jwt_claims(token.token.secret()).unwrap_or_default();
    let text = |name: &str| claims.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let tenant_id = text("tid").unwrap_or_default();
    let username = text("upn")
        .or_else(|| text("unique_name"))
        .or_else(|| text("appid"))
        .unwrap_or_default();
    Ok(AzureAccount {
        display_name: text("name").unwrap_or_else(|| username.clone()),
        username,
        home_tenant_id: tenant_id.clone(),
        tenant_id,
        object_id: text("oid").unwrap_or_default(),
        method,
        keychain_account: String::new(),
        certificate_path: None,
    })
}

/// Reads who signed in from the ID token (or, failing that, the access token).
fn account_from(answer: &TokenAnswer, method: AzureMethod) -> Result<AzureAccount, SignInError> {
    let claims = answer
        .extra_fields()
        .id_token
        .as_deref()
        .and_then(jwt_claims)
        .or_else(|| jwt_claims(answer.access_token().secret()))
        .ok_or_else(|| SignInError::Unexpected {
            detail: "the sign-in answer does not say who signed in".into(),
        })?;
    let text = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| claims.get(*n).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let tenant_id = text(&["tid"]).ok_or_else(|| SignInError::Unexpected {
        detail: "the sign-in answer names no tenant".into(),
    })?;
    let object_id = text(&["oid", "sub"]).unwrap_or_default();
    let username = text(&["preferred_username", "upn", "unique_name", "email"]).unwrap_or_default();
    let display_name = text(&["name"]).unwrap_or_else(|| username.clone());
    Ok(AzureAccount {
        keychain_account: format!("azure:{object_id}@{tenant_id}"),
        username,
        display_name,
        home_tenant_id: tenant_id.clone(),
        tenant_id,
        object_id,
        method,
        certificate_path: None,
    })
}

/// A browser sign-in in progress: the link is ready, the loopback listener is waiting.
pub struct BrowserSignIn {
    url: String,
    browser_opened: bool,
    listener: LoopbackListener,
    verifier: PkceCodeVerifier,
    redirect_uri: String,
    client_id: String,
    sign_in: AzureSignIn,
}

impl std::fmt::Debug for BrowserSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserSignIn")
            .field("redirect_uri", &self.redirect_uri)
            .field("browser_opened", &self.browser_opened)
            .finish_non_exhaustive()
    }
}

impl BrowserSignIn {
    /// The sign-in link, to show as a copyable link when the browser did not open.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn browser_opened(&self) -> bool {
        self.browser_opened
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser (up to the configured timeout, or until `cancel`), redeems the code with the PKCE
    /// verifier, and tells the browser tab how it ended.
    pub async fn finish(mut self, cancel: &SignInCancel) -> Result<AzureSession, SignInError> {
        let timeout = self.sign_in.config.browser_timeout;
        let (outcome, reply) = self.listener.wait(timeout, cancel).await?.split();
        let result = match outcome {
            Ok(code) => self.redeem(code, cancel).await,
            Err(error) => Err(error),
        };
        reply.send(match &result {
            Ok(session) => CallbackPage::SignedIn {
                who: session.account.username.clone(),
            },
            Err(error) => CallbackPage::Failed {
                message: error.to_string(),
            },
        });
        result
    }

    /// Redeems `code` (abandoned if `cancel` fires meanwhile), then commits: from there on a cancel is refused,
    /// and only then is the refresh token stored.
    async fn redeem(
        &self,
        code: Secret,
        cancel: &SignInCancel,
    ) -> Result<AzureSession, SignInError> {
        let answer = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(SignInError::Cancelled),
            answer = self.exchange(code) => answer?,
        };
        cancel.commit()?;
        self.sign_in
            .establish(answer, &self.client_id, AzureMethod::Browser)
            .await
    }

    async fn exchange(&self, code: Secret) -> Result<TokenAnswer, SignInError> {
        let sign_in = &self.sign_in;
        let client = identity_client(
            &sign_in.config.endpoints.authority,
            &sign_in.config.tenant,
            &self.client_id,
        )?;
        let redirect =
            RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| SignInError::Listener {
                detail: e.to_string(),
            })?;
        let verifier = PkceCodeVerifier::new(self.verifier.secret().clone());
        client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(verifier)
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&sign_in.http)
            .await
            .map_err(|e| token_error(e, |refusal| refused_grant(refusal, false)))
    }
}

/// A device-code sign-in in progress: show the code and the page, then wait.
pub struct DeviceSignIn {
    details: StandardDeviceAuthorizationResponse,
    client_id: String,
    sign_in: AzureSignIn,
}

impl std::fmt::Debug for DeviceSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSignIn")
            .field("user_code", &self.user_code())
            .field("verification_uri", &self.verification_uri())
            .finish_non_exhaustive()
    }
}

/// Entra ID refuses to redeem a refresh token in a directory where the account is not a member or guest
/// (AADSTS50020). Signing in again would not help there, unlike an expired or revoked token.
fn not_in_directory(error: SignInError, tenant: &str) -> SignInError {
    match error {
        SignInError::SignInAgain { detail }
            if detail.as_deref().is_some_and(|d| d.contains("AADSTS50020")) =>
        {
            SignInError::NotInDirectory {
                tenant: tenant.to_owned(),
                detail,
            }
        }
        other => other,
    }
}

impl DeviceSignIn {
    /// The code the user types on the verification page. It is meant to be shown: it expires in minutes and
    /// grants nothing without the device code, which never leaves this struct.
    pub fn user_code(&self) -> &str {
        self.details.user_code().secret()
    }

    pub fn verification_uri(&self) -> &str {
        self.details.verification_uri().as_str()
    }

    pub fn expires_in(&self) -> std::time::Duration {
        self.details.expires_in()
    }

    /// Polls at the interval the server gives (longer after `slow_down`) until approved, declined, expired or
    /// cancelled. Waits go through the injected clock.
    pub async fn finish(self, cancel: &SignInCancel) -> Result<AzureSession, SignInError> {
        let sign_in = &self.sign_in;
        let client = identity_client(
            &sign_in.config.endpoints.authority,
            &sign_in.config.tenant,
            &self.client_id,
        )?;
        let clock = sign_in.clock.clone();
        let sleep = move |wait| {
            let clock = clock.clone();
            async move { clock.sleep(wait).await }
        };
        let poll = client
            .exchange_device_access_token(&self.details)
            .request_async(&sign_in.http, sleep, None);
        let answer = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(SignInError::Cancelled),
            answer = poll => answer.map_err(|e| token_error(e, device_refusal))?,
        };
        // As for the browser: decided before anything is stored, so an accepted cancel always wins.
        cancel.commit()?;
        sign_in
            .establish(answer, &self.client_id, AzureMethod::DeviceCode)
            .await
    }
}

fn device_refusal(answer: &DeviceCodeErrorResponse) -> SignInError {
    match answer.error() {
        DeviceCodeErrorResponseType::ExpiredToken => SignInError::DeviceCodeExpired,
        other => SignInError::Refused {
            error: other.as_ref().to_owned(),
            description: answer.error_description().map(|d| first_line(d)),
        },
    }
}

/// A signed-in Azure identity: who it is, and the credential the engine uses.
#[derive(Clone)]
pub struct AzureSession {
    account: AzureAccount,
    credential: Arc<dyn TokenCredential>,
    /// Set for a user signed in through the browser or a device code.
    user: Option<Arc<RefreshTokenCredential>>,
    endpoints: AzureEndpoints,
    keychain: Keychain,
}

impl std::fmt::Debug for AzureSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureSession")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl AzureSession {
    fn for_user(
        account: AzureAccount,
        credential: Arc<RefreshTokenCredential>,
        endpoints: AzureEndpoints,
        keychain: Keychain,
    ) -> Self {
        Self {
            account,
            credential: credential.clone(),
            user: Some(credential),
            endpoints,
            keychain,
        }
    }

    /// A session over a credential that is not a signed-in user's (service principal, Azure CLI).
    pub(crate) fn for_credential(
        account: AzureAccount,
        credential: Arc<dyn TokenCredential>,
        endpoints: AzureEndpoints,
        keychain: Keychain,
    ) -> Self {
        Self {
            account,
            credential,
            user: None,
            endpoints,
            keychain,
        }
    }

    pub fn account(&self) -> &AzureAccount {
        &self.account
    }

    /// What the engine and [`AzureClient`] take. Give each consumer its own: for a user sign-in, a consumer
    /// asking again for a token it already holds unexpired gets a renewed one (the service refused it early).
    pub fn credential(&self) -> Arc<dyn TokenCredential> {
        match &self.user {
            Some(user) => Arc::new(ConsumerCredential::new(user.clone())),
            None => self.credential.clone(),
        }
    }

    /// The refresh-token credential of a user sign-in (browser or device code).
    pub fn refresh_credential(&self) -> Option<&Arc<RefreshTokenCredential>> {
        self.user.as_ref()
    }

    /// A Resource Manager client acting as this identity in the current tenant.
    pub fn azure_client(&self, transport: Transport) -> AzureClient {
        AzureClient::new(self.endpoints.clone(), self.credential(), transport)
    }

    /// The tenants the identity belongs to and the subscriptions of the current tenant, fetched together.
    pub async fn tenants_and_subscriptions(
        &self,
        transport: Transport,
    ) -> Result<(Vec<Tenant>, Vec<Subscription>), SignInError> {
        let client = self.azure_client(transport);
        let (tenants, subscriptions) =
            tokio::join!(client.list_tenants(), client.list_subscriptions());
        Ok((tenants?, subscriptions?))
    }

    /// The same user acting in `tenant_id`: the refresh token is redeemed against that tenant at once, so a
    /// tenant that refuses the user is reported here rather than in the middle of the setup. Only for a user
    /// sign-in: a service principal belongs to its tenant, and `az login --tenant` switches the Azure CLI's.
    pub async fn switch_tenant(&self, tenant_id: &str) -> Result<AzureSession, SignInError> {
        AzureSignInConfig::check_tenant(tenant_id)?;
        let Some(user) = &self.user else {
            return Err(SignInError::invalid(
                "azure_tenant",
                "switching tenant needs a sign-in with a Microsoft account; a service principal or the Azure \
                 CLI acts in the tenant it was set up for",
            ));
        };
        let credential = user.for_tenant(tenant_id);
        credential
            .access_token(&[&self.endpoints.scope])
            .await
            .map_err(|error| not_in_directory(error, tenant_id))?;
        let mut account = self.account.clone();
        account.tenant_id = tenant_id.to_owned();
        Ok(AzureSession::for_user(
            account,
            Arc::new(credential),
            self.endpoints.clone(),
            self.keychain.clone(),
        ))
    }

    /// Removes everything the app stored for this identity from the keychain.
    pub async fn sign_out(&self) -> Result<(), SignInError> {
        if self.account.method != AzureMethod::AzureCli {
            self.keychain
                .sign_out(&self.account.keychain_account)
                .await?;
        }
        Ok(())
    }

    /// Removes every keychain entry this session's identity wrote that `current`, the sign-in that replaced
    /// it, does not use: all of them for another user, service principal or directory's entry, otherwise those
    /// of the method no longer used (a client secret after switching to a certificate). Switching directory
    /// keeps the same entry, so nothing is removed. Called only once `current` has signed in.
    pub async fn remove_replaced(&self, current: &AzureAccount) -> Result<(), SignInError> {
        let previous = &self.account;
        if previous.method == AzureMethod::AzureCli {
            return Ok(());
        }
        let kept = kept_keys(current);
        if previous.keychain_account != current.keychain_account || kept.is_empty() {
            return self.sign_out().await;
        }
        for key in [
            CLIENT_SECRET_KEY,
            CERTIFICATE_PATH_KEY,
            CERTIFICATE_PASSWORD_KEY,
            REFRESH_TOKEN_KEY,
        ] {
            if !kept.contains(&key) {
                self.keychain.delete(&current.keychain_account, key).await?;
            }
        }
        Ok(())
    }
}

/// The keychain keys a signed-in `account` keeps its credential under.
fn kept_keys(account: &AzureAccount) -> Vec<&'static str> {
    match account.method {
        AzureMethod::ServicePrincipal => vec![CLIENT_SECRET_KEY],
        AzureMethod::ServicePrincipalCertificate => {
            vec![CERTIFICATE_PATH_KEY, CERTIFICATE_PASSWORD_KEY]
        }
        AzureMethod::Browser | AzureMethod::DeviceCode => vec![REFRESH_TOKEN_KEY],
        AzureMethod::AzureCli => Vec::new(),
    }
}
