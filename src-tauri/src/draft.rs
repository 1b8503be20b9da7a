//! The wizard draft: which screen the user is on and everything typed so far (no secret: `SetupInputs`
//! holds none), saved in the app's folder after each change so a restarted app resumes where it stopped.

use std::path::Path;

use serde::{Deserialize, Serialize};
use setup_engine::{ErrorCode, SetupError, SetupInputs};
use ts_rs::TS;

use sign_in::{Mode, folder_error};

const DRAFT_FILE: &str = "draft.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    Welcome,
    SignIn,
    PrepareAzure,
    CreateStream,
    ActivateTopic,
    Subscribe,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub mode: Mode,
    pub screen: Screen,
    pub inputs: SetupInputs,
}

pub fn load(folder: &Path) -> Result<Option<Draft>, SetupError> {
    let path = folder.join(DRAFT_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(folder_error(&path, e)),
    };
    // A draft from another version that no longer parses is dropped, not fatal: the user starts over.
    match serde_json::from_slice(&bytes) {
        Ok(draft) => Ok(Some(draft)),
        Err(error) => {
            tracing::warn!(%error, "ignoring an unreadable wizard draft");
            Ok(None)
        }
    }
}

/// Written to a temporary file first, then renamed, so a crash never leaves half a draft.
pub fn save(folder: &Path, draft: &Draft) -> Result<(), SetupError> {
    std::fs::create_dir_all(folder).map_err(|e| folder_error(folder, e))?;
    let path = folder.join(DRAFT_FILE);
    let temporary = folder.join(format!("{DRAFT_FILE}.tmp"));
    let text = serde_json::to_vec_pretty(draft).map_err(|e| {
        SetupError::new(
            ErrorCode::ProgressFile,
            format!("The draft could not be written: {e}"),
            "Try again.",
        )
    })?;
    std::fs::write(&temporary, text).map_err(|e| folder_error(&temporary, e))?;
    std::fs::rename(&temporary, &path).map_err(|e| folder_error(&path, e))
}

pub fn clear(folder: &Path) -> Result<(), SetupError> {
    let path = folder.join(DRAFT_FILE);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(folder_error(&path, e)),
        _ => Ok(()),
    }
}
