//! The desktop shell of Auth0 Event Grid Setup: it wires IPC commands, state and windows to the domain crates
//! under `crates/` and holds no setup logic of its own.

mod bindings;
mod commands;
mod draft;
mod session;
mod state;

use std::path::PathBuf;

use tauri::Manager;

pub use bindings::typescript_bindings;
pub use commands::{AppInfo, EndpointCheck, SubscriptionChoice, TestEventResult};
pub use draft::{Draft, Screen};
pub use session::{Mode, SessionInfo};
pub use state::AppState;

/// Assembles the app on any Tauri runtime, with its folder in the platform's config location.
pub fn build_app<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    with_commands(builder).setup(|app| {
        let folder = app.path().app_config_dir()?;
        app.manage(AppState::new(folder));
        Ok(())
    })
}

/// The same app with its folder chosen by the caller (tests), so the mock runtime runs what users run.
pub fn build_app_in<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    folder: PathBuf,
) -> tauri::Builder<R> {
    with_commands(builder).manage(AppState::new(folder))
}

fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::start_sandbox,
        commands::sign_in_cloud,
        commands::current_session,
        commands::sign_out,
        commands::load_draft,
        commands::save_draft,
        commands::clear_draft,
        commands::detect,
        commands::run_step,
        commands::cancel_run,
        commands::send_test_event,
        commands::list_subscriptions,
        commands::test_endpoint,
    ])
}

/// Starts the desktop app on the native runtime.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    build_app(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("the desktop app could not start");
}
