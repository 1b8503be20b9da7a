//! `export` against the sandbox: a setup made in one sandbox is exported in every format (none holding a secret
//! the test handed out), its JSON is set up again in a fresh sandbox with `setup --config` (the colleague's
//! flags override what differs per environment), and `verify` (by name and by `--config`) is green there.
//! Also: `-o` writes a private file, and an unknown setup or bad output path is bad input (exit 2).

use std::path::Path;

use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use serde_json::Value;
use tokio::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with only the environment's credentials for `info`'s clouds.
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

/// `bare` with the sandbox's cloud and a progress file.
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

async fn run(mut command: Command) -> Outcome {
    let out = command.output().await.expect("binary runs");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn inbox(info: &SandboxInfo, name: &str) -> String {
    format!("{}/_sandbox/inbox/{name}", info.azure_management)
}

/// The secrets this test hands out: the sandbox's credentials and the webhook's key.
fn secrets<'a>(info: &'a SandboxInfo, webhook_key: &'a str) -> [&'a str; 3] {
    [
        &info.auth0_client_secret,
        &info.azure_client_secret,
        webhook_key,
    ]
}

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

/// One setup checked: no check red, and the stream, topic and subscription green.
fn assert_green(report: &Value) {
    let setups = report["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1, "{report}");
    let checks = setups[0]["report"]["checks"].as_array().unwrap();
    for check in checks {
        assert_ne!(check["state"], "red", "{check}");
    }
    for id in ["log_stream", "partner_topic", "event_subscription"] {
        let check = checks
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} check: {report}"));
        assert_eq!(check["state"], "green", "{check}");
    }
}

#[tokio::test]
async fn a_setup_exported_as_json_is_set_up_again_in_a_fresh_sandbox_and_verifies_green() {
    let first = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let a = first.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("first.db");
    let store_flag = ["--store", store.to_str().unwrap()];
    let key = "code=Wh00kK3y-handed-out";

    let webhook = format!("{}?{key}", inbox(&a, "security"));
    let setup = run(connected(
        &a,
        dir.path(),
        &[
            &["setup", "--name", "Security logs"][..],
            &store_flag,
            &[
                "--auth0-domain",
                &a.auth0_domain,
                "--subscription-id",
                &a.subscription_id,
                "--resource-group",
                "security",
                "--region",
                "westeurope",
                "--create-resource-group",
                "--stream-name",
                "security",
                "--webhook-url",
                &webhook,
                "--log-codes",
                "s",
                "--event-categories",
                "auth.login.success",
            ],
        ]
        .concat(),
    ))
    .await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);

    // Every format, to stdout: nothing the test handed out is in any of them.
    let mut json = String::new();
    for format in ["json", "terraform", "shell"] {
        let exported = run(bare(
            &a,
            &[
                &["export", "--setup", "security LOGS", "--format", format][..],
                &store_flag,
            ]
            .concat(),
        ))
        .await;
        assert_eq!(exported.code, 0, "{format}: {}", exported.stderr);
        for secret in secrets(&a, key) {
            assert!(
                !exported.stdout.contains(secret) && !exported.stderr.contains(secret),
                "{format} export holds a secret"
            );
        }
        assert!(
            exported.stdout.contains("was left out of this export"),
            "{format}: {}",
            exported.stdout
        );
        assert!(exported.stderr.contains("left out"), "{}", exported.stderr);
        if format == "json" {
            json = exported.stdout;
        }
    }
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        document["$schema"],
        setup_engine::SETUP_DOCUMENT_SCHEMA_URL,
        "{json}"
    );
    assert_eq!(
        document["inputs"]["destination"]["webhook_url"],
        inbox(&a, "security")
    );

    // A colleague's fresh environment: another sandbox (another tenant and subscription). The document is
    // per environment, so the flags give what differs; the rest comes from the document.
    let second = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let b = second.info().clone();
    assert_ne!(a.subscription_id, b.subscription_id);
    let file = dir.path().join("security.setup.json");
    std::fs::write(&file, &json).unwrap();
    let second_dir = dir.path().join("second");
    std::fs::create_dir(&second_dir).unwrap();
    let second_store = second_dir.join("second.db");
    let second_store_flag = ["--store", second_store.to_str().unwrap()];
    let differs = [
        "--config",
        file.to_str().unwrap(),
        "--auth0-domain",
        &b.auth0_domain,
        "--subscription-id",
        &b.subscription_id,
    ];
    let webhook_b = format!("{}?{key}", inbox(&b, "security"));
    let again = run(connected(
        &b,
        &second_dir,
        &[
            &["setup", "--name", "Security copy"][..],
            &second_store_flag,
            &differs,
            &["--webhook-url", &webhook_b],
        ]
        .concat(),
    ))
    .await;
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    settle(&second).await;

    let by_name = run(bare(
        &b,
        &[
            &["verify", "--setup", "security copy", "--json"][..],
            &second_store_flag,
        ]
        .concat(),
    ))
    .await;
    assert_eq!(by_name.code, 0, "{}\n{}", by_name.stdout, by_name.stderr);
    let by_name: Value = serde_json::from_str(by_name.stdout.trim()).unwrap();
    assert_eq!(by_name["ok"], true);
    assert_green(&by_name);

    // `verify --config` takes the exported document too (its `$schema` and `notes` included).
    let by_config = run(connected(
        &b,
        &second_dir,
        &[
            &["verify", "--json"][..],
            &second_store_flag,
            &differs,
            &["--webhook-url", &webhook_b],
        ]
        .concat(),
    ))
    .await;
    assert_eq!(
        by_config.code, 0,
        "{}\n{}",
        by_config.stdout, by_config.stderr
    );
    let by_config: Value = serde_json::from_str(by_config.stdout.trim()).unwrap();
    assert_green(&by_config);

    // The second setup asked only about its own subscription: the flags overrode the document.
    let about_a: Vec<String> = second
        .handle()
        .requests()
        .iter()
        .filter(|r| r.path.contains(&a.subscription_id))
        .map(|r| r.path.clone())
        .collect();
    assert!(about_a.is_empty(), "{about_a:?}");
}

