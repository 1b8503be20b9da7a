//! The wizard draft: which screen the user is on and everything typed so far, saved in the app's folder after
//! each change so a restarted app resumes where it stopped. `SetupInputs` holds no credential, but a webhook
//! URL's query often holds the endpoint's key (`?code=...`): it goes to the keychain (`WebhookKeys`), never to
//! the file. The file is the owner's only (0600, in a 0700 folder).
//! On disk the inputs are a setup document (`setup: {"version": 1, "inputs": ...}`), the same file shape the
//! CLI's `--config` reads; the window sees only `Draft`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use setup_engine::{ErrorCode, SetupDocument, SetupError, SetupInputs};
use setup_store::WebhookKeys;
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

    /// The file's shape, with `inputs` as the file may hold them (see `WebhookKeys::keep_draft`).
    fn to_file(&self, inputs: SetupInputs) -> DraftFile {
        DraftFile {
            mode: self.mode,
            screen: self.screen,
            setup: SetupDocument::new(inputs),
        }
    }
}

/// The saved draft with its webhook URL whole again, if there is one.
pub async fn load(folder: &Path, keys: &WebhookKeys) -> Result<Option<Draft>, SetupError> {
    let Some(mut draft) = read(folder)? else {
        return Ok(None);
    };
    draft.inputs = keys.restore_draft(draft.inputs).await?;
    Ok(Some(draft))
}

fn read(folder: &Path) -> Result<Option<Draft>, SetupError> {
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

/// The webhook URL's query to the keychain, the rest written atomically (a crash never leaves half a draft).
pub async fn save(folder: &Path, keys: &WebhookKeys, draft: &Draft) -> Result<(), SetupError> {
    let inputs = keys.keep_draft(draft.inputs.clone()).await?;
    private_file::create_private_dir(folder).map_err(|e| folder_error(folder, e))?;
    let path = folder.join(DRAFT_FILE);
    let text = serde_json::to_vec_pretty(&draft.to_file(inputs)).map_err(|e| {
        SetupError::new(
            ErrorCode::ProgressFile,
            format!("The draft could not be written: {e}"),
            "Try again.",
        )
    })?;
    private_file::write_private(&path, &text).map_err(|e| folder_error(&path, e))
}

/// Removes the draft and its webhook query.
pub async fn clear(folder: &Path, keys: &WebhookKeys) -> Result<(), SetupError> {
    let path = folder.join(DRAFT_FILE);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(folder_error(&path, e)),
        _ => {}
    }
    keys.forget_draft().await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use keychain::{Keychain, MemoryEntries, Persistence};

    use super::*;

    fn keys() -> (WebhookKeys, Arc<MemoryEntries>) {
        let entries = Arc::new(MemoryEntries::default());
        let keychain = Keychain::with_store(entries.clone(), Persistence::Keychain);
        (WebhookKeys::new(keychain), entries)
    }

    fn typed() -> SetupInputs {
        let mut inputs = setup_engine::default_inputs();
        inputs.stream_name = "Typed before updating".into();
        inputs.destination.webhook_url = Some("https://hooks.example.com/x".into());
        inputs
    }

    #[tokio::test]
    async fn a_draft_is_saved_as_a_setup_document_and_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let (keys, _) = keys();
        let draft = Draft {
            mode: Mode::Sandbox,
            screen: Screen::CreateStream,
            inputs: typed(),
        };
        save(folder.path(), &keys, &draft).await.unwrap();
        let text = std::fs::read_to_string(folder.path().join(DRAFT_FILE)).unwrap();
        let on_disk: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(on_disk["setup"]["version"], 1, "{text}");
        let document = SetupDocument::from_value(on_disk["setup"].clone()).unwrap();
        assert_eq!(document.inputs, typed());
        assert_eq!(load(folder.path(), &keys).await.unwrap(), Some(draft));
    }

    /// A webhook URL's query (an Azure Function's `?code=`) is the endpoint's key: the draft file never holds
    /// it, the keychain does, and the restarted wizard has the whole URL back. The file is the owner's only.
    #[tokio::test]
    async fn the_webhook_key_of_a_draft_stays_out_of_its_file() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("app");
        let (keys, entries) = keys();
        let mut inputs = typed();
        inputs.destination.webhook_url =
            Some("https://fn.example.net/api/auth0?code=secret-function-key".into());
        let draft = Draft {
            mode: Mode::Cloud,
            screen: Screen::Subscribe,
            inputs,
        };
        save(&folder, &keys, &draft).await.unwrap();
        let text = std::fs::read_to_string(folder.join(DRAFT_FILE)).unwrap();
        assert!(!text.contains("secret-function-key"), "{text}");
        assert!(text.contains("https://fn.example.net/api/auth0"), "{text}");
        assert_eq!(load(&folder, &keys).await.unwrap(), Some(draft));
        #[cfg(unix)]
        {
            assert_eq!(
                private_file::mode_of(&folder.join(DRAFT_FILE)).unwrap(),
                0o600
            );
            assert_eq!(private_file::mode_of(&folder).unwrap(), 0o700);
        }

        clear(&folder, &keys).await.unwrap();
        assert_eq!(load(&folder, &keys).await.unwrap(), None);
        assert!(entries.names().is_empty(), "{:?}", entries.names());
    }

    /// The shape drafts had before the setup document: an updated app resumes with what was typed.
    #[tokio::test]
    async fn a_draft_from_before_the_setup_document_keeps_what_was_typed() {
        let folder = tempfile::tempdir().unwrap();
        let old = serde_json::json!({"mode": "cloud", "screen": "subscribe", "inputs": typed()});
        std::fs::write(folder.path().join(DRAFT_FILE), old.to_string()).unwrap();
        let draft = load(folder.path(), &keys().0).await.unwrap().unwrap();
        assert_eq!((draft.mode, draft.screen), (Mode::Cloud, Screen::Subscribe));
        assert_eq!(draft.inputs, typed());
    }

    /// A draft a newer app wrote is not half understood: the user starts over.
    #[tokio::test]
    async fn a_draft_of_a_newer_version_is_set_aside() {
        let folder = tempfile::tempdir().unwrap();
        let newer = serde_json::json!({"mode": "cloud", "screen": "subscribe",
            "setup": {"version": 2, "inputs": typed()}});
        std::fs::write(folder.path().join(DRAFT_FILE), newer.to_string()).unwrap();
        assert_eq!(load(folder.path(), &keys().0).await.unwrap(), None);
    }
}
