//! While the window is open, every saved setup is checked again on the schedule the settings give (every 15
//! minutes unless changed, never when 0), in a background task that never blocks the window. After each round
//! the window hears `setups-changed` with every setup, so an open home refreshes without polling; a check that
//! turned red has raised its notification on the way. The first round runs as soon as the app starts when a
//! setup is due, so the home shows how things stand now.

use std::time::Duration;

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
    let mut first = true;
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
        // The first round comes as soon as a setup is due (never checked, or last checked longer ago than the
        // interval), so a person opening the app sees today's state, not the one of when it was last open.
        let wait = if first {
            first = false;
            first_wait(&state, interval)
        } else {
            interval
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => check_round(&app).await,
            // A new interval counts from when it was saved.
            () = changed => {}
        }
    }
}

/// How long after the app starts the first round is due: when the setup checked longest ago is due again.
fn first_wait(state: &AppState, interval: Duration) -> Duration {
    let Ok(store) = state.setups.store() else {
        return interval;
    };
    let Ok(all) = store.list() else {
        return interval;
    };
    let now = time::OffsetDateTime::now_utc();
    all.iter()
        .map(|setup| {
            let checked = setup.last_report.as_ref().and_then(|r| {
                time::OffsetDateTime::parse(
                    &r.checked_at,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
            });
            match checked {
                None => Duration::ZERO,
                Some(at) => {
                    let age = Duration::try_from(now - at).unwrap_or(Duration::ZERO);
                    interval.saturating_sub(age)
                }
            }
        })
        .min()
        .unwrap_or(interval)
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
