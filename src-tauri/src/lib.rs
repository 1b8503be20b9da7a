//! The desktop shell of Auth0 Event Grid Setup: it wires IPC commands, state and windows to the domain crates
//! under `crates/` and holds no setup logic of its own.

mod bindings;
mod choices;
mod commands;
mod desktop;
mod draft;
mod export;
mod file_dialog;
mod import;
pub mod logs;
pub mod multicall;
mod rendering;
mod schedule;
mod setups;
mod single_instance;
mod startup;
mod state;
mod support;
mod teardown;
mod update_release;
pub mod updates;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::Manager;

pub use bindings::typescript_bindings;
pub use choices::ResourceGroupChoice;
pub use commands::{AppInfo, SubscriptionChoice};
pub use desktop::{CopyText, Desktop, SaveChoice, SaveFile};
pub use draft::{Draft, Screen};
pub use schedule::{SETUPS_CHANGED, check_round};
pub use setups::{HealthAlert, SetupList};
pub use sign_in::{
    Auth0AccountInfo, AzureAccountInfo, AzureSignInMethod, AzureSignInPrompt, ChooseFile,
    FileChoice, KeychainStatus, SignInSetup,
};
pub use state::AppState;
pub use support::{OpenFolder, ShownError, Support, SystemInfo, diagnostics_text};

/// Assembles the app on any Tauri runtime, with its folder in the platform's config location.
pub fn build_app<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    with_commands(builder).setup(|app| {
        // The log file first, so everything after is in it.
        let log_folder = app.path().app_log_dir().ok();
        let log_file = logs::start(log_folder.as_deref());
        tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
        startup::setup_started();
        rendering::log();
        app.manage(Support::system(app.handle().clone(), log_folder, log_file));
        let folder = app.path().app_config_dir()?;
        let handle = app.handle().clone();
        let open_url: sign_in::OpenUrl = Arc::new(move |url: &str| {
            use tauri_plugin_opener::OpenerExt;
            handle.opener().open_url(url, None::<&str>).is_ok()
        });
        // Asking the keychain whether it answers takes a D-Bus round trip on Linux: it runs beside the window's
        // start, and the first command that needs the keychain waits for that one answer.
        let choose_file = file_dialog::system(app.handle().clone());
        let mut setup = SignInSetup::system(open_url, choose_file);
        let keychain = setup.keychain.clone();
        tauri::async_runtime::spawn(async move { keychain.settle().await });
        // A wrong preset stops the app from signing in or checking anything, but not from showing why: the log
        // names the variable for the administrator, the window says in plain words which preset is wrong and
        // who can correct it (`startup_problem`), and no scheduled check runs against a cloud nobody chose.
        let problem = match sign_in::AzurePresets::from_process() {
            Ok(presets) => {
                setup.azure_cloud = presets.azure_cloud;
                setup.azure_client_id = presets.azure_client_id;
                None
            }
            Err(e) => {
                tracing::error!(variable = ?e.field, remedy = %e.remedy, "{}", e.message);
                let shown =
                    sign_in::AzurePresets::window_error(|name| std::env::var(name).ok(), &e);
                tracing::error!("{} {}", shown.message, shown.remedy);
                Some(shown)
            }
        };
        let desktop = Desktop::system(app.handle().clone());
        app.manage(app_state(folder, setup, desktop));
        let stopped = problem.is_some();
        app.manage(StartupProblem(problem));
        if !stopped {
            schedule::start(app.handle());
        }
        startup::set_up();
        Ok(())
    })
}

/// Why the app cannot work on this computer, when it cannot (a wrong preset): the window shows it instead of
/// its screens.
#[derive(Debug, Default)]
pub struct StartupProblem(pub Option<setup_engine::SetupError>);

/// The same app with its folder chosen by the caller (tests), so the mock runtime runs what users run; its
/// keychain is in memory.
pub fn build_app_in<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    folder: PathBuf,
) -> tauri::Builder<R> {
    let keychain = keychain::Keychain::with_store(
        Arc::new(keychain::MemoryEntries::default()),
        keychain::Persistence::Keychain,
    );
    let setup = SignInSetup::without_window(keychain, setup_engine::AzureCloud::Public);
    build_app_with(builder, folder, setup)
}

