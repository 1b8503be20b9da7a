//! The store: one SQLite file, opened per call with a busy timeout so the window and the command line can
//! write at the same time.

use std::path::{Path, PathBuf};

use setup_engine::{HealthReport, SetupError, SetupInputs};

use crate::model::{CheckSince, CreatedResources, SavedSetup, SetupAccounts};

/// A setup to save: its inputs as typed (a webhook URL whole; the store keeps its query out), who it signs in
/// as, and what its runs created.
#[derive(Debug, Clone)]
pub struct NewSetup {
    /// `None`: the stream's name (made unique with " (2)", " (3)"...).
    pub name: Option<String>,
    pub inputs: SetupInputs,
    pub accounts: SetupAccounts,
    pub created: CreatedResources,
}

/// What `save` did: the saved setup, and the webhook URL's query it kept out of the store, for the caller to
/// put in the keychain (`WebhookKeys::keep`).
#[derive(Debug)]
pub struct Saved {
    pub setup: SavedSetup,
    pub webhook_query: Option<setup_engine::Secret>,
}

/// What recording a health report changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthChange {
    /// The checks that are red now and were not in the previous report (what a notification names).
    pub turned_red: Vec<setup_engine::CheckId>,
    pub since: Vec<CheckSince>,
}

/// The opened store, and what the person must hear about it (a damaged file was moved aside).
#[derive(Debug)]
pub struct Opened {
    pub store: SetupStore,
    pub notice: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SetupStore {
    path: PathBuf,
}

impl SetupStore {
    /// Opens (creating, migrating) the store at `path`. A file that is not a store is moved aside and a new
    /// one started (`Opened::notice` says where it went); one written by a newer version is refused, untouched.
    pub fn open(path: impl Into<PathBuf>) -> Result<Opened, SetupError> {
        let _ = path.into();
        todo!("issue 12: the store")
    }

    /// `$AUTH0_EVENTGRID_STORE`, else `setups.db` in the desktop app's folder (`sign_in::app_folder()`).
    pub fn default_path() -> Option<PathBuf> {
        todo!("issue 12: the store")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every saved setup, by name.
    pub fn list(&self) -> Result<Vec<SavedSetup>, SetupError> {
        todo!("issue 12: the store")
    }

    pub fn get(&self, id: i64) -> Result<Option<SavedSetup>, SetupError> {
        let _ = id;
        todo!("issue 12: the store")
    }

    /// By name, ignoring case.
    pub fn find(&self, name: &str) -> Result<Option<SavedSetup>, SetupError> {
        let _ = name;
        todo!("issue 12: the store")
    }

    /// Saves a setup: the one with the same tenant, stream, subscription and resource group is updated (its
    /// name kept unless a new one is given), else a new one is added.
    pub fn save(&self, setup: NewSetup) -> Result<Saved, SetupError> {
        let _ = setup;
        todo!("issue 12: the store")
    }

    /// Refuses an empty name or one another setup has (field `name`).
    pub fn rename(&self, id: i64, name: &str) -> Result<SavedSetup, SetupError> {
        let _ = (id, name);
        todo!("issue 12: the store")
    }

    /// Forgets a setup and its history (nothing in the clouds is touched). `false` when there was none.
    pub fn forget(&self, id: i64) -> Result<bool, SetupError> {
        let _ = id;
        todo!("issue 12: the store")
    }

    /// Records a health report (and the ids it found) as the setup's last, in its history.
    pub fn record_health(
        &self,
        id: i64,
        report: &HealthReport,
    ) -> Result<HealthChange, SetupError> {
        let _ = (id, report);
        todo!("issue 12: the store")
    }
}
