//! Boots the whole app on Tauri's mock runtime and calls commands through the real IPC layer, access control
//! included, as the webview would.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use serde_json::json;

fn invoke(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_with(window, "tauri://localhost", cmd, json!({}))
}

fn invoke_from(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    url: &str,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_with(window, url, cmd, json!({}))
}

/// Sends one IPC request with arguments as a page at `url` would.
fn invoke_with(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    url: &str,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: url.parse().unwrap(),
        body: InvokeBody::Json(args),
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

/// The app with its folder in a temporary directory, and its window.
fn app_in(
    folder: &std::path::Path,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = app_lib::build_app_in(mock_builder(), folder.to_path_buf())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let window = main_window(&app);
    (app, window)
}

fn call(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_with(window, "tauri://localhost", cmd, args)
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

#[test]
fn the_sandbox_session_says_who_signed_in_and_nothing_secret() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    assert_eq!(
        call(&window, "current_session", json!({})).unwrap(),
        json!(null)
    );
    let session = call(&window, "start_sandbox", json!({})).expect("the sandbox starts");
    let mut keys: Vec<&str> = session
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "auth0Domain",
            "auth0Identity",
            "azureCloud",
            "azureIdentity",
            "azureTenantId",
            "mode",
            "sandboxInboxUrl",
            "subscriptionId"
        ]
    );
    assert_eq!(session["mode"], "sandbox");
    assert_eq!(
        session["azureCloud"], "custom",
        "the sandbox is a custom cloud"
    );
    assert!(
        session["sandboxInboxUrl"]
            .as_str()
            .unwrap()
            .ends_with("/_sandbox/inbox/wizard")
    );
    // Starting again reuses the running sandbox.
    assert_eq!(call(&window, "start_sandbox", json!({})).unwrap(), session);
    assert_eq!(
        call(&window, "current_session", json!({})).unwrap(),
        session
    );
    call(&window, "sign_out", json!({})).unwrap();
    assert_eq!(
        call(&window, "current_session", json!({})).unwrap(),
        json!(null)
    );
}

#[test]
fn detect_before_signing_in_is_the_one_error_type() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = json!({"auth0Domain": "acme.auth0.com", "subscriptionId": "11111111-2222-3333-4444-555555555555", "sandboxInboxUrl": "https://hooks.example.com/x"});
    let error = call(
        &window,
        "detect",
        json!({"inputs": sandbox_inputs(&session)}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "azure_credentials_failed");
    assert!(error["remedy"].as_str().unwrap().contains("Sign in"));
}

#[test]
fn the_draft_survives_a_restart_of_the_app() {
    let folder = tempfile::tempdir().unwrap();
    let session = json!({"auth0Domain": "acme.auth0.com", "subscriptionId": "11111111-2222-3333-4444-555555555555", "sandboxInboxUrl": "https://hooks.example.com/x"});
    let draft =
        json!({"mode": "sandbox", "screen": "create_stream", "inputs": sandbox_inputs(&session)});
    {
        let (_app, window) = app_in(folder.path());
        assert_eq!(call(&window, "load_draft", json!({})).unwrap(), json!(null));
        call(&window, "save_draft", json!({"draft": draft})).unwrap();
    }
    let (_app, window) = app_in(folder.path());
    let loaded = call(&window, "load_draft", json!({})).unwrap();
    assert_eq!(loaded["screen"], "create_stream");
    assert_eq!(loaded["mode"], "sandbox");
    assert_eq!(loaded["inputs"]["stream_name"], "Azure Event Grid");
    assert_eq!(
        loaded["inputs"]["destination"]["webhook_url"],
        "https://hooks.example.com/x"
    );
    call(&window, "clear_draft", json!({})).unwrap();
    assert_eq!(call(&window, "load_draft", json!({})).unwrap(), json!(null));
}

/// Leaving the sign-in screen checks what exists before the user has filled in step 1: that must answer
/// with every step waiting for input, not fail on the first empty field.
#[test]
fn detect_on_a_half_filled_form_reports_what_each_step_waits_for() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let mut inputs = sandbox_inputs(&session);
    inputs["resource_group"] = json!("");
    inputs["destination"] = json!({"kind": "webhook", "webhook_url": ""});
    let report = call(&window, "detect", json!({"inputs": inputs})).unwrap();
    let states: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["blocked"; 4], "{report}");
    assert!(
        report["steps"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("resource_group"),
        "{report}"
    );
}

