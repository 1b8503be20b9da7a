//! What the desktop offers the export commands beyond the clouds: the save dialog and the clipboard. The app
//! uses the system's (tauri-plugin-dialog, tauri-plugin-clipboard-manager, both from Rust: the window is granted
//! neither); tests stand in for them.
//!
//! The clipboard is written from Rust because WebKitGTK's `navigator.clipboard` is missing or rejects writes in
//! Tauri's Linux window (tauri-apps/tauri#5358, wry#719), and an export is copied after an IPC round trip, when
//! the click's user activation no longer counts.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// What the save dialog is asked for: its title, the file name it offers, and the kind of file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveChoice {
    pub title: String,
    pub file_name: String,
    pub filter_name: &'static str,
    pub extensions: &'static [&'static str],
}

/// Asks the person where to save a file and answers the path, or `None` when they closed the dialog.
pub type SaveFile =
    Arc<dyn Fn(SaveChoice) -> Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>> + Send + Sync>;

/// Puts text on the system clipboard; the error says why it could not.
pub type CopyText = Arc<dyn Fn(String) -> Result<(), String> + Send + Sync>;

#[derive(Clone)]
pub struct Desktop {
    pub save_file: SaveFile,
    pub copy_text: CopyText,
}

impl Desktop {
    /// The system's save dialog and clipboard.
    pub fn system<R: Runtime>(handle: AppHandle<R>) -> Self {
        let clipboard = handle.clone();
        Self {
            save_file: crate::file_dialog::system_save(handle),
            copy_text: Arc::new(move |text: String| {
                clipboard
                    .clipboard()
                    .write_text(text)
                    .map_err(|e| e.to_string())
            }),
        }
    }

    /// No dialog answers and no clipboard is there (tests that do not export).
    pub fn none() -> Self {
        Self {
            save_file: Arc::new(|_| Box::pin(async { None })),
            copy_text: Arc::new(|_| Err("there is no clipboard here".into())),
        }
    }
}
