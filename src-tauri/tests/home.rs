//! The health home over IPC, on Tauri's mock runtime with a real sandbox: the wizard's setup is saved, checked,
//! broken (a paused stream, as an administrator would pause it) and fixed; setups are renamed and forgotten; a
//! cloud setup whose accounts are not signed in asks for them; the schedule's interval is validated; and the
//! window and the `auth0-eventgrid` command line write the one store at the same time without losing anything.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow, WebviewWindowBuilder};

type App = tauri::App<MockRuntime>;
type Window = WebviewWindow<MockRuntime>;

fn app_in(folder: &Path) -> (App, Window) {
    let app = app_lib::build_app_in(mock_builder(), folder.to_path_buf())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let window = match app.get_webview_window("main") {
        Some(window) => window,
        None => {
            let config = app.config().app.windows[0].clone();
            WebviewWindowBuilder::from_config(app.handle(), &config)
                .unwrap()
                .build()
                .unwrap()
        }
    };
    (app, window)
}

fn call(window: &Window, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn ok(window: &Window, cmd: &str, args: Value) -> Value {
    call(window, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// The inputs the wizard fills in for a sandbox session, with a stream and resource group of their own.
fn sandbox_inputs(session: &Value, stream: &str, group: &str) -> Value {
    json!({
        "auth0_domain": session["auth0Domain"],
        "stream_name": stream,
        "subscription_id": session["subscriptionId"],
        "resource_group": group,
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

fn run_step(window: &Window, inputs: &Value, step: &str) -> Value {
    ok(
        window,
        "run_step",
        json!({"inputs": inputs, "step": step, "onEvent": "__CHANNEL__:7"}),
    )
}

fn check_state<'a>(setup: &'a Value, check: &str) -> &'a str {
    setup["lastReport"]["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("a report: {setup}"))
        .iter()
        .find(|c| c["id"] == check)
        .unwrap_or_else(|| panic!("{check} in {setup}"))["state"]
        .as_str()
        .unwrap()
}

fn names(setups: &Value) -> Vec<String> {
    setups
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Pauses the stream named `name` through the Management API, as an administrator would in the Dashboard.
fn pause_stream(app: &App, name: &str) {
    let info = tauri::async_runtime::block_on(app.state::<app_lib::AppState>().sandbox_info())
        .expect("the sandbox runs");
    tauri::async_runtime::block_on(async {
        let http = reqwest::Client::new();
        let token: Value = http
            .post(format!("{}/oauth/token", info.auth0_domain))
            .json(&json!({
                "grant_type": "client_credentials",
                "client_id": info.auth0_client_id,
                "client_secret": info.auth0_client_secret,
                "audience": format!("{}/api/v2/", info.auth0_domain),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["access_token"].as_str().expect("a token");
        let streams: Value = http
            .get(format!("{}/api/v2/log-streams", info.auth0_domain))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = streams
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("the stream {name}: {streams}"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let paused = http
            .patch(format!("{}/api/v2/log-streams/{id}", info.auth0_domain))
            .bearer_auth(token)
            .json(&json!({"status": "paused"}))
            .send()
            .await
            .unwrap();
        assert!(paused.status().is_success(), "{}", paused.status());
    });
}

#[test]
fn the_wizards_setup_is_saved_checked_broken_and_fixed() {
    let folder = tempfile::tempdir().unwrap();
    let (app, window) = app_in(folder.path());
    let session = ok(&window, "start_sandbox", json!({}));
    let inputs = sandbox_inputs(&session, "Azure Event Grid", "auth0-events");
    for step in [
        "prepare_azure",
        "create_stream",
        "activate_topic",
        "subscribe",
    ] {
        run_step(&window, &inputs, step);
    }

    let list = ok(&window, "list_setups", json!({}));
    assert_eq!(list["notice"], Value::Null, "{list}");
    assert_eq!(
        names(&list["setups"]),
        ["Azure Event Grid"],
        "one setup, updated by each step"
    );
    let saved = &list["setups"][0];
    assert_eq!(saved["accounts"]["mode"], "sandbox");
    assert_eq!(saved["accounts"]["auth0Domain"], session["auth0Domain"]);
    assert_eq!(
        saved["created"]["completed"].as_array().unwrap().len(),
        4,
        "{saved}"
    );
    assert!(saved["created"]["streamId"].is_string(), "{saved}");
    assert_eq!(saved["lastReport"], Value::Null, "not checked yet");
    let id = saved["id"].clone();

    let green = ok(
        &window,
        "check_setup",
        json!({"id": id, "testEvent": false}),
    );
    assert_eq!(green["lastReport"]["overall"], "green", "{green}");
    assert_eq!(ok(&window, "health_alerts", json!({})), json!([]));

    pause_stream(&app, "Azure Event Grid");
    let red = ok(
        &window,
        "check_setup",
        json!({"id": id, "testEvent": false}),
    );
    assert_eq!(check_state(&red, "log_stream"), "red", "{red}");
    assert_eq!(red["lastReport"]["overall"], "red");
    let since = red["since"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "log_stream")
        .unwrap_or_else(|| panic!("since for the stream: {red}"));
    assert_eq!(since["state"], "red");
    let alerts = ok(&window, "health_alerts", json!({}));
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["setupId"], id);
    assert_eq!(alerts[0]["setupName"], "Azure Event Grid");
    assert_eq!(alerts[0]["check"], "log_stream");
    assert!(
        alerts[0]["checkTitle"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{alerts}"
    );

    // Still red: no second alert for the same failure.
    ok(
        &window,
        "check_setup",
        json!({"id": id, "testEvent": false}),
    );
    assert_eq!(
        ok(&window, "health_alerts", json!({}))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let fixed = ok(
        &window,
        "apply_fix",
        json!({"id": id, "fix": "resume_stream"}),
    );
    assert_eq!(check_state(&fixed, "log_stream"), "green", "{fixed}");
    assert_eq!(fixed["lastReport"]["overall"], "green", "{fixed}");

    // On demand, the test event is one more check.
    let with_event = ok(&window, "check_setup", json!({"id": id, "testEvent": true}));
    assert_eq!(
        check_state(&with_event, "test_event"),
        "green",
        "{with_event}"
    );
    assert!(
        check_state(&fixed, "log_stream") == "green"
            && fixed["lastReport"]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["id"] != "test_event"),
        "only when asked for: {fixed}"
    );

    let all = ok(&window, "check_all_setups", json!({}));
    assert_eq!(names(&all), ["Azure Event Grid"]);
    assert_eq!(all[0]["lastReport"]["overall"], "green", "{all}");
}

/// The home of a restarted app: its sandbox setup is checked without the wizard's session, the sandbox started
/// for it with the world and address the setup was made in.
#[test]
fn a_restarted_app_checks_its_sandbox_setup_in_the_sandbox_it_was_made_in() {
    let folder = tempfile::tempdir().unwrap();
    let made_at = {
        let (_app, window) = app_in(folder.path());
        let session = ok(&window, "start_sandbox", json!({}));
        let inputs = sandbox_inputs(&session, "Azure Event Grid", "auth0-events");
        for step in [
            "prepare_azure",
            "create_stream",
            "activate_topic",
            "subscribe",
        ] {
            run_step(&window, &inputs, step);
        }
        // Signing out stops the sandbox; its world stays in the app's folder.
        ok(&window, "sign_out", json!({}));
        session["auth0Domain"].clone()
    };
    let (app, window) = app_in(folder.path());
    assert_eq!(ok(&window, "current_session", json!({})), Value::Null);
    let setups = ok(&window, "list_setups", json!({}))["setups"].clone();
    assert_eq!(setups[0]["accounts"]["auth0Domain"], made_at);
    let checked = ok(
        &window,
        "check_setup",
        json!({"id": setups[0]["id"], "testEvent": false}),
    );
    assert_eq!(checked["lastReport"]["overall"], "green", "{checked}");
    let sandbox = tauri::async_runtime::block_on(app.state::<app_lib::AppState>().sandbox_info())
        .expect("the check started the sandbox");
    assert_eq!(json!(sandbox.auth0_domain), made_at);
    assert_eq!(
        ok(&window, "current_session", json!({})),
        Value::Null,
        "a check signs the wizard in to nothing"
    );
    // The wizard's sandbox session is the one the check started, not a second sandbox.
    let session = ok(&window, "start_sandbox", json!({}));
    assert_eq!(session["auth0Domain"], made_at);
}

/// Step 1 saves the setup under the default stream name; a person who names the stream in step 2 still has one
/// setup, now named after their stream, not a half one left behind under the old name.
#[test]
fn a_stream_named_after_step_1_keeps_one_setup() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = ok(&window, "start_sandbox", json!({}));
    run_step(
        &window,
        &sandbox_inputs(&session, "Azure Event Grid", "auth0-events"),
        "prepare_azure",
    );
    run_step(
        &window,
        &sandbox_inputs(&session, "Security logs", "auth0-events"),
        "create_stream",
    );
    let setups = ok(&window, "list_setups", json!({}))["setups"].clone();
    assert_eq!(names(&setups), ["Security logs"]);
}

#[test]
fn setups_are_renamed_and_forgotten_and_bad_names_refused() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let session = ok(&window, "start_sandbox", json!({}));
    run_step(
        &window,
        &sandbox_inputs(&session, "First", "auth0-events"),
        "prepare_azure",
    );
    // Home, then "Add a setup": the next wizard is another setup.
    ok(&window, "clear_draft", json!({}));
    run_step(
        &window,
        &sandbox_inputs(&session, "Second", "auth0-events"),
        "prepare_azure",
    );
    let setups = ok(&window, "list_setups", json!({}))["setups"].clone();
    assert_eq!(names(&setups), ["First", "Second"]);
    let (first, second) = (setups[0]["id"].clone(), setups[1]["id"].clone());

    let renamed = ok(
        &window,
        "rename_setup",
        json!({"id": first, "name": "Production"}),
    );
    assert_eq!(renamed["name"], "Production");
    for bad in ["", "   ", "second", "SECOND"] {
        let error = call(&window, "rename_setup", json!({"id": first, "name": bad})).unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{bad:?}: {error}");
        assert_eq!(error["field"], "name", "{bad:?}: {error}");
    }
    let unknown = call(&window, "rename_setup", json!({"id": 999_999, "name": "X"})).unwrap_err();
    assert!(
        unknown["code"].is_string() && unknown["remedy"].is_string(),
        "{unknown}"
    );

    // The next step's save keeps the name the person gave.
    run_step(
        &window,
        &sandbox_inputs(&session, "First", "auth0-events"),
        "prepare_azure",
    );
    let setups = ok(&window, "list_setups", json!({}))["setups"].clone();
    assert_eq!(names(&setups), ["Production", "Second"]);

    assert_eq!(
        ok(&window, "forget_setup", json!({"id": second})),
        json!(true)
    );
    assert_eq!(
        ok(&window, "forget_setup", json!({"id": second})),
        json!(false)
    );
    let setups = ok(&window, "list_setups", json!({}))["setups"].clone();
    assert_eq!(names(&setups), ["Production"]);
}

/// A setup saved for an Auth0 tenant and Azure account this window is not signed in to (the command line's,
/// a colleague's), written straight into the app's store.
fn save_cloud_setup(store: &Path, name: &str) -> i64 {
    use setup_store::{CreatedResources, NewSetup, SetupAccounts, SetupStore};
    let mut inputs = setup_engine::default_inputs();
    inputs.auth0_domain = "elsewhere.eu.auth0.com".into();
    inputs.stream_name = name.into();
    inputs.subscription_id = "11111111-2222-3333-4444-555555555555".into();
    inputs.resource_group = "auth0-events".into();
    inputs.destination.webhook_url = Some("https://hooks.example.com/auth0".into());
    let store = SetupStore::open(store).unwrap().store;
    let saved = store
        .save(NewSetup {
            name: Some(name.into()),
            inputs,
            accounts: SetupAccounts {
                mode: sign_in::Mode::Cloud,
                auth0_domain: "elsewhere.eu.auth0.com".into(),
                auth0_identity: "someone-elses-app".into(),
                auth0_audience: None,
                azure_tenant_id: "99999999-0000-0000-0000-000000000009".into(),
                azure_identity: "ops@elsewhere.example".into(),
                azure_cloud: setup_engine::AzureCloudKind::Public,
                azure_authority_url: None,
                azure_management_url: None,
            },
            created: CreatedResources::default(),
            replaces: None,
        })
        .unwrap();
    saved.setup.id
}

#[test]
fn a_cloud_setup_whose_accounts_are_not_signed_in_asks_for_them() {
    let folder = tempfile::tempdir().unwrap();
    let (app, window) = app_in(folder.path());
    let id = save_cloud_setup(&folder.path().join("setups.db"), "Elsewhere");
    // Signed in to the sandbox: not the setup's accounts either.
    ok(&window, "start_sandbox", json!({}));

    let checked = ok(
        &window,
        "check_setup",
        json!({"id": id, "testEvent": false}),
    );
    let report = &checked["lastReport"];
    assert_eq!(report["overall"], "unknown", "{checked}");
    let checks = report["checks"].as_array().unwrap();
    assert!(!checks.is_empty());
    for check in checks {
        assert_eq!(check["state"], "unknown", "{check}");
        assert_eq!(
            check["sentence"], "Sign in to elsewhere.eu.auth0.com to check it",
            "{check}"
        );
    }
    assert_eq!(
        ok(&window, "health_alerts", json!({})),
        json!([]),
        "unknown is not red"
    );

    // The schedule's round checks it too and tells the window with every setup.
    let heard = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = heard.clone();
    app.listen_any(app_lib::SETUPS_CHANGED, move |event| {
        sink.lock()
            .unwrap()
            .push(serde_json::from_str(event.payload()).unwrap());
    });
    tauri::async_runtime::block_on(app_lib::check_round(app.handle()));
    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(names(&heard[0]), ["Elsewhere"]);
    assert_eq!(heard[0][0]["lastReport"]["overall"], "unknown");
}

#[test]
fn the_check_interval_is_validated_and_kept() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let defaults = ok(&window, "load_settings", json!({}));
    assert_eq!(defaults["checkIntervalMinutes"], Value::Null, "{defaults}");
    for bad in [1, 4, 1441] {
        let error = call(
            &window,
            "save_settings",
            json!({"settings": {"azureClientId": null, "checkIntervalMinutes": bad}}),
        )
        .unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{bad}: {error}");
        assert_eq!(error["field"], "check_interval_minutes", "{bad}: {error}");
    }
    for good in [0, 5, 30, 1440] {
        let saved = ok(
            &window,
            "save_settings",
            json!({"settings": {"azureClientId": null, "checkIntervalMinutes": good}}),
        );
        assert_eq!(saved["checkIntervalMinutes"], good);
    }
    assert_eq!(
        ok(&window, "load_settings", json!({}))["checkIntervalMinutes"],
        1440
    );
}

#[test]
fn opening_a_checks_page_needs_a_saved_setup_with_that_link() {
    let folder = tempfile::tempdir().unwrap();
    let (_app, window) = app_in(folder.path());
    let target = json!({"kind": "setup_check", "setup_id": 999_999, "check": "log_stream"});
    let error = call(&window, "open_link", json!({"target": target})).unwrap_err();
    assert!(error["message"].is_string(), "{error}");

    let id = save_cloud_setup(&folder.path().join("setups.db"), "Elsewhere");
    let target = json!({"kind": "setup_check", "setup_id": id, "check": "log_stream"});
    let error = call(&window, "open_link", json!({"target": target})).unwrap_err();
    assert_eq!(error["code"], "invalid_input", "not checked yet: {error}");
}

/// The `auth0-eventgrid` binary, built beside this test's executable.
fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let cli = dir.join(format!("auth0-eventgrid{}", std::env::consts::EXE_SUFFIX));
    assert!(
        cli.exists(),
        "{} is missing: build it first (cargo build -p auth0-eventgrid)",
        cli.display()
    );
    cli
}

/// The command line signed in to the app's sandbox through the environment, as cron would run it.
fn cli(info: &cloud_sandbox::SandboxInfo, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(cli_binary());
    command
        .args(args)
        .env_clear()
        .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
        .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
        .env("AZURE_TENANT_ID", &info.azure_tenant_id)
        .env("AZURE_CLIENT_ID", &info.azure_client_id)
        .env("AZURE_CLIENT_SECRET", &info.azure_client_secret);
    command
}

/// Runs to the end (`output` waits for the child: none outlives the test) and expects success.
fn finish(command: std::process::Command) -> String {
    finish_with(&[0], command)
}

fn finish_with(codes: &[i32], mut command: std::process::Command) -> String {
    let out = command.output().expect("the command line runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.code().is_some_and(|code| codes.contains(&code)),
        "{:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_window_and_the_command_line_writing_the_store_at_once_lose_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (app, window) = app_in(folder.path());
    let store = folder.path().join("setups.db");
    let session = ok(&window, "start_sandbox", json!({}));
    let info = tauri::async_runtime::block_on(app.state::<app_lib::AppState>().sandbox_info())
        .expect("the sandbox runs");
    let elsewhere = save_cloud_setup(&store, "Elsewhere");
    const CLI_SETUPS: usize = 3;

    // The command line sets up three streams of its own in the same sandbox, saving each in the app's store,
    // and checks each.
    let command_line = {
        let (info, store, work) = (info.clone(), store.clone(), folder.path().join("cli"));
        std::thread::spawn(move || {
            std::fs::create_dir_all(&work).unwrap();
            for n in 0..CLI_SETUPS {
                let group = format!("cli-{n}");
                let hook = format!("{}/_sandbox/inbox/{group}", info.azure_management);
                let progress = work.join("progress.json");
                finish(cli(
                    &info,
                    &[
                        "setup",
                        "--store",
                        store.to_str().unwrap(),
                        "--name",
                        &format!("cli {n}"),
                        "--azure-cloud",
                        "custom",
                        "--azure-authority-url",
                        &info.azure_authority,
                        "--azure-management-url",
                        &info.azure_management,
                        "--progress-file",
                        progress.to_str().unwrap(),
                        "--auth0-domain",
                        &info.auth0_domain,
                        "--subscription-id",
                        &info.subscription_id,
                        "--resource-group",
                        &group,
                        "--region",
                        "westeurope",
                        "--create-resource-group",
                        "--stream-name",
                        &group,
                        "--webhook-url",
                        &hook,
                    ],
                ));
                // And records a check of it, as cron would (exit 1 is a red check, still recorded).
                finish_with(
                    &[0, 1],
                    cli(
                        &info,
                        &[
                            "verify",
                            "--setup",
                            &format!("cli {n}"),
                            "--json",
                            "--store",
                            store.to_str().unwrap(),
                        ],
                    ),
                );
            }
        })
    };

    // Meanwhile the window saves a setup per step it runs and records a check, until the command line is done.
    let mut saved_by_the_window = Vec::new();
    let mut last_check = Value::Null;
    while !command_line.is_finished() || saved_by_the_window.len() < 3 {
        let name = format!("app {}", saved_by_the_window.len());
        run_step(
            &window,
            &sandbox_inputs(&session, &name, "auth0-events"),
            "prepare_azure",
        );
        saved_by_the_window.push(name);
        // Each is a setup of its own, as when the person goes home and adds another.
        ok(&window, "clear_draft", json!({}));
        let checked = ok(
            &window,
            "check_setup",
            json!({"id": elsewhere, "testEvent": false}),
        );
        last_check = checked["lastReport"]["checkedAt"].clone();
    }
    command_line
        .join()
        .expect("the command line's runs all succeeded");

    let listed = ok(&window, "list_setups", json!({}))["setups"].clone();
    let listed = names(&listed);
    for name in saved_by_the_window
        .iter()
        .cloned()
        .chain((0..CLI_SETUPS).map(|n| format!("cli {n}")))
        .chain(["Elsewhere".to_owned()])
    {
        assert!(listed.contains(&name), "{name} is missing from {listed:?}");
    }
    assert_eq!(
        listed.len(),
        saved_by_the_window.len() + CLI_SETUPS + 1,
        "{listed:?}"
    );
    let elsewhere = ok(&window, "list_setups", json!({}))["setups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Elsewhere")
        .cloned()
        .unwrap();
    assert_eq!(
        elsewhere["lastReport"]["checkedAt"], last_check,
        "the window's last check is the one kept"
    );
    for n in 0..CLI_SETUPS {
        let setup = ok(&window, "list_setups", json!({}))["setups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == format!("cli {n}"))
            .cloned()
            .unwrap();
        assert!(
            setup["lastReport"]["overall"].is_string(),
            "the command line's check of cli {n} is kept: {setup}"
        );
        assert_eq!(
            setup["created"]["completed"].as_array().unwrap().len(),
            4,
            "{setup}"
        );
    }
    eprintln!(
        "the window saved {} setups while the command line ran",
        saved_by_the_window.len()
    );

    // The command line reads the same store and finds every setup.
    let text = finish(cli(
        &info,
        &["setups", "--json", "--store", store.to_str().unwrap()],
    ));
    let from_cli: Value = serde_json::from_str(text.trim()).expect("one JSON document");
    assert_eq!(names(&from_cli["setups"]).len(), listed.len(), "{from_cli}");
}

/// A store that is not one (damaged, or some other file) is moved aside: the home says so once, and starts
/// empty.
#[test]
fn a_damaged_store_is_moved_aside_and_said_once() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("setups.db"), b"not a database at all").unwrap();
    let (_app, window) = app_in(folder.path());
    let first = ok(&window, "list_setups", json!({}));
    assert_eq!(first["setups"], json!([]), "{first}");
    let notice = first["notice"].as_str().expect("a notice");
    assert!(notice.contains("moved"), "{notice}");
    let again = ok(&window, "list_setups", json!({}));
    assert_eq!(again["notice"], Value::Null, "said once: {again}");
    let kept_aside = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .any(|path| std::fs::read(path).unwrap() == b"not a database at all");
    assert!(kept_aside, "the damaged file is kept, untouched");
}
