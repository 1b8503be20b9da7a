//! While the window is open, every saved setup is checked again on the schedule the settings give (every 15
//! minutes unless changed, never when 0), in a background task that never blocks the window. After each round
//! the window hears `setups-changed` with every setup, so an open home refreshes without polling; a check that
//! turned red has raised its notification on the way.

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::setups;
use crate::state::AppState;

/// The event the window listens to; its payload is every saved setup (`SavedSetup[]`).
pub const SETUPS_CHANGED: &str = "setups-changed";

/// Starts the schedule on Tauri's async runtime; it lives as long as the app.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app).await });
}

async fn run<R: Runtime>(app: AppHandle<R>) {
    loop {
        let state = app.state::<AppState>();
        // Before reading the settings, so a change saved meanwhile is not missed.
        let changed = state.schedule_changed.notified();
        let interval = match state.accounts.settings().await {
            Ok(settings) => settings.check_interval(),
            Err(error) => {
                tracing::warn!(error = %error.message, "the settings could not be read; checking on the default schedule");
                sign_in::Settings::default().check_interval()
            }
        };
        let Some(interval) = interval else {
            // Never: wait for the settings to say otherwise.
            changed.await;
            continue;
        };
        tokio::select! {
            () = tokio::time::sleep(interval) => check_round(&app).await,
            // A new interval counts from when it was saved.
            () = changed => {}
        }
    }
}

/// One round: every saved setup checked at once, then the window told.
pub async fn check_round<R: Runtime>(app: &AppHandle<R>) {
    match setups::check_all(app).await {
        Ok(all) => {
            if let Err(error) = app.emit(SETUPS_CHANGED, &all) {
                tracing::warn!(%error, "the window could not be told the setups changed");
            }
        }
        Err(error) => {
            tracing::warn!(error = %error.message, "the scheduled check of the saved setups did not run")
        }
    }
}
