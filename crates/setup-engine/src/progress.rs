//! The progress file: which steps of which setup are done, and the ids found on the way, so a run that was
//! stopped resumes and `status` can answer without guessing. Versioned JSON in the platform's data folder,
//! written atomically (temporary file, then rename), holding no secret and no webhook URL (it may carry a key).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, SetupError};
use crate::inputs::SetupInputs;
use crate::steps::StepId;

pub const PROGRESS_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressFile {
    pub version: u32,
    /// Keyed by [`setup_key`].
    pub setups: BTreeMap<String, SetupProgress>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetupProgress {
    pub auth0_domain: String,
    pub stream_name: String,
    pub subscription_id: String,
    pub resource_group: String,
    pub event_subscription_name: String,
    /// Steps finished and verified, in order.
    pub completed: Vec<StepId>,
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
    /// A run of this setup created the resource group (step 1 found none and made it). Only then may a
    /// teardown remove the group, and only when it is empty. Kept once set: a later run finds the group.
    #[serde(default)]
    pub resource_group_created: bool,
    /// RFC 3339.
    pub updated_at: String,
}

/// One setup is one Auth0 stream into one resource group of one subscription.
pub fn setup_key(inputs: &SetupInputs) -> String {
    format!(
        "{}|{}|{}|{}",
        inputs.auth0_domain.trim().to_lowercase(),
        inputs.stream_name,
        inputs.subscription_id.to_lowercase(),
        inputs.resource_group.to_lowercase()
    )
}

#[derive(Debug, Clone)]
pub struct ProgressStore {
    path: PathBuf,
}

impl ProgressStore {
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `progress.json` in the platform's data folder (e.g. `~/.local/share/auth0-eventgrid/`).
    pub fn default_location() -> Result<Self, SetupError> {
        let dirs = directories::ProjectDirs::from("com", "Auth0 Event Grid", "auth0-eventgrid").ok_or_else(|| {
            SetupError::new(
                ErrorCode::ProgressFile,
                "Could not find the user's data folder.",
                "Set HOME (or the platform's equivalent) so the progress file has a place to live.",
            )
        })?;
        Ok(Self::at(dirs.data_dir().join("progress.json")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> Result<ProgressFile, SetupError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProgressFile {
                    version: PROGRESS_VERSION,
                    setups: BTreeMap::new(),
                });
            }
            Err(e) => return Err(self.io_error("read", &e)),
        };
        let file: ProgressFile = serde_json::from_slice(&bytes).map_err(|e| {
            SetupError::new(
                ErrorCode::ProgressFile,
                format!("The progress file {} is damaged: {e}", self.path.display()),
                "Delete the file and run the setup again; it detects what already exists, so nothing is duplicated.",
            )
        })?;
        if file.version != PROGRESS_VERSION {
            return Err(SetupError::new(
                ErrorCode::ProgressFile,
                format!(
                    "The progress file {} has version {}, this program reads version {PROGRESS_VERSION}.",
                    self.path.display(),
                    file.version
                ),
                "Use the matching version of the program, or delete the file (the setup re-detects everything).",
            ));
        }
        Ok(file)
    }

    pub fn get(&self, key: &str) -> Result<Option<SetupProgress>, SetupError> {
        Ok(self.load()?.setups.remove(key))
    }

    /// Drops one setup's record (after a teardown), atomically; absent already is fine.
    pub fn remove(&self, key: &str) -> Result<(), SetupError> {
        let mut file = self.load()?;
        if file.setups.remove(key).is_none() {
            return Ok(());
        }
        self.write(&file)
    }

    /// Replaces one setup's record, atomically: a kill leaves either the old file or the new one.
    pub fn put(&self, key: &str, progress: SetupProgress) -> Result<(), SetupError> {
        let mut file = self.load()?;
        file.setups.insert(key.to_owned(), progress);
        self.write(&file)
    }

    fn write(&self, file: &ProgressFile) -> Result<(), SetupError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        private_file::create_private_dir(dir)
            .map_err(|e| self.io_error("create the folder of", &e))?;
        let json = serde_json::to_vec_pretty(file).map_err(|e| {
            SetupError::new(
                ErrorCode::ProgressFile,
                e.to_string(),
                "Report this as a bug.",
            )
        })?;
        private_file::write_private(&self.path, &json).map_err(|e| self.io_error("write", &e))
    }

    fn io_error(&self, action: &str, error: &std::io::Error) -> SetupError {
        SetupError::new(
            ErrorCode::ProgressFile,
            format!(
                "Could not {action} the progress file {}: {error}",
                self.path.display()
            ),
            "Check that the folder exists and is writable.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_versioned() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProgressStore::at(dir.path().join("nested/progress.json"));
        assert_eq!(store.get("k").unwrap(), None);
        let progress = SetupProgress {
            auth0_domain: "acme.auth0.com".into(),
            completed: vec![StepId::PrepareAzure],
            stream_id: Some("lst_1".into()),
            ..SetupProgress::default()
        };
        store.put("k", progress.clone()).unwrap();
        assert_eq!(store.get("k").unwrap(), Some(progress));
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap();
        assert_eq!(raw["version"], 1);
        assert_eq!(
            raw["setups"]["k"]["completed"],
            serde_json::json!(["prepare_azure"])
        );
        let leftovers: Vec<_> = std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            assert_eq!(private_file::mode_of(store.path()).unwrap(), 0o600);
            assert_eq!(
                private_file::mode_of(&dir.path().join("nested")).unwrap(),
                0o700
            );
        }
    }

    #[test]
    fn a_newer_version_is_refused_with_a_remedy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        std::fs::write(&path, r#"{"version": 2, "setups": {}}"#).unwrap();
        let error = ProgressStore::at(&path).load().unwrap_err();
        assert_eq!(error.code, ErrorCode::ProgressFile);
        std::fs::write(&path, "{trunc").unwrap();
        assert!(
            ProgressStore::at(&path)
                .load()
                .unwrap_err()
                .message
                .contains("damaged")
        );
    }

    use proptest::strategy::Strategy as _;

    fn full_file() -> serde_json::Value {
        let progress = SetupProgress {
            auth0_domain: "acme.auth0.com".into(),
            stream_name: "auth0-to-azure".into(),
            subscription_id: "11111111-2222-3333-4444-555555555555".into(),
            resource_group: "auth0-logs".into(),
            event_subscription_name: "auth0-to-webhook".into(),
            completed: vec![StepId::PrepareAzure, StepId::CreateStream],
            stream_id: Some("lst_1".into()),
            partner_topic: Some("auth0-logs-1".into()),
            resource_group_created: true,
            updated_at: "2026-12-05T07:00:00Z".into(),
        };
        serde_json::json!({"version": PROGRESS_VERSION, "setups": {"k": progress}})
    }

    proptest::proptest! {
        // Each case writes and reads a file.
        #![proptest_config(json_fuzz::config(64))]

        #[test]
        fn fuzz_a_damaged_progress_file_is_reported_never_a_panic(
            bytes in proptest::prop_oneof![
                proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
                json_fuzz::mutated(full_file(), json_fuzz::keys_of(&[full_file()]))
                    .prop_map(|v| v.to_string().into_bytes()),
            ]
        ) {
            let dir = tempfile::tempdir().unwrap();
            let store = ProgressStore::at(dir.path().join("progress.json"));
            std::fs::write(store.path(), &bytes).unwrap();
            match store.load() {
                Ok(file) => proptest::prop_assert_eq!(file.version, PROGRESS_VERSION),
                Err(error) => proptest::prop_assert_eq!(error.code, ErrorCode::ProgressFile),
            }
            // A run after a damaged file starts over from what it detects: writing works whatever was there.
            if store.load().is_err() {
                std::fs::remove_file(store.path()).unwrap();
            }
            store.put("k", SetupProgress::default()).unwrap();
        }
    }
}
