//! Signing in to the user's own clouds one at a time: Azure in the system browser or with a device code,
//! Auth0 with a machine-to-machine application's client credentials. The exchanges run in the `sign-in` crate;
//! the window learns only a link to open, a device code to type, and who signed in. Secrets go to the keychain.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use azure_client::AzureEndpoints;
use cloud_http::{Clock, RetryPolicy, SystemClock, Transport, system_jitter};
use keychain::{Keychain, Persistence};
use serde::{Deserialize, Serialize};
use setup_engine::{
    AzureCloud, Connection, Engine, EngineOptions, ErrorCode, ProgressStore, Secret, SetupError,
};
use sign_in::{
    AccountFile, Auth0Session, Auth0SignIn, AzureSession, AzureSignInConfig, BrowserSignIn,
    DeviceSignIn, SignInCancel, SignInError,
};
use ts_rs::TS;

use crate::session::{Mode, SessionInfo};

/// Where the app signs in: the keychain, the Azure cloud and app registration, and the clock sign-in polls by.
/// The app uses the system keychain and the public cloud; tests pass an in-memory keychain and a sandbox.
#[derive(Clone)]
pub struct SignInSetup {
    pub keychain: Keychain,
    pub azure_cloud: AzureCloud,
    /// The app registration's client id from the settings; `None` keeps the build's default.
    pub azure_client_id: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// Opens a link in the system browser and says whether it could (the opener plugin in the app).
    pub open_url: OpenUrl,
}

pub type OpenUrl = Arc<dyn Fn(&str) -> bool + Send + Sync>;

impl SignInSetup {
    /// The system keychain (or a session-only one that says why) and the public Azure cloud.
    pub async fn system(open_url: OpenUrl) -> Self {
        Self {
            keychain: Keychain::open_system().await,
            azure_cloud: AzureCloud::Public,
            azure_client_id: None,
            clock: Arc::new(SystemClock),
            open_url,
        }
    }
}

/// How to sign in to Azure as a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AzureSignInMethod {
    /// The system browser, back to this app on a local address.
    Browser,
    /// A code typed on another device's browser, for machines where no browser can reach this app.
    DeviceCode,
}

/// What the user must do to finish an Azure sign-in that has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AzureSignInPrompt {
    /// Sign in in the browser; the link is shown too, to copy when no browser opened.
    #[serde(rename_all = "camelCase")]
    Browser { url: String, browser_opened: bool },
    /// Open `verification_uri` anywhere and type `user_code` (meant to be shown; it is not a credential).
    #[serde(rename_all = "camelCase")]
    DeviceCode {
        user_code: String,
        verification_uri: String,
        expires_in_minutes: u32,
    },
}

/// Who is signed in to Azure. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureAccountInfo {
    pub username: String,
    pub display_name: String,
    pub tenant_id: String,
}

/// Who is signed in to Auth0 and which of the scopes the setup needs the token lacks. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0AccountInfo {
    pub domain: String,
    pub client_id: Option<String>,
    pub missing_scopes: Vec<String>,
    /// The tenant's Applications page in the Auth0 Dashboard.
    pub dashboard_applications_url: Option<String>,
}

/// The Auth0 machine-to-machine application typed into the Sign in screen. Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0SignInRequest {
    pub domain: String,
    pub client_id: String,
    pub client_secret: String,
}

/// Whether sign-ins outlive the app: kept in the keychain, or for this session only (with why and what to do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub persistent: bool,
    pub reason: Option<String>,
    pub remedy: Option<String>,
}

/// What the app remembers between runs that is not a secret: the Azure app registration's client id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Empty or absent: the build's default, if it has one.
    pub azure_client_id: Option<String>,
}

/// A page the app opens in the system browser. The window names the page; Rust builds the address, so the
/// window cannot open arbitrary links.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkTarget {
    /// The Applications page of the tenant at `domain`, for the "create the Auth0 application" guide.
    Auth0Applications { domain: String },
    /// The signed-in tenant's log streams in the Auth0 Dashboard.
    Auth0Dashboard,
    /// Event Grid partner topics in the Azure Portal.
    AzurePortal,
    /// The pending browser sign-in's link, again.
    AzureSignIn,
}

