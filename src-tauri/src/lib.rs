//! The desktop shell of Auth0 Event Grid Setup: it wires IPC commands, state and windows to the domain crates
//! under `crates/` and holds no setup logic of its own.

mod bindings;
mod commands;

pub use bindings::typescript_bindings;
pub use commands::AppInfo;

/// Assembles the app on any Tauri runtime, so the mock runtime in tests runs exactly what users run.
pub fn build_app<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![commands::app_info])
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
