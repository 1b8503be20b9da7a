//! Boots the whole app on Tauri's mock runtime and calls commands through the real IPC layer, access control
//! included, as the webview would.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

fn invoke(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_from(window, "tauri://localhost", cmd)
}

/// Sends one IPC request as a page at `url` would.
fn invoke_from(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    url: &str,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: url.parse().unwrap(),
        body: InvokeBody::default(),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<serde_json::Value>().unwrap())
}

fn app() -> tauri::App<tauri::test::MockRuntime> {
    app_lib::build_app(mock_builder())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime with the real configuration and capabilities")
}

/// The window the configuration declares, created the way the app creates it.
fn main_window(
    app: &tauri::App<tauri::test::MockRuntime>,
) -> tauri::WebviewWindow<tauri::test::MockRuntime> {
    if let Some(window) = app.get_webview_window("main") {
        return window;
    }
    let config = app.config().app.windows[0].clone();
    WebviewWindowBuilder::from_config(app.handle(), &config)
        .unwrap()
        .build()
        .unwrap()
}

#[test]
fn app_info_answers_over_ipc_with_the_package_version() {
    let app = app();
    let window = main_window(&app);
    let info = invoke(&window, "app_info").expect("app_info succeeds");
    assert_eq!(info["version"], app.package_info().version.to_string());
    assert_eq!(info["tauriVersion"], tauri::VERSION);
    assert!(
        info["productName"]
            .as_str()
            .is_some_and(|name| !name.is_empty())
    );
}

#[test]
fn unknown_commands_are_refused() {
    let app = app();
    let window = main_window(&app);
    assert!(invoke(&window, "read_secret_file").is_err());
}

#[test]
fn remote_pages_cannot_invoke_commands() {
    let app = app();
    let window = main_window(&app);
    assert!(
        invoke_from(&window, "https://attacker.example/", "app_info").is_err(),
        "the capability grants app_info to the app's own pages only"
    );
}
