//! Signing in to the user's own clouds over IPC, on Tauri's mock runtime, against an in-process sandbox over
//! real HTTP: an Azure device code approved on the sandbox's device page, a browser sign-in cancelled, the
//! sandbox's machine-to-machine application for Auth0, and signing out emptying the (in-memory) keychain. Every
//! reply is searched for every secret the sandbox issued.

use std::sync::Arc;

use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use keychain::{EntryStore, Keychain, MemoryEntries, Persistence};
use serde_json::{Value, json};
use setup_engine::AzureCloud;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

/// The app registration's client id; the sandbox accepts any id for a public client.
const PUBLIC_CLIENT_ID: &str = "5d3c1a2b-7e4f-4a10-9b8c-0123456789ab";

fn launch(
    sandbox: &RunningSandbox,
    store: &Arc<MemoryEntries>,
    opened: &Arc<std::sync::Mutex<Vec<String>>>,
    folder: &std::path::Path,
    client_id: Option<&str>,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let info = sandbox.info();
    let record = opened.clone();
    let setup = app_lib::SignInSetup {
        keychain: Keychain::with_store(store.clone(), Persistence::Keychain),
        azure_cloud: AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        },
        azure_client_id: client_id.map(str::to_owned),
        clock: Arc::new(cloud_http::SystemClock),
        open_url: Arc::new(move |url: &str| {
            record.lock().unwrap().push(url.to_owned());
            true
        }),
    };
    let app = app_lib::build_app_with(mock_builder(), folder.to_owned(), setup)
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

/// Sends one IPC request as the app's own page would.
fn invoke_on(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
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

struct World {
    runtime: tokio::runtime::Runtime,
    sandbox: RunningSandbox,
    store: Arc<MemoryEntries>,
    /// Every link the app opened in the "system browser".
    opened: Arc<std::sync::Mutex<Vec<String>>>,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    /// Every reply the window got, to search for secrets at the end.
    replies: std::sync::Mutex<Vec<String>>,
    _folder: tempfile::TempDir,
}

impl World {
    fn start() -> Self {
        Self::start_with(Some(PUBLIC_CLIENT_ID))
    }

    /// A sandbox, and the app signing in to it with `client_id` as the Azure app registration (none: neither
    /// settings nor build give one).
    fn start_with(client_id: Option<&str>) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(Sandbox::start(SandboxConfig::for_tests()))
            .expect("sandbox starts");
        let store = Arc::new(MemoryEntries::default());
        let folder = tempfile::tempdir().unwrap();
        let opened = Arc::default();
        let (app, window) = launch(&sandbox, &store, &opened, folder.path(), client_id);
        Self {
            runtime,
            sandbox,
            store,
            opened,
            _app: app,
            window,
            replies: Default::default(),
            _folder: folder,
        }
    }

    /// The app started again on the same folder and keychain, as after a restart.
    fn restart(&mut self) {
        let (app, window) = launch(
            &self.sandbox,
            &self.store,
            &self.opened,
            self._folder.path(),
            Some(PUBLIC_CLIENT_ID),
        );
        self._app = app;
        self.window = window;
    }

    fn opened(&self) -> Vec<String> {
        self.opened.lock().unwrap().clone()
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let reply = invoke_on(&self.window, cmd, args);
        self.record(&reply);
        reply
    }

    fn record(&self, reply: &Result<Value, Value>) {
        let text = match reply {
            Ok(value) | Err(value) => value.to_string(),
        };
        self.replies.lock().unwrap().push(text);
    }

    fn sign_in_auth0(&self) -> Value {
        let info = self.sandbox.info();
        self.invoke(
            "sign_in_auth0",
            json!({ "request": {
                "domain": info.auth0_domain,
                "clientId": info.auth0_client_id,
                "clientSecret": info.auth0_client_secret,
            }}),
        )
        .expect("the sandbox's application signs in")
    }

    /// Approves `user_code` on the sandbox's device page as its first user, as a person in a browser would.
    fn approve_device_code(&self, user_code: &str) {
        let info = self.sandbox.info();
        let user = &info.users[0];
        let page = format!("{}/devicelogin", info.azure_authority);
        let html = self.runtime.block_on(async {
            reqwest::Client::new()
                .post(page)
                .form(&[
                    ("user_code", user_code),
                    ("username", user.name.as_str()),
                    ("password", user.password.as_str()),
                    ("decision", "allow"),
                ])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        });
        assert!(html.contains("You have signed in"), "{html}");
    }

    fn device_sign_in(&self) -> Value {
        let prompt = self
            .invoke("start_azure_sign_in", json!({ "method": "device_code" }))
            .expect("a device code");
        assert_eq!(prompt["kind"], "device_code", "{prompt}");
        assert!(
            prompt["verificationUri"]
                .as_str()
                .unwrap()
                .ends_with("/devicelogin"),
            "{prompt}"
        );
        self.approve_device_code(prompt["userCode"].as_str().unwrap());
        self.invoke("finish_azure_sign_in", json!({}))
            .expect("the approved device code signs in")
    }

    fn keychain_names(&self) -> Vec<String> {
        self.store.names()
    }

    /// No reply so far holds a secret the sandbox issued, nor any part of any value the keychain holds.
    fn assert_no_secret_in_replies(&self) {
        let info = self.sandbox.info();
        let mut secrets = vec![
            info.auth0_client_secret.clone(),
            info.azure_client_secret.clone(),
        ];
        for name in self.keychain_names() {
            let value = self.store.read(&name).unwrap().unwrap_or_default();
            secrets.push(String::from_utf8_lossy(&value).into_owned());
        }
        let replies = self.replies.lock().unwrap();
        assert!(!replies.is_empty());
        for secret in secrets.iter().filter(|s| s.len() >= 8) {
            for reply in replies.iter() {
                assert!(!reply.contains(secret.as_str()), "a secret in {reply}");
            }
        }
    }
}