#[test]
fn the_four_steps_run_one_by_one_against_the_sandbox_and_a_test_event_arrives() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let inputs = sandbox_inputs(&session);

    let before = call(&window, "detect", json!({"inputs": inputs})).unwrap();
    let states: Vec<&str> = before["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states[0], "to_do", "{before}");
    assert_eq!(before["complete"], false);

    let no_events = call(
        &window,
        "send_test_event",
        json!({"inputs": inputs, "onProgress": "__CHANNEL__:20"}),
    )
    .unwrap();
    assert_eq!(no_events["received"], 0, "nothing is connected yet");

    for (step, done) in [
        ("prepare_azure", 1),
        ("create_stream", 2),
        ("activate_topic", 3),
        ("subscribe", 4),
    ] {
        let report = call(
            &window,
            "run_step",
            json!({"inputs": inputs, "step": step, "onEvent": "__CHANNEL__:7"}),
        )
        .unwrap_or_else(|e| panic!("{step}: {e}"));
        assert_eq!(report["steps"].as_array().unwrap().len(), done, "{report}");
        assert_eq!(report["steps"][done - 1]["state"], "done", "{report}");
    }
    let after = call(&window, "detect", json!({"inputs": inputs})).unwrap();
    assert_eq!(after["complete"], true, "{after}");

    let event = call(
        &window,
        "send_test_event",
        json!({"inputs": inputs, "onProgress": "__CHANNEL__:21"}),
    )
    .unwrap();
    assert_eq!(event["logType"], "s");
    assert_eq!(event["stages"], json!([]), "the sandbox shows its receiver");
    assert!(event["received"].as_u64().unwrap() >= 1, "{event}");
    assert_eq!(event["arrivedType"], "com.auth0.Log", "{event}");
}

#[test]
fn an_event_already_at_the_receiver_is_not_the_test_event() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let inbox = session["sandboxInboxUrl"].as_str().unwrap().to_owned();
    // An event from an earlier test (or an earlier run of the app) waits at the receiver.
    tauri::async_runtime::block_on(async {
        let answer = reqwest::Client::new()
            .post(&inbox)
            .header("content-type", "application/cloudevents+json")
            .body(
                json!({"specversion": "1.0", "type": "com.example.earlier", "source": "earlier",
                    "id": "earlier-1", "data": {}})
                .to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    });

    // Nothing is set up, so the test event goes nowhere: it has not arrived, whatever the receiver holds.
    let event = call(
        &window,
        "send_test_event",
        json!({"inputs": sandbox_inputs(&session), "onProgress": "__CHANNEL__:23"}),
    )
    .unwrap();
    assert_eq!(event["received"], 1, "{event}");
    let reply = event.as_object().unwrap();
    assert_eq!(reply.get("arrivedType"), Some(&json!(null)), "{event}");
}

#[test]
fn a_bad_input_is_refused_before_anything_runs() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let mut inputs = sandbox_inputs(&session);
    inputs["stream_name"] = json!("");
    // Up to step 2, which needs the stream's name: refused before step 1 runs.
    let error = call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "create_stream", "onEvent": "__CHANNEL__:8"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(error["field"], "stream_name");
    let progress = std::fs::read_to_string(folder.path().join("progress.json")).unwrap_or_default();
    assert!(!progress.contains("prepare_azure"), "{progress}");
}

