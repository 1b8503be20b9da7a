//! Signing in to the user's own clouds over IPC, on Tauri's mock runtime, against an in-process sandbox over
//! real HTTP: an Azure device code approved on the sandbox's device page, a browser sign-in cancelled, the
//! sandbox's machine-to-machine application for Auth0, and signing out emptying the (in-memory) keychain. Every
//! reply is searched for every secret the sandbox issued.

use std::sync::Arc;

use cloud_sandbox::testing::KeyPair;
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

/// The "file dialog": what it was asked for, and the file the person picks (none: they close it).
#[derive(Default)]
struct FileDialog {
    asked: std::sync::Mutex<Vec<app_lib::FileChoice>>,
    picks: std::sync::Mutex<Option<std::path::PathBuf>>,
}

fn launch(
    sandbox: &RunningSandbox,
    store: &Arc<MemoryEntries>,
    opened: &Arc<std::sync::Mutex<Vec<String>>>,
    dialog: &Arc<FileDialog>,
    folder: &std::path::Path,
    client_id: Option<&str>,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let info = sandbox.info();
    let record = opened.clone();
    let files = dialog.clone();
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
        choose_file: Arc::new(move |choice| {
            files.asked.lock().unwrap().push(choice);
            let picked = files.picks.lock().unwrap().clone();
            Box::pin(async move { picked })
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
    dialog: Arc<FileDialog>,
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
        let dialog = Arc::default();
        let (app, window) = launch(&sandbox, &store, &opened, &dialog, folder.path(), client_id);
        Self {
            runtime,
            sandbox,
            store,
            opened,
            dialog,
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
            &self.dialog,
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

    /// The person picks `path` in the file dialog for `kind`: the window's reply (a handle and a name).
    fn choose_file(&self, kind: &str, path: &std::path::Path) -> Value {
        *self.dialog.picks.lock().unwrap() = Some(path.to_owned());
        let chosen = self
            .invoke(
                "choose_key_file",
                json!({ "kind": kind, "title": "Choose the file" }),
            )
            .expect("a file chosen");
        *self.dialog.picks.lock().unwrap() = None;
        chosen
    }

    /// The handle the window gets for `path` picked in the file dialog for `kind`.
    fn chosen_handle(&self, kind: &str, path: &std::path::Path) -> String {
        self.choose_file(kind, path)["handle"]
            .as_str()
            .expect("a handle")
            .to_owned()
    }

    /// Signs in to the sandbox's Auth0 tenant with the key file the handle `key_file` names, `client_id` as
    /// typed.
    fn sign_in_auth0_private_key(
        &self,
        client_id: &str,
        key_file: &str,
        algorithm: &str,
    ) -> Result<Value, Value> {
        self.invoke(
            "sign_in_auth0_private_key",
            json!({ "request": {
                "domain": self.sandbox.info().auth0_domain,
                "clientId": client_id,
                "keyFile": key_file,
                "algorithm": algorithm,
            }}),
        )
    }

    /// Signs in to Azure as the sandbox's service principal with `secret`.
    fn sign_in_service_principal(&self, secret: &str) -> Result<Value, Value> {
        let info = self.sandbox.info();
        self.invoke(
            "sign_in_azure_service_principal",
            json!({ "request": {
                "tenantId": info.azure_tenant_id,
                "clientId": info.azure_client_id,
                "clientSecret": secret,
            }}),
        )
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

    /// The keychain entries holding a credential (not the per-account index the keychain keeps beside them).
    fn kept_credentials(&self) -> Vec<String> {
        self.keychain_names()
            .into_iter()
            .filter(|name| !name.ends_with("/.index"))
            .collect()
    }

    /// Resource Manager answers the Azure sign-in: the subscriptions it lists are not empty (`why` says
    /// what that proves).
    fn assert_subscriptions_listed(&self, why: &str) {
        let subscriptions = self.invoke("list_subscriptions", json!({})).unwrap();
        assert!(
            subscriptions.as_array().is_some_and(|s| !s.is_empty()),
            "{why}: {subscriptions}"
        );
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
    // The sandbox plays Azure as a custom cloud, which step 1 does not refuse.
    assert_eq!(session["azureCloud"], "custom", "{session}");
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
            .contains("Settings shows the command"),
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
    world.assert_subscriptions_listed("the restored Azure credential works");
    world.assert_no_secret_in_replies();
}

#[test]
fn behind_a_custom_domain_the_canonical_domain_is_asked_for_used_and_remembered() {
    let mut world = World::start();
    let info = world.sandbox.info().clone();
    let canonical = info.auth0_domain.clone();
    let sign_in = |domain: &str, canonical: Option<&str>| {
        json!({ "request": {
            "domain": domain,
            "canonicalDomain": canonical,
            "clientId": info.auth0_client_id,
            "clientSecret": info.auth0_client_secret,
        }})
    };

    // A custom domain alone is not enough: the field is named, with where to find it, before anything is sent.
    let before = requests_seen(&world);
    let error = world
        .invoke("sign_in_auth0", sign_in("login.acme.com", None))
        .expect_err("the canonical domain is missing");
    assert_eq!(error["code"], "invalid_input", "{error}");
    assert_eq!(error["field"], "auth0_canonical_domain", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Settings > Domain"),
        "{error}"
    );
    let error = world
        .invoke(
            "sign_in_auth0",
            sign_in("login.acme.com", Some("login.acme.com")),
        )
        .expect_err("not a tenant's own domain");
    assert_eq!(error["field"], "auth0_canonical_domain", "{error}");
    assert_eq!(requests_seen(&world), before, "nothing was sent");

    // The sandbox's custom domain with the tenant's own domain beside it.
    world.device_sign_in();
    let account = world
        .invoke(
            "sign_in_auth0",
            sign_in(&info.auth0_custom_domain, Some(&canonical)),
        )
        .expect("signs in through the canonical domain");
    assert_eq!(
        account["domain"],
        info.auth0_custom_domain.as_str(),
        "{account}"
    );
    assert_eq!(account["canonicalDomain"], canonical.as_str(), "{account}");
    assert_eq!(account["missingScopes"], json!([]), "{account}");
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(
        session["auth0Domain"],
        canonical.as_str(),
        "the setup uses the canonical domain"
    );

    // The steps reach the Management API there: step 2 creates the stream.
    let mut inputs = cloud_inputs(&world, &[], &[]);
    inputs["auth0_domain"] = session["auth0Domain"].clone();
    for step in ["prepare_azure", "create_stream"] {
        world
            .invoke(
                "run_step",
                json!({"inputs": inputs, "step": step, "onEvent": "__CHANNEL__:40"}),
            )
            .unwrap_or_else(|e| panic!("{step}: {e}"));
    }

    // Remembered with the sign-in (no secret), and restored after a restart.
    world.restart();
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(
        restored["auth0"]["canonicalDomain"],
        canonical.as_str(),
        "{restored}"
    );
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(session["auth0Domain"], canonical.as_str(), "{session}");
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

/// A Management API token for the sandbox's machine-to-machine application, as a person would copy it from the
/// dashboard's API Explorer.
fn management_token(world: &World) -> String {
    let info = world.sandbox.info();
    let audience = format!("{}/api/v2/", info.auth0_domain);
    let answer: Value = world.runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/oauth/token", info.auth0_domain))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", info.auth0_client_id.as_str()),
                ("client_secret", info.auth0_client_secret.as_str()),
                ("audience", audience.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    answer["access_token"].as_str().expect("a token").to_owned()
}

/// How many requests the sandbox's clouds have answered so far.
fn requests_seen(world: &World) -> usize {
    world.sandbox.handle().requests().len()
}

#[test]
fn a_pasted_management_token_signs_in_and_is_kept_only_when_asked() {
    let mut world = World::start();
    let token = management_token(&world);
    let domain = world.sandbox.info().auth0_domain.clone();
    let account = world
        .invoke(
            "sign_in_auth0_token",
            json!({ "request": { "domain": domain, "token": token, "remember": false } }),
        )
        .expect("the pasted token is checked and accepted");
    assert_eq!(account["method"], "management_token", "{account}");
    assert_eq!(account["remembered"], false);
    assert_eq!(account["missingScopes"], json!([]));
    assert_eq!(account["clientId"], Value::Null);
    assert!(world.keychain_names().is_empty(), "kept in memory only");

    // Asked to remember it, the token goes to the keychain and comes back after a restart.
    world
        .invoke("sign_out_cloud", json!({ "cloud": "auth0" }))
        .unwrap();
    let account = world
        .invoke(
            "sign_in_auth0_token",
            json!({ "request": { "domain": domain, "token": format!("  {token}\n"), "remember": true } }),
        )
        .expect("a pasted token with spaces around it");
    assert_eq!(account["remembered"], true);
    assert_eq!(
        world.kept_credentials().len(),
        1,
        "{:?}",
        world.keychain_names()
    );
    world.device_sign_in();
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(session["mode"], "cloud", "{session}");
    for reply in world.replies.lock().unwrap().iter() {
        assert!(!reply.contains(&token), "the token in {reply}");
    }
    world.assert_no_secret_in_replies();

    world.restart();
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(
        restored["auth0"]["method"], "management_token",
        "{restored}"
    );
    assert_eq!(restored["auth0"]["remembered"], true);
}

#[test]
fn an_empty_or_expired_token_is_refused_before_anything_is_sent() {
    let world = World::start();
    let domain = world.sandbox.info().auth0_domain.clone();
    let before = requests_seen(&world);
    let empty = world
        .invoke(
            "sign_in_auth0_token",
            json!({ "request": { "domain": domain, "token": " ", "remember": false } }),
        )
        .expect_err("an empty token");
    assert_eq!(empty["field"], "auth0_management_token", "{empty}");

    // A token whose `exp` has passed (2020-09-13): {"alg":"RS256","typ":"JWT"}.{"exp":1600000000,"scope":"read:logs"}.
    // Header and claims tell it; no signature is needed to refuse it.
    let expired = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2MDAwMDAwMDAsInNjb3BlIjoicmVhZDpsb2dzIn0.c2lnbmF0dXJl";
    let error = world
        .invoke(
            "sign_in_auth0_token",
            json!({ "request": { "domain": domain, "token": expired, "remember": true } }),
        )
        .expect_err("an expired token");
    assert_eq!(error["code"], "auth0_unauthorized", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("expired"),
        "{error}"
    );
    assert_eq!(requests_seen(&world), before, "nothing was sent");
    assert!(world.keychain_names().is_empty());
}

#[test]
fn a_private_key_file_is_checked_before_anything_is_sent() {
    let world = World::start();
    let info = world.sandbox.info();
    let folder = tempfile::tempdir().unwrap();
    let not_a_key = folder.path().join("notes.pem");
    std::fs::write(
        &not_a_key,
        "-----BEGIN NOTHING-----\nhello\n-----END NOTHING-----\n",
    )
    .unwrap();
    let missing = folder.path().join("missing.pem");
    let device = std::path::PathBuf::from("/dev/zero");
    // Each file chosen in the dialog just before signing in (a new choice replaces the previous one).
    let chosen = |path: &std::path::PathBuf| world.chosen_handle("auth0_private_key", path);
    let cases = [
        (None, "", "choose the private key file"),
        (
            None,
            "keys/auth0.pem",
            "is not a file chosen in this app's file dialog",
        ),
        (Some(&missing), "", "could not read"),
        (Some(&device), "", "not a regular file"),
        (Some(&not_a_key), "", "is not an RSA private key"),
    ];
    let before = requests_seen(&world);
    for (path, sent, rule) in cases {
        let key_file = path.map(chosen).unwrap_or_else(|| sent.to_owned());
        let error = world
            .sign_in_auth0_private_key(&info.auth0_client_id, &key_file, "RS256")
            .expect_err("refused");
        assert_eq!(error["code"], "invalid_input", "{error}");
        assert_eq!(error["field"], "auth0_private_key_path", "{error}");
        assert!(
            error["message"].as_str().unwrap().contains(rule),
            "{path:?} {sent}: {error}"
        );
    }
    let not_a_key = chosen(&not_a_key);
    let unknown = world
        .sign_in_auth0_private_key(&info.auth0_client_id, &not_a_key, "HS256")
        .expect_err("an algorithm Auth0 does not offer for private keys");
    assert!(unknown.to_string().contains("HS256"), "{unknown}");
    assert_eq!(requests_seen(&world), before, "nothing was sent");
    assert!(world.keychain_names().is_empty());
}

#[test]
fn a_service_principal_signs_in_to_azure_checked_at_once() {
    let world = World::start();
    let info = world.sandbox.info();
    let before = requests_seen(&world);
    let refused = [
        (
            json!({ "tenantId": "", "clientId": info.azure_client_id, "clientSecret": "x" }),
            "azure_tenant_id",
        ),
        (
            json!({ "tenantId": info.azure_tenant_id, "clientId": "my-app", "clientSecret": "x" }),
            "azure_client_id",
        ),
        (
            json!({ "tenantId": info.azure_tenant_id, "clientId": info.azure_client_id, "clientSecret": "" }),
            "azure_client_secret",
        ),
    ];
    for (request, field) in refused {
        let error = world
            .invoke(
                "sign_in_azure_service_principal",
                json!({ "request": request }),
            )
            .expect_err("bad input");
        assert_eq!(error["field"], field, "{error}");
    }
    assert_eq!(requests_seen(&world), before, "nothing was sent");

    let wrong = world
        .sign_in_service_principal("not-the-secret")
        .expect_err("a wrong secret");
    assert_eq!(wrong["code"], "azure_credentials_failed", "{wrong}");
    assert!(world.keychain_names().is_empty());

    let account = world
        .sign_in_service_principal(&info.azure_client_secret)
        .expect("the sandbox's service principal");
    assert_eq!(account["method"], "service_principal", "{account}");
    assert_eq!(account["username"], info.azure_client_id);
    assert_eq!(account["tenantId"], info.azure_tenant_id);
    assert_eq!(world.kept_credentials().len(), 1, "the secret is kept");

    // A service principal lives in its own directory only: listed alone, and not switched.
    let tenants = world.invoke("azure_tenants", json!({})).unwrap();
    assert_eq!(tenants["canSwitch"], false, "{tenants}");
    assert_eq!(
        tenants["tenants"].as_array().map(Vec::len),
        Some(1),
        "not a member of the sandbox's second directory: {tenants}"
    );
    let error = world
        .invoke(
            "switch_azure_tenant",
            json!({ "tenantId": info.azure_tenant_id }),
        )
        .expect_err("no switching for a service principal");
    assert_eq!(error["field"], "azure_tenant", "{error}");

    world.sign_in_auth0();
    world.assert_subscriptions_listed("the Azure sign-in works");
    world.assert_no_secret_in_replies();
}

#[test]
fn a_person_sees_their_directories_and_switching_is_checked_and_remembered() {
    let mut world = World::start();
    let info = world.sandbox.info().clone();
    let home = info.azure_tenant_id.clone();
    let guest = info
        .azure_guest_directory
        .clone()
        .expect("the sandbox seeds a second directory");
    assert!(guest.guests.contains(&info.users[0].name));
    world.device_sign_in();
    let tenants = world.invoke("azure_tenants", json!({})).unwrap();
    assert_eq!(tenants["current"], home.as_str(), "{tenants}");
    assert_eq!(tenants["canSwitch"], true, "{tenants}");
    let listed: Vec<(&str, &str)> = tenants["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let name = t["displayName"].as_str().unwrap_or_default();
            (t["tenantId"].as_str().unwrap(), name)
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (home.as_str(), "Sandbox Directory"),
            (guest.tenant_id.as_str(), guest.display_name.as_str())
        ],
        "both by name, home first: {tenants}"
    );
    assert!(
        tenants["subscriptionCount"].as_u64().unwrap() >= 1,
        "{tenants}"
    );

    let empty = world
        .invoke("switch_azure_tenant", json!({ "tenantId": " " }))
        .expect_err("no directory chosen");
    assert_eq!(empty["field"], "azure_tenant", "{empty}");
    let unknown = world
        .invoke(
            "switch_azure_tenant",
            json!({ "tenantId": "99999999-9999-4999-8999-999999999999" }),
        )
        .expect_err("a directory the user is not in");
    assert!(
        unknown["message"].as_str().unwrap().contains("90002"),
        "the identity platform's reason is kept: {unknown}"
    );
    let still = world.invoke("azure_tenants", json!({})).unwrap();
    assert_eq!(still["current"], home.as_str(), "unchanged after a refusal");

    // The guest directory: a token is obtained there at once, the session and its subscriptions follow.
    let switched = world
        .invoke(
            "switch_azure_tenant",
            json!({ "tenantId": guest.tenant_id }),
        )
        .expect("a directory the user is a guest in");
    assert_eq!(switched["tenantId"], guest.tenant_id.as_str(), "{switched}");
    assert_eq!(switched["username"], info.users[0].name);
    world.sign_in_auth0();
    let session = world.invoke("current_session", json!({})).unwrap();
    assert_eq!(
        session["azureTenantId"],
        guest.tenant_id.as_str(),
        "{session}"
    );
    let subscription_ids = |world: &World| -> Vec<String> {
        world
            .invoke("list_subscriptions", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        subscription_ids(&world),
        vec![guest.subscription_id.clone()]
    );
    let now = world.invoke("azure_tenants", json!({})).unwrap();
    assert_eq!(now["current"], guest.tenant_id.as_str(), "{now}");

    // The choice outlives a restart.
    world.restart();
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(
        restored["azure"]["tenantId"],
        guest.tenant_id.as_str(),
        "{restored}"
    );
    assert_eq!(
        subscription_ids(&world),
        vec![guest.subscription_id.clone()]
    );

    // And back home, by the directory's domain.
    let back = world
        .invoke(
            "switch_azure_tenant",
            json!({ "tenantId": "sandbox.onmicrosoft.com" }),
        )
        .expect("the home directory by its domain");
    assert_eq!(back["tenantId"], "sandbox.onmicrosoft.com", "{back}");
    assert_eq!(subscription_ids(&world), vec![info.subscription_id.clone()]);
    world.assert_no_secret_in_replies();
}

#[test]
fn signing_out_of_one_cloud_keeps_the_other() {
    let world = World::start();
    world.device_sign_in();
    world.sign_in_auth0();
    assert_eq!(
        world.invoke("current_session", json!({})).unwrap()["mode"],
        "cloud"
    );
    world
        .invoke("sign_out_cloud", json!({ "cloud": "azure" }))
        .unwrap();
    assert_eq!(
        world.invoke("current_session", json!({})).unwrap(),
        Value::Null,
        "the steps need both clouds"
    );
    let names = world.keychain_names();
    assert!(!names.is_empty(), "Auth0 is still kept");
    assert!(names.iter().all(|n| n.starts_with("auth0:")), "{names:?}");
    let overview = world.invoke("settings_overview", json!({})).unwrap();
    assert_eq!(overview["signedIn"]["azure"], Value::Null, "{overview}");
    assert_eq!(
        overview["signedIn"]["auth0"]["clientId"],
        world.sandbox.info().auth0_client_id
    );
    let error = world
        .invoke("sign_out_cloud", json!({ "cloud": "dropbox" }))
        .expect_err("not a cloud");
    assert!(error.to_string().contains("dropbox"), "{error}");
}

#[test]
fn the_settings_overview_names_the_registration_keychain_and_accounts() {
    let world = World::start();
    let overview = world.invoke("settings_overview", json!({})).unwrap();
    assert_eq!(
        overview["defaultAzureClientId"], PUBLIC_CLIENT_ID,
        "{overview}"
    );
    assert_eq!(overview["settings"]["azureClientId"], Value::Null);
    assert!(
        overview["registrationCommand"]
            .as_str()
            .unwrap()
            .starts_with("az ad app create"),
        "{overview}"
    );
    assert_eq!(overview["keychain"]["persistent"], true);
    assert_eq!(
        overview["signedIn"],
        json!({ "azure": null, "auth0": null })
    );
    world.device_sign_in();
    let overview = world.invoke("settings_overview", json!({})).unwrap();
    assert_eq!(
        overview["signedIn"]["azure"]["username"],
        world.sandbox.info().users[0].name
    );
    assert_eq!(overview["signedIn"]["azure"]["method"], "device_code");

    let bare = World::start_with(None);
    let overview = bare.invoke("settings_overview", json!({})).unwrap();
    assert_eq!(overview["defaultAzureClientId"], Value::Null, "{overview}");
}

/// Set in a child test process: the name of the test it runs.
const CHILD_TEST: &str = "SIGN_IN_CHILD_TEST";

/// Runs `test` again in a child process whose `PATH` is `path` (the workspace forbids `unsafe`, so a test
/// cannot change its own process's environment), with `vars` added, and fails with the child's output if it
/// failed. Returns false in the child itself, which then runs the test's body.
fn rerun_with_path(test: &str, path: &std::ffi::OsStr, vars: &[(&str, &std::path::Path)]) -> bool {
    if std::env::var_os(CHILD_TEST).is_some() {
        return false;
    }
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_TEST, test)
        .env("PATH", path);
    for (name, value) in vars {
        child.env(name, value);
    }
    let output = child.output().expect("the test binary runs again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the child ran the test: {text}");
    true
}

/// A service-principal access token for Resource Manager from the sandbox, as `az account get-access-token`
/// would print one, written where the fake `az` reads it.
fn write_cli_token(world: &World, folder: &std::path::Path) {
    let info = world.sandbox.info();
    let answer: Value = world.runtime.block_on(async {
        reqwest::Client::new()
            .post(format!(
                "{}/{}/oauth2/v2.0/token",
                info.azure_authority, info.azure_tenant_id
            ))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", info.azure_client_id.as_str()),
                ("client_secret", info.azure_client_secret.as_str()),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let expires_on = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let printed = json!({
        "accessToken": answer["access_token"],
        "expires_on": expires_on,
        "subscription": info.subscription_id,
        "tenant": info.azure_tenant_id,
        "tokenType": "Bearer",
    });
    std::fs::write(folder.join("token.json"), printed.to_string()).unwrap();
}

#[cfg(unix)]
#[test]
fn the_azure_cli_sign_in_is_borrowed_from_az_login() {
    use std::os::unix::fs::PermissionsExt;
    const TEST: &str = "the_azure_cli_sign_in_is_borrowed_from_az_login";
    let folder = tempfile::tempdir().unwrap();
    // Until a token is there, the fake answers as `az` does before `az login`.
    let script = "#!/bin/sh\n\
        echo \"$*\" >> \"$FAKE_AZ/calls\"\n\
        if [ -f \"$FAKE_AZ/token.json\" ]; then cat \"$FAKE_AZ/token.json\"; exit 0; fi\n\
        echo \"ERROR: Please run 'az login' to setup account.\" >&2\n\
        exit 1\n";
    let az = folder.path().join("az");
    std::fs::write(&az, script).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(folder.path().to_owned()).chain(std::env::split_paths(&inherited)),
    )
    .unwrap();
    if rerun_with_path(TEST, &path, &[("FAKE_AZ", folder.path())]) {
        let calls = std::fs::read_to_string(folder.path().join("calls")).unwrap();
        assert!(
            calls.contains("account get-access-token -o json --scope"),
            "{calls}"
        );
        return;
    }

    let fake = std::path::PathBuf::from(std::env::var_os("FAKE_AZ").unwrap());
    let world = World::start();
    let signed_out = world
        .invoke("sign_in_azure_cli", json!({}))
        .expect_err("az is not signed in yet");
    assert_eq!(signed_out["field"], "azure_cli", "{signed_out}");
    assert!(
        signed_out["remedy"].as_str().unwrap().contains("az login"),
        "{signed_out}"
    );

    write_cli_token(&world, &fake);
    let info = world.sandbox.info();
    let account = world
        .invoke("sign_in_azure_cli", json!({}))
        .expect("the Azure CLI's sign-in is used");
    assert_eq!(account["method"], "azure_cli", "{account}");
    assert_eq!(account["tenantId"], info.azure_tenant_id);
    assert_eq!(
        account["username"], info.azure_client_id,
        "who az signed in as"
    );
    assert!(
        world.keychain_names().is_empty(),
        "nothing of az's is stored"
    );
    let tenants = world.invoke("azure_tenants", json!({})).unwrap();
    assert_eq!(tenants["canSwitch"], false, "{tenants}");

    world.sign_in_auth0();
    world.assert_subscriptions_listed("Resource Manager accepts the CLI's token");
    world.assert_no_secret_in_replies();
}

#[test]
fn without_the_azure_cli_its_sign_in_says_what_to_install() {
    const TEST: &str = "without_the_azure_cli_its_sign_in_says_what_to_install";
    let empty = tempfile::tempdir().unwrap();
    if rerun_with_path(TEST, empty.path().as_os_str(), &[]) {
        return;
    }
    let world = World::start();
    let before = requests_seen(&world);
    let error = world
        .invoke("sign_in_azure_cli", json!({}))
        .expect_err("no az on PATH");
    assert_eq!(error["code"], "azure_credentials_failed", "{error}");
    assert_eq!(error["field"], "azure_cli", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("not installed"),
        "{error}"
    );
    assert!(
        error["remedy"]
            .as_str()
            .unwrap()
            .contains("Install the Azure CLI"),
        "{error}"
    );
    assert_eq!(requests_seen(&world), before);
}

#[test]
fn a_private_key_signs_in_to_auth0_keeping_only_the_key_file_path() {
    let mut world = World::start();
    let info = world.sandbox.info();
    let pair = KeyPair::new();
    world
        .sandbox
        .handle()
        .add_auth0_public_key(&info.auth0_client_id, &pair.public_pem(), "PS256")
        .expect("the sandbox registers the public key");
    let folder = tempfile::tempdir().unwrap();
    let key_file = folder.path().join("auth0-private.pem");
    let pem = String::from_utf8(pair.private_pem()).unwrap();
    std::fs::write(&key_file, &pem).unwrap();
    let key_file = world.chosen_handle("auth0_private_key", &key_file);

    let wrong_algorithm = world
        .sign_in_auth0_private_key(&info.auth0_client_id, &key_file, "RS256")
        .expect_err("the key was registered for PS256");
    assert_eq!(
        wrong_algorithm["code"], "auth0_credentials_rejected",
        "{wrong_algorithm}"
    );

    let account = world
        .sign_in_auth0_private_key(&format!(" {} ", info.auth0_client_id), &key_file, "PS256")
        .expect("a PS256 assertion signed with the registered key");
    assert_eq!(account["method"], "private_key", "{account}");
    assert_eq!(account["clientId"], info.auth0_client_id);
    assert_eq!(account["missingScopes"], json!([]));
    let names = world.kept_credentials();
    assert_eq!(names.len(), 1, "{names:?}");
    let kept = world.store.read(&names[0]).unwrap().unwrap();
    let kept = String::from_utf8_lossy(&kept);
    assert!(kept.contains("auth0-private.pem"), "the path is kept");
    assert!(!kept.contains("PRIVATE KEY"), "never the key");
    for reply in world.replies.lock().unwrap().iter() {
        assert!(!reply.contains("PRIVATE KEY"), "the key in {reply}");
    }

    // Restored after a restart by signing a new assertion with the same file.
    world.device_sign_in();
    world.restart();
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(restored["auth0"]["method"], "private_key", "{restored}");
    assert_eq!(
        world.invoke("current_session", json!({})).unwrap()["mode"],
        "cloud"
    );
}

#[test]
fn a_certificate_signs_in_to_azure_as_the_service_principal() {
    let mut world = World::start();
    let info = world.sandbox.info();
    let pair = KeyPair::new();
    world
        .sandbox
        .handle()
        .add_azure_certificate(&info.azure_client_id, &pair.certificate_pem())
        .expect("the certificate is uploaded to the service principal");
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("event-grid-setup.pem");
    std::fs::write(&file, pair.combined_pem(None)).unwrap();

    let before = requests_seen(&world);
    let path = world
        .invoke(
            "sign_in_azure_certificate",
            json!({ "request": {
                "tenantId": info.azure_tenant_id,
                "clientId": info.azure_client_id,
                "certificateFile": file,
                "password": null,
            }}),
        )
        .expect_err("a path, not a file chosen in the dialog");
    assert_eq!(path["field"], "azure_certificate_path", "{path}");
    assert!(
        path["message"]
            .as_str()
            .unwrap()
            .contains("not a file chosen in this app's file dialog"),
        "{path}"
    );
    assert_eq!(requests_seen(&world), before, "nothing was sent");
    let auth0_key = world.chosen_handle("auth0_private_key", &file);
    let other_kind = world
        .invoke(
            "sign_in_azure_certificate",
            json!({ "request": {
                "tenantId": info.azure_tenant_id,
                "clientId": info.azure_client_id,
                "certificateFile": auth0_key,
                "password": null,
            }}),
        )
        .expect_err("a file chosen as an Auth0 key is not the certificate");
    assert_eq!(
        other_kind["field"], "azure_certificate_path",
        "{other_kind}"
    );
    assert_eq!(requests_seen(&world), before, "nothing was sent");
    let certificate = world.chosen_handle("azure_certificate", &file);

    let account = world
        .invoke(
            "sign_in_azure_certificate",
            json!({ "request": {
                "tenantId": info.azure_tenant_id,
                "clientId": info.azure_client_id,
                "certificateFile": certificate,
                "password": "",
            }}),
        )
        .expect("the certificate's key signs the assertion");
    assert_eq!(account["method"], "certificate", "{account}");
    assert_eq!(account["username"], info.azure_client_id);
    world.sign_in_auth0();
    world.assert_subscriptions_listed("the Azure sign-in works");
    for reply in world.replies.lock().unwrap().iter() {
        assert!(!reply.contains("PRIVATE KEY"), "the key in {reply}");
    }
    world.restart();
    let restored = world.invoke("restore_sign_in", json!({})).unwrap();
    assert_eq!(restored["azure"]["method"], "certificate", "{restored}");
}

#[test]
fn the_file_dialog_answers_a_handle_and_the_file_name_never_the_path() {
    let world = World::start();
    let closed = world
        .invoke(
            "choose_key_file",
            json!({ "kind": "auth0_private_key", "title": "Choose the private key" }),
        )
        .unwrap();
    assert_eq!(closed, Value::Null, "the dialog was closed");

    let chosen = world.choose_file(
        "azure_certificate",
        std::path::Path::new("/home/ada/keys/event-grid-setup.pfx"),
    );
    let reply = chosen.to_string();
    assert_eq!(chosen["name"], "event-grid-setup.pfx", "{chosen}");
    let handle = chosen["handle"].as_str().expect("a handle");
    assert!(handle.len() >= 32, "an unguessable handle: {chosen}");
    assert_eq!(
        chosen.as_object().unwrap().len(),
        2,
        "a handle and a name only: {chosen}"
    );
    // The handle is random hex (which may spell "ada" or "dead" by chance): the path is looked for in the rest.
    assert!(handle.bytes().all(|b| b.is_ascii_hexdigit()), "{chosen}");
    let rest = reply.replace(handle, "");
    for part in ["/", "\\", "home", "ada", "keys"] {
        assert!(!rest.contains(part), "{part} of the path in {reply}");
    }
    let again = world.chosen_handle(
        "azure_certificate",
        std::path::Path::new("/home/ada/keys/event-grid-setup.pfx"),
    );
    assert_ne!(again, handle, "each choice gets a new handle");

    let asked = world.dialog.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 3);
    assert_eq!(asked[0].title, "Choose the private key");
    assert_eq!(asked[0].extensions, ["pem", "key"]);
    assert_eq!(asked[1].extensions, ["pem", "pfx", "p12"]);

    let error = world
        .invoke(
            "choose_key_file",
            json!({ "kind": "ssh_key", "title": "x" }),
        )
        .expect_err("not a kind of file the app asks for");
    assert!(error.to_string().contains("ssh_key"), "{error}");
    assert_eq!(
        world.dialog.asked.lock().unwrap().len(),
        3,
        "no dialog opened"
    );
}

#[test]
fn only_a_file_chosen_in_the_dialog_is_read_when_signing_in() {
    let world = World::start();
    let info = world.sandbox.info();
    let pair = KeyPair::new();
    world
        .sandbox
        .handle()
        .add_auth0_public_key(&info.auth0_client_id, &pair.public_pem(), "RS256")
        .expect("the sandbox registers the public key");
    let folder = tempfile::tempdir().unwrap();
    let key_file = folder.path().join("auth0-private.pem");
    std::fs::write(&key_file, pair.private_pem()).unwrap();
    let before = requests_seen(&world);

    // The window names a file itself: its path (a working key, had it been read), a made-up handle, a
    // network path. Each is refused naming the field, and nothing is read, sent or kept.
    let made_up = "0123456789abcdef0123456789abcdef";
    for sent in [
        key_file.to_str().unwrap(),
        made_up,
        "\\\\attacker.example\\share\\key.pem",
    ] {
        let error = world
            .sign_in_auth0_private_key(&info.auth0_client_id, sent, "RS256")
            .expect_err("not a file chosen in the dialog");
        assert_eq!(error["code"], "invalid_input", "{error}");
        assert_eq!(error["field"], "auth0_private_key_path", "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("not a file chosen in this app's file dialog"),
            "{sent}: {error}"
        );
        assert!(
            !error.to_string().contains(sent),
            "the refusal does not echo what was sent: {error}"
        );
    }
    assert_eq!(requests_seen(&world), before, "nothing was sent");
    assert!(world.keychain_names().is_empty(), "nothing was kept");

    // The handle the dialog's choice gave signs in as a path did before.
    let chosen = world.choose_file("auth0_private_key", &key_file);
    assert_eq!(chosen["name"], "auth0-private.pem", "{chosen}");
    let account = world
        .sign_in_auth0_private_key(
            &info.auth0_client_id,
            chosen["handle"].as_str().unwrap(),
            "RS256",
        )
        .expect("the chosen key signs in");
    assert_eq!(account["method"], "private_key", "{account}");
    let names = world.kept_credentials();
    assert_eq!(names.len(), 1, "{names:?}");
    let kept = world.store.read(&names[0]).unwrap().unwrap();
    assert!(
        String::from_utf8_lossy(&kept).contains("auth0-private.pem"),
        "the path is kept in Rust's keychain entry"
    );
}

// ---- the test event, in the user's own clouds (the sandbox playing them) -------------------------------

/// The wizard's inputs for a setup in the sandbox signed in to as the user's own clouds, delivering to the
/// sandbox's inbox `cloud-test`.
fn cloud_inputs(world: &World, categories: &[&str], log_codes: &[&str]) -> Value {
    let info = world.sandbox.info();
    json!({
        "auth0_domain": info.auth0_domain,
        "stream_name": "Azure Event Grid",
        "subscription_id": info.subscription_id,
        "resource_group": "auth0-test-events",
        "region": "westeurope",
        "create_resource_group": true,
        "authorization_days": 7,
        "event_categories": categories,
        "pii": null,
        "start_from": null,
        "destination": {
            "kind": "webhook",
            "webhook_url": format!("{}/_sandbox/inbox/cloud-test", info.azure_management),
        },
        "event_subscription_name": "auth0-to-webhook",
        "log_codes": log_codes,
    })
}

/// Runs the four steps, as the wizard does.
fn set_up(world: &World, inputs: &Value) {
    for step in [
        "prepare_azure",
        "create_stream",
        "activate_topic",
        "subscribe",
    ] {
        world
            .invoke(
                "run_step",
                json!({"inputs": inputs, "step": step, "onEvent": "__CHANNEL__:30"}),
            )
            .unwrap_or_else(|e| panic!("{step}: {e}"));
    }
}

/// The sandbox tenant's `feccft` entries naming `client_id`.
fn failed_exchanges(world: &World, client_id: &str) -> Vec<Value> {
    world.sandbox.handle().state()["auth0"]["logs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry["type"] == "feccft" && entry["client_id"] == client_id)
        .collect()
}

/// The `q` of every log search the sandbox's tenant answered, in order.
fn log_searches(world: &World) -> Vec<String> {
    world
        .sandbox
        .handle()
        .requests()
        .into_iter()
        .filter(|r| r.cloud == "auth0" && r.path == "/api/v2/logs")
        .filter_map(|r| {
            let url = reqwest::Url::parse(&format!("http://x/?{}", r.query?)).ok()?;
            url.query_pairs()
                .find(|(name, _)| name == "q")
                .map(|(_, q)| q.into_owned())
        })
        .collect()
}

fn stage_states(result: &Value) -> Vec<(String, String)> {
    result["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_cloud_test_event_is_a_failed_exchange_followed_to_its_delivery() {
    let world = World::start();
    world.device_sign_in();
    world.sign_in_auth0();
    let client_id = world.sandbox.info().auth0_client_id.clone();
    let inputs = cloud_inputs(&world, &["auth.token_exchange.fail"], &[]);

    let refused = world
        .invoke(
            "send_test_event",
            json!({"inputs": inputs, "onProgress": "__CHANNEL__:31"}),
        )
        .expect_err("nothing is set up yet");
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert!(
        failed_exchanges(&world, &client_id).is_empty(),
        "nothing was attempted"
    );

    set_up(&world, &inputs);
    let result = world
        .invoke(
            "send_test_event",
            json!({"inputs": inputs, "onProgress": "__CHANNEL__:32"}),
        )
        .expect("the test event is sent and followed");
    assert_eq!(result["logType"], "feccft", "{result}");
    assert_eq!(result["clientId"], client_id.as_str());
    assert_eq!(
        stage_states(&result),
        [
            ("recorded".to_owned(), "done".to_owned()),
            ("published".to_owned(), "done".to_owned()),
            ("delivered".to_owned(), "done".to_owned()),
        ],
        "{result}"
    );

    // Auth0's side: one failed exchange for the app itself, logged like every other entry.
    let entries = failed_exchanges(&world, &client_id);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    assert_eq!(entry["description"], "Unauthorized", "{entry}");
    for field in ["log_id", "date", "ip"] {
        assert!(entry[field].is_string(), "{field} in {entry}");
    }
    // Event Grid's side: the same entry arrived at the destination as a CloudEvent.
    let state = world.sandbox.handle().state();
    let inbox = state["inboxes"]["cloud-test"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        inbox
            .iter()
            .any(|event| event["data"]["log_id"] == entry["log_id"]),
        "{inbox:?}"
    );
    world.assert_no_secret_in_replies();
}

#[test]
fn a_cloud_test_event_the_filters_leave_out_is_recorded_and_said_not_to_be_expected() {
    let world = World::start();
    world.device_sign_in();
    let token = management_token(&world);
    let domain = world.sandbox.info().auth0_domain.clone();
    world
        .invoke(
            "sign_in_auth0_token",
            json!({ "request": { "domain": domain, "token": token, "remember": false } }),
        )
        .expect("the pasted token signs in");
    let inputs = cloud_inputs(&world, &["auth.login.success"], &[]);
    set_up(&world, &inputs);

    let result = world
        .invoke(
            "send_test_event",
            json!({"inputs": inputs, "onProgress": "__CHANNEL__:33"}),
        )
        .expect("the test event is sent and followed");
    // The pasted token was issued to an application of the tenant (the API Explorer's, in the dashboard): the
    // attempt names it rather than a client that does not exist.
    let issued_to = world.sandbox.info().auth0_client_id.clone();
    assert_eq!(result["clientId"], issued_to.as_str(), "{result}");
    assert_eq!(failed_exchanges(&world, &issued_to).len(), 1);
    let made_up = "auth0-eventgrid-setup-test-event-no-such-client";
    assert!(failed_exchanges(&world, made_up).is_empty());
    // Auth0's log was searched by type and client id within the attempt's time window, never by client name.
    let searches = log_searches(&world);
    assert!(!searches.is_empty());
    let last = searches.last().unwrap();
    assert!(
        last.starts_with(&format!(
            "type:feccft AND client_id:\"{issued_to}\" AND date:["
        )),
        "{last}"
    );
    assert!(last.ends_with(" TO *]"), "{last}");
    assert!(
        searches.iter().all(|q| !q.contains("client_name")),
        "{searches:?}"
    );
    assert_eq!(
        stage_states(&result),
        [
            ("recorded".to_owned(), "done".to_owned()),
            ("published".to_owned(), "filtered".to_owned()),
            ("delivered".to_owned(), "filtered".to_owned()),
        ],
        "{result}"
    );
}