#[test]
fn a_device_code_approved_on_the_device_page_signs_in_to_azure() {
    let world = World::start();
    let account = world.device_sign_in();
    assert_eq!(account["username"], world.sandbox.info().users[0].name);
    assert!(account["tenantId"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        !world.keychain_names().is_empty(),
        "the refresh token is kept in the keychain"
    );
    world.assert_no_secret_in_replies();
}

#[test]
fn the_sandbox_application_signs_in_to_auth0_with_every_scope() {
    let world = World::start();
    let account = world.sign_in_auth0();
    let info = world.sandbox.info();
    assert_eq!(account["clientId"], info.auth0_client_id);
    assert_eq!(account["missingScopes"], json!([]));
    assert!(!world.keychain_names().is_empty(), "the secret is kept");
    world.assert_no_secret_in_replies();
}

#[test]
fn a_wrong_auth0_secret_is_refused_at_once_with_a_remedy() {
    let world = World::start();
    let info = world.sandbox.info();
    let error = world
        .invoke(
            "sign_in_auth0",
            json!({ "request": {
                "domain": info.auth0_domain,
                "clientId": info.auth0_client_id,
                "clientSecret": "not-the-secret",
            }}),
        )
        .expect_err("a wrong secret is refused");
    assert_eq!(error["code"], "auth0_credentials_rejected", "{error}");
    assert!(error["remedy"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(world.keychain_names().is_empty(), "nothing kept");
}

#[test]
fn both_clouds_signed_in_start_the_session_and_sign_out_empties_the_keychain() {
    let world = World::start();
    world.device_sign_in();
    world.sign_in_auth0();
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(session["mode"], "cloud", "{session}");
    assert_eq!(
        session["auth0Identity"],
        world.sandbox.info().auth0_client_id
    );
    assert!(!world.keychain_names().is_empty());
    world.assert_no_secret_in_replies();

    world.invoke("sign_out", json!({})).expect("signs out");
    assert_eq!(world.keychain_names(), Vec::<String>::new());
    assert_eq!(
        world.invoke("current_session", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn a_browser_sign_in_gives_a_link_and_cancel_ends_the_wait() {
    let world = World::start();
    let prompt = world
        .invoke("start_azure_sign_in", json!({ "method": "browser" }))
        .expect("a sign-in link");
    assert_eq!(prompt["kind"], "browser", "{prompt}");
    let url = prompt["url"].as_str().unwrap();
    assert!(
        url.starts_with(&world.sandbox.info().azure_authority),
        "{url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert_eq!(
        world.opened(),
        vec![url.to_owned()],
        "opened in the browser"
    );
    assert_eq!(prompt["browserOpened"], true);
    world
        .invoke(
            "open_link",
            json!({ "target": { "kind": "azure_sign_in" } }),
        )
        .unwrap();
    assert_eq!(world.opened().last().map(String::as_str), Some(url));

    // The window waits for the sign-in while the user presses Cancel; either order ends it as cancelled.
    let window = world.window.clone();
    let waiting = std::thread::spawn(move || invoke_on(&window, "finish_azure_sign_in", json!({})));
    assert_eq!(
        world.invoke("cancel_azure_sign_in", json!({})).unwrap(),
        json!(true)
    );
    let reply = waiting.join().unwrap();
    world.record(&reply);
    let error = reply.expect_err("cancelled");
    assert_eq!(error["code"], "cancelled", "{error}");
    assert!(world.keychain_names().is_empty());
}

#[test]
fn the_keychain_status_says_whether_sign_ins_are_kept() {
    let world = World::start();
    let status = world.invoke("keychain_status", json!({})).unwrap();
    assert_eq!(status["persistent"], true, "{status}");
    assert_eq!(status["reason"], Value::Null);
}

#[test]
fn without_an_app_registration_the_browser_sign_in_explains_it_until_one_is_set() {
    let world = World::start_with(None);
    let error = world
        .invoke("start_azure_sign_in", json!({ "method": "browser" }))
        .expect_err("no client id");
    assert_eq!(error["code"], "azure_app_not_registered", "{error}");
    assert!(
        error["remedy"]
            .as_str()
            .unwrap()
            .contains("az ad app create"),
        "{error}"
    );
    assert!(world.opened().is_empty());

    let refused = world
        .invoke(
            "save_settings",
            json!({ "settings": { "azureClientId": "not-a-guid" } }),
        )
        .expect_err("not a client id");
    assert_eq!(refused["field"], "azure_client_id", "{refused}");
    let saved = world
        .invoke(
            "save_settings",
            json!({ "settings": { "azureClientId": PUBLIC_CLIENT_ID } }),
        )
        .unwrap();
    assert_eq!(saved["azureClientId"], PUBLIC_CLIENT_ID);
    assert_eq!(world.invoke("load_settings", json!({})).unwrap(), saved);
    let prompt = world
        .invoke("start_azure_sign_in", json!({ "method": "browser" }))
        .expect("the client id from the settings");
    assert!(
        prompt["url"].as_str().unwrap().contains(PUBLIC_CLIENT_ID),
        "{prompt}"
    );
}

#[test]
fn a_restarted_app_restores_both_sign_ins_from_the_keychain() {
    let mut world = World::start();
    world.device_sign_in();
    world.sign_in_auth0();
    world.restart();
    assert_eq!(
        world.invoke("current_session", json!({})).unwrap(),
        Value::Null,
        "nothing in memory yet"
    );
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(
        restored["azure"]["username"],
        world.sandbox.info().users[0].name
    );
    assert_eq!(
        restored["auth0"]["clientId"],
        world.sandbox.info().auth0_client_id
    );
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(session["mode"], "cloud", "{session}");
    let subscriptions = world.invoke("list_subscriptions", json!({})).unwrap();
    assert!(
        subscriptions.as_array().is_some_and(|s| !s.is_empty()),
        "the restored Azure credential works: {subscriptions}"
    );
    world.assert_no_secret_in_replies();
}

#[test]
fn links_are_built_in_rust_from_a_named_page() {
    let world = World::start();
    world
        .invoke(
            "open_link",
            json!({ "target": { "kind": "auth0_applications", "domain": "acme.eu.auth0.com" } }),
        )
        .unwrap();
    world
        .invoke("open_link", json!({ "target": { "kind": "azure_portal" } }))
        .unwrap();
    assert_eq!(
        world.opened(),
        vec![
            "https://manage.auth0.com/dashboard/eu/acme/applications".to_owned(),
            "https://portal.azure.com/#browse/Microsoft.EventGrid%2FpartnerTopics".to_owned(),
        ]
    );
    let error = world
        .invoke(
            "open_link",
            json!({ "target": { "kind": "auth0_applications", "domain": "evil.example.com/x" } }),
        )
        .expect_err("not an Auth0 domain");
    assert_eq!(error["field"], "auth0_domain", "{error}");
    assert_eq!(world.opened().len(), 2);
}
