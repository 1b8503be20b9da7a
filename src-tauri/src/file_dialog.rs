//! The system's file dialog, opened from Rust (tauri-plugin-dialog) so that the window needs no dialog
//! permission: the window names the kind of file it wants and gets back only the chosen path.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use sign_in::{ChooseFile, FileChoice};

/// Opens the dialog over the main window; a closed dialog, or a chosen item that is not a local file,
/// answers `None`.
pub fn system<R: Runtime>(handle: AppHandle<R>) -> ChooseFile {
    Arc::new(move |choice: FileChoice| {
        let handle = handle.clone();
        Box::pin(async move {
            let mut dialog = handle
                .dialog()
                .file()
                .set_title(choice.title)
                .add_filter(choice.filter_name, choice.extensions);
            if let Some(window) = handle.get_webview_window("main") {
                dialog = dialog.set_parent(&window);
            }
            let (chosen, picked) = tokio::sync::oneshot::channel();
            dialog.pick_file(move |path| {
                let _ = chosen.send(path);
            });
            picked.await.ok().flatten()?.into_path().ok()
        })
    })
}