#[test]
fn the_test_event_needs_a_session() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let inputs = sandbox_inputs(&json!({
        "auth0Domain": "acme.eu.auth0.com",
        "subscriptionId": "00000000-0000-0000-0000-000000000001",
        "sandboxInboxUrl": "https://example.com/hook",
    }));
    let error = call(
        &window,
        "send_test_event",
        json!({"inputs": inputs, "onProgress": "__CHANNEL__:22"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "azure_credentials_failed", "{error}");
}

#[test]
fn a_restarted_app_finds_the_sandbox_world_it_left_at_the_same_address() {
    let folder = tempfile::tempdir().unwrap();
    let first = {
        let (_app, window) = app_in(folder.path());
        let session = call(&window, "start_sandbox", json!({})).unwrap();
        call(
            &window,
            "run_step",
            json!({"inputs": sandbox_inputs(&session), "step": "prepare_azure", "onEvent": "__CHANNEL__:9"}),
        )
        .unwrap();
        call(&window, "sign_out", json!({})).unwrap();
        session
    };
    let (_app, window) = app_in(folder.path());
    let again = call(&window, "start_sandbox", json!({})).unwrap();
    assert_eq!(again["auth0Domain"], first["auth0Domain"]);
    assert_eq!(
        again["sandboxInboxUrl"], first["sandboxInboxUrl"],
        "the webhook the first run subscribed still reaches the inbox"
    );
    let report = call(&window, "detect", json!({"inputs": sandbox_inputs(&again)})).unwrap();
    assert_eq!(report["steps"][0]["state"], "done", "{report}");
    assert_ne!(report["steps"][1]["state"], "done", "{report}");
    let files: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.iter().any(|f| f.contains("secret")), "{files:?}");
}

#[test]
fn the_subscriptions_of_the_signed_in_identity_are_listed() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let error = call(&window, "list_subscriptions", json!({})).unwrap_err();
    assert_eq!(error["code"], "azure_credentials_failed");
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let list = call(&window, "list_subscriptions", json!({})).unwrap();
    let seeded = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == session["subscriptionId"])
        .unwrap_or_else(|| panic!("the seeded subscription is listed: {list}"));
    assert_eq!(seeded["enabled"], true);
    assert!(seeded["name"].as_str().is_some_and(|n| !n.is_empty()));
}

/// The form starts from the engine's defaults, which the CLI uses too; the window keeps no copy.
#[test]
fn the_default_inputs_are_the_engines() {
    let (_app, window) = app_in(tempfile::tempdir().unwrap().path());
    let defaults = call(&window, "default_inputs", json!({})).unwrap();
    assert_eq!(
        defaults,
        serde_json::to_value(setup_engine::default_inputs()).unwrap()
    );
    assert_eq!(defaults["stream_name"], "Azure Event Grid", "{defaults}");
}

/// An app whose presets are right has no startup problem to show: the window's `startup_problem` answers null
/// (a wrong preset is shown by the real-window test tests/e2e/startup-problem.test.mjs).
#[test]
fn an_app_with_right_presets_has_no_startup_problem() {
    let (_app, window) = app_in(tempfile::tempdir().unwrap().path());
    assert_eq!(
        call(&window, "startup_problem", json!({})).unwrap(),
        serde_json::Value::Null
    );
}

/// A draft saved before the setup document (bare `inputs`) resumes with what was typed.
#[test]
fn a_draft_from_before_the_setup_document_is_still_read() {
    let folder = tempfile::tempdir().unwrap();
    let session = json!({"auth0Domain": "acme.auth0.com", "subscriptionId": "11111111-2222-3333-4444-555555555555", "sandboxInboxUrl": "https://hooks.example.com/x"});
    let mut inputs = sandbox_inputs(&session);
    inputs["stream_name"] = json!("Typed before updating");
    let old = json!({"mode": "sandbox", "screen": "create_stream", "inputs": inputs});
    std::fs::write(folder.path().join("draft.json"), old.to_string()).unwrap();
    let (_app, window) = app_in(folder.path());
    let loaded = call(&window, "load_draft", json!({})).unwrap();
    assert_eq!(
        (&loaded["mode"], &loaded["screen"]),
        (&old["mode"], &old["screen"])
    );
    for field in [
        "auth0_domain",
        "stream_name",
        "subscription_id",
        "event_categories",
        "event_subscription_name",
    ] {
        assert_eq!(
            loaded["inputs"][field], old["inputs"][field],
            "{field}: {loaded}"
        );
    }
    assert_eq!(
        loaded["inputs"]["destination"]["webhook_url"],
        "https://hooks.example.com/x"
    );
}