/// Event Grid partner topics across the user's subscriptions.
const AZURE_PORTAL_PARTNER_TOPICS: &str =
    "https://portal.azure.com/#browse/Microsoft.EventGrid%2FpartnerTopics";

/// Who was signed in when the app last ran, restored from the keychain. Holds no secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub azure: Option<AzureAccountInfo>,
    pub auth0: Option<Auth0AccountInfo>,
}

enum Pending {
    Browser(BrowserSignIn),
    Device(DeviceSignIn),
}

/// The sign-ins of this run: one pending Azure sign-in with its Cancel, and the finished sessions.
pub struct CloudAccounts {
    pub setup: SignInSetup,
    accounts: AccountFile,
    settings_file: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The settings' client id; `None` until read from the settings file.
    settings: Option<Settings>,
    restored: bool,
    pending: Option<Pending>,
    pending_url: Option<String>,
    cancel: Option<SignInCancel>,
    azure: Option<AzureSession>,
    auth0: Option<Auth0Session>,
}

impl CloudAccounts {
    pub fn new(setup: SignInSetup, accounts: AccountFile, settings_file: PathBuf) -> Self {
        Self {
            setup,
            accounts,
            settings_file,
            inner: Mutex::default(),
        }
    }

    /// The settings, read from the app's folder the first time.
    pub async fn settings(&self) -> Result<Settings, SetupError> {
        if let Some(settings) = self.inner().settings.clone() {
            return Ok(settings);
        }
        let settings = match tokio::fs::read_to_string(&self.settings_file).await {
            Ok(text) => serde_json::from_str(&text).unwrap_or_default(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => return Err(crate::session::folder_error(&self.settings_file, e)),
        };
        self.inner().settings = Some(settings.clone());
        Ok(settings)
    }

    /// Checks and saves the settings; an Azure client id must be a GUID, as Entra ID issues them.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings, SetupError> {
        let azure_client_id = settings
            .azure_client_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        if let Some(id) = &azure_client_id {
            let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
            AzureSignInConfig::new(endpoints)
                .with_client_id(Some(id.clone()))
                .client_id()
                .map_err(|_| {
                    SetupError::invalid(
                        "azure_client_id",
                        "must be an application (client) ID such as 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab",
                    )
                })?;
        }
        let settings = Settings { azure_client_id };
        let text = serde_json::to_string_pretty(&settings).unwrap_or_default();
        if let Some(parent) = self.settings_file.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| crate::session::folder_error(parent, e))?;
        }
        tokio::fs::write(&self.settings_file, text)
            .await
            .map_err(|e| crate::session::folder_error(&self.settings_file, e))?;
        self.inner().settings = Some(settings.clone());
        Ok(settings)
    }

    /// Restores, once per run, the sign-ins the account file names from the keychain. A sign-in whose
    /// credential is gone (or that fails) is simply not restored: the user signs in again.
    pub async fn restore(&self) -> SignedIn {
        if std::mem::replace(&mut self.inner().restored, true) {
            return self.signed_in();
        }
        let Ok(saved) = self.accounts.load().await else {
            return SignedIn::default();
        };
        if let Some(account) = &saved.azure
            && let Ok(azure) = self.azure_sign_in().await
            && let Ok(Some(session)) = azure.restore(account).await
        {
            self.inner().azure = Some(session);
        }
        if let Some(account) = &saved.auth0
            && let Ok(transport) = transport()
            && let Ok(Some(session)) = Auth0SignIn::new(self.setup.keychain.clone(), transport)
                .restore(account)
                .await
        {
            self.inner().auth0 = Some(session);
        }
        self.signed_in()
    }

    fn signed_in(&self) -> SignedIn {
        let inner = self.inner();
        SignedIn {
            azure: inner.azure.as_ref().map(|s| azure_info(s.account())),
            auth0: inner.auth0.as_ref().map(|s| auth0_info(&s.account)),
        }
    }

    /// The address of `target`, built here so the window can only name a page, not give a link.
    pub fn link(&self, target: &LinkTarget) -> Result<String, SetupError> {
        let unavailable = |what: &str| {
            SetupError::new(
                ErrorCode::InvalidInput,
                format!("There is no {what} to open."),
                "Sign in first; the sandbox has no dashboard or portal of its own.",
            )
        };
        match target {
            LinkTarget::Auth0Applications { domain } => sign_in::dashboard_applications_url(domain)
                .ok_or_else(|| {
                    SetupError::invalid(
                        "auth0_domain",
                        "must be your tenant's Auth0 domain, such as acme.eu.auth0.com",
                    )
                }),
            LinkTarget::Auth0Dashboard => self
                .inner()
                .auth0
                .as_ref()
                .and_then(|s| sign_in::dashboard_applications_url(&s.account.domain))
                .map(|url| format!("{}log-streams", url.trim_end_matches("applications")))
                .ok_or_else(|| unavailable("Auth0 Dashboard")),
            LinkTarget::AzurePortal => Ok(AZURE_PORTAL_PARTNER_TOPICS.to_owned()),
            LinkTarget::AzureSignIn => self
                .inner()
                .pending_url
                .clone()
                .ok_or_else(|| unavailable("sign-in link")),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keychain_status(&self) -> KeychainStatus {
        match self.setup.keychain.persistence() {
            Persistence::Keychain => KeychainStatus {
                persistent: true,
                reason: None,
                remedy: None,
            },
            Persistence::SessionOnly { reason, remedy } => KeychainStatus {
                persistent: false,
                reason: Some(reason.clone()),
                remedy: Some(remedy.clone()),
            },
        }
    }

    async fn azure_sign_in(&self) -> Result<sign_in::AzureSignIn, SetupError> {
        let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
        let from_settings = self.settings().await?.azure_client_id;
        let config = AzureSignInConfig::new(endpoints)
            .with_client_id(self.setup.azure_client_id.clone())
            .with_client_id(from_settings);
        sign_in::AzureSignIn::new(
            config,
            self.setup.keychain.clone(),
            self.setup.clock.clone(),
        )
        .map_err(|e| setup_error(&e))
    }

    /// Starts an Azure sign-in (replacing one that was pending) and says what the user must do.
    pub async fn start_azure(
        &self,
        method: AzureSignInMethod,
        open_url: impl FnOnce(&str) -> bool,
    ) -> Result<AzureSignInPrompt, SetupError> {
        self.cancel_azure();
        let azure = self.azure_sign_in().await?;
        let (pending, prompt) = match method {
            AzureSignInMethod::Browser => {
                let browser = azure
                    .start_browser(open_url)
                    .await
                    .map_err(|e| setup_error(&e))?;
                let prompt = AzureSignInPrompt::Browser {
                    url: browser.url().to_owned(),
                    browser_opened: browser.browser_opened(),
                };
                (Pending::Browser(browser), prompt)
            }
            AzureSignInMethod::DeviceCode => {
                let device = azure
                    .start_device_code()
                    .await
                    .map_err(|e| setup_error(&e))?;
                let prompt = AzureSignInPrompt::DeviceCode {
                    user_code: device.user_code().to_owned(),
                    verification_uri: device.verification_uri().to_owned(),
                    expires_in_minutes: minutes(device.expires_in()),
                };
                (Pending::Device(device), prompt)
            }
        };
        let mut inner = self.inner();
        inner.pending_url = match &prompt {
            AzureSignInPrompt::Browser { url, .. } => Some(url.clone()),
            AzureSignInPrompt::DeviceCode {
                verification_uri, ..
            } => Some(verification_uri.clone()),
        };
        inner.pending = Some(pending);
        inner.cancel = Some(SignInCancel::new());
        Ok(prompt)
    }

    /// Waits for the pending Azure sign-in to finish in the browser (or on the device page).
    pub async fn finish_azure(&self) -> Result<AzureAccountInfo, SetupError> {
        let (pending, cancel) = {
            let mut inner = self.inner();
            // The cancel handle stays for `cancel_azure`, which may come while this waits.
            (inner.pending.take(), inner.cancel.clone())
        };
        let (Some(pending), Some(cancel)) = (pending, cancel) else {
            return Err(SetupError::new(
                ErrorCode::InvalidInput,
                "No Azure sign-in is waiting to finish.",
                "Choose how to sign in to Azure first.",
            ));
        };
        let session = match pending {
            Pending::Browser(browser) => browser.finish(&cancel).await,
            Pending::Device(device) => device.finish(&cancel).await,
        }
        .map_err(|e| setup_error(&e))?;
        let account = session.account().clone();
        self.inner().azure = Some(session);
        self.remember().await?;
        tracing::info!(method = ?account.method, "signed in to Azure");
        Ok(azure_info(&account))
    }

    /// Cancels the pending Azure sign-in, if any. The sign-in stays pending so that `finish_azure`, called
    /// before or after, answers "cancelled" either way.
    pub fn cancel_azure(&self) -> bool {
        let inner = self.inner();
        match &inner.cancel {
            Some(cancel) if !cancel.is_cancelled() => {
                cancel.cancel();
                true
            }
            _ => false,
        }
    }

    /// Checks the application's credentials by getting a token at once and reading its scopes.
    pub async fn sign_in_auth0(
        &self,
        request: Auth0SignInRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let auth0 = Auth0SignIn::new(self.setup.keychain.clone(), transport()?);
        let session = auth0
            .with_client_secret(
                request.domain.trim(),
                request.client_id.trim(),
                Secret::new(request.client_secret),
            )
            .await
            .map_err(|e| setup_error(&e))?;
        let account = session.account.clone();
        self.inner().auth0 = Some(session);
        self.remember().await?;
        tracing::info!(missing = account.missing_scopes.len(), "signed in to Auth0");
        Ok(auth0_info(&account))
    }

    /// The engine, once both clouds are signed in and the Auth0 token may do everything the setup needs (an
    /// Azure sign-in finishing after an Auth0 one with missing scopes is still a successful Azure sign-in).
    pub fn engine_session(
        &self,
        folder: &std::path::Path,
    ) -> Result<Option<(Engine, azure_client::AzureClient, SessionInfo)>, SetupError> {
        let inner = self.inner();
        let (Some(azure), Some(auth0)) = (&inner.azure, &inner.auth0) else {
            return Ok(None);
        };
        // The Sign in screen names the missing scopes; the steps wait until the application has them all.
        if !auth0.account.missing_scopes.is_empty() {
            return Ok(None);
        }
        let connection = Connection {
            auth0: auth0.credentials.clone(),
            auth0_audience: None,
            azure_cloud: self.setup.azure_cloud.clone(),
            azure: setup_engine::AzureSignIn::Credential(azure.credential()),
        };
        let progress = ProgressStore::at(folder.join("progress.json"));
        let engine = Engine::connect(connection, EngineOptions::new(progress))?;
        let account = azure.account();
        let info = SessionInfo {
            mode: Mode::Cloud,
            auth0_domain: auth0.account.domain.clone(),
            auth0_identity: auth0.account.client_id.clone().unwrap_or_default(),
            azure_identity: account.username.clone(),
            azure_tenant_id: account.tenant_id.clone(),
            subscription_id: None,
            sandbox_inbox_url: None,
        };
        Ok(Some((engine, azure.azure_client(transport()?), info)))
    }

    /// Signs both clouds out, removing every keychain entry of their accounts and the account summary.
    pub async fn sign_out(&self) -> Result<(), SetupError> {
        self.cancel_azure();
        let (azure, auth0) = {
            let mut inner = self.inner();
            (inner.azure.take(), inner.auth0.take())
        };
        if let Some(azure) = azure {
            azure.sign_out().await.map_err(|e| setup_error(&e))?;
        }
        if let Some(auth0) = auth0 {
            Auth0SignIn::new(self.setup.keychain.clone(), transport()?)
                .sign_out(&auth0.account)
                .await
                .map_err(|e| setup_error(&e))?;
        }
        self.remember().await
    }

    /// Writes who is signed in (no secret) so the next start can restore the sessions from the keychain.
    async fn remember(&self) -> Result<(), SetupError> {
        let accounts = {
            let inner = self.inner();
            sign_in::SignedInAccounts {
                azure: inner.azure.as_ref().map(|s| s.account().clone()),
                auth0: inner.auth0.as_ref().map(|s| s.account.clone()),
            }
        };
        self.accounts
            .save(&accounts)
            .await
            .map_err(|e| setup_error(&e))
    }
}

fn azure_info(account: &sign_in::AzureAccount) -> AzureAccountInfo {
    AzureAccountInfo {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        tenant_id: account.tenant_id.clone(),
    }
}

fn auth0_info(account: &sign_in::Auth0Account) -> Auth0AccountInfo {
    Auth0AccountInfo {
        dashboard_applications_url: sign_in::dashboard_applications_url(&account.domain),
        domain: account.domain.clone(),
        client_id: account.client_id.clone(),
        missing_scopes: account.missing_scopes.clone(),
    }
}

fn minutes(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs().div_ceil(60)).unwrap_or(u32::MAX)
}

