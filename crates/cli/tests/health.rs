//! The saved setups on the command line against the sandbox: `setup --name` saves, `setups` lists,
//! `verify` checks (one setup, a saved one, every saved one across two sandboxes) with its exit codes, `--json`
//! and the Prometheus file, and `fix --yes` repairs a paused stream.

use std::path::Path;

use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use serde_json::Value;
use tokio::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "one JSON document on stdout ({e}): {}\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The binary with only the environment's credentials for `info`'s clouds (no home folder: nothing
/// remembered by a window is found).
fn bare(info: &SandboxInfo, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
    command
        .args(args)
        .env_clear()
        .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
        .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
        .env("AZURE_TENANT_ID", &info.azure_tenant_id)
        .env("AZURE_CLIENT_ID", &info.azure_client_id)
        .env("AZURE_CLIENT_SECRET", &info.azure_client_secret)
        .kill_on_drop(true);
    command
}

async fn run(mut command: Command) -> Outcome {
    let out = command.output().await.expect("binary runs");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `bare` with the sandbox's cloud and a progress file: what `setup` and a flags-given `verify` take.
fn connected(info: &SandboxInfo, dir: &Path, args: &[&str]) -> Command {
    let mut command = bare(info, args);
    command.args([
        "--azure-cloud",
        "custom",
        "--azure-authority-url",
        &info.azure_authority,
        "--azure-management-url",
        &info.azure_management,
        "--progress-file",
        dir.join("progress.json").to_str().unwrap(),
    ]);
    command
}

/// The setup flags of one setup in `info`'s sandbox.
fn target(info: &SandboxInfo, group: &str) -> Vec<String> {
    [
        "--auth0-domain",
        &info.auth0_domain,
        "--subscription-id",
        &info.subscription_id,
        "--resource-group",
        group,
        "--region",
        "westeurope",
        "--create-resource-group",
        "--stream-name",
        group,
        "--webhook-url",
        &format!("{}/_sandbox/inbox/{group}", info.azure_management),
        "--log-codes",
        "s",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

async fn set_up(info: &SandboxInfo, dir: &Path, store: &Path, group: &str, name: Option<&str>) {
    let mut args = vec![
        "setup".to_owned(),
        "--store".into(),
        store.to_str().unwrap().into(),
    ];
    if let Some(name) = name {
        args.extend(["--name".into(), name.into()]);
    }
    args.extend(target(info, group));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let setup = run(connected(info, dir, &args)).await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
}

/// One successful login (`s`, which the setups deliver), followed until the sandbox's pipeline is idle, so
/// delivery reads settled counts. (The setups deliver only `s`: each run's own token request is logged too,
/// and would be in flight while the check reads the counts.)
async fn settle(sandbox: &cloud_sandbox::RunningSandbox) {
    sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::Login, 1);
    assert!(
        sandbox
            .handle()
            .wait_for_pipeline_idle(std::time::Duration::from_secs(30))
            .await,
        "the sandbox's pipeline settles"
    );
}

fn store_args(store: &Path) -> [&str; 2] {
    ["--store", store.to_str().unwrap()]
}

/// `verify --all --json` over the setups saved in `store`, signed in as `info`'s accounts.
async fn verify_all_json(info: &SandboxInfo, store: &Path) -> Outcome {
    run(bare(
        info,
        &[&["verify", "--all", "--json"][..], &store_args(store)].concat(),
    ))
    .await
}

#[tokio::test]
async fn setup_saves_the_setup_and_setups_lists_it() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("state").join("setups.db");
    set_up(&info, dir.path(), &store, "prod-logs", Some("Production")).await;
    set_up(&info, dir.path(), &store, "stage-logs", None).await;
    // Run again: the same setup, still one.
    set_up(&info, dir.path(), &store, "stage-logs", None).await;

    let listed = run(bare(
        &info,
        &[&["setups", "--json"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let listed = listed.json();
    let setups = listed["setups"].as_array().unwrap();
    let names: Vec<&str> = setups.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Production", "stage-logs"]);
    assert_eq!(setups[0]["tenant"], info.auth0_domain.as_str());
    assert_eq!(setups[0]["overall"], Value::Null, "not checked yet");

    let text = run(bare(
        &info,
        &[&["setups"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("Production: "), "{}", text.stdout);
    assert!(text.stdout.contains("not checked yet"), "{}", text.stdout);
}

#[tokio::test]
async fn bad_input_exits_2() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");

    let none = verify_all_json(&info, &store).await;
    assert_eq!(none.code, 2, "no saved setup to check: {}", none.stderr);
    assert_eq!(none.json()["error"]["field"], "all");

    let unknown = run(bare(
        &info,
        &[
            &["verify", "--setup", "nope", "--json"][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    assert_eq!(unknown.code, 2);
    assert_eq!(unknown.json()["error"]["field"], "setup");

    let fix = run(bare(
        &info,
        &[&["fix", "--setup", "nope"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(fix.code, 2);
    assert!(fix.stdout.is_empty(), "errors go to stderr: {}", fix.stdout);

    let flags = run(connected(
        &info,
        dir.path(),
        &["verify", "--resource-group", "rg", "--json"],
    ))
    .await;
    assert_eq!(
        flags.code, 2,
        "a setup given by flags without its tenant: {}",
        flags.stderr
    );

    let usage = run(bare(&info, &["verify", "--all", "--setup", "x"])).await;
    assert_eq!(usage.code, 2, "--all and --setup together");
    assert!(sandbox.handle().requests().is_empty(), "nothing was sent");
}

/// A Management API token for the sandbox's application, to change things behind the setup's back.
async fn pause_stream(info: &SandboxInfo, name: &str) {
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/oauth/token", info.auth0_domain))
        .json(&serde_json::json!({
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
    let token = token["access_token"].as_str().unwrap();
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
        .expect("the stream")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let paused = http
        .patch(format!("{}/api/v2/log-streams/{id}", info.auth0_domain))
        .bearer_auth(token)
        .json(&serde_json::json!({ "status": "paused" }))
        .send()
        .await
        .unwrap();
    assert!(paused.status().is_success(), "{}", paused.status());
}

fn check<'a>(setup: &'a Value, id: &str) -> &'a Value {
    setup["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {setup}"))
}

/// Every line of a Prometheus text file is a comment or `name{labels} value`.
fn assert_prometheus(text: &str) {
    assert!(!text.is_empty());
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line}"));
        value
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let (name, labels) = series
            .split_once('{')
            .unwrap_or_else(|| panic!("no labels: {line}"));
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let labels = labels
            .strip_suffix('}')
            .unwrap_or_else(|| panic!("labels not closed: {line}"));
        for label in labels.split("\",") {
            let (key, _) = label
                .split_once("=\"")
                .unwrap_or_else(|| panic!("label: {line}"));
            assert!(
                key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{line}"
            );
        }
    }
}

#[tokio::test]
async fn verify_a_saved_setup_turns_red_when_paused_and_fix_turns_it_green() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    let metrics = dir.path().join("auth0.prom");
    set_up(&info, dir.path(), &store, "prod-logs", Some("prod")).await;
    settle(&sandbox).await;

    // From the setup flags, with no store involved in finding it.
    let target = target(&info, "prod-logs");
    let flags: Vec<&str> = target.iter().map(String::as_str).collect();
    let by_flags = run(connected(
        &info,
        dir.path(),
        &[&["verify", "--json"][..], &store_args(&store), &flags].concat(),
    ))
    .await;
    assert_eq!(by_flags.code, 0, "{}\n{}", by_flags.stdout, by_flags.stderr);
    let by_flags = by_flags.json();
    assert_eq!(by_flags["ok"], true);
    assert_eq!(
        by_flags["setups"][0]["name"], "prod",
        "recorded on the saved setup"
    );

    let green = run(bare(
        &info,
        &[
            &[
                "verify",
                "--setup",
                "PROD",
                "--json",
                "--prometheus",
                metrics.to_str().unwrap(),
            ][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    assert_eq!(green.code, 0, "{}\n{}", green.stdout, green.stderr);
    assert!(
        green.stderr.is_empty(),
        "no progress when stderr is not a terminal: {}",
        green.stderr
    );
    let green = green.json();
    let setup = &green["setups"][0];
    assert_eq!(check(setup, "log_stream")["state"], "green");
    assert!(["green", "amber"].contains(&setup["overall"].as_str().unwrap()));
    assert_prometheus(&std::fs::read_to_string(&metrics).unwrap());
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert!(
        text.contains("auth0_eventgrid_check_state{setup=\"prod\",check=\"log_stream\"} 0"),
        "{text}"
    );

    pause_stream(&info, "prod-logs").await;
    let red = run(bare(
        &info,
        &[
            &[
                "verify",
                "--setup",
                "prod",
                "--json",
                "--prometheus",
                metrics.to_str().unwrap(),
            ][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    assert_eq!(red.code, 1, "a red check exits 1: {}", red.stdout);
    let red = red.json();
    assert_eq!(red["ok"], false);
    let stream = check(&red["setups"][0], "log_stream");
    assert_eq!(stream["state"], "red");
    assert_eq!(stream["fix"]["id"], "resume_stream");
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert_prometheus(&text);
    assert!(
        text.contains("auth0_eventgrid_check_state{setup=\"prod\",check=\"log_stream\"} 3"),
        "{text}"
    );

    let listed = run(bare(
        &info,
        &[&["setups", "--json"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(
        listed.json()["setups"][0]["overall"],
        "red",
        "the check was recorded"
    );

    // Not on a terminal and no --yes: the fix is said, not applied.
    let refused = run(bare(
        &info,
        &[&["fix", "--setup", "prod"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Fix: "),
        "the fix is said first: {}",
        refused.stderr
    );

    let fixed = run(bare(
        &info,
        &[
            &[
                "fix",
                "--setup",
                "prod",
                "--check",
                "log_stream",
                "--yes",
                "--json",
            ][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    assert_eq!(fixed.code, 0, "{}\n{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        check(&fixed.json()["setups"][0], "log_stream")["state"],
        "green"
    );
    // The test event joins the checks when asked for.
    let with_event = run(bare(
        &info,
        &[
            &["verify", "--setup", "prod", "--send-test-event", "--json"][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    let with_event_json = with_event.json();
    let test_event = check(&with_event_json["setups"][0], "test_event");
    assert!(test_event["state"].is_string(), "{test_event}");
    let after = run(bare(
        &info,
        &[
            &["verify", "--setup", "prod", "--json"][..],
            &store_args(&store),
        ]
        .concat(),
    ))
    .await;
    assert_eq!(after.code, 0, "{}", after.stdout);
}

#[tokio::test]
async fn verify_all_checks_each_setup_with_its_own_accounts() {
    let first = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let second = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let (one, two) = (first.info().clone(), second.info().clone());
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    set_up(&one, dir.path(), &store, "first-logs", Some("first")).await;
    set_up(&two, dir.path(), &store, "second-logs", Some("second")).await;
    settle(&first).await;
    settle(&second).await;

    // Signed in to the first sandbox only: the second setup is not checked with its credentials.
    let second_before = second.handle().requests().len();
    let all = verify_all_json(&one, &store).await;
    assert_eq!(all.code, 1, "{}\n{}", all.stdout, all.stderr);
    let all = all.json();
    let setups = all["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 2);
    assert_eq!(setups[0]["name"], "first");
    assert!(
        ["green", "amber"].contains(&setups[0]["overall"].as_str().unwrap()),
        "{}",
        setups[0]
    );
    assert_eq!(setups[1]["name"], "second");
    assert_eq!(setups[1]["overall"], "unknown");
    for check in setups[1]["report"]["checks"].as_array().unwrap() {
        assert_eq!(check["state"], "unknown");
        assert!(
            check["sentence"]
                .as_str()
                .unwrap()
                .starts_with("Sign in to "),
            "{check}"
        );
        assert!(
            check["sentence"]
                .as_str()
                .unwrap()
                .contains(&two.azure_client_id),
            "{check}"
        );
    }
    assert_eq!(
        second.handle().requests().len(),
        second_before,
        "nothing is sent to the second sandbox with the first one's credentials"
    );

    let text = run(bare(
        &two,
        &[&["verify", "--all"][..], &store_args(&store)].concat(),
    ))
    .await;
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("first (") && text.stdout.contains("Sign in to "),
        "{}",
        text.stdout
    );
}

/// Setups saved with the same accounts are checked with one engine: a run over three of them asks each cloud
/// for one token, not three (Auth0 counts machine-to-machine tokens against a monthly quota).
#[tokio::test]
async fn verify_all_asks_each_cloud_for_one_token_for_setups_of_the_same_accounts() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    for name in ["alpha", "beta", "gamma"] {
        set_up(
            &info,
            dir.path(),
            &store,
            &format!("{name}-logs"),
            Some(name),
        )
        .await;
    }
    settle(&sandbox).await;

    let before = sandbox.handle().requests().len();
    let all = verify_all_json(&info, &store).await;
    let sent = sandbox.handle().requests()[before..].to_vec();
    let setups = all.json()["setups"].as_array().unwrap().clone();
    let names: Vec<&str> = setups.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alpha", "beta", "gamma"], "in the order saved");
    for setup in &setups {
        assert!(
            ["green", "amber"].contains(&setup["overall"].as_str().unwrap()),
            "{setup}"
        );
    }
    let tokens = |cloud: &str, path: &str| {
        sent.iter()
            .filter(|r| r.cloud == cloud && r.path.ends_with(path))
            .count()
    };
    assert_eq!(
        tokens("auth0", "/oauth/token"),
        1,
        "one Auth0 token: {sent:#?}"
    );
    assert_eq!(
        tokens("login", "/oauth2/v2.0/token"),
        1,
        "one Azure token: {sent:#?}"
    );
    assert!(
        sent.iter().filter(|r| r.cloud == "management").count() >= 3,
        "each setup is still checked in Azure"
    );
}

/// A run that stops half way saves the steps that finished; the webhook URL's query (a key) is nowhere in the
/// store's files.
#[tokio::test]
async fn a_setup_that_stops_half_way_is_saved_with_what_finished_and_no_webhook_key() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    let mut args: Vec<String> = [
        "setup",
        "--name",
        "half",
        "--store",
        store.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(target(&info, "half-logs"));
    // Nothing listens on port 9: step 4's handshake with the webhook fails after steps 1 to 3.
    let url = args.iter().position(|a| a == "--webhook-url").unwrap() + 1;
    args[url] = "http://127.0.0.1:9/hook?code=secret-key-123".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let setup = run(connected(&info, dir.path(), &args)).await;
    assert_eq!(setup.code, 1, "{}\n{}", setup.stdout, setup.stderr);
    assert!(
        setup.stderr.contains("Saved as \u{201c}half\u{201d}"),
        "{}",
        setup.stderr
    );

    let saved = setup_store::SetupStore::open(&store)
        .unwrap()
        .store
        .find("half")
        .unwrap()
        .expect("saved");
    assert_eq!(
        saved.created.completed,
        [
            setup_engine::StepId::PrepareAzure,
            setup_engine::StepId::CreateStream,
            setup_engine::StepId::ActivateTopic
        ]
    );
    assert!(saved.created.stream_id.is_some());
    assert_eq!(saved.accounts.auth0_identity, info.auth0_client_id);
    assert_eq!(saved.accounts.azure_identity, info.azure_client_id);
    assert_eq!(saved.accounts.azure_tenant_id, info.azure_tenant_id);
    assert_eq!(
        saved.accounts.azure_management_url.as_deref(),
        Some(info.azure_management.as_str())
    );
    assert!(saved.webhook_key_in_keychain);
    assert_eq!(
        saved.inputs.destination.webhook_url.as_deref(),
        Some("http://127.0.0.1:9/hook")
    );
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("secret-key-123"),
            "the key reached {}",
            path.display()
        );
    }
}
