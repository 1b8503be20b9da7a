//! How the window draws on Linux: WebKitGTK paints the page on the processor, without accelerated compositing
//! (its hardware acceleration policy set to "never"), for every webview the app opens.
//!
//! The app's pages are forms and text, with one small spinner: they gain nothing from the GPU, and compositing
//! costs a WebKitGTK window its start and its memory. Measured by `make bench` (docs/performance.md) on the
//! welcome page under Xvfb: composited, the page's web process holds about 75 MiB more (GL contexts and tiles)
//! and the first paint comes later. Without compositing the window also avoids the GPU paths behind WebKitGTK's
//! blank-window reports on some drivers, which other apps work around with `WEBKIT_DISABLE_COMPOSITING_MODE=1`.
//! That variable is not set here: the process environment reaches the browser the app opens for sign-in, and
//! the setting belongs to this app's webviews alone.

use std::sync::Mutex;

use tauri::plugin::TauriPlugin;

/// What the plugin did to each webview, kept for the log: the webviews exist before the log file is opened.
static APPLIED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Writes to the log how each webview draws; called once the log is open.
pub fn log() {
    let applied = APPLIED.lock().map(|list| list.clone()).unwrap_or_default();
    for line in applied {
        tracing::info!("{line}");
    }
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn remember(line: String) {
    if let Ok(mut list) = APPLIED.lock() {
        list.push(line);
    }
}

/// The plugin that sets the policy on each webview as soon as it exists, before its page paints.
#[cfg(target_os = "linux")]
pub fn plugin() -> TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("rendering")
        .on_webview_ready(|webview| {
            let label = webview.label().to_owned();
            let applied = webview.with_webview(move |platform| {
                use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
                match WebViewExt::settings(&platform.inner()) {
                    Some(settings) => {
                        settings
                            .set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                        tracing::info!(webview = %label, "drawing without accelerated compositing");
                    }
                    None => {
                        tracing::warn!(webview = %label, "the webview has no settings to draw with")
                    }
                }
            });
            if let Err(e) = applied {
                remember(format!("the webview's drawing could not be set: {e}"));
            }
        })
        .build()
}

/// Elsewhere the platform's webview draws as it chooses.
#[cfg(not(target_os = "linux"))]
pub fn plugin<R: tauri::Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("rendering").build()
}
