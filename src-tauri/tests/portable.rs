//! Export, import and teardown over IPC, on Tauri's mock runtime with the app's own sandbox: a wizard setup
//! (whose webhook address carries a key) exported in each format without the key, saved through a stand-in save
//! dialog (the file written whole, readable by its owner only) and copied through a stand-in clipboard; the JSON
//! imported into a fresh app and into the signed-in one (the wizard opens at the step that needs something);
//! and the setup torn down after its plan was read: everything it created is gone, the setup forgotten with
//! its webhook key.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use keychain::{Keychain, MemoryEntries, Persistence};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

type App = tauri::App<MockRuntime>;
type Window = WebviewWindow<MockRuntime>;

/// The key in the webhook address's query: it must reach no export, no file and no reply.
const WEBHOOK_KEY: &str = "k3y-0f-the-receiver-5ecret";

/// The stand-in dialogs and clipboard: the file the open and save dialogs "choose" (none: closed), what the
/// save dialog was asked for, and what was copied.
#[derive(Default)]
struct Desk {
    open: Mutex<Option<PathBuf>>,
    save: Mutex<Option<PathBuf>>,
    save_asked: Mutex<Vec<app_lib::SaveChoice>>,
    copied: Mutex<Vec<String>>,
}

struct Running {
    app: App,
    window: Window,
    desk: Arc<Desk>,
    keychain: Arc<MemoryEntries>,
}

fn launch(folder: &Path) -> Running {
    let desk = Arc::new(Desk::default());
    let keychain = Arc::new(MemoryEntries::default());
    let mut setup = app_lib::SignInSetup::without_window(
        Keychain::with_store(keychain.clone(), Persistence::Keychain),
        setup_engine::AzureCloud::Public,
    );
    let opened = desk.clone();
    setup.choose_file = Arc::new(move |_| {
        let picked = opened.open.lock().unwrap().clone();
        Box::pin(async move { picked })
    });
    let saving = desk.clone();
    let copying = desk.clone();
    let desktop = app_lib::Desktop {
        save_file: Arc::new(move |choice| {
            saving.save_asked.lock().unwrap().push(choice);
            let picked = saving.save.lock().unwrap().clone();
            Box::pin(async move { picked })
        }),
        copy_text: Arc::new(move |text| {
            copying.copied.lock().unwrap().push(text);
            Ok(())
        }),
    };
    let app = app_lib::build_app_with_desktop(mock_builder(), folder.to_path_buf(), setup, desktop)
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
    Running {
        app,
        window,
        desk,
        keychain,
    }
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
    let reply = get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap());
    let text = match &reply {
        Ok(value) | Err(value) => value.to_string(),
    };
    assert!(
        !text.contains(WEBHOOK_KEY),
        "{cmd} replied with the key: {text}"
    );
    reply
}

