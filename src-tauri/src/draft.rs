//! The wizard draft: which screen the user is on and everything typed so far (no secret: `SetupInputs`
//! holds none), saved in the app's folder after each change so a restarted app resumes where it stopped.
//! On disk the inputs are a setup document (`setup: {"version": 1, "inputs": ...}`), the same file shape the
//! CLI's `--config` reads; the window sees only `Draft`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use setup_engine::{ErrorCode, SetupDocument, SetupError, SetupInputs};
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

/// `draft.json`: where the wizard is, and the setup as a document.
#[derive(Serialize)]
struct DraftFile {
    mode: Mode,
    screen: Screen,
    setup: SetupDocument,
}

#[derive(Deserialize)]
struct Position {
    mode: Mode,
    screen: Screen,
}

impl Draft {
    /// A saved draft: today's `setup` document, or the bare `inputs` drafts had before it (nothing typed is
    /// lost by updating the app). A document of a newer version is refused as any setup document is.
    fn read(bytes: &[u8]) -> Result<Self, SetupError> {
        let unreadable = |e: serde_json::Error| SetupError::invalid("draft", e.to_string());
        let mut value: Value = serde_json::from_slice(bytes).map_err(unreadable)?;
        let Position { mode, screen } = Position::deserialize(&value).map_err(unreadable)?;
        let inputs = match value.get_mut("setup") {
            Some(setup) => SetupDocument::from_value(setup.take())?.inputs,
            None => serde_json::from_value(value["inputs"].take()).map_err(unreadable)?,
        };
        Ok(Self {
            mode,
            screen,
            inputs,
        })
    }

    fn to_file(&self) -> DraftFile {
        DraftFile {
            mode: self.mode,
            screen: self.screen,
            setup: SetupDocument::new(self.inputs.clone()),
        }
    }
}

pub fn load(folder: &Path) -> Result<Option<Draft>, SetupError> {
    let path = folder.join(DRAFT_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(folder_error(&path, e)),
    };
    // A draft from another version that no longer parses is dropped, not fatal: the user starts over.
    match Draft::read(&bytes) {
        Ok(draft) => Ok(Some(draft)),
        Err(error) => {
            tracing::warn!(error = %error.message, "ignoring an unreadable wizard draft");
            Ok(None)
        }
    }
}

/// Written to a temporary file first, then renamed, so a crash never leaves half a draft.
pub fn save(folder: &Path, draft: &Draft) -> Result<(), SetupError> {
    std::fs::create_dir_all(folder).map_err(|e| folder_error(folder, e))?;
    let path = folder.join(DRAFT_FILE);
    let temporary = folder.join(format!("{DRAFT_FILE}.tmp"));
    let text = serde_json::to_vec_pretty(&draft.to_file()).map_err(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> SetupInputs {
        let mut inputs = setup_engine::default_inputs();
        inputs.stream_name = "Typed before updating".into();
        inputs.destination.webhook_url = Some("https://hooks.example.com/x".into());
        inputs
    }

    #[test]
    fn a_draft_is_saved_as_a_setup_document_and_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let draft = Draft {
            mode: Mode::Sandbox,
            screen: Screen::CreateStream,
            inputs: typed(),
        };
        save(folder.path(), &draft).unwrap();
        let text = std::fs::read_to_string(folder.path().join(DRAFT_FILE)).unwrap();
        let on_disk: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(on_disk["setup"]["version"], 1, "{text}");
        let document = SetupDocument::from_value(on_disk["setup"].clone()).unwrap();
        assert_eq!(document.inputs, typed());
        assert_eq!(load(folder.path()).unwrap(), Some(draft));
    }

    /// The shape drafts had before the setup document: an updated app resumes with what was typed.
    #[test]
    fn a_draft_from_before_the_setup_document_keeps_what_was_typed() {
        let folder = tempfile::tempdir().unwrap();
        let old = serde_json::json!({"mode": "cloud", "screen": "subscribe", "inputs": typed()});
        std::fs::write(folder.path().join(DRAFT_FILE), old.to_string()).unwrap();
        let draft = load(folder.path()).unwrap().unwrap();
        assert_eq!((draft.mode, draft.screen), (Mode::Cloud, Screen::Subscribe));
        assert_eq!(draft.inputs, typed());
    }

    /// A draft a newer app wrote is not half understood: the user starts over.
    #[test]
    fn a_draft_of_a_newer_version_is_set_aside() {
        let folder = tempfile::tempdir().unwrap();
        let newer = serde_json::json!({"mode": "cloud", "screen": "subscribe",
            "setup": {"version": 2, "inputs": typed()}});
        std::fs::write(folder.path().join(DRAFT_FILE), newer.to_string()).unwrap();
        assert_eq!(load(folder.path()).unwrap(), None);
    }
}
