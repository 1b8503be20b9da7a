//! Signing a user in to Azure: authorization code with PKCE S256 in the system browser (loopback redirect), or
//! the device code on locked-down machines. Both end in an [`AzureSession`]: who signed in, and a
//! `TokenCredential` over the refresh token kept in the keychain. The exchange runs here; the caller (the
//! webview, the command line) learns only the sign-in link, the device code to type, and who signed in.

use std::borrow::Cow;
use std::sync::Arc;

use azure_client::{AzureClient, AzureEndpoints, Subscription, Tenant};
use azure_core::credentials::TokenCredential;
use cloud_http::{Clock, Secret, Transport};
use keychain::Keychain;
use oauth2::{
    AuthorizationCode, CsrfToken, DeviceCodeErrorResponse, DeviceCodeErrorResponseType,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse as _,
};
use serde::{Deserialize, Serialize};

use crate::config::AzureSignInConfig;
use crate::credential::{CredentialParts, REFRESH_TOKEN_KEY, RefreshTokenCredential};
use crate::error::SignInError;
use crate::loopback::{CallbackPage, LoopbackListener, SignInCancel};
use crate::oauth::{
    OAuthHttp, TokenAnswer, first_line, identity_client, jwt_claims, refused_grant, token_error,
};

/// How the user signed in to Azure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AzureMethod {
    Browser,
    DeviceCode,
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
    /// Where the refresh token is filed in the keychain.
    pub keychain_account: String,
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

    /// The session saved earlier for `account`, if its refresh token is still in the keychain. Whether the
    /// token still works shows on first use ([`SignInError::SignInAgain`] if not).
    pub async fn restore(
        &self,
        account: &AzureAccount,
    ) -> Result<Option<AzureSession>, SignInError> {
        let Some(refresh) = self
            .keychain
            .load(&account.keychain_account, REFRESH_TOKEN_KEY)
            .await?
        else {
            return Ok(None);
        };
        let client_id = self.config.client_id()?.to_owned();
        let credential = RefreshTokenCredential::new(
            self.credential_parts(&account.tenant_id, &client_id, &account.keychain_account),
            refresh,
        );
        Ok(Some(AzureSession {
            account: account.clone(),
            credential: Arc::new(credential),
            endpoints: self.config.endpoints.clone(),
            keychain: self.keychain.clone(),
        }))
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
        Ok(AzureSession {
            account,
            credential: Arc::new(credential),
            endpoints: self.config.endpoints.clone(),
            keychain: self.keychain.clone(),
        })
    }
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
            Ok(code) => {
                tokio::select! {
                    () = cancel.cancelled() => Err(SignInError::Cancelled),
                    session = self.redeem(code) => session,
                }
            }
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

    async fn redeem(&self, code: Secret) -> Result<AzureSession, SignInError> {
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
        let answer = client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(verifier)
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&sign_in.http)
            .await
            .map_err(|e| token_error(e, |refusal| refused_grant(refusal, false)))?;
        sign_in
            .establish(answer, &self.client_id, AzureMethod::Browser)
            .await
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

impl DeviceSignIn {
    /// The code the user types on the verification page (short-lived and useless without the device code).
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
            () = cancel.cancelled() => return Err(SignInError::Cancelled),
            answer = poll => answer.map_err(|e| token_error(e, device_refusal))?,
        };
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

/// A signed-in Azure user: who it is, and the credential the engine uses.
#[derive(Clone)]
pub struct AzureSession {
    account: AzureAccount,
    credential: Arc<RefreshTokenCredential>,
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
    pub fn account(&self) -> &AzureAccount {
        &self.account
    }

    /// What the engine and [`AzureClient`] take.
    pub fn credential(&self) -> Arc<dyn TokenCredential> {
        self.credential.clone()
    }

    pub fn refresh_credential(&self) -> &Arc<RefreshTokenCredential> {
        &self.credential
    }

    /// A Resource Manager client acting as this user in the current tenant.
    pub fn azure_client(&self, transport: Transport) -> AzureClient {
        AzureClient::new(self.endpoints.clone(), self.credential(), transport)
    }

    /// The tenants the user belongs to and the subscriptions of the current tenant, fetched together.
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
    /// tenant that refuses the user is reported here rather than in the middle of the setup.
    pub async fn switch_tenant(&self, tenant_id: &str) -> Result<AzureSession, SignInError> {
        AzureSignInConfig::check_tenant(tenant_id)?;
        let credential = self.credential.for_tenant(tenant_id);
        credential.access_token(&[&self.endpoints.scope]).await?;
        let mut account = self.account.clone();
        account.tenant_id = tenant_id.to_owned();
        Ok(AzureSession {
            account,
            credential: Arc::new(credential),
            endpoints: self.endpoints.clone(),
            keychain: self.keychain.clone(),
        })
    }

    /// Removes everything the app stored for this user from the keychain.
    pub async fn sign_out(&self) -> Result<(), SignInError> {
        self.keychain
            .sign_out(&self.account.keychain_account)
            .await?;
        Ok(())
    }
}