#[test]
fn the_catalog_is_the_engines_lists() {
    let (_app, window) = app_in(tempfile::tempdir().unwrap().path());
    let catalog = call(&window, "catalog", json!({})).unwrap();
    let codes = |list: &str| -> Vec<String> {
        catalog[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let (regions, others) = (codes("regions"), codes("other_regions"));
    assert_eq!(regions.len(), 34, "{catalog}");
    assert!(regions.contains(&"westeurope".into()) && !regions.contains(&"westus3".into()));
    assert!(others.contains(&"westus3".into()) && !others.contains(&"westeurope".into()));
    let west_europe = catalog["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "westeurope");
    assert_eq!(west_europe.unwrap()["name"], "West Europe", "{catalog}");
    let groups = catalog["event_groups"].as_array().unwrap();
    assert_eq!(groups[0]["id"], "failed_logins", "{catalog}");
    assert!(
        groups[0]["categories"]
            .as_array()
            .unwrap()
            .contains(&json!("auth.login.fail"))
    );
    assert_eq!(
        catalog,
        serde_json::to_value(setup_engine::catalog()).unwrap()
    );
}

#[test]
fn resource_groups_are_listed_sorted_with_the_region_auth0_accepts_for_each() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let subscription = json!({"subscriptionId": "11111111-2222-3333-4444-555555555555"});
    let error = call(&window, "list_resource_groups", subscription).unwrap_err();
    assert_eq!(error["code"], "azure_credentials_failed", "{error}");

    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let mut inputs = sandbox_inputs(&session);
    // Step 1 creates a group of its own; the sandbox world starts with three more (one holds the
    // destinations to choose from in step 4).
    inputs["resource_group"] = json!("Zeta-events");
    call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "prepare_azure", "onEvent": "__CHANNEL__:10"}),
    )
    .unwrap();
    let list = call(
        &window,
        "list_resource_groups",
        json!({"subscriptionId": session["subscriptionId"]}),
    )
    .unwrap();
    assert_eq!(
        list,
        json!([
            {"name": "analytics", "location": "northeurope", "auth0Region": "northeurope"},
            {"name": "contoso-integration", "location": "westeurope", "auth0Region": "westeurope"},
            {"name": "legacy-apps", "location": "westus3", "auth0Region": null},
            {"name": "Zeta-events", "location": "westeurope", "auth0Region": "westeurope"},
        ])
    );
}

#[test]
fn an_existing_group_runs_step_one_in_the_region_its_listing_prefilled() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let list = call(
        &window,
        "list_resource_groups",
        json!({"subscriptionId": session["subscriptionId"]}),
    )
    .unwrap();
    let analytics = &list[0];
    let mut inputs = sandbox_inputs(&session);
    inputs["resource_group"] = analytics["name"].clone();
    inputs["create_resource_group"] = json!(false);
    inputs["region"] = analytics["auth0Region"].clone();
    let report = call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "prepare_azure", "onEvent": "__CHANNEL__:11"}),
    )
    .unwrap();
    assert_eq!(report["steps"][0]["state"], "done", "{report}");
    let again = call(
        &window,
        "list_resource_groups",
        json!({"subscriptionId": session["subscriptionId"]}),
    )
    .unwrap();
    assert_eq!(
        again.as_array().unwrap().len(),
        3,
        "no group was created: {again}"
    );

    // A group where Auth0 cannot deliver has no region to prefill: the region the user picks is refused
    // until it is one Auth0 accepts.
    inputs["resource_group"] = json!("legacy-apps");
    inputs["region"] = json!("westus3");
    let error = call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "prepare_azure", "onEvent": "__CHANNEL__:12"}),
    )
    .unwrap_err();
    assert_eq!(error["field"], "region", "{error}");
}

