//! The sign-in lifecycle a front end drives, one cloud at a time: Azure in the system browser, with a device
//! code, through the Azure CLI's own sign-in or as a service principal; Auth0 with a machine-to-machine
//! application (client secret or private key) or a pasted Management API token. Started, finished or
//! cancelled, restored from the keychain at the next start, remembered, switched to another directory, signed
//! out. A window learns only a link to open, a device code to type, and who signed in. Secrets go to the
//! keychain (a pasted token only when the user asks) or stay in memory.

mod auth0;
mod azure;
mod connection;
mod key_files;
mod links;
mod restore;
mod settings;
mod sign_out;
mod types;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use azure_client::AzureEndpoints;
use cloud_http::{Clock, RetryPolicy, SystemClock, Transport, system_jitter};
use keychain::{Keychain, Persistence};
use setup_engine::{AzureCloud, ErrorCode, SetupError};

use crate::{
    AccountFile, Auth0Method, Auth0Session, Auth0SignIn, AzureMethod, AzureSession,
    AzureSignInConfig, BrowserSignIn, DeviceSignIn, SignInCancel,
};

pub use connection::SignedInConnection;
pub use types::*;

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
    /// Signing in with `keychain` to `azure_cloud`, where no browser is opened for the person and no file
    /// dialog asks them anything (the command line restoring sign-ins, tests); the build's client id.
    pub fn without_window(keychain: Keychain, azure_cloud: AzureCloud) -> Self {
        Self {
            keychain,
            azure_cloud,
            azure_client_id: None,
            clock: Arc::new(SystemClock),
            open_url: Arc::new(|_: &str| false),
            choose_file: Arc::new(|_| Box::pin(async { None })),
        }
    }

    /// The system keychain (or a session-only one that says why) and the public Azure cloud.
    /// The keychain is asked whether it answers by its first use, not here, so a window needs not wait for it.
    pub fn system(open_url: OpenUrl, choose_file: ChooseFile) -> Self {
        Self {
            keychain: Keychain::system(),
            azure_cloud: AzureCloud::Public,
            azure_client_id: None,
            clock: Arc::new(SystemClock),
            open_url,
            choose_file,
        }
    }
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
    /// One save of the account file at a time, each reading the sessions once it holds this: two saves that
    /// overlap (a sign-in finishing while a sign-out runs) cannot leave the older picture on disk.
    remembering: tokio::sync::Mutex<()>,
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
    /// Counts every change of the signed-in sessions, so an engine built from them knows when it is stale.
    changes: u64,
    /// Counts Azure sign-outs, so a browser or device sign-in that committed before a sign-out and finished
    /// after it is not kept (`finish_azure`).
    azure_sign_outs: u64,
    /// The key and certificate files chosen in the file dialog, by the handles the window was given.
    key_files: key_files::KeyFiles,
}

impl Inner {
    fn set_azure(&mut self, session: Option<AzureSession>) -> Option<AzureSession> {
        self.changes += 1;
        if session.is_none() {
            self.azure_sign_outs += 1;
        }
        std::mem::replace(&mut self.azure, session)
    }

    fn set_auth0(&mut self, session: Option<Auth0Session>) -> Option<Auth0Session> {
        self.changes += 1;
        std::mem::replace(&mut self.auth0, session)
    }
}

/// The desktop app's identifier, which names its folder (and files its keychain items).
pub const APP_IDENTIFIER: &str = keychain::SERVICE;

/// The folder the desktop app keeps its account list and settings in: Tauri's app config folder, the
/// platform's config folder (`$XDG_CONFIG_HOME`, Application Support, `%APPDATA%`) and the app's identifier.
/// The command line looks there for the sign-ins the window remembered.
pub fn app_folder() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join(APP_IDENTIFIER))
}

impl CloudAccounts {
    /// The sign-ins kept in `folder`: its account list (`accounts.json`, who signed in) and settings
    /// (`settings.json`, the app registration's client id), with the credentials in `setup`'s keychain.
    pub fn in_folder(setup: SignInSetup, folder: &Path) -> Self {
        Self::new(
            setup,
            AccountFile::at(folder.join("accounts.json")),
            folder.join("settings.json"),
        )
    }

    pub fn new(setup: SignInSetup, accounts: AccountFile, settings_file: PathBuf) -> Self {
        Self {
            setup,
            accounts,
            settings_file,
            inner: Mutex::default(),
            remembering: tokio::sync::Mutex::new(()),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes whenever a cloud is signed in, restored, replaced or signed out: an engine built from
    /// [`connection`](Self::connection) while it had another value holds credentials that may be gone.
    pub fn sign_in_generation(&self) -> u64 {
        self.inner().changes
    }

    pub async fn keychain_status(&self) -> KeychainStatus {
        match self.setup.keychain.persistence().await {
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

    async fn azure_sign_in(&self) -> Result<crate::AzureSignIn, SetupError> {
        let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
        let from_settings = self.settings().await?.azure_client_id;
        let config = AzureSignInConfig::new(endpoints)
            .with_client_id(self.setup.azure_client_id.clone())
            .with_client_id(from_settings);
        crate::AzureSignIn::new(
            config,
            self.setup.keychain.clone(),
            self.setup.clock.clone(),
        )
        .map_err(SetupError::from)
    }

    fn auth0_sign_in(&self) -> Result<Auth0SignIn, SetupError> {
        Ok(Auth0SignIn::new(self.setup.keychain.clone(), transport()?))
    }

    /// Writes who is signed in (no secret) so the next start can restore the sessions from the keychain.
    async fn remember(&self) -> Result<(), SetupError> {
        let _one_at_a_time = self.remembering.lock().await;
        let accounts = {
            let inner = self.inner();
            crate::SignedInAccounts {
                azure: inner.azure.as_ref().map(|s| s.account().clone()),
                auth0: inner.auth0.as_ref().map(|s| s.account.clone()),
            }
        };
        self.accounts
            .save(&accounts)
            .await
            .map_err(SetupError::from)
    }
}

fn azure_info(account: &crate::AzureAccount) -> AzureAccountInfo {
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

fn auth0_info(account: &crate::Auth0Account) -> Auth0AccountInfo {
    Auth0AccountInfo {
        dashboard_applications_url: crate::dashboard_applications_url(account.management_domain()),
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

/// The app's folder could not be read or written.
fn folder_error(path: &Path, error: std::io::Error) -> SetupError {
    SetupError::new(
        ErrorCode::ProgressFile,
        format!("Could not write {}: {error}", path.display()),
        "Check that the app's folder is writable and has free space, then try again.",
    )
}