/// The app with its folder, keychain and Azure cloud chosen by the caller (tests against a sandbox).
pub fn build_app_with<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    folder: PathBuf,
    setup: SignInSetup,
) -> tauri::Builder<R> {
    build_app_with_desktop(builder, folder, setup, Desktop::none())
}

/// As `build_app_with`, with the save dialog and the clipboard chosen by the caller (tests of the exports).
pub fn build_app_with_desktop<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    folder: PathBuf,
    setup: SignInSetup,
    desktop: Desktop,
) -> tauri::Builder<R> {
    let logs = folder.join("logs");
    let no_file_manager: OpenFolder = Arc::new(|_| Err("there is no file manager here".into()));
    let support = Support::new(Some(logs), no_file_manager, None);
    build_app_with_support(builder, folder, setup, desktop, support)
}

/// As `build_app_with_desktop`, with the log folder and how it is opened chosen by the caller (tests of
/// support); nothing is logged to a file unless the caller started it.
pub fn build_app_with_support<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    folder: PathBuf,
    setup: SignInSetup,
    desktop: Desktop,
    support: Support,
) -> tauri::Builder<R> {
    with_commands(builder)
        .manage(app_state(folder, setup, desktop))
        .manage(support)
        .manage(StartupProblem::default())
        .setup(|app| {
            schedule::start(app.handle());
            Ok(())
        })
}

fn app_state(folder: PathBuf, setup: SignInSetup, desktop: Desktop) -> AppState {
    let accounts = sign_in::CloudAccounts::in_folder(setup, &folder);
    AppState::new(folder, accounts, desktop)
}

fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    // The opener, the file dialogs, the clipboard and notifications are used from Rust only: the window is
    // granted none of their commands.
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::start_sandbox,
            commands::keychain_status,
            commands::start_azure_sign_in,
            commands::finish_azure_sign_in,
            commands::cancel_azure_sign_in,
            commands::sign_in_auth0,
            commands::sign_in_auth0_private_key,
            commands::sign_in_auth0_token,
            commands::sign_in_azure_cli,
            commands::sign_in_azure_service_principal,
            commands::sign_in_azure_certificate,
            commands::azure_tenants,
            commands::switch_azure_tenant,
            commands::sign_out_cloud,
            commands::settings_overview,
            commands::choose_key_file,
            commands::open_link,
            commands::load_settings,
            commands::save_settings,
            commands::restore_sign_in,
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
            choices::catalog,
            choices::default_inputs,
            choices::list_resource_groups,
            choices::list_destinations,
            setups::list_setups,
            setups::check_setup,
            setups::check_all_setups,
            setups::apply_fix,
            setups::rename_setup,
            setups::forget_setup,
            setups::health_alerts,
            export::export_setup,
            export::save_export,
            export::copy_export,
            import::import_setup,
            teardown::plan_teardown,
            teardown::teardown_setup,
            startup::window_painted,
            support::error_shown,
            support::copy_diagnostics,
            support::open_logs_folder,
            commands::close_window,
            commands::startup_problem,
        ])
}

/// Starts the desktop app on the native runtime.
/// Logging starts as the app is set up, once Tauri knows the platform's log folder (`logs`).
pub fn run() {
    startup::mark_start();
    let release = updates::compiled_in();
    let mut context = tauri::generate_context!();
    updates::configure(&mut context, release.as_ref());
    let builder = updates::register(
        build_app(
            tauri::Builder::default()
                .plugin(single_instance::plugin())
                .plugin(rendering::plugin()),
        )
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                startup::page_loaded();
            }
        }),
        release.as_ref(),
    );
    updates::check_at_start(builder, release.as_ref())
        .run(context)
        .expect("the desktop app could not start");
}

#[cfg(test)]
mod tests {
    /// The command line finds the window's sign-ins in the folder named by the app's identifier: the sign-in
    /// crate's name for it must be the one Tauri uses.
    #[test]
    fn the_sign_in_crate_knows_the_apps_identifier() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(config["identifier"], sign_in::APP_IDENTIFIER);
    }
}
