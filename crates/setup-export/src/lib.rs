//! A setup, exported: the setup document as versioned JSON with a `$schema` reference and nothing secret,
//! Terraform files a platform team applies with the official providers, and a shell script over the `auth0` and
//! `az` command lines. Each names where it came from and says when a webhook URL's key was left out. And the
//! other way: a document to import is read with a size cap and every rule named before anything is sent.

mod credential_scan;
mod import;
mod json;
mod shell;
mod terraform;
mod text;

use serde::{Deserialize, Serialize};
use setup_engine::{SetupDocument, SetupError, SetupInputs};
use ts_rs::TS;

pub use import::MAX_IMPORT_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Json,
    Terraform,
    Shell,
}

/// Where an export came from, written into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOrigin {
    /// "Auth0 Event Grid Setup 0.1.0".
    pub app: String,
    /// RFC 3339.
    pub exported_at: String,
}

/// The setup to export.
#[derive(Debug, Clone)]
pub struct ExportSource<'a> {
    /// The saved setup's name.
    pub name: &'a str,
    /// The setup's inputs. A webhook URL may carry its query (as `WebhookKeys::restore` gives it): the export
    /// leaves it out either way and says so.
    pub inputs: &'a SetupInputs,
}

/// One export, ready to save or copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Exported {
    pub format: ExportFormat,
    /// A file name to offer in the save dialog ("security-logs.setup.json", "security-logs.tf", ".sh").
    pub file_name: String,
    pub text: String,
    /// A webhook URL's query (its key) was left out; the export says so too.
    pub webhook_key_left_out: bool,
}

/// The export of `source` in `format`. The webhook URL's query (and fragment) never reaches the text.
pub fn export(source: &ExportSource<'_>, format: ExportFormat, origin: &ExportOrigin) -> Exported {
    export_saved(source, false, format, origin)
}

/// As `export`, for a saved setup whose inputs come from the store (never holding the webhook URL's query)
/// while its key is in the keychain (`SavedSetup::webhook_key_in_keychain`): the export says the key was left
/// out without the keychain being read.
pub fn export_saved(
    source: &ExportSource<'_>,
    webhook_key_in_keychain: bool,
    format: ExportFormat,
    origin: &ExportOrigin,
) -> Exported {
    let (inputs, query_cut) = text::without_webhook_query(source.inputs);
    let webhook_key_left_out =
        query_cut || (webhook_key_in_keychain && inputs.destination.webhook_url.is_some());
    let setup = text::Prepared {
        name: source.name,
        inputs: &inputs,
        origin,
        webhook_key_left_out,
    };
    let (text, extension) = match format {
        ExportFormat::Json => (json::document(&setup), "setup.json"),
        ExportFormat::Terraform => (terraform::main_tf(&setup), "tf"),
        ExportFormat::Shell => (shell::script(&setup), "sh"),
    };
    Exported {
        format,
        file_name: format!("{}.{extension}", text::slug(source.name)),
        text,
        webhook_key_left_out,
    }
}

/// The JSON Schema of the setup document, generated from the Rust types (committed as
/// `schemas/setup-document.schema.json`).
pub fn setup_document_schema() -> serde_json::Value {
    json::schema()
}

/// Reads a document to import: refused with the field and the rule when too large, not JSON, of another
/// version, with unknown fields or carrying a secret; an older version is migrated. Its inputs are then checked
/// as the wizard checks what is typed (`setup_engine::validate_all`, the first failure), with a loopback
/// `http://` webhook allowed (the sandbox's): the window checks again against the connection it runs with.
pub fn read_import(bytes: &[u8]) -> Result<SetupDocument, SetupError> {
    import::read(bytes)
}