fn ok(window: &Window, cmd: &str, args: Value) -> Value {
    call(window, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// The wizard's setup in the app's sandbox, run to the end, with a key in its webhook address; its saved id.
fn wizard_setup(running: &Running, stream: &str) -> (Value, Value) {
    let session = ok(&running.window, "start_sandbox", json!({}));
    let inbox = session["sandboxInboxUrl"]
        .as_str()
        .expect("the sandbox's inbox");
    let inputs = json!({
        "auth0_domain": session["auth0Domain"],
        "stream_name": stream,
        "subscription_id": session["subscriptionId"],
        "resource_group": "auth0-portable",
        "region": "westeurope",
        "create_resource_group": true,
        "authorization_days": 7,
        "event_categories": [],
        "pii": null,
        "start_from": null,
        "destination": {"kind": "webhook", "webhook_url": format!("{inbox}?code={WEBHOOK_KEY}")},
        "event_subscription_name": "auth0-portable-logs",
        "log_codes": [],
    });
    for step in [
        "prepare_azure",
        "create_stream",
        "activate_topic",
        "subscribe",
    ] {
        ok(
            &running.window,
            "run_step",
            json!({"inputs": inputs, "step": step, "onEvent": "__CHANNEL__:7"}),
        );
    }
    let list = ok(&running.window, "list_setups", json!({}));
    let saved = list["setups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == stream)
        .unwrap_or_else(|| panic!("the wizard's setup is saved: {list}"))
        .clone();
    assert_eq!(saved["webhookKeyInKeychain"], true, "{saved}");
    (saved["id"].clone(), session)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_saved_setup_is_exported_saved_and_copied_without_its_key() {
    let folder = tempfile::tempdir().unwrap();
    let running = launch(folder.path());
    let (id, _) = wizard_setup(&running, "Portable logs");

    for format in ["json", "terraform", "shell"] {
        let exported = ok(
            &running.window,
            "export_setup",
            json!({"id": id, "format": format}),
        );
        assert_eq!(exported["format"], format);
        assert_eq!(exported["webhook_key_left_out"], true, "{exported}");
        let text = exported["text"].as_str().unwrap();
        assert!(text.contains("auth0-portable-logs"), "{format}: {text}");
        assert!(!exported["file_name"].as_str().unwrap().is_empty());
    }
    let document: Value = serde_json::from_str(
        ok(
            &running.window,
            "export_setup",
            json!({"id": id, "format": "json"}),
        )["text"]
            .as_str()
            .unwrap(),
    )
    .expect("the JSON export is JSON");
    assert_eq!(document["inputs"]["stream_name"], "Portable logs");

    // Closed dialog: nothing written.
    assert_eq!(
        ok(
            &running.window,
            "save_export",
            json!({"id": id, "format": "json"})
        ),
        Value::Null
    );
    let exports = tempfile::tempdir().unwrap();
    let target = exports.path().join("portable.setup.json");
    *running.desk.save.lock().unwrap() = Some(target.clone());
    let written = ok(
        &running.window,
        "save_export",
        json!({"id": id, "format": "json"}),
    );
    assert_eq!(written, json!(target.display().to_string()));
    let asked = running.desk.save_asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2);
    assert!(asked[1].file_name.ends_with(".json"), "{asked:?}");
    assert_eq!(asked[1].extensions, ["json"]);
    let on_disk = std::fs::read_to_string(&target).unwrap();
    assert!(!on_disk.contains(WEBHOOK_KEY));
    let on_disk: Value = serde_json::from_str(&on_disk).unwrap();
    assert_eq!(on_disk["inputs"], document["inputs"]);
    #[cfg(unix)]
    assert_eq!(mode(&target), 0o600);
    assert_eq!(
        std::fs::read_dir(exports.path()).unwrap().count(),
        1,
        "no temporary file is left beside it"
    );

    let copied = ok(
        &running.window,
        "copy_export",
        json!({"id": id, "format": "terraform"}),
    );
    assert_eq!(
        running.desk.copied.lock().unwrap().as_slice(),
        [copied["text"].as_str().unwrap().to_owned()]
    );
    drop(running.app);
}

#[test]
fn an_exported_setup_is_imported_at_the_step_that_needs_something() {
    let folder = tempfile::tempdir().unwrap();
    let running = launch(folder.path());
    let (id, session) = wizard_setup(&running, "Imported logs");
    let exported = ok(
        &running.window,
        "export_setup",
        json!({"id": id, "format": "json"}),
    );
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("imported.setup.json");
    std::fs::write(&file, exported["text"].as_str().unwrap()).unwrap();
    let document: Value = serde_json::from_str(exported["text"].as_str().unwrap()).unwrap();

    // A fresh app, nobody signed in: Sign in first, everything else as exported.
    let fresh_folder = tempfile::tempdir().unwrap();
    let fresh = launch(fresh_folder.path());
    assert_eq!(
        ok(&fresh.window, "import_setup", json!({})),
        Value::Null,
        "dialog closed"
    );
    *fresh.desk.open.lock().unwrap() = Some(file.clone());
    let draft = ok(&fresh.window, "import_setup", json!({}));
    assert_eq!(draft["screen"], "sign_in", "{draft}");
    assert_eq!(draft["inputs"], document["inputs"]);
    assert_eq!(
        ok(&fresh.window, "load_draft", json!({})),
        draft,
        "the draft is saved"
    );
    // Signed in to another tenant (the fresh app's own sandbox): still Sign in, the document's tenant kept.
    let other = ok(&fresh.window, "start_sandbox", json!({}));
    assert_ne!(other["auth0Domain"], session["auth0Domain"]);
    let draft = ok(&fresh.window, "import_setup", json!({}));
    assert_eq!(draft["screen"], "sign_in", "{draft}");
    assert_eq!(draft["inputs"]["auth0_domain"], session["auth0Domain"]);

    // Signed in where it was exported: a new stream name needs step 2 (step 1's resources exist) ...
    let mut renamed = document.clone();
    renamed["inputs"]["stream_name"] = json!("Imported logs again");
    std::fs::write(&file, renamed.to_string()).unwrap();
    *running.desk.open.lock().unwrap() = Some(file.clone());
    let draft = ok(&running.window, "import_setup", json!({}));
    assert_eq!(draft["screen"], "create_stream", "{draft}");
    assert_eq!(draft["mode"], "sandbox");
    // ... and a subscription the account does not see needs step 1.
    let mut elsewhere = document.clone();
    elsewhere["inputs"]["subscription_id"] = json!("0a0a0a0a-0000-4000-8000-000000000001");
    std::fs::write(&file, elsewhere.to_string()).unwrap();
    let draft = ok(&running.window, "import_setup", json!({}));
    assert_eq!(draft["screen"], "prepare_azure", "{draft}");

    // A file with a field no setup document has is refused, naming it; the draft stays as it was.
    let mut unknown = document.clone();
    unknown["azure_cloud"] = json!("public");
    std::fs::write(&file, unknown.to_string()).unwrap();
    let refused = call(&running.window, "import_setup", json!({})).unwrap_err();
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert!(refused["field"].is_string(), "{refused}");
    assert_eq!(ok(&running.window, "load_draft", json!({})), draft);
    drop((running.app, fresh.app));
}

#[test]
fn a_wizard_setup_is_torn_down_and_forgotten() {
    let folder = tempfile::tempdir().unwrap();
    let running = launch(folder.path());
    let (id, _) = wizard_setup(&running, "Torn down logs");
    assert!(
        running
            .keychain
            .names()
            .iter()
            .any(|name| name.contains(&format!("saved-setup-{id}"))),
        "the webhook key is in the keychain: {:?}",
        running.keychain.names()
    );

    let plan = ok(&running.window, "plan_teardown", json!({"id": id}));
    let kinds: Vec<&str> = plan["remove"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..2], ["event_subscription", "log_stream"], "{plan}");
    let names: Vec<&str> = plan["remove"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"auth0-portable-logs"), "{plan}");
    assert!(names.contains(&"Torn down logs"), "{plan}");
    // The wizard's run created the group (`create_resource_group`), so the group goes last.
    assert_eq!(kinds.last(), Some(&"resource_group"), "{plan}");
    assert!(names.contains(&"auth0-portable"), "{plan}");
    // Reading the plan deleted nothing: the setup still checks green.
    let checked = ok(
        &running.window,
        "check_setup",
        json!({"id": id, "testEvent": false}),
    );
    assert_eq!(checked["lastReport"]["overall"], "green", "{checked}");

    let report = ok(
        &running.window,
        "teardown_setup",
        json!({"id": id, "plan": plan}),
    );
    assert_eq!(report["removed"], plan["remove"], "{report}");
    assert_eq!(
        ok(&running.window, "list_setups", json!({}))["setups"],
        json!([]),
        "the setup is forgotten"
    );
    assert!(
        !running
            .keychain
            .names()
            .iter()
            .any(|name| name.contains(&format!("saved-setup-{id}"))),
        "its webhook key is removed: {:?}",
        running.keychain.names()
    );
    // What it created is gone from the clouds: a plan of the same inputs finds nothing to remove.
    let stream_left = streams_named(&running.app, "Torn down logs");
    assert_eq!(stream_left, 0, "the log stream is deleted");
    let gone = call(&running.window, "plan_teardown", json!({"id": id})).unwrap_err();
    assert_eq!(gone["code"], "invalid_input", "{gone}");
}

/// How many of the sandbox tenant's log streams are named `name` (read as an administrator would).
fn streams_named(app: &App, name: &str) -> usize {
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
        let streams: Value = http
            .get(format!("{}/api/v2/log-streams", info.auth0_domain))
            .bearer_auth(token["access_token"].as_str().expect("a token"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        streams
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"] == name)
            .count()
    })
}
