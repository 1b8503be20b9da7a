//! Signing in to the user's own clouds one at a time: Azure in the system browser or with a device code,
//! Auth0 with a machine-to-machine application's client credentials. The exchanges run in the `sign-in` crate;
//! the window learns only a link to open, a device code to type, and who signed in. Secrets go to the keychain.

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
}

impl SignInSetup {
    /// The system keychain (or a session-only one that says why) and the public Azure cloud.
    pub async fn system() -> Self {
        Self {
            keychain: Keychain::open_system().await,
            azure_cloud: AzureCloud::Public,
            azure_client_id: None,
            clock: Arc::new(SystemClock),
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

enum Pending {
    Browser(BrowserSignIn),
    Device(DeviceSignIn),
}

/// The sign-ins of this run: one pending Azure sign-in with its Cancel, and the finished sessions.
pub struct CloudAccounts {
    pub setup: SignInSetup,
    accounts: AccountFile,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    pending: Option<Pending>,
    cancel: Option<SignInCancel>,
    azure: Option<AzureSession>,
    auth0: Option<Auth0Session>,
}

impl CloudAccounts {
    pub fn new(setup: SignInSetup, accounts: AccountFile) -> Self {
        Self {
            setup,
            accounts,
            inner: Mutex::default(),
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

    fn azure_sign_in(&self) -> Result<sign_in::AzureSignIn, SetupError> {
        let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
        let config =
            AzureSignInConfig::new(endpoints).with_client_id(self.setup.azure_client_id.clone());
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
        let azure = self.azure_sign_in()?;
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
        Ok(AzureAccountInfo {
            username: account.username,
            display_name: account.display_name,
            tenant_id: account.tenant_id,
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
        Ok(Auth0AccountInfo {
            dashboard_applications_url: sign_in::dashboard_applications_url(&account.domain),
            domain: account.domain,
            client_id: account.client_id,
            missing_scopes: account.missing_scopes,
        })
    }

    /// The engine, once both clouds are signed in and the Auth0 token may do everything the setup needs.
    pub fn engine_session(
        &self,
        folder: &std::path::Path,
    ) -> Result<Option<(Engine, azure_client::AzureClient, SessionInfo)>, SetupError> {
        let inner = self.inner();
        let (Some(azure), Some(auth0)) = (&inner.azure, &inner.auth0) else {
            return Ok(None);
        };
        auth0.require_all_scopes().map_err(|e| setup_error(&e))?;
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

/// The sign-in crate's problem as the app's one error type. Codes without an `ErrorCode` of their own take the
/// closest one, and the sign-in code stays in the message in brackets, for diagnostics.
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
        "AccountFile" => ErrorCode::ProgressFile,
        // AzureAppNotRegistered, SignInCancelled, SignInTimedOut, DeviceCodeExpired, SignInAgain, keychain codes…
        _ => ErrorCode::AzureCredentialsFailed,
    };
    let message = if code == ErrorCode::AzureCredentialsFailed || code == ErrorCode::ProgressFile {
        format!("{} [{}]", problem.message, problem.code)
    } else {
        problem.message
    };
    SetupError {
        code,
        message,
        remedy: problem.remedy,
        field: problem.field,
        correlation_id: None,
    }
}
