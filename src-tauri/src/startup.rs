//! How long the window took to show its first screen, written once to the log ("window painted"): what support
//! reads when someone says the app is slow to open, and what `make bench` times against a bare WebKitGTK window.
//!
//! The clock starts when `run` starts (the process's first moment that is ours); the front end reports after the
//! first screen was laid out and two animation frames passed, i.e. once WebKit has painted it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

static STARTED: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);
static PAGE_LOADED: AtomicBool = AtomicBool::new(false);
static PAINTED: OnceLock<Notify> = OnceLock::new();

fn painted() -> &'static Notify {
    PAINTED.get_or_init(Notify::new)
}

/// Waits until the window has painted its first screen, or `limit` has passed (a window that never reports, as
/// under the tests' mock runtime): work that can wait, such as the first scheduled health round, starts after
/// the first screen rather than competing with it for the processor.
pub async fn first_paint(limit: Duration) {
    let notified = painted().notified();
    tokio::pin!(notified);
    // Registered before the flag is read, so a report between the two is not missed.
    notified.as_mut().enable();
    if REPORTED.load(Ordering::SeqCst) {
        return;
    }
    let _ = tokio::time::timeout(limit, notified).await;
}

/// Starts the clock; later calls change nothing.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Milliseconds since `mark_start`.
fn elapsed_ms() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

/// Tauri, GTK and the plugins are up, the window and its webview made (Tauri makes the configured window before
/// the app's setup runs), and the app's own setup begins. Logged with the time so far.
pub fn setup_started() {
    tracing::info!(
        phase = "setup started",
        elapsed_ms = elapsed_ms(),
        "start phase"
    );
}

/// The app's own start is done (state, presets, the log): what is left is WebKit's. Logged with the time so far,
/// which `make bench` reads to say where a start's time goes.
pub fn set_up() {
    tracing::info!(phase = "set up", elapsed_ms = elapsed_ms(), "start phase");
}

/// WebKit finished loading the page (the first time only): what is left is the page's first reads and its paint.
pub fn page_loaded() {
    if !PAGE_LOADED.swap(true, Ordering::SeqCst) {
        tracing::info!(
            phase = "page loaded",
            elapsed_ms = elapsed_ms(),
            "start phase"
        );
    }
}

/// The first screen the window painted. Only these names are logged, so the window cannot write free text into
/// the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FirstScreen {
    Welcome,
    Home,
    Wizard,
}

impl FirstScreen {
    fn name(self) -> &'static str {
        match self {
            Self::Welcome => "welcome",
            Self::Home => "home",
            Self::Wizard => "wizard",
        }
    }
}

/// Where the page's own time went, by its clock (milliseconds since its navigation began): when it asked its first
/// reads (the draft, the defaults, the saved setups, over IPC: as its script started, before the app's modules
/// ran), how long until the app took their answers (once it had run and mounted), and when the first screen was
/// painted. Numbers only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
pub struct PageTimings {
    pub reads_started_ms: u32,
    pub reads_ms: u32,
    pub painted_ms: u32,
}

/// Milliseconds since `mark_start`, the first time it is asked; `None` afterwards (one report per run).
fn first_report() -> Option<u128> {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return None;
    }
    Some(elapsed_ms())
}

/// The front end painted its first screen; `page` says where the page's time went, when it measured it.
#[tauri::command]
pub fn window_painted(screen: FirstScreen, page: Option<PageTimings>) {
    if let Some(elapsed_ms) = first_report() {
        painted().notify_waiters();
        let page = page.unwrap_or_default();
        tracing::info!(
            screen = screen.name(),
            elapsed_ms,
            page_reads_started_ms = page.reads_started_ms,
            page_reads_ms = page.reads_ms,
            page_painted_ms = page.painted_ms,
            "window painted"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_waiting_for_the_first_paint_starts_once_the_window_reports_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            // The limit is an hour: only the report can end the wait within the test's half minute.
            let waiting = tokio::spawn(first_paint(Duration::from_secs(3600)));
            tokio::task::yield_now().await;
            window_painted(FirstScreen::Welcome, None);
            tokio::time::timeout(Duration::from_secs(30), waiting)
                .await
                .expect("the wait ended with the report")
                .unwrap();
            // Once painted, later waits do not wait at all.
            tokio::time::timeout(
                Duration::from_secs(30),
                first_paint(Duration::from_secs(3600)),
            )
            .await
            .expect("no wait after the report");
        });
    }

    #[test]
    fn only_the_first_paint_is_reported() {
        mark_start();
        assert!(first_report().is_some());
        assert_eq!(first_report(), None);
    }

    #[test]
    fn the_window_names_a_known_screen_only() {
        assert_eq!(
            serde_json::from_str::<FirstScreen>("\"home\"").unwrap(),
            FirstScreen::Home
        );
        assert!(serde_json::from_str::<FirstScreen>("\"home\\nforged line\"").is_err());
    }
}
