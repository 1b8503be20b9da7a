//! The app's log file as the app writes it (`app_lib::logs`), during a whole setup in the sandbox over IPC on
//! Tauri's mock runtime. Its own test binary: it installs the process's one global subscriber.

use serde_json::json;
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

type Window = WebviewWindow<MockRuntime>;

fn app_in(folder: &std::path::Path) -> (tauri::App<MockRuntime>, Window) {
    let app = app_lib::build_app_in(mock_builder(), folder.to_path_buf())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let config = app.config().app.windows[0].clone();
    let window = match app.get_webview_window("main") {
        Some(window) => window,
        None => WebviewWindowBuilder::from_config(app.handle(), &config)
            .unwrap()
            .build()
            .unwrap(),
    };
    (app, window)
}

fn call(
    window: &Window,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<serde_json::Value>().unwrap())
}

/// The inputs the wizard fills in for a sandbox session.
fn sandbox_inputs(session: &serde_json::Value) -> serde_json::Value {
    json!({
        "auth0_domain": session["auth0Domain"],
        "stream_name": "Azure Event Grid",
        "subscription_id": session["subscriptionId"],
        "resource_group": "auth0-events",
        "region": "westeurope",
        "create_resource_group": true,
        "authorization_days": 7,
        "event_categories": ["auth.login.success", "auth.login.fail"],
        "pii": null,
        "start_from": null,
        "destination": {"kind": "webhook", "webhook_url": session["sandboxInboxUrl"]},
        "event_subscription_name": "auth0-to-webhook",
        "log_codes": [],
    })
}

/// A whole setup in the sandbox over IPC, logged at debug level to the app's log file as the app writes it: the
/// file holds the steps and every request, and neither a secret of the sandbox nor the webhook's key, even
/// where a line names the webhook's whole URL (as an HTTP library's error does).
#[test]
fn a_whole_setup_logged_at_debug_leaves_no_secret_or_webhook_key_in_the_log_file() {
    let folder = tempfile::tempdir().unwrap();
    let logs = folder.path().join("logs");
    let (subscriber, log_file) =
        app_lib::logs::subscriber(&logs, tracing_subscriber::EnvFilter::new("debug")).unwrap();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this test");
    let (app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let key = "webhook-key-for-the-log-test";
    let hook = format!(
        "{}?code={key}",
        session["sandboxInboxUrl"].as_str().unwrap()
    );
    let mut inputs = sandbox_inputs(&session);
    inputs["destination"]["webhook_url"] = json!(hook);
    let report = call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "subscribe", "onEvent": "__CHANNEL__:7"}),
    )
    .expect("the setup runs");
    assert_eq!(report["complete"], true, "{report}");
    tracing::warn!(error = %format!("error sending request for url ({hook})"), "a delivery failed");
    let sandbox = tauri::async_runtime::block_on(app.state::<app_lib::AppState>().sandbox_info())
        .expect("the sandbox runs");
    drop(app);
    // Dropping the guard writes what is queued and stops the writer.
    drop(log_file);

    let files = std::fs::read_dir(&logs)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect::<Vec<_>>();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        assert_eq!(private_file::mode_of(&files[0]).unwrap(), 0o600);
        assert_eq!(private_file::mode_of(&logs).unwrap(), 0o700);
    }
    let log = std::fs::read_to_string(&files[0]).unwrap();
    for expected in [
        "step started",
        "step done",
        "DEBUG",
        "http method=PUT path=\"/subscriptions/",
        "a delivery failed",
    ] {
        assert!(log.contains(expected), "{expected} is logged: {log}");
    }
    let inbox = session["sandboxInboxUrl"].as_str().unwrap();
    assert!(
        log.contains(&format!("error sending request for url ({inbox})")),
        "{log}"
    );
    for secret in [
        key,
        sandbox.auth0_client_secret.as_str(),
        sandbox.azure_client_secret.as_str(),
        sandbox.admin_token.as_str(),
    ] {
        assert!(!log.contains(secret), "{secret} is in the log: {log}");
    }
}
