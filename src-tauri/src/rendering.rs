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

/// What the plugin did to each webview, for the log. The main webview is usually set up before the log file is
/// opened (`logs::start`, in the app's setup), so lines wait here until [`log`] is called; later ones go straight
/// to the log.
static LINES: Mutex<(bool, Vec<String>)> = Mutex::new((false, Vec::new()));

/// Opens the way to the log: writes what waited, and lets later lines through. Called once the log is open.
pub fn log() {
    let waiting = match LINES.lock() {
        Ok(mut lines) => {
            lines.0 = true;
            std::mem::take(&mut lines.1)
        }
        Err(_) => return,
    };
    for line in waiting {
        tracing::info!("{line}");
    }
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn record(line: String) {
    let Ok(mut lines) = LINES.lock() else { return };
    if lines.0 {
        drop(lines);
        tracing::info!("{line}");
    } else {
        lines.1.push(line);
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
                        record(format!(
                            "webview {label}: drawing without accelerated compositing"
                        ));
                    }
                    None => record(format!(
                        "webview {label}: no settings to draw with, drawn as WebKit chooses"
                    )),
                }
            });
            if let Err(e) = applied {
                record(format!("the webview's drawing could not be set: {e}"));
            }
        })
        .build()
}

/// Elsewhere the platform's webview draws as it chooses.
#[cfg(not(target_os = "linux"))]
pub fn plugin<R: tauri::Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("rendering").build()
}
