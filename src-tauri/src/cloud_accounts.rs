//! Signing in to the user's own clouds one at a time: Azure in the system browser, with a device code, through
//! the Azure CLI's own sign-in or as a service principal; Auth0 with a machine-to-machine application (client
//! secret or private key) or a pasted Management API token. The exchanges run in the `sign-in` crate; the
//! window learns only a link to open, a device code to type, and who signed in. Secrets go to the keychain (a
//! pasted token only when the user asks) or stay in memory.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use azure_client::AzureEndpoints;
use cloud_http::{Clock, RetryPolicy, SystemClock, Transport, system_jitter};
use keychain::{Keychain, Persistence};
use serde::{Deserialize, Serialize};
use setup_engine::{
    AzureCloud, AzureCloudKind, Connection, Engine, EngineOptions, ErrorCode, ProgressStore,
    Secret, SetupError,
};
use sign_in::{
    AccountFile, AssertionAlgorithm, Auth0Method, Auth0Session, Auth0SignIn, AzureMethod,
    AzureSession, AzureSignInConfig, BrowserSignIn, DeviceSignIn, SignInCancel, SignInError,
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
    /// Asks the person for a key or certificate file (the system's file dialog in the app).
    pub choose_file: ChooseFile,
}

pub type OpenUrl = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What the file dialog is asked for: its title and the kind of file it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChoice {
    pub title: String,
    pub filter_name: &'static str,
    pub extensions: &'static [&'static str],
}

/// Asks the person to pick a file and answers its path, or `None` when they closed the dialog.
pub type ChooseFile =
    Arc<dyn Fn(FileChoice) -> Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>> + Send + Sync>;

impl SignInSetup {
    /// The system keychain (or a session-only one that says why) and the public Azure cloud.
    pub async fn system(open_url: OpenUrl, choose_file: ChooseFile) -> Self {
        Self {
            keychain: Keychain::open_system().await,
            azure_cloud: AzureCloud::Public,
            azure_client_id: None,
            clock: Arc::new(SystemClock),
            open_url,
            choose_file,
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

/// How an Azure identity signed in; decides what it may do afterwards (only a person switches directory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AzureAccountMethod {
    Browser,
    DeviceCode,
    /// An app registration's client id and secret.
    ServicePrincipal,
    /// An app registration's client id and a certificate file with its private key.
    Certificate,
    /// The Azure CLI's own sign-in (`az login`), borrowed; nothing is stored by this app.
    AzureCli,
}

/// Who is signed in to Azure. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureAccountInfo {
    pub username: String,
    pub display_name: String,
    /// The directory (tenant) the sign-in acts in now.
    pub tenant_id: String,
    pub method: AzureAccountMethod,
}

/// How the Auth0 side signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Auth0AccountMethod {
    ClientSecret,
    PrivateKey,
    ManagementToken,
}

/// Who is signed in to Auth0 and which of the scopes the setup needs the token lacks. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0AccountInfo {
    /// The domain as typed (a custom domain stays a custom domain).
    pub domain: String,
    /// Behind a custom domain: the tenant's own domain, where the Management API is used.
    pub canonical_domain: Option<String>,
    pub client_id: Option<String>,
    pub missing_scopes: Vec<String>,
    /// The tenant's Applications page in the Auth0 Dashboard.
    pub dashboard_applications_url: Option<String>,
    pub method: Auth0AccountMethod,
    /// Whether the credential outlives the app (a pasted token only when the user asked).
    pub remembered: bool,
}

/// The Auth0 machine-to-machine application typed into the Sign in screen. Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0SignInRequest {
    pub domain: String,
    /// The tenant's own domain (`acme.eu.auth0.com`) when `domain` is a custom one; empty or absent otherwise.
    #[serde(default)]
    pub canonical_domain: Option<String>,
    pub client_id: String,
    pub client_secret: String,
}

