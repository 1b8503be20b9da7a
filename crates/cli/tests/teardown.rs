//! `teardown` on the command line against the sandbox: a saved setup (its resource group created by the
//! run) is refused without --yes off a terminal, leaving everything in place; with --yes the plan is printed,
//! every resource is removed in reverse order, and the setup is forgotten; a teardown of a setup that is no
//! longer saved is bad input.

use std::path::Path;
use std::process::Stdio;

use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use serde_json::Value;
use tokio::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with only the environment's credentials for `info`'s clouds, stdin not a terminal.
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
        .stdin(Stdio::null())
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

fn progress(dir: &Path) -> String {
    dir.join("progress.json").to_str().unwrap().to_owned()
}

async fn set_up(info: &SandboxInfo, dir: &Path, store: &Path) {
    let inbox = format!("{}/_sandbox/inbox/teardown", info.azure_management);
    let progress = progress(dir);
    let args = [
        "setup",
        "--store",
        store.to_str().unwrap(),
        "--name",
        "prod",
        "--azure-cloud",
        "custom",
        "--azure-authority-url",
        &info.azure_authority,
        "--azure-management-url",
        &info.azure_management,
        "--progress-file",
        &progress,
        "--auth0-domain",
        &info.auth0_domain,
        "--subscription-id",
        &info.subscription_id,
        "--resource-group",
        "teardown-logs",
        "--region",
        "westeurope",
        "--create-resource-group",
        "--stream-name",
        "teardown-logs",
        "--webhook-url",
        &inbox,
    ];
    let setup = run(bare(info, &args)).await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
}

fn saved_names(listed: &Outcome) -> Vec<String> {
    let document: Value = serde_json::from_str(listed.stdout.trim()).expect("one JSON document");
    document["setups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Streams, partner topics, event subscriptions, and whether the setup's group exists.
fn counts(sandbox: &cloud_sandbox::RunningSandbox) -> (usize, usize, usize, bool) {
    let state = sandbox.handle().state();
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    let group = state["azure"]["subscriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["resource_groups"].as_array().cloned().unwrap_or_default())
        .any(|g| g["name"] == "teardown-logs");
    (
        len(&state["auth0"]["streams"]),
        len(&state["azure"]["partner_topics"]),
        len(&state["azure"]["event_subscriptions"]),
        group,
    )
}

#[tokio::test]
async fn teardown_asks_for_yes_off_a_terminal_then_removes_everything_and_forgets_the_setup() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    let store_s = store.to_str().unwrap().to_owned();
    let progress = progress(dir.path());
    set_up(&info, dir.path(), &store).await;
    assert_eq!(counts(&sandbox), (1, 1, 1, true));

    // Not on a terminal and no --yes: the plan is shown, nothing is removed, the setup stays saved.
    let refused = run(bare(
        &info,
        &[
            "teardown",
            "--setup",
            "prod",
            "--store",
            &store_s,
            "--progress-file",
            &progress,
        ],
    ))
    .await;
    assert_eq!(refused.code, 2, "{}\n{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        refused
            .stdout
            .contains("Delete the Auth0 log stream \"teardown-logs\""),
        "the plan names what would go: {}",
        refused.stdout
    );
    assert!(
        refused.stdout.contains("teardown-logs of subscription"),
        "{}",
        refused.stdout
    );
    assert_eq!(counts(&sandbox), (1, 1, 1, true), "nothing was removed");
    let listed = run(bare(&info, &["setups", "--json", "--store", &store_s])).await;
    assert_eq!(saved_names(&listed), ["prod"]);

    let done = run(bare(
        &info,
        &[
            "teardown",
            "--setup",
            "prod",
            "--yes",
            "--json",
            "--store",
            &store_s,
            "--progress-file",
            &progress,
        ],
    ))
    .await;
    assert_eq!(done.code, 0, "{}\n{}", done.stdout, done.stderr);
    let document: Value = serde_json::from_str(done.stdout.trim()).expect("one JSON document");
    let removed: Vec<&str> = document["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        removed,
        [
            "event_subscription",
            "log_stream",
            "partner_topic",
            "partner_authorization",
            "resource_group"
        ]
    );
    assert_eq!(document["forgotten"], true);
    assert!(
        done.stderr
            .contains("Delete the event subscription auth0-logs"),
        "each delete is said as it starts: {}",
        done.stderr
    );
    assert_eq!(counts(&sandbox), (0, 0, 0, false), "everything is gone");
    let listed = run(bare(&info, &["setups", "--json", "--store", &store_s])).await;
    assert_eq!(
        saved_names(&listed),
        Vec::<String>::new(),
        "the setup is forgotten"
    );

    let again = run(bare(
        &info,
        &[
            "teardown",
            "--setup",
            "prod",
            "--yes",
            "--store",
            &store_s,
            "--progress-file",
            &progress,
        ],
    ))
    .await;
    assert_eq!(
        again.code, 2,
        "no saved setup of that name: {}",
        again.stderr
    );
}