/// The window words its remedies for the window: a missing resource group points at step 1's "Create a new
/// one", never at the command line's `--create-resource-group`.
#[test]
fn a_missing_resource_group_is_remedied_in_the_windows_words() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let mut inputs = sandbox_inputs(&session);
    inputs["resource_group"] = json!("nowhere-yet");
    inputs["create_resource_group"] = json!(false);
    let error = call(
        &window,
        "run_step",
        json!({"inputs": inputs, "step": "prepare_azure", "onEvent": "__CHANNEL__:13"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "resource_group_not_found", "{error}");
    let remedy = error["remedy"].as_str().unwrap();
    assert!(remedy.contains("Create a new one"), "{remedy}");
    for cli_only in ["--", "AUTH0_", "AZURE_"] {
        assert!(!remedy.contains(cli_only), "{remedy}");
    }
}

#[test]
fn listing_resource_groups_names_a_missing_or_unknown_subscription() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    call(&window, "start_sandbox", json!({})).unwrap();
    for bad in ["", "  ", "not-a-subscription"] {
        let error = call(
            &window,
            "list_resource_groups",
            json!({"subscriptionId": bad}),
        )
        .unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{bad:?}: {error}");
        assert_eq!(error["field"], "subscription_id", "{bad:?}: {error}");
    }
    let unknown = call(
        &window,
        "list_resource_groups",
        json!({"subscriptionId": "99999999-2222-3333-4444-555555555555"}),
    )
    .unwrap_err();
    assert_eq!(unknown["code"], "azure_subscription_not_found", "{unknown}");
    assert!(!unknown["remedy"].as_str().unwrap().is_empty(), "{unknown}");
}

#[test]
fn destinations_are_listed_by_name_with_the_ids_azure_gave() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let subscription = json!("11111111-2222-3333-4444-555555555555");
    let error = call(
        &window,
        "list_destinations",
        json!({"subscriptionId": subscription, "kind": "eventhub"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "azure_credentials_failed", "{error}");

    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let sub = session["subscriptionId"].as_str().unwrap().to_owned();
    let hubs = call(
        &window,
        "list_destinations",
        json!({"subscriptionId": sub, "kind": "eventhub"}),
    )
    .unwrap();
    let names: Vec<&str> = hubs
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["contoso-archive", "contoso-events", "contoso-telemetry"]
    );
    let events = &hubs[1];
    assert_eq!(events["resourceGroup"], "contoso-integration");
    assert_eq!(
        events["children"][0]["id"],
        json!(format!(
            "/subscriptions/{sub}/resourceGroups/contoso-integration/providers/Microsoft.EventHub/namespaces/contoso-events/eventhubs/auth0-logs"
        ))
    );
    assert_eq!(hubs[0]["children"], json!([]), "an empty namespace: {hubs}");

    let functions = call(
        &window,
        "list_destinations",
        json!({"subscriptionId": sub, "kind": "azurefunction"}),
    )
    .unwrap();
    let apps: Vec<&str> = functions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        apps,
        ["contoso-auth0-handlers", "contoso-linux-jobs"],
        "web apps are left out"
    );
    assert_eq!(functions[0]["children"][0]["name"], "OnAuth0Log");

    let webhook = call(
        &window,
        "list_destinations",
        json!({"subscriptionId": sub, "kind": "webhook"}),
    )
    .unwrap_err();
    assert_eq!(webhook["field"], "destination.kind", "{webhook}");
    let bad = call(
        &window,
        "list_destinations",
        json!({"subscriptionId": "not-a-subscription", "kind": "storagequeue"}),
    )
    .unwrap_err();
    assert_eq!(bad["field"], "subscription_id", "{bad}");
}

