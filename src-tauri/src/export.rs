//! A saved setup, exported from its page: the text in one of the three formats (`setup-export` writes it, with
//! nothing secret), saved where the person chooses in the save dialog, or put on the clipboard. The file is
//! written beside its final name and renamed over it, readable by its owner only.

use std::path::Path;

use setup_engine::{ErrorCode, SetupError};
use setup_export::{ExportFormat, ExportOrigin, ExportSource, Exported};
use sign_in::folder_error;
use tauri::{AppHandle, Manager, Runtime};
use time::format_description::well_known::Rfc3339;

use crate::desktop::SaveChoice;
use crate::setups::{blocking, saved};
use crate::state::AppState;

/// The export of saved setup `id` in `format`, without the webhook URL's key (the export says when it left
/// one out).
#[tauri::command]
pub async fn export_setup<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    format: ExportFormat,
) -> Result<Exported, SetupError> {
    let state = app.state::<AppState>();
    let setup = saved(&state.setups.store()?, id).await?;
    // The whole URL goes in so that the export itself removes the query and says it did.
    let inputs = state.setups.webhook_keys.restore(&setup).await?;
    let source = ExportSource {
        name: &setup.name,
        inputs: &inputs,
    };
    Ok(setup_export::export(&source, format, &origin(&app)))
}

/// Asks where to save the export (the save dialog, offering its file name) and writes it there. Answers the
/// path written, or `None` when the dialog was closed.
#[tauri::command]
pub async fn save_export<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    format: ExportFormat,
) -> Result<Option<String>, SetupError> {
    let exported = export_setup(app.clone(), id, format).await?;
    let state = app.state::<AppState>();
    let (filter_name, extensions) = filter(format);
    let choice = SaveChoice {
        title: "Save the setup as".into(),
        file_name: exported.file_name.clone(),
        filter_name,
        extensions,
    };
    let Some(path) = (state.desktop.save_file)(choice).await else {
        return Ok(None);
    };
    let written = path.clone();
    blocking(move || write_private(&written, exported.text.as_bytes())).await?;
    tracing::info!(setup = id, ?format, "exported a setup to a file");
    Ok(Some(path.display().to_string()))
}

/// Puts the export on the system clipboard (from Rust: see `desktop`) and answers it, so the window can say
/// what was copied.
#[tauri::command]
pub async fn copy_export<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    format: ExportFormat,
) -> Result<Exported, SetupError> {
    let exported = export_setup(app.clone(), id, format).await?;
    let copy = app.state::<AppState>().desktop.copy_text.clone();
    copy(exported.text.clone()).map_err(|reason| {
        SetupError::new(
            ErrorCode::OperationFailed,
            format!("The export could not be put on the clipboard: {reason}"),
            "Use \u{201c}Save as\u{2026}\u{201d} instead.",
        )
    })?;
    Ok(exported)
}

/// "Auth0 Event Grid Setup 0.1.0", now.
fn origin<R: Runtime>(app: &AppHandle<R>) -> ExportOrigin {
    let package = app.package_info();
    let exported_at = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    ExportOrigin {
        app: format!("{} {}", package.name, package.version),
        exported_at,
    }
}

fn filter(format: ExportFormat) -> (&'static str, &'static [&'static str]) {
    match format {
        ExportFormat::Json => ("Setup document", &["json"]),
        ExportFormat::Terraform => ("Terraform", &["tf"]),
        ExportFormat::Shell => ("Shell script", &["sh"]),
    }
}

/// Written atomically, mode 0600 from its creation (`private_file`): a crash never leaves half an export, and no
/// other user can read it meanwhile. The folder is the one the person chose, left as it is.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SetupError> {
    private_file::write_private(path, bytes).map_err(|e| folder_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_export_replaces_the_file_and_only_its_owner_reads_it() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("logs.setup.json");
        std::fs::write(&path, "older").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"{\"version\": 1}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"version\": 1}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }
}