#[tokio::test]
async fn export_writes_a_private_file_and_refuses_what_it_cannot_find() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("setups.db");
    let store_flag = ["--store", store.to_str().unwrap()];
    let setup = run(connected(
        &info,
        dir.path(),
        &[
            &["setup", "--name", "Ops"][..],
            &store_flag,
            &[
                "--auth0-domain",
                &info.auth0_domain,
                "--subscription-id",
                &info.subscription_id,
                "--resource-group",
                "ops",
                "--region",
                "westeurope",
                "--create-resource-group",
                "--stream-name",
                "ops",
                "--webhook-url",
                &inbox(&info, "ops"),
            ],
        ]
        .concat(),
    ))
    .await;
    assert_eq!(setup.code, 0, "{}", setup.stderr);

    let path = dir.path().join("ops.tf");
    let written = run(bare(
        &info,
        &[
            &[
                "export",
                "--setup",
                "ops",
                "--format",
                "terraform",
                "-o",
                path.to_str().unwrap(),
            ][..],
            &store_flag,
        ]
        .concat(),
    ))
    .await;
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.is_empty(), "the text went to the file");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("resource \"auth0_log_stream\" \"eventgrid\""));
    assert!(
        !text.contains("was left out"),
        "a webhook without a key leaves nothing out"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let unknown = run(bare(
        &info,
        &[
            &["export", "--setup", "nope", "--format", "json"][..],
            &store_flag,
        ]
        .concat(),
    ))
    .await;
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("Ops"),
        "names the saved setups: {}",
        unknown.stderr
    );

    let nowhere = run(bare(
        &info,
        &[
            &[
                "export",
                "--setup",
                "ops",
                "--format",
                "json",
                "-o",
                dir.path().join("missing/x.json").to_str().unwrap(),
            ][..],
            &store_flag,
        ]
        .concat(),
    ))
    .await;
    assert_eq!(nowhere.code, 2, "{}", nowhere.stderr);
}