#[test]
fn test_endpoint_reports_the_cloudevents_handshake_and_refuses_plain_http() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = call(&window, "start_sandbox", json!({})).unwrap();
    let check = call(
        &window,
        "test_endpoint",
        json!({"url": session["sandboxInboxUrl"]}),
    )
    .unwrap();
    assert_eq!(check["status"], 200);
    assert_eq!(check["allowedOrigin"], "eventgrid.azure.net");
    assert_eq!(check["accepted"], true);

    let error = call(
        &window,
        "test_endpoint",
        json!({"url": "http://hooks.example.com/auth0"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(error["field"], "webhook_url");

    // A closed port on this computer: the error says the endpoint did not answer.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = call(
        &window,
        "test_endpoint",
        json!({"url": format!("http://127.0.0.1:{port}/hook")}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "network_unreachable");
}

/// The app with a stand-in clipboard and file manager that record what they were given.
type Recorded<T> = std::sync::Arc<std::sync::Mutex<Vec<T>>>;

fn app_with_support(
    folder: &std::path::Path,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    Recorded<String>,
    Recorded<std::path::PathBuf>,
) {
    use std::sync::Arc;
    let copied: Recorded<String> = Arc::default();
    let opened: Recorded<std::path::PathBuf> = Arc::default();
    let clipboard = copied.clone();
    let desktop = app_lib::Desktop {
        copy_text: Arc::new(move |text| {
            clipboard.lock().unwrap().push(text);
            Ok(())
        }),
        ..app_lib::Desktop::none()
    };
    let file_manager = opened.clone();
    let open_folder: app_lib::OpenFolder = Arc::new(move |path| {
        file_manager.lock().unwrap().push(path.to_owned());
        Ok(())
    });
    let support = app_lib::Support::new(Some(folder.join("logs")), open_folder, None);
    let keychain = keychain::Keychain::with_store(
        Arc::new(keychain::MemoryEntries::default()),
        keychain::Persistence::Keychain,
    );
    let setup = app_lib::SignInSetup::without_window(keychain, setup_engine::AzureCloud::Public);
    let app =
        app_lib::build_app_with_support(mock_builder(), folder.to_owned(), setup, desktop, support)
            .build(tauri::generate_context!())
            .unwrap();
    (app, copied, opened)
}

#[test]
fn copy_diagnostics_lists_the_errors_shown_without_a_secret_or_a_webhook_key() {
    let folder = tempfile::tempdir().unwrap();
    let (app, copied, _) = app_with_support(folder.path());
    let window = main_window(&app);
    let session = invoke(&window, "start_sandbox").expect("the sandbox starts");
    let shown = json!({"error": {
        "code": "operation_failed",
        "message": "The webhook https://fn.example.net/api/hook?code=webhook-key-in-an-error refused the handshake.",
        "remedy": "Check the function.",
        "field": "webhook_url",
        "correlation_id": "5f1c0a1e-0000-4000-8000-00000000c0de",
    }});
    invoke_with(&window, "tauri://localhost", "error_shown", shown).expect("error_shown");

    let text = invoke(&window, "copy_diagnostics").expect("copy_diagnostics");
    let text = text.as_str().expect("the text itself");
    assert_eq!(
        *copied.lock().unwrap(),
        [text.to_owned()],
        "the same text is on the clipboard"
    );
    let version = app.package_info().version.to_string();
    assert!(text.contains(&version), "{text}");
    assert!(text.contains("System: "), "{text}");
    assert!(text.contains("Webview: "), "{text}");
    let logs = folder.path().join("logs");
    assert!(
        text.contains(&format!("Logs: {}", logs.display())),
        "{text}"
    );
    assert!(
        text.contains("operation_failed: The webhook https://fn.example.net/api/hook refused the handshake. [field: webhook_url] [correlation id: 5f1c0a1e-0000-4000-8000-00000000c0de]"),
        "{text}"
    );
    let sandbox = tauri::async_runtime::block_on(app.state::<app_lib::AppState>().sandbox_info())
        .expect("the sandbox runs");
    for secret in [
        "webhook-key-in-an-error",
        sandbox.auth0_client_secret.as_str(),
        sandbox.azure_client_secret.as_str(),
        sandbox.admin_token.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(session["auth0Domain"].is_string());
    assert!(
        invoke_from(&window, "https://attacker.example/", "copy_diagnostics").is_err(),
        "only the app's own pages"
    );
}

#[test]
fn open_logs_folder_opens_the_folder_rust_knows_created_private() {
    let folder = tempfile::tempdir().unwrap();
    let (app, _, opened) = app_with_support(folder.path());
    let window = main_window(&app);
    invoke(&window, "open_logs_folder").expect("open_logs_folder");
    let logs = folder.path().join("logs");
    assert_eq!(*opened.lock().unwrap(), std::slice::from_ref(&logs));
    #[cfg(unix)]
    assert_eq!(private_file::mode_of(&logs).unwrap(), 0o700);
    assert!(
        invoke_from(&window, "https://attacker.example/", "open_logs_folder").is_err(),
        "only the app's own pages"
    );
    assert_eq!(opened.lock().unwrap().len(), 1);
}