/// An Auth0 application that proves who it is with a private key (private-key JWT). The window sends the key
/// file's path, never the key; the path is kept in the keychain so a restart can sign a new assertion.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0PrivateKeyRequest {
    pub domain: String,
    /// As in [`Auth0SignInRequest`].
    #[serde(default)]
    pub canonical_domain: Option<String>,
    pub client_id: String,
    pub key_file: String,
    pub algorithm: KeyAlgorithm,
}

/// How the client assertion is signed: what the application's credential in Auth0 was registered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
pub enum KeyAlgorithm {
    RS256,
    PS256,
}

/// A Management API token pasted from the Auth0 Dashboard. Kept in memory unless `remember` is set. Not
/// `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0TokenRequest {
    pub domain: String,
    /// As in [`Auth0SignInRequest`].
    #[serde(default)]
    pub canonical_domain: Option<String>,
    pub token: String,
    pub remember: bool,
}

/// An Azure app registration signing in as itself (a service principal). Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureServicePrincipalRequest {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
}

/// An Azure app registration signing in with a certificate: the file's path (PEM with the private key, or
/// PKCS#12) and its password if it has one. Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureCertificateRequest {
    pub tenant_id: String,
    pub client_id: String,
    pub certificate_file: String,
    /// Empty or absent: the file has no password.
    pub password: Option<String>,
}

/// A file the user picks in the system's file dialog; decides the dialog's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyFileKind {
    /// A PEM private key (`.pem`, `.key`).
    Auth0PrivateKey,
    /// A certificate with its private key (`.pem`, `.pfx`, `.p12`).
    AzureCertificate,
}

/// One cloud, for signing out of it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CloudName {
    Azure,
    Auth0,
}

/// A directory (tenant) the signed-in Azure identity belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TenantChoice {
    pub tenant_id: String,
    pub display_name: Option<String>,
    pub default_domain: Option<String>,
}

/// The directories the Azure identity can reach, the one it acts in, and whether it may switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureTenants {
    pub current: String,
    pub tenants: Vec<TenantChoice>,
    /// Subscriptions the identity can see in the current directory.
    pub subscription_count: u32,
    /// Only a person's sign-in (browser or device code) moves between directories.
    pub can_switch: bool,
}