fn transport() -> Result<Transport, SetupError> {
    Ok(Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        system_jitter(),
    )?)
}

/// The sign-in crate's problem as the app's one error type, each sign-in code with an `ErrorCode` of its own so
/// the UI can branch on it.
pub fn setup_error(error: &SignInError) -> SetupError {
    let problem = error.problem();
    let code = match problem.code.as_str() {
        "InvalidInput" => ErrorCode::InvalidInput,
        "InsecureEndpoint" => ErrorCode::InsecureEndpoint,
        "NetworkUnreachable" => ErrorCode::NetworkUnreachable,
        "UnexpectedResponse" => ErrorCode::UnexpectedResponse,
        "Auth0CredentialsRejected" => ErrorCode::Auth0CredentialsRejected,
        "Auth0Unauthorized" => ErrorCode::Auth0Unauthorized,
        "Auth0MissingScope" => ErrorCode::Auth0MissingScope,
        "Auth0RequestFailed" => ErrorCode::Auth0RequestFailed,
        "AzureRequestFailed" => ErrorCode::AzureRequestFailed,
        "AzureAppNotRegistered" => ErrorCode::AzureAppNotRegistered,
        "SignInCancelled" => ErrorCode::Cancelled,
        "SignInTimedOut" => ErrorCode::SignInTimedOut,
        "SignInStateMismatch" | "SignInNoCode" | "SignInRefused" => ErrorCode::SignInRejected,
        "DeviceCodeExpired" => ErrorCode::DeviceCodeExpired,
        "SignInAgain" => ErrorCode::SignInAgain,
        "LoopbackUnavailable" => ErrorCode::LoopbackUnavailable,
        "KeychainUnavailable" => ErrorCode::KeychainUnavailable,
        "KeychainValueTooLarge" | "KeychainValueCorrupt" | "KeychainError" => {
            ErrorCode::KeychainFailed
        }
        "AccountFile" => ErrorCode::ProgressFile,
        _ => ErrorCode::AzureCredentialsFailed,
    };
    // Where several sign-in codes share one app code, the precise one stays visible for diagnostics.
    let message = match code {
        ErrorCode::SignInRejected
        | ErrorCode::KeychainFailed
        | ErrorCode::AzureCredentialsFailed
        | ErrorCode::ProgressFile => {
            format!("{} [{}]", problem.message, problem.code)
        }
        _ => problem.message,
    };
    SetupError {
        code,
        message,
        remedy: problem.remedy,
        field: problem.field,
        correlation_id: None,
    }
}
