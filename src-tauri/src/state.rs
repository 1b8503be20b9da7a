//! What the app keeps between commands: where its folder is, the signed-in session (an engine wired to
//! Auth0 and Azure, or to the in-process sandbox), the run in progress so it can be cancelled, the built-in
//! sandbox once started, and the saved setups with the alerts their checks raised.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use azure_client::AzureClient;
use cloud_sandbox::{RunningSandbox, SandboxHandle, SandboxInfo};
use setup_engine::{Engine, SetupError};
use setup_store::{SetupStore, WebhookKeys};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

use crate::desktop::Desktop;
use crate::setups::HealthAlert;
use sign_in::CloudAccounts;
use sign_in::SessionInfo;

/// The file the saved setups live in, in the app's folder (unless `AUTH0_EVENTGRID_STORE` names another).
const STORE_FILE: &str = "setups.db";

/// One signed-in session: the engine plus what the window may know about it.
pub struct Session {
    pub engine: Arc<Engine>,
    /// The same Azure sign-in, for what the wizard lists (subscriptions) outside the engine's steps.
    pub azure: AzureClient,
    pub info: SessionInfo,
    /// The sandbox the engine talks to, when the user chose to try the app with it.
    pub sandbox: Option<SandboxHandle>,
}

/// The built-in sandbox, started in this process, and the engine signed in to it. The wizard's sandbox session
/// and the checks of sandbox setups share it, so a check never starts a second sandbox beside the wizard's.
pub struct SandboxSession {
    pub running: RunningSandbox,
    pub engine: Arc<Engine>,
    pub azure: AzureClient,
    pub info: SessionInfo,
}

impl SandboxSession {
    pub fn session(&self) -> Session {
        Session {
            engine: self.engine.clone(),
            azure: self.azure.clone(),
            info: self.info.clone(),
            sandbox: Some(self.running.handle()),
        }
    }
}

/// The engine that checks cloud setups when the wizard's session is not a cloud one (the sandbox's, or none yet),
/// built from the remembered sign-ins and kept while they stay the same, so repeated checks reuse its tokens.
pub struct CloudChecks {
    /// `CloudAccounts::sign_in_generation` when it was built.
    pub generation: u64,
    pub engine: Arc<Engine>,
    pub info: SessionInfo,
}

/// The saved setups as the app opened them: the store (or why it could not be opened), what to tell the person
/// about it once, the keychain entries of their webhook queries, and the alerts raised since the app started.
pub struct SavedSetups {
    store: Result<SetupStore, SetupError>,
    notice: Mutex<Option<String>>,
    pub webhook_keys: WebhookKeys,
    alerts: Mutex<Vec<HealthAlert>>,
}

impl SavedSetups {
    /// Opens the store at `path`. One that cannot be opened (a newer version wrote it) does not stop the app:
    /// every command on the saved setups answers why.
    pub fn open(path: &Path, webhook_keys: WebhookKeys) -> Self {
        let (store, notice) = match SetupStore::open(path) {
            Ok(opened) => (Ok(opened.store), opened.notice),
            Err(error) => {
                tracing::error!(path = %path.display(), error = %error.message, "the saved setups could not be opened");
                (Err(error), None)
            }
        };
        if let Some(notice) = &notice {
            tracing::warn!("{notice}");
        }
        Self {
            store,
            notice: Mutex::new(notice),
            webhook_keys,
            alerts: Mutex::default(),
        }
    }

    pub fn store(&self) -> Result<SetupStore, SetupError> {
        self.store.clone()
    }

    /// What to tell the person about the store (a damaged file moved aside): once.
    pub fn take_notice(&self) -> Option<String> {
        lock(&self.notice).take()
    }

    pub fn raise(&self, alert: HealthAlert) {
        lock(&self.alerts).push(alert);
    }

    /// Newest first.
    pub fn alerts(&self) -> Vec<HealthAlert> {
        lock(&self.alerts).iter().rev().cloned().collect()
    }
}

pub struct AppState {
    /// The app's own folder: the wizard draft, the saved setups and the sandbox's world live here, never a
    /// secret.
    pub folder: PathBuf,
    /// Sign-ins to the user's own clouds, one at a time, before they become a session.
    pub accounts: CloudAccounts,
    pub setups: SavedSetups,
    /// The save dialog and the clipboard the exports use.
    pub desktop: Desktop,
    /// Woken when the settings change, so the schedule picks up a new interval at once.
    pub schedule_changed: Notify,
    session: Mutex<Option<Session>>,
    /// The saved setup the wizard's draft was last saved as, until the draft is cleared.
    wizard_setup: Mutex<Option<i64>>,
    run: Mutex<Option<AbortHandle>>,
    sandbox: tokio::sync::Mutex<Option<SandboxSession>>,
    cloud_checks: Mutex<Option<CloudChecks>>,
}

impl AppState {
    pub fn new(folder: PathBuf, accounts: CloudAccounts, desktop: Desktop) -> Self {
        let webhook_keys = WebhookKeys::new(accounts.setup.keychain.clone());
        let setups = SavedSetups::open(&store_path(&folder), webhook_keys);
        Self {
            folder,
            accounts,
            setups,
            desktop,
            schedule_changed: Notify::new(),
            session: Mutex::new(None),
            wizard_setup: Mutex::new(None),
            run: Mutex::new(None),
            sandbox: tokio::sync::Mutex::new(None),
            cloud_checks: Mutex::new(None),
        }
    }

    /// A poisoned lock only means another command panicked; the data is still usable.
    pub fn wizard_setup(&self) -> MutexGuard<'_, Option<i64>> {
        self.wizard_setup.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn session(&self) -> MutexGuard<'_, Option<Session>> {
        lock(&self.session)
    }

    pub fn run(&self) -> MutexGuard<'_, Option<AbortHandle>> {
        lock(&self.run)
    }

    pub fn cloud_checks(&self) -> MutexGuard<'_, Option<CloudChecks>> {
        lock(&self.cloud_checks)
    }

    /// The built-in sandbox's session, started (with the world and ports it had last time) when it is not
    /// running.
    pub async fn sandbox_session(&self) -> Result<Session, SetupError> {
        let mut slot = self.sandbox.lock().await;
        if let Some(running) = slot.as_ref() {
            return Ok(running.session());
        }
        let running = sign_in::start_sandbox(&self.folder).await?;
        let (engine, azure, info) = sign_in::sandbox_session(&running, &self.folder)?;
        tracing::info!(auth0 = %info.auth0_domain, "started the built-in sandbox");
        let started = SandboxSession {
            running,
            engine: Arc::new(engine),
            azure,
            info,
        };
        let session = started.session();
        *slot = Some(started);
        Ok(session)
    }

    /// Stops the built-in sandbox, if it runs; its world stays in the app's folder.
    pub async fn stop_sandbox(&self) {
        let running = self.sandbox.lock().await.take();
        if let Some(sandbox) = running {
            sandbox.running.shutdown().await;
        }
    }

    /// The running sandbox's addresses and seeded credentials (for tests that act on it as an administrator
    /// would); never sent to the window.
    pub async fn sandbox_info(&self) -> Option<SandboxInfo> {
        let slot = self.sandbox.lock().await;
        slot.as_ref().map(|s| s.running.info().clone())
    }
}

/// `AUTH0_EVENTGRID_STORE` (the command line's variable, so both can be pointed at one file), else the app's
/// folder.
fn store_path(folder: &Path) -> PathBuf {
    std::env::var_os("AUTH0_EVENTGRID_STORE")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| folder.join(STORE_FILE))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