/// What the Settings screen shows: the app registration, the keychain, who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsOverview {
    pub settings: Settings,
    /// The client id this build (or its environment) uses when the settings name none.
    pub default_azure_client_id: Option<String>,
    /// The one command an administrator runs to register the app in Microsoft Entra ID.
    pub registration_command: String,
    pub keychain: KeychainStatus,
    pub signed_in: SignedIn,
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
                .and_then(|s| sign_in::dashboard_applications_url(s.account.management_domain()))
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

    fn auth0_sign_in(&self) -> Result<Auth0SignIn, SetupError> {
        Ok(Auth0SignIn::new(self.setup.keychain.clone(), transport()?))
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
        self.adopt_azure(session).await
    }

    /// Keeps `session` as this run's Azure sign-in and remembers who it is for the next start.
    async fn adopt_azure(&self, session: AzureSession) -> Result<AzureAccountInfo, SetupError> {
        let account = session.account().clone();
        self.inner().azure = Some(session);
        self.remember().await?;
        tracing::info!(method = ?account.method, "signed in to Azure");
        Ok(azure_info(&account))
    }

    /// Borrows the Azure CLI's sign-in (`az login`): the CLI hands out the tokens, this app stores nothing.
    pub async fn sign_in_azure_cli(&self) -> Result<AzureAccountInfo, SetupError> {
        if find_on_path(AZURE_CLI).is_none() {
            return Err(SetupError {
                field: Some("azure_cli".into()),
                ..SetupError::new(
                    ErrorCode::AzureCredentialsFailed,
                    "The Azure CLI (az) is not installed on this computer, or not on its PATH.",
                    "Install the Azure CLI, run \"az login\" in a terminal, then try again. Or choose another way \
                     to sign in to Azure.",
                )
            });
        }
        let azure = self.azure_sign_in().await?;
        let session = azure.with_azure_cli().await.map_err(|e| {
            let mut error = setup_error(&e);
            error.field = Some("azure_cli".into());
            error.remedy = "Run \"az login\" in a terminal (add --tenant with your directory's id to pick \
                            one), then try again. \"az account show\" tells who the Azure CLI is signed in as."
                .into();
            error
        })?;
        self.adopt_azure(session).await
    }

    /// Signs in as an app registration with its client secret, checked at once by getting a token.
    pub async fn sign_in_azure_service_principal(
        &self,
        request: AzureServicePrincipalRequest,
    ) -> Result<AzureAccountInfo, SetupError> {
        let azure = self.azure_sign_in().await?;
        let session = azure
            .with_service_principal(
                &request.tenant_id,
                &request.client_id,
                Secret::new(request.client_secret),
            )
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_azure(session).await
    }

    /// Signs in as an app registration with a certificate file, checked at once by getting a token; the path
    /// is remembered and the password (if any) kept in the keychain.
    pub async fn sign_in_azure_certificate(
        &self,
        request: AzureCertificateRequest,
    ) -> Result<AzureAccountInfo, SetupError> {
        let certificate_file = chosen_file(
            &request.certificate_file,
            "azure_certificate_path",
            "choose the certificate file (PEM with its private key, or .pfx)",
            "the certificate file, such as /home/ada/keys/event-grid-setup.pem",
        )?;
        let azure = self.azure_sign_in().await?;
        let session = azure
            .with_service_principal_certificate(
                &request.tenant_id,
                &request.client_id,
                certificate_file,
                request.password.map(Secret::new),
            )
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_azure(session).await
    }

    /// The directories the Azure identity belongs to, and how many subscriptions it sees in the current one.
    pub async fn azure_tenants(&self) -> Result<AzureTenants, SetupError> {
        let session = self.azure_session()?;
        let (tenants, subscriptions) = session
            .tenants_and_subscriptions(transport()?)
            .await
            .map_err(|e| setup_error(&e))?;
        let account = session.account();
        Ok(AzureTenants {
            current: account.tenant_id.clone(),
            tenants: tenants
                .into_iter()
                .map(|tenant| TenantChoice {
                    tenant_id: tenant.tenant_id,
                    display_name: tenant.display_name,
                    default_domain: tenant.default_domain,
                })
                .collect(),
            subscription_count: u32::try_from(subscriptions.len()).unwrap_or(u32::MAX),
            can_switch: session.refresh_credential().is_some(),
        })
    }

    /// Moves the signed-in person to another directory: a token is obtained there at once (so a directory
    /// that refuses them says so now), and the choice is remembered for the next start.
    pub async fn switch_azure_tenant(
        &self,
        tenant_id: &str,
    ) -> Result<AzureAccountInfo, SetupError> {
        let tenant_id = tenant_id.trim();
        if tenant_id.is_empty() {
            return Err(SetupError::invalid(
                "azure_tenant",
                "choose the directory to switch to",
            ));
        }
        let session = self.azure_session()?;
        let switched = session
            .switch_tenant(tenant_id)
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_azure(switched).await
    }

    fn azure_session(&self) -> Result<AzureSession, SetupError> {
        self.inner().azure.clone().ok_or_else(|| {
            SetupError::new(
                ErrorCode::AzureCredentialsFailed,
                "You are not signed in to Azure.",
                "Sign in to Azure on the Sign in screen first.",
            )
        })
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
        let session = self
            .auth0_sign_in()?
            .with_client_secret(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                request.client_id.trim(),
                Secret::new(request.client_secret),
            )
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_auth0(session).await
    }

    /// Gets a token with a client assertion signed by the key in `key_file`; the key file's path (not the key)
    /// is kept in the keychain so that a restart can sign in again.
    pub async fn sign_in_auth0_private_key(
        &self,
        request: Auth0PrivateKeyRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let key_file = chosen_file(
            &request.key_file,
            "auth0_private_key_path",
            "choose the private key file (PEM) of the application",
            "the key file, such as /home/ada/keys/auth0-private.pem",
        )?;
        let algorithm = match request.algorithm {
            KeyAlgorithm::RS256 => AssertionAlgorithm::RS256,
            KeyAlgorithm::PS256 => AssertionAlgorithm::PS256,
        };
        let session = self
            .auth0_sign_in()?
            .with_private_key(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                request.client_id.trim(),
                key_file,
                algorithm,
            )
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_auth0(session).await
    }

    /// Uses a Management API token pasted from the Auth0 Dashboard, checked at once; it is kept in the
    /// keychain only when the user asked for that.
    pub async fn sign_in_auth0_token(
        &self,
        request: Auth0TokenRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let session = self
            .auth0_sign_in()?
            .with_management_token(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                Secret::new(request.token),
                request.remember,
            )
            .await
            .map_err(|e| setup_error(&e))?;
        self.adopt_auth0(session).await
    }

    async fn adopt_auth0(&self, session: Auth0Session) -> Result<Auth0AccountInfo, SetupError> {
        let account = session.account.clone();
        self.inner().auth0 = Some(session);
        self.remember().await?;
        tracing::info!(method = ?account.method, missing = account.missing_scopes.len(), "signed in to Auth0");
        Ok(auth0_info(&account))
    }

    /// The application the tenant knows the Auth0 sign-in by: the one signed in with, or the one a pasted token
    /// was issued to. The test event names it.
    pub fn auth0_application(&self) -> Option<String> {
        let inner = self.inner();
        let account = &inner.auth0.as_ref()?.account;
        account.application().map(str::to_owned)
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
            // Behind a custom domain the setup talks to the tenant's own domain (the Management API's).
            auth0_domain: auth0.account.management_domain().to_owned(),
            auth0_identity: auth0.account.client_id.clone().unwrap_or_default(),
            azure_identity: account.username.clone(),
            azure_tenant_id: account.tenant_id.clone(),
            subscription_id: None,
            sandbox_inbox_url: None,
            azure_cloud: AzureCloudKind::of(&self.setup.azure_cloud),
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

    /// Asks for a key or certificate file; only its path comes back (the file is read when signing in).
    pub async fn choose_key_file(
        &self,
        kind: KeyFileKind,
        title: String,
    ) -> Result<Option<String>, SetupError> {
        let (filter_name, extensions): (&'static str, &'static [&'static str]) = match kind {
            KeyFileKind::Auth0PrivateKey => ("PEM (*.pem, *.key)", &["pem", "key"]),
            KeyFileKind::AzureCertificate => {
                ("PEM, PKCS#12 (*.pem, *.pfx, *.p12)", &["pem", "pfx", "p12"])
            }
        };
        let choice = FileChoice {
            title,
            filter_name,
            extensions,
        };
        let Some(path) = (self.setup.choose_file)(choice).await else {
            return Ok(None);
        };
        let field = match kind {
            KeyFileKind::Auth0PrivateKey => "auth0_private_key_path",
            KeyFileKind::AzureCertificate => "azure_certificate_path",
        };
        path.to_str().map(|path| Some(path.to_owned())).ok_or_else(|| {
            SetupError::invalid(
                field,
                "the chosen file's path has characters this app cannot pass on: move or rename the file",
            )
        })
    }

    /// Signs one cloud out, removing its keychain entries; the other stays signed in.
    pub async fn sign_out_cloud(&self, cloud: CloudName) -> Result<(), SetupError> {
        match cloud {
            CloudName::Azure => {
                self.cancel_azure();
                let azure = self.inner().azure.take();
                if let Some(azure) = azure {
                    azure.sign_out().await.map_err(|e| setup_error(&e))?;
                }
            }
            CloudName::Auth0 => {
                let auth0 = self.inner().auth0.take();
                if let Some(auth0) = auth0 {
                    self.auth0_sign_in()?
                        .sign_out(&auth0.account)
                        .await
                        .map_err(|e| setup_error(&e))?;
                }
            }
        }
        self.remember().await
    }

    /// Everything the Settings screen shows, with the sign-ins of the last run restored first.
    pub async fn overview(&self) -> Result<SettingsOverview, SetupError> {
        let signed_in = self.restore().await;
        let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
        let default_azure_client_id = AzureSignInConfig::new(endpoints)
            .with_client_id(self.setup.azure_client_id.clone())
            .client_id()
            .ok()
            .map(str::to_owned);
        Ok(SettingsOverview {
            settings: self.settings().await?,
            default_azure_client_id,
            registration_command: sign_in::registration_command(),
            keychain: self.keychain_status(),
            signed_in,
        })
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

/// The key or certificate file a sign-in reads, as the user chose it: a full path, checked before anything
/// is read; `full_path` says which file the path must name.
fn chosen_file<'a>(
    path: &'a str,
    field: &str,
    choose: &str,
    full_path: &str,
) -> Result<&'a Path, SetupError> {
    let path = Path::new(path.trim());
    if path.as_os_str().is_empty() {
        return Err(SetupError::invalid(field, choose));
    }
    if !path.is_absolute() {
        return Err(SetupError::invalid(
            field,
            format!("must be the full path of {full_path}"),
        ));
    }
    Ok(path)
}

fn azure_info(account: &sign_in::AzureAccount) -> AzureAccountInfo {
    AzureAccountInfo {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        tenant_id: account.tenant_id.clone(),
        method: match account.method {
            AzureMethod::Browser => AzureAccountMethod::Browser,
            AzureMethod::DeviceCode => AzureAccountMethod::DeviceCode,
            AzureMethod::ServicePrincipal => AzureAccountMethod::ServicePrincipal,
            AzureMethod::ServicePrincipalCertificate => AzureAccountMethod::Certificate,
            AzureMethod::AzureCli => AzureAccountMethod::AzureCli,
        },
    }
}

fn auth0_info(account: &sign_in::Auth0Account) -> Auth0AccountInfo {
    Auth0AccountInfo {
        dashboard_applications_url: sign_in::dashboard_applications_url(
            account.management_domain(),
        ),
        domain: account.domain.clone(),
        canonical_domain: account.canonical_domain.clone(),
        client_id: account.client_id.clone(),
        missing_scopes: account.missing_scopes.clone(),
        method: match account.method {
            Auth0Method::ClientSecret => Auth0AccountMethod::ClientSecret,
            Auth0Method::PrivateKeyJwt => Auth0AccountMethod::PrivateKey,
            Auth0Method::ManagementToken => Auth0AccountMethod::ManagementToken,
        },
        remembered: account.remembered,
    }
}

/// The Azure CLI's command, as the shell finds it (`az.cmd` on Windows).
const AZURE_CLI: &str = "az";

/// The file `PATH` would run for `program`, if any: checked before the Azure CLI is asked for a token so that
/// a missing CLI is named plainly instead of surfacing as a shell error.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names: &[&str] = if cfg!(windows) {
        &[".cmd", ".exe", ".bat"]
    } else {
        &[""]
    };
    std::env::split_paths(&path)
        .flat_map(|folder| {
            names
                .iter()
                .map(move |ext| folder.join(format!("{program}{ext}")))
        })
        .find(|candidate| candidate.is_file())
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
        "SignInStateMismatch" | "SignInNoCode" | "SignInRefused" | "SignInNotInDirectory" => {
            ErrorCode::SignInRejected
        }
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
