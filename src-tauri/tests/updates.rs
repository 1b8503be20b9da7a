//! The updater both ways: a build with a release checks that release's endpoint (here a local HTTP server
//! standing in for it) through Tauri's updater plugin; a build without one has no updater. In neither may the
//! window invoke the updater, and no capability file names it. An offered package is taken only when it is signed
//! by the build's key for the version announced.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use app_lib::updates::{self, UpdateRelease};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;
use tauri::WebviewWindowBuilder;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri_plugin_updater::UpdaterExt;

/// A minisign public key as `tauri signer generate` writes it (base64 of the two-line .pub file).
const PUBKEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IDdDRUE5QjlGMzM5QTg1NkMKUldSc2hab3puNXZxZkh6WHJUb1hYM0NxRjZ2OWp3TnlHZzRVQWR4T2t0ZGpKYUhsU3YzRmJWc0QK";

/// The app on the mock runtime as `run` assembles it for `release`, with a throwaway folder (kept while it runs).
fn app(
    release: Option<&UpdateRelease>,
    insecure_endpoint: bool,
) -> (tauri::App<MockRuntime>, tempfile::TempDir) {
    let mut context = tauri::generate_context!();
    updates::configure(&mut context, release);
    if insecure_endpoint {
        // Only the stand-in endpoint is plain http on loopback; the build's own rules allow https alone.
        context.config_mut().plugins.0.get_mut("updater").unwrap()["dangerousInsecureTransportProtocol"] =
            json!(true);
    }
    let folder = tempfile::tempdir().unwrap();
    let app = updates::register(
        app_lib::build_app_in(mock_builder(), folder.path().into()),
        release,
    )
    .build(context)
    .expect("the app builds on the mock runtime");
    (app, folder)
}

fn main_window(app: &tauri::App<MockRuntime>) -> tauri::WebviewWindow<MockRuntime> {
    let config = app.config().app.windows[0].clone();
    WebviewWindowBuilder::from_config(app.handle(), &config)
        .unwrap()
        .build()
        .unwrap()
}

/// What the window gets when it invokes the updater's `check` command.
fn window_invokes_check(
    app: &tauri::App<MockRuntime>,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: "plugin:updater|check".into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(json!({})),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&main_window(app), request).map(|body| body.deserialize().unwrap())
}

/// A release endpoint on loopback: `answer` gives each request's path (and the endpoint's base URL) a content type
/// and a body. Returns the base URL and the request lines received.
fn release_endpoint(
    answer: impl Fn(&str, &str) -> (&'static str, Vec<u8>) + Send + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let served = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|read| read > 2) {
                header.clear();
            }
            let request_line = request_line.trim_end().to_owned();
            let path = request_line.split(' ').nth(1).unwrap_or_default();
            let (content_type, body) = answer(&served, path);
            seen.lock().unwrap().push(request_line);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (base, requests)
}

/// A release endpoint answering every request with `manifest` (Tauri's dynamic update format).
fn manifest_endpoint(manifest: serde_json::Value) -> (String, Arc<Mutex<Vec<String>>>) {
    release_endpoint(move |_, _| ("application/json", manifest.to_string().into_bytes()))
}

/// The release a build names, checked at `base` on loopback.
fn release_at(base: &str, pubkey: &str) -> UpdateRelease {
    UpdateRelease {
        pubkey: pubkey.into(),
        endpoint: format!("{base}/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}"),
    }
}

