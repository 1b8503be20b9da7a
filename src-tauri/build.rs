//! Compiles the app's capability files and declares the commands the front end may invoke, so that a command
//! without a matching permission in `capabilities/` is refused at run time rather than silently exposed. It also
//! refuses a build whose updater variables are half set or wrong (the rules of `src/update_release.rs`).

#[path = "src/update_release.rs"]
#[allow(dead_code)]
mod update_release;

fn main() {
    for variable in [
        update_release::PUBKEY_VARIABLE,
        update_release::ENDPOINT_VARIABLE,
    ] {
        println!("cargo:rerun-if-env-changed={variable}");
    }
    let pubkey = std::env::var(update_release::PUBKEY_VARIABLE).ok();
    let endpoint = std::env::var(update_release::ENDPOINT_VARIABLE).ok();
    if let Err(problem) = update_release::from_build(pubkey.as_deref(), endpoint.as_deref()) {
        panic!("{problem}");
    }
    let manifest = tauri_build::AppManifest::new().commands(app_commands());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run tauri-build");
}

/// Every `#[tauri::command]` registered in `src/lib.rs`; each gets an `allow-<name>` permission.
fn app_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "start_sandbox",
        "keychain_status",
        "start_azure_sign_in",
        "finish_azure_sign_in",
        "cancel_azure_sign_in",
        "sign_in_auth0",
        "sign_in_auth0_private_key",
        "sign_in_auth0_token",
        "sign_in_azure_cli",
        "sign_in_azure_service_principal",
        "sign_in_azure_certificate",
        "azure_tenants",
        "switch_azure_tenant",
        "sign_out_cloud",
        "settings_overview",
        "choose_key_file",
        "open_link",
        "load_settings",
        "save_settings",
        "restore_sign_in",
        "current_session",
        "sign_out",
        "load_draft",
        "save_draft",
        "clear_draft",
        "detect",
        "run_step",
        "cancel_run",
        "send_test_event",
        "list_subscriptions",
        "test_endpoint",
        "catalog",
        "default_inputs",
        "list_resource_groups",
        "list_destinations",
        "list_setups",
        "check_setup",
        "check_all_setups",
        "apply_fix",
        "rename_setup",
        "forget_setup",
        "health_alerts",
        "export_setup",
        "save_export",
        "copy_export",
        "import_setup",
        "plan_teardown",
        "teardown_setup",
        "window_painted",
        "error_shown",
        "copy_diagnostics",
        "open_logs_folder",
        "close_window",
        "startup_problem",
    ]
}
