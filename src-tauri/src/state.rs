//! What the app keeps between commands: where its folder is, the signed-in session (an engine wired to
//! Auth0 and Azure, or to the in-process sandbox), and the run in progress so it can be cancelled.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use azure_client::AzureClient;
use cloud_sandbox::RunningSandbox;
use setup_engine::Engine;
use tokio::task::AbortHandle;

use sign_in::CloudAccounts;
use sign_in::SessionInfo;

/// One signed-in session: the engine plus what the window may know about it.
pub struct Session {
    pub engine: Arc<Engine>,
    /// The same Azure sign-in, for what the wizard lists (subscriptions) outside the engine's steps.
    pub azure: AzureClient,
    pub info: SessionInfo,
    /// The sandbox the engine talks to, when the user chose to try the app with it.
    pub sandbox: Option<RunningSandbox>,
}

pub struct AppState {
    /// The app's own folder: the wizard draft and the sandbox's world live here, never a secret.
    pub folder: PathBuf,
    /// Sign-ins to the user's own clouds, one at a time, before they become a session.
    pub accounts: CloudAccounts,
    session: Mutex<Option<Session>>,
    run: Mutex<Option<AbortHandle>>,
}

impl AppState {
    pub fn new(folder: PathBuf, accounts: CloudAccounts) -> Self {
        Self {
            folder,
            accounts,
            session: Mutex::new(None),
            run: Mutex::new(None),
        }
    }

    /// A poisoned lock only means another command panicked; the data is still usable.
    pub fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn run(&self) -> MutexGuard<'_, Option<AbortHandle>> {
        self.run.lock().unwrap_or_else(|e| e.into_inner())
    }
}