#[test]
fn a_build_with_a_release_checks_its_endpoint_and_offers_the_newer_version() {
    let (base, requests) = manifest_endpoint(json!({
        "version": "99.0.0",
        "notes": "A newer release",
        "pub_date": "2026-12-01T12:00:00Z",
        "url": "https://releases.example.com/auth0-eventgrid-setup_99.0.0_amd64.deb",
        "signature": "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZQo=",
    }));
    let release = release_at(&base, PUBKEY);
    let (app, _folder) = app(Some(&release), true);
    assert_eq!(app.config().plugins.0["updater"]["pubkey"], PUBKEY);

    let update = tauri::async_runtime::block_on(app.updater().unwrap().check())
        .expect("the check reaches the endpoint")
        .expect("the endpoint's newer release is offered");
    assert_eq!(update.version, "99.0.0");
    assert_eq!(
        update.current_version,
        app.package_info().version.to_string()
    );
    assert_eq!(
        *requests.lock().unwrap(),
        [format!(
            "GET /{}/{}/{} HTTP/1.1",
            std::env::consts::OS,
            std::env::consts::ARCH,
            app.package_info().version
        )]
    );

    // The check is the app's, from Rust: the window may not run it.
    let refused = window_invokes_check(&app).expect_err("the window may not invoke the updater");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

/// The public key a build is given, as `tauri signer generate` writes it: base64 of minisign's two-line .pub file.
fn tauri_pubkey(key: &minisign::KeyPair) -> String {
    BASE64.encode(key.pk.to_box().unwrap().into_string())
}

/// A package's signature as `tauri signer sign --app-version` makes it (and as `scripts/bundle.sh` asks for):
/// minisign's, whose trusted comment names the file and, when given, the version; base64 as the manifest carries it.
fn tauri_signature(key: &minisign::KeyPair, package: &[u8], version: Option<&str>) -> String {
    let mut trusted = "timestamp:1764979200\tfile:auth0-eventgrid-setup_amd64.deb".to_owned();
    if let Some(version) = version {
        trusted.push_str(&format!("\tversion:{version}"));
    }
    let signature = minisign::sign(
        Some(&key.pk),
        &key.sk,
        package,
        Some(&trusted),
        Some("signature from tauri secret key"),
    )
    .unwrap();
    BASE64.encode(signature.into_string())
}

/// What an installed app does with an offered package before it installs anything: downloads it and checks it
/// against the build's key and the version the endpoint announced (the same check `install` repeats). Only a
/// package signed by that key for that version is taken. The install itself (dpkg, through pkexec on a desktop)
/// is not run here: it would replace this machine's package.
#[test]
fn an_offered_package_is_taken_only_when_signed_by_the_build_key_for_the_announced_version() {
    let key = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let stranger = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let package: Vec<u8> =
        b"!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n"
            .iter()
            .copied()
            .cycle()
            .take(4096)
            .collect();
    let mut changed = package.clone();
    changed[2048] ^= 1;
    type Refusal = fn(&tauri_plugin_updater::Error) -> bool;
    let cases: [(&str, Vec<u8>, String, Option<Refusal>); 5] = [
        (
            "signed by the build's key for the announced version",
            package.clone(),
            tauri_signature(&key, &package, Some("99.0.0")),
            None,
        ),
        (
            "changed after it was signed",
            changed,
            tauri_signature(&key, &package, Some("99.0.0")),
            Some(|e| matches!(e, tauri_plugin_updater::Error::Minisign(_))),
        ),
        (
            "signed by another key",
            package.clone(),
            tauri_signature(&stranger, &package, Some("99.0.0")),
            Some(|e| matches!(e, tauri_plugin_updater::Error::Minisign(_))),
        ),
        (
            "signed for an older version than the one announced",
            package.clone(),
            tauri_signature(&key, &package, Some("98.0.0")),
            Some(|e| matches!(e, tauri_plugin_updater::Error::SignedVersionMismatch { .. })),
        ),
        (
            "signed for no version",
            package.clone(),
            tauri_signature(&key, &package, None),
            Some(|e| matches!(e, tauri_plugin_updater::Error::MissingSignedVersion)),
        ),
    ];
    for (case, served, signature, refusal) in cases {
        let (base, requests) = release_endpoint(move |base, path| match path {
            "/package.deb" => ("application/octet-stream", served.clone()),
            _ => (
                "application/json",
                json!({
                    "version": "99.0.0",
                    "pub_date": "2026-12-01T12:00:00Z",
                    "url": format!("{base}/package.deb"),
                    "signature": signature,
                })
                .to_string()
                .into_bytes(),
            ),
        });
        let (app, _folder) = app(Some(&release_at(&base, &tauri_pubkey(&key))), true);
        let update = tauri::async_runtime::block_on(app.updater().unwrap().check())
            .expect("the check reaches the endpoint")
            .expect("the endpoint's newer release is offered");
        let downloaded = tauri::async_runtime::block_on(update.download(|_, _| {}, || {}));
        assert_eq!(
            requests.lock().unwrap().last().map(String::as_str),
            Some("GET /package.deb HTTP/1.1"),
            "{case}: the package was fetched"
        );
        match refusal {
            None => assert_eq!(downloaded.expect(case), package, "{case}"),
            Some(expected) => {
                let error = downloaded.expect_err(case);
                assert!(
                    expected(&error),
                    "{case}: refused for another reason: {error}"
                );
            }
        }
    }
}

#[test]
fn a_build_with_no_release_has_no_updater() {
    let (app, _folder) = app(None, false);
    assert!(!app.config().plugins.0.contains_key("updater"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.updater_builder()));
    assert!(
        outcome.is_err(),
        "no updater plugin is registered, so it has no state"
    );
    let refused = window_invokes_check(&app).expect_err("there is no updater to invoke");
    assert!(!refused.to_string().is_empty());
}

#[test]
fn no_capability_grants_the_updater() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(folder.join("capabilities")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let capability: serde_json::Value = serde_json::from_str(&text).unwrap();
        for permission in capability["permissions"].as_array().unwrap() {
            let name = permission
                .as_str()
                .or(permission["identifier"].as_str())
                .unwrap();
            assert!(
                !name.starts_with("updater:"),
                "{} grants {name}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 0);
    // What the build compiled from them (tauri-build writes it) says the same.
    let compiled = std::fs::read_to_string(folder.join("gen/schemas/capabilities.json")).unwrap();
    assert!(
        compiled.contains("main-window") && !compiled.contains("updater:"),
        "{compiled}"
    );
}

#[test]
fn the_app_takes_its_version_from_the_workspace() {
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    assert!(
        config.get("version").is_none(),
        "tauri.conf.json must not carry a version of its own"
    );
    assert!(
        config
            .get("plugins")
            .and_then(|plugins| plugins.get("updater"))
            .is_none()
    );
    let context: tauri::Context<MockRuntime> = tauri::generate_context!();
    assert_eq!(
        context.package_info().version.to_string(),
        env!("CARGO_PKG_VERSION")
    );
}
