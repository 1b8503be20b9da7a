//! While the window is open, every saved setup is checked again on the schedule the settings give (every 15
//! minutes unless changed, never when 0), in a background task that never blocks the window. After each round
//! the window hears `setups-changed` with every setup, so an open home refreshes without polling; a check that
//! turned red has raised its notification on the way. The first round runs as soon as the window has painted its
//! first screen when a setup is due, so the home shows how things stand now.

use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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

/// The longest the first round waits for the window's first screen.
const FIRST_PAINT_LIMIT: Duration = Duration::from_secs(10);

async fn run<R: Runtime>(app: AppHandle<R>) {
    // Not before the first screen is painted: a round checks every setup at once, and on a small machine it
    // would slow the window it is meant to inform.
    crate::startup::first_paint(FIRST_PAINT_LIMIT).await;
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
    let Ok(all) = state.setups.store().and_then(|store| store.list()) else {
        return interval;
    };
    let last_checks = all.iter().map(|setup| {
        setup
            .last_report
            .as_ref()
            .and_then(|r| OffsetDateTime::parse(&r.checked_at, &Rfc3339).ok())
    });
    due_in(last_checks, OffsetDateTime::now_utc(), interval)
}

/// The wait until the first of these setups is due, given when each was last checked (`None`: never, so now).
/// No setup: a whole interval.
fn due_in(
    last_checks: impl Iterator<Item = Option<OffsetDateTime>>,
    now: OffsetDateTime,
    interval: Duration,
) -> Duration {
    last_checks
        .map(|checked| match checked {
            None => Duration::ZERO,
            Some(at) => {
                interval.saturating_sub(Duration::try_from(now - at).unwrap_or(Duration::ZERO))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_round_comes_when_the_setup_checked_longest_ago_is_due() {
        let now = time::macros::datetime!(2026-12-04 10:00 UTC);
        let fifteen = Duration::from_secs(15 * 60);
        let ago = |minutes: i64| Some(now - time::Duration::minutes(minutes));
        assert_eq!(
            due_in([].into_iter(), now, fifteen),
            fifteen,
            "nothing saved"
        );
        assert_eq!(
            due_in([ago(5)].into_iter(), now, fifteen),
            Duration::from_secs(600)
        );
        assert_eq!(
            due_in([ago(5), ago(12)].into_iter(), now, fifteen),
            Duration::from_secs(180)
        );
        assert_eq!(
            due_in([ago(5), ago(60)].into_iter(), now, fifteen),
            Duration::ZERO,
            "overdue: now"
        );
        assert_eq!(
            due_in([ago(5), None].into_iter(), now, fifteen),
            Duration::ZERO,
            "never checked: now"
        );
    }
}
