//! The system's file dialogs, opened from Rust (tauri-plugin-dialog) so that the window needs no dialog
//! permission: the window names the kind of file it wants and gets back only the chosen path.
//!
//! In debug builds only, `AUTH0_EVENTGRID_TEST_OPEN_FILE` and `AUTH0_EVENTGRID_TEST_SAVE_FILE` name the path
//! the open and save dialogs "choose" without showing, so the real-window tests can import and export through
//! the same commands users use (a native GTK dialog is out of WebDriver's reach). A release build ignores them.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

use crate::desktop::{SaveChoice, SaveFile};
use sign_in::{ChooseFile, FileChoice};

/// The debug builds' stand-in for the open dialog.
const TEST_OPEN_FILE: &str = "AUTH0_EVENTGRID_TEST_OPEN_FILE";
/// The debug builds' stand-in for the save dialog.
const TEST_SAVE_FILE: &str = "AUTH0_EVENTGRID_TEST_SAVE_FILE";

/// Opens the dialog over the main window; a closed dialog, or a chosen item that is not a local file,
/// answers `None`.
pub fn system<R: Runtime>(handle: AppHandle<R>) -> ChooseFile {
    Arc::new(move |choice: FileChoice| {
        let handle = handle.clone();
        Box::pin(async move {
            if let Some(path) = stand_in(TEST_OPEN_FILE) {
                return Some(path);
            }
            let dialog = over_main_window(&handle)
                .set_title(choice.title)
                .add_filter(choice.filter_name, choice.extensions);
            let (chosen, picked) = tokio::sync::oneshot::channel();
            dialog.pick_file(move |path| {
                let _ = chosen.send(path);
            });
            picked.await.ok().flatten()?.into_path().ok()
        })
    })
}

/// The save dialog over the main window, offering the export's file name; `None` when it was closed.
pub fn system_save<R: Runtime>(handle: AppHandle<R>) -> SaveFile {
    Arc::new(move |choice: SaveChoice| {
        let handle = handle.clone();
        Box::pin(async move {
            if let Some(path) = stand_in(TEST_SAVE_FILE) {
                return Some(path);
            }
            let dialog = over_main_window(&handle)
                .set_title(choice.title)
                .set_file_name(choice.file_name)
                .add_filter(choice.filter_name, choice.extensions);
            let (chosen, picked) = tokio::sync::oneshot::channel();
            dialog.save_file(move |path| {
                let _ = chosen.send(path);
            });
            picked.await.ok().flatten()?.into_path().ok()
        })
    })
}

fn over_main_window<R: Runtime>(handle: &AppHandle<R>) -> FileDialogBuilder<R> {
    let dialog = handle.dialog().file();
    match handle.get_webview_window("main") {
        Some(window) => dialog.set_parent(&window),
        None => dialog,
    }
}

/// The path a test named for a dialog to choose (debug builds only).
fn stand_in(variable: &str) -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let path = std::env::var_os(variable).filter(|path| !path.is_empty())?;
    tracing::info!(variable, "a test chose the dialog's file");
    Some(PathBuf::from(path))
}
