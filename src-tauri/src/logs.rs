//! Where the app's log goes: the terminal (stderr), as before, and a file a day in the platform's log folder
//! (Tauri's `app_log_dir`: `~/.local/share/<identifier>/logs` on Linux, `~/Library/Logs/<identifier>` on
//! macOS), the last seven kept, each 0600 in a 0700 folder (`private_file::DailyLog`), written off the calling
//! thread by tracing-appender's non-blocking writer. Every line loses the query of any address it names on
//! the way out (`cloud_http::QueryStripping`: a webhook's key never reaches a log), and secrets print as `***`
//! by their type (`cloud_http::Secret`). `RUST_LOG` sets the level (default `info`).

use std::path::Path;

use cloud_http::QueryStripping;
use private_file::DailyLog;
use tracing::Subscriber;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The log files' names: `auth0-eventgrid-setup.2026-12-05.log`.
pub const LOG_PREFIX: &str = "auth0-eventgrid-setup";
/// How many days of logs are kept.
pub const KEEP_DAYS: usize = 7;

/// The level from `RUST_LOG`, else `info`.
pub fn filter_from_env() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The app's subscriber: stderr and the day's file in `folder`, both through `filter`. Keep the guard for as
/// long as lines should reach the file: dropping it writes what is queued and stops the writer.
pub fn subscriber(
    folder: &Path,
    filter: EnvFilter,
) -> std::io::Result<(impl Subscriber + Send + Sync + 'static, WorkerGuard)> {
    let file = DailyLog::open(folder, LOG_PREFIX, KEEP_DAYS, Box::new(today_utc))?;
    let (writer, guard) = tracing_appender::non_blocking(QueryStripping(file));
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(stderr))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer),
        );
    Ok((subscriber, guard))
}

/// Starts logging for the process: to `folder` and stderr, or to stderr alone when there is no folder or its
/// file cannot be opened (said on stderr). Answers the guard that keeps the file written.
pub fn start(folder: Option<&Path>) -> Option<WorkerGuard> {
    let opened = folder.map(|folder| (folder, subscriber(folder, filter_from_env())));
    match opened {
        Some((_, Ok((subscriber, guard)))) => subscriber.try_init().is_ok().then_some(guard),
        Some((folder, Err(error))) => {
            start_stderr_only();
            tracing::warn!(folder = %folder.display(), %error, "the log file could not be opened; logging to the terminal only");
            None
        }
        None => {
            start_stderr_only();
            None
        }
    }
}

fn start_stderr_only() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter_from_env())
        .with_writer(stderr)
        .try_init();
}

fn stderr() -> QueryStripping<std::io::Stderr> {
    QueryStripping(std::io::stderr())
}

/// Files turn over at midnight UTC, so their names sort and never depend on the machine's time zone.
fn today_utc() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}
