//! The binary end to end against the sandbox: exit codes, `--json` on stdout, progress on stderr, and the
//! README's two-terminal flow (`auth0-eventgrid sandbox`, then `auth0-eventgrid setup`).

use std::process::Stdio;

use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use tokio::io::AsyncBufReadExt;
use tokio::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with `args`, pointed at the sandbox's clouds, signed in as its Auth0 application and Azure
/// service principal through the environment, writing progress to `progress`.
fn command(info: &SandboxInfo, progress: &std::path::Path, args: &[&str]) -> Command {
    let mut command = connected(info, progress, args);
    command.args([
        "--auth0-domain",
        &info.auth0_domain,
        "--subscription-id",
        &info.subscription_id,
    ]);
    command
}

/// As `command`, with only the connection given (which cloud, which sign-in, where progress goes): what a
/// setup is comes from `args` (a `--config` file).
fn connected(info: &SandboxInfo, progress: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
    command
        .args(args)
        .args([
            "--azure-cloud",
            "custom",
            "--azure-authority-url",
            &info.azure_authority,
            "--azure-management-url",
            &info.azure_management,
            "--progress-file",
            progress.to_str().unwrap(),
        ])
        .env_clear()
        .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
        .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
        .env("AZURE_TENANT_ID", &info.azure_tenant_id)
        .env("AZURE_CLIENT_ID", &info.azure_client_id)
        .env("AZURE_CLIENT_SECRET", &info.azure_client_secret);
    command
}

async fn run(info: &SandboxInfo, progress: &std::path::Path, args: &[&str]) -> Outcome {
    let out = command(info, progress, args)
        .output()
        .await
        .expect("binary runs");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn webhook(info: &SandboxInfo) -> String {
    format!("{}/_sandbox/inbox/cli", info.azure_management)
}

#[tokio::test]
async fn setup_status_dry_run_and_exit_codes() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let hook = webhook(&info);
    let target = [
        "--resource-group",
        "cli-rg",
        "--region",
        "westeurope",
        "--create-resource-group",
        "--webhook-url",
        hook.as_str(),
        "--log-codes",
        "s,f",
        "--json",
    ];

    let status = run(&info, &progress, &[&["status"][..], &target[..]].concat()).await;
    assert_eq!(status.code, 1, "incomplete before setup: {}", status.stderr);

    let writes_before = sandbox
        .handle()
        .requests()
        .iter()
        .filter(|r| r.write && !r.path.ends_with("/token"))
        .count();
    let plan = run(
        &info,
        &progress,
        &[&["setup", "--dry-run"][..], &target[..]].concat(),
    )
    .await;
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let plan: serde_json::Value = serde_json::from_str(plan.stdout.trim()).unwrap();
    assert!(
        plan["report"]["steps"][0]["actions"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    let writes_after = sandbox
        .handle()
        .requests()
        .iter()
        .filter(|r| r.write && !r.path.ends_with("/token"))
        .count();
    assert_eq!(writes_before, writes_after, "a dry run writes nothing");

    let setup = run(&info, &progress, &[&["setup"][..], &target[..]].concat()).await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
    let result: serde_json::Value =
        serde_json::from_str(setup.stdout.trim()).expect("one JSON object on stdout");
    assert_eq!(result["ok"], true);
    assert_eq!(result["report"]["complete"], true);
    assert!(
        setup.stderr.contains("[1/4]") && setup.stderr.contains("[4/4]"),
        "{}",
        setup.stderr
    );
    assert!(!setup.stderr.contains(&info.auth0_client_secret));

    let status = run(&info, &progress, &[&["status"][..], &target[..]].concat()).await;
    assert_eq!(status.code, 0);

    let bad = run(
        &info,
        &progress,
        &[
            "setup",
            "--resource-group",
            "rg",
            "--region",
            "westus3",
            "--json",
        ],
    )
    .await;
    assert_eq!(bad.code, 2);
    let error: serde_json::Value = serde_json::from_str(bad.stdout.trim()).unwrap();
    assert_eq!(error["error"]["code"], "invalid_input");
    assert_eq!(error["error"]["field"], "region");

    let missing_group = run(
        &info,
        &progress,
        &[
            "setup",
            "--resource-group",
            "absent",
            "--region",
            "westeurope",
            "--webhook-url",
            hook.as_str(),
            "--json",
        ],
    )
    .await;
    assert_eq!(
        missing_group.code, 1,
        "a failed step exits 1: {}",
        missing_group.stderr
    );
    let error: serde_json::Value = serde_json::from_str(missing_group.stdout.trim()).unwrap();
    assert_eq!(error["error"]["code"], "resource_group_not_found");
    assert!(
        error["error"]["remedy"]
            .as_str()
            .unwrap()
            .contains("--create-resource-group")
    );

    let usage = run(
        &info,
        &progress,
        &["setup", "--destination", "carrier-pigeon"],
    )
    .await;
    assert_eq!(usage.code, 2, "clap usage errors exit 2");
}

/// The log stream Auth0 receives masks personal data unless `--no-pii-masking`: by default every field the
/// window masks, as `pii_config` on the stream; with the opt-out, no `pii_config` at all; both together are a
/// usage error before anything is sent.
#[tokio::test]
async fn the_stream_masks_personal_data_unless_turned_off() {
    async fn streamed_pii(extra: &[&str]) -> serde_json::Value {
        let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
        let info = sandbox.info().clone();
        let dir = tempfile::tempdir().unwrap();
        let hook = webhook(&info);
        let args = [
            &[
                "setup",
                "--resource-group",
                "pii-rg",
                "--region",
                "westeurope",
                "--create-resource-group",
                "--webhook-url",
                hook.as_str(),
                "--json",
            ][..],
            extra,
        ]
        .concat();
        let setup = run(&info, &dir.path().join("progress.json"), &args).await;
        assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
        let state = sandbox.handle().state();
        let streams = state["auth0"]["streams"].as_array().unwrap().clone();
        assert_eq!(streams.len(), 1, "{state}");
        sandbox.shutdown().await;
        streams[0]["pii_config"].clone()
    }

    let default_fields = setup_engine::default_inputs().pii.unwrap().log_fields;
    assert_eq!(
        streamed_pii(&[]).await,
        serde_json::json!({"log_fields": default_fields, "method": "mask"})
    );
    assert_eq!(
        streamed_pii(&["--pii-fields", "email"]).await,
        serde_json::json!({"log_fields": ["email"], "method": "mask"})
    );
    assert_eq!(
        streamed_pii(&["--no-pii-masking"]).await,
        serde_json::Value::Null
    );

    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let both = run(
        &info,
        &dir.path().join("progress.json"),
        &["setup", "--no-pii-masking", "--pii-fields", "email"],
    )
    .await;
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(both.stderr.contains("--no-pii-masking"), "{}", both.stderr);
    assert!(sandbox.handle().requests().is_empty());
    sandbox.shutdown().await;
}

async fn run_connected(info: &SandboxInfo, progress: &std::path::Path, args: &[&str]) -> Outcome {
    let out = connected(info, progress, args)
        .output()
        .await
        .expect("binary runs");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `--config` with a setup document (the window's shape): it drives a whole setup, flags win over it, a
/// document from a newer version is refused before anything is sent, and an older flat settings file, with its
/// connection options, still works.
#[tokio::test]
async fn a_setup_document_drives_a_setup_and_an_older_flat_file_still_works() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let hook = webhook(&info);
    let mut inputs = setup_engine::default_inputs();
    inputs.auth0_domain = info.auth0_domain.clone();
    inputs.subscription_id = info.subscription_id.clone();
    inputs.resource_group = "from-a-document".into();
    inputs.stream_name = "Stream of the document".into();
    inputs.event_subscription_name = "subscription-of-the-document".into();
    inputs.destination.webhook_url = Some(hook.clone());
    let document = setup_engine::SetupDocument::new(inputs);
    let file = dir.path().join("setup.json");
    std::fs::write(&file, document.to_json()).unwrap();
    let config = file.to_str().unwrap();

    let mut newer: serde_json::Value = serde_json::from_str(&document.to_json()).unwrap();
    newer["version"] = 2.into();
    let newer_file = dir.path().join("newer.json");
    std::fs::write(&newer_file, newer.to_string()).unwrap();
    let refused = run_connected(
        &info,
        &progress,
        &["setup", "--config", newer_file.to_str().unwrap(), "--json"],
    )
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let error: serde_json::Value = serde_json::from_str(refused.stdout.trim()).unwrap();
    assert_eq!(error["error"]["code"], "invalid_input");
    assert_eq!(error["error"]["field"], "version");
    assert!(
        sandbox.handle().requests().is_empty(),
        "refused before anything is sent"
    );

    let setup = run_connected(
        &info,
        &progress,
        &[
            "setup",
            "--config",
            config,
            "--event-subscription-name",
            "subscription-of-the-flag",
            "--json",
        ],
    )
    .await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
    let result: serde_json::Value = serde_json::from_str(setup.stdout.trim()).unwrap();
    assert_eq!(result["report"]["complete"], true);
    let state = sandbox.handle().state().to_string();
    for made in [
        "from-a-document",
        "Stream of the document",
        "subscription-of-the-flag",
    ] {
        assert!(state.contains(&format!("\"{made}\"")), "{made} in {state}");
    }
    assert!(
        !state.contains("subscription-of-the-document"),
        "the flag wins over the document"
    );

    // The flat shape, connection options included, finds the same setup complete.
    let flat = dir.path().join("flat.json");
    let flat_settings = serde_json::json!({
        "auth0_domain": info.auth0_domain,
        "subscription_id": info.subscription_id,
        "resource_group": "from-a-document",
        "region": "westeurope",
        "stream_name": "Stream of the document",
        "event_subscription_name": "subscription-of-the-flag",
        "webhook_url": hook,
        "azure_cloud": "custom",
        "azure_authority_url": info.azure_authority,
        "azure_management_url": info.azure_management,
        "progress_file": progress,
    });
    std::fs::write(&flat, flat_settings.to_string()).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"))
        .args(["status", "--config", flat.to_str().unwrap(), "--json"])
        .env_clear()
        .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
        .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
        .env("AZURE_TENANT_ID", &info.azure_tenant_id)
        .env("AZURE_CLIENT_ID", &info.azure_client_id)
        .env("AZURE_CLIENT_SECRET", &info.azure_client_secret)
        .output()
        .await
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["report"]["complete"], true, "{report}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_readme_flow_sandbox_then_setup() {
    let mut sandbox = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--registration-delay",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(sandbox.stdout.take().unwrap()).lines();
    let first = lines
        .next_line()
        .await
        .unwrap()
        .expect("the sandbox prints its info line");
    let info: SandboxInfo = serde_json::from_str(&first).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hook = webhook(&info);
    let setup = run(
        &info,
        &dir.path().join("progress.json"),
        &[
            "setup",
            "--resource-group",
            "demo",
            "--region",
            "westeurope",
            "--create-resource-group",
            "--webhook-url",
            &hook,
        ],
    )
    .await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
    assert!(
        setup.stdout.contains("4. Subscribe to the events [done]"),
        "{}",
        setup.stdout
    );
    sandbox.kill().await.unwrap();
}

/// `auth0-eventgrid status | head -1` must not panic when the reader goes away before the report is written.
#[tokio::test]
async fn a_closed_stdout_is_not_a_crash() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"))
        .args([
            "status",
            "--resource-group",
            "rg-closed-pipe",
            "--region",
            "westeurope",
            "--webhook-url",
            "https://example.com/hook",
        ])
        .args([
            "--auth0-domain",
            &info.auth0_domain,
            "--subscription-id",
            &info.subscription_id,
        ])
        .args([
            "--azure-cloud",
            "custom",
            "--azure-authority-url",
            &info.azure_authority,
        ])
        .args(["--azure-management-url", &info.azure_management])
        .arg("--progress-file")
        .arg(dir.path().join("progress.json"))
        .env_clear()
        .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
        .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
        .env("AZURE_TENANT_ID", &info.azure_tenant_id)
        .env("AZURE_CLIENT_ID", &info.azure_client_id)
        .env("AZURE_CLIENT_SECRET", &info.azure_client_secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // Close the reading end before the binary has done its requests, as `head` does once it has enough.
    drop(child.stdout.take());
    let out = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unfinished setup exits 1; stderr: {stderr}"
    );
    sandbox.shutdown().await;
}

/// `--azure-client-certificate`: the service principal signs in with a PEM certificate whose key is encrypted,
/// the password only from AZURE_CLIENT_CERTIFICATE_PASSWORD; without it, exit 2 naming the field.
#[tokio::test]
async fn a_service_principal_certificate_signs_in_with_its_password_from_the_environment() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let pair = cloud_sandbox::testing::KeyPair::new();
    sandbox
        .handle()
        .add_azure_certificate(&info.azure_client_id, &pair.certificate_pem())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sp.pem");
    std::fs::write(&file, pair.combined_pem(Some("cli-password"))).unwrap();
    let progress = dir.path().join("progress.json");
    let hook = webhook(&info);

    let status = |password: Option<&'static str>| {
        let mut command = command(
            &info,
            &progress,
            &[
                "status",
                "--json",
                "--resource-group",
                "cert-rg",
                "--region",
                "westeurope",
                "--webhook-url",
                &hook,
                "--azure-client-certificate",
                file.to_str().unwrap(),
            ],
        );
        // The certificate instead of the secret.
        command.env_remove("AZURE_CLIENT_SECRET");
        if let Some(password) = password {
            command.env("AZURE_CLIENT_CERTIFICATE_PASSWORD", password);
        }
        command.output()
    };
    let out = status(None).await.unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("azure_certificate_path"), "{stdout}");
    assert!(
        stdout.contains("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
        "{stdout}"
    );

    let certificate_tokens = |sandbox: &cloud_sandbox::RunningSandbox| {
        sandbox
            .handle()
            .requests()
            .iter()
            .filter(|r| r.cloud == "login" && r.path.ends_with("/token") && r.status == 200)
            .count()
    };
    assert_eq!(
        certificate_tokens(&sandbox),
        0,
        "nothing sent without the password"
    );
    let out = status(Some("cli-password")).await.unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "status reports an incomplete setup: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(certificate_tokens(&sandbox) >= 1);
}

/// A resource group whose partner configuration someone else made (another partner authorized, Azure's
/// default maximum of 7 days): `--authorization-days 30` raises the maximum, keeps the other partner, and
/// the output says so.
#[tokio::test]
async fn thirty_days_in_a_group_that_allows_seven_raise_the_maximum_and_keep_the_other_partner() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
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
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let sub = format!(
        "{}/subscriptions/{}",
        info.azure_management, info.subscription_id
    );
    let other = "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1";
    let until = (sandbox.handle().clock().now() + std::time::Duration::from_secs(5 * 86_400))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for (method, url, body) in [
        (
            reqwest::Method::POST,
            format!("{sub}/providers/Microsoft.EventGrid/register?api-version=2025-04-01"),
            None,
        ),
        (
            reqwest::Method::PUT,
            format!("{sub}/resourcegroups/shared-rg?api-version=2025-04-01"),
            Some(serde_json::json!({"location": "westeurope"})),
        ),
        (
            reqwest::Method::PUT,
            format!(
                "{sub}/resourceGroups/shared-rg/providers/Microsoft.EventGrid/partnerConfigurations/default?api-version=2025-02-15"
            ),
            Some(
                serde_json::json!({"location": "global", "properties": {"partnerAuthorization": {
                "authorizedPartnersList": [{"partnerRegistrationImmutableId": other, "partnerName": "SAP",
                    "authorizationExpirationTimeInUtc": until}]}}}),
            ),
        ),
    ] {
        let mut request = http.request(method, &url).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        assert!(
            answer.status().is_success(),
            "{url}: {:?}",
            answer.text().await
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let hook = webhook(&info);
    let setup = run(
        &info,
        &dir.path().join("progress.json"),
        &[
            "setup",
            "--resource-group",
            "shared-rg",
            "--region",
            "westeurope",
            "--authorization-days",
            "30",
            "--webhook-url",
            &hook,
        ],
    )
    .await;
    assert_eq!(setup.code, 0, "{}\n{}", setup.stdout, setup.stderr);
    assert!(
        setup.stdout.contains("raised from 7 to 30 days"),
        "the result says which: {}",
        setup.stdout
    );
    assert!(
        setup.stderr.contains("from 7 to 30 days"),
        "the progress says it while doing it: {}",
        setup.stderr
    );
    let state = sandbox.handle().state();
    let config = &state["azure"]["partner_configurations"][0];
    assert_eq!(config["default_maximum_expiration_days"], 30, "{config}");
    let partners: Vec<&str> = config["authorized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partner_registration_immutable_id"].as_str().unwrap())
        .collect();
    assert_eq!(partners.len(), 2, "{partners:?}");
    assert!(
        partners.contains(&other),
        "the other partner is kept: {partners:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_setup_in_azure_government_or_china_is_refused_before_anything_is_created() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    for (cloud, name) in [("usgov", "Azure Government"), ("china", "Azure China")] {
        for dry_run in [false, true] {
            let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
            command
                .args(["setup", "--auth0-domain", &info.auth0_domain])
                .args(["--subscription-id", &info.subscription_id])
                .args(["--azure-cloud", cloud])
                .args(["--resource-group", "cli-rg", "--region", "westeurope"])
                .args(["--create-resource-group", "--webhook-url"])
                .arg("https://events.example.com/auth0")
                .args(["--progress-file", progress.to_str().unwrap()])
                .env_clear()
                .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
                .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
                .env("AZURE_TENANT_ID", &info.azure_tenant_id)
                .env("AZURE_CLIENT_ID", &info.azure_client_id)
                .env("AZURE_CLIENT_SECRET", &info.azure_client_secret);
            if dry_run {
                command.arg("--dry-run");
            }
            let out = command.output().await.expect("binary runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cloud} {dry_run}: {stderr}");
            assert!(stderr.contains(name), "{stderr}");
            assert!(stderr.contains("public cloud"), "what to do: {stderr}");
        }
    }
    assert!(
        sandbox.handle().requests().is_empty(),
        "nothing was sent, so nothing was created"
    );
    assert!(!progress.exists(), "no progress was written");

    // A custom cloud (here the sandbox's endpoints) is not refused.
    let dir = tempfile::tempdir().unwrap();
    let custom = run(
        &info,
        &dir.path().join("progress.json"),
        &[
            "setup",
            "--resource-group",
            "cli-rg",
            "--region",
            "westeurope",
            "--create-resource-group",
            "--webhook-url",
            &webhook(&info),
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(
        custom.code, 0,
        "a custom cloud is not refused: {}",
        custom.stderr
    );
}

/// An endpoint on this computer: OPTIONS (Event Grid's handshake) gets `handshake`, everything else
/// (deliveries) `delivery`, each a whole HTTP response.
async fn endpoint(handshake: &'static str, delivery: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let read = socket.read(&mut buffer).await.unwrap_or(0);
                let answer = if buffer[..read].starts_with(b"OPTIONS") {
                    handshake
                } else {
                    delivery
                };
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/events")
}

const GRANTED: &str = "HTTP/1.1 200 OK\r\nWebHook-Allowed-Origin: eventgrid.azure.net\r\n\
                       Content-Length: 0\r\nConnection: close\r\n\r\n";
const REFUSED: &str = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const FAILING: &str =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// The settings of a setup delivering to `hook`, with every category and log code.
fn setup_target(hook: &str) -> Vec<String> {
    [
        "--resource-group",
        "verify-rg",
        "--region",
        "westeurope",
        "--create-resource-group",
        "--webhook-url",
        hook,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn with<'a>(command: &[&'a str], target: &'a [String]) -> Vec<&'a str> {
    command
        .iter()
        .copied()
        .chain(target.iter().map(String::as_str))
        .collect()
}

fn stage_states(result: &serde_json::Value) -> Vec<(String, String)> {
    result["test_event"]["stages"]
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

#[tokio::test]
async fn a_test_event_is_followed_to_its_delivery_with_progress_on_stderr() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let target = setup_target(&webhook(&info));
    let setup = run(&info, &progress, &with(&["setup"], &target)).await;
    assert_eq!(setup.code, 0, "{}", setup.stderr);

    let sent = run(&info, &progress, &with(&["test-event", "--json"], &target)).await;
    assert_eq!(sent.code, 0, "{}\n{}", sent.stdout, sent.stderr);
    let result: serde_json::Value =
        serde_json::from_str(sent.stdout.trim()).expect("one JSON object on stdout");
    assert_eq!(result["ok"], true);
    assert_eq!(result["test_event"]["logType"], "feccft", "{result}");
    assert_eq!(
        result["test_event"]["clientId"],
        info.auth0_client_id.as_str()
    );
    let done = |stage: &str| (stage.to_owned(), "done".to_owned());
    assert_eq!(
        stage_states(&result),
        [done("recorded"), done("published"), done("delivered")],
        "{result}"
    );
    // Not a terminal: a plain line per change, no line rewriting.
    assert!(
        sent.stderr.contains("Recorded by Auth0: waiting")
            && sent.stderr.contains("Recorded by Auth0: done after")
            && sent
                .stderr
                .contains("Delivered to the destination: done after"),
        "{}",
        sent.stderr
    );
    assert!(!sent.stderr.contains('\r'), "{:?}", sent.stderr);
    assert!(!sent.stderr.contains(&info.auth0_client_secret));
    // The same entry arrived at the destination as a CloudEvent.
    let state = sandbox.handle().state();
    let inbox = state["inboxes"]["cli"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        inbox.iter().any(|event| event["data"]["type"] == "feccft"),
        "{inbox:?}"
    );

    // The readable form: one line per stage on stdout.
    let readable = run(&info, &progress, &with(&["test-event"], &target)).await;
    assert_eq!(readable.code, 0, "{}", readable.stderr);
    assert!(
        readable
            .stdout
            .contains("3. Delivered to the destination: done after"),
        "{}",
        readable.stdout
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_test_event_before_the_setup_or_not_delivered_within_its_limit_exits_1() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    // The handshake is granted, so the setup finishes; every delivery then fails.
    let hook = endpoint(GRANTED, FAILING).await;
    let target = setup_target(&hook);

    let early = run(&info, &progress, &with(&["test-event", "--json"], &target)).await;
    assert_eq!(early.code, 1, "{}", early.stderr);
    let error: serde_json::Value = serde_json::from_str(early.stdout.trim()).unwrap();
    assert_eq!(error["ok"], false);
    assert!(
        error["error"]["remedy"]
            .as_str()
            .unwrap()
            .contains("auth0-eventgrid setup"),
        "{error}"
    );
    let attempts = |sandbox: &cloud_sandbox::RunningSandbox| {
        sandbox
            .handle()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("oauth/token") && r.status == 401)
            .count()
    };
    assert_eq!(attempts(&sandbox), 0, "nothing was attempted");

    let setup = run(&info, &progress, &with(&["setup"], &target)).await;
    assert_eq!(setup.code, 0, "{}", setup.stderr);
    let sent = run(
        &info,
        &progress,
        &with(
            &["test-event", "--json", "--event-grid-limit", "3"],
            &target,
        ),
    )
    .await;
    assert_eq!(sent.code, 1, "{}\n{}", sent.stdout, sent.stderr);
    let result: serde_json::Value = serde_json::from_str(sent.stdout.trim()).unwrap();
    assert_eq!(result["ok"], true, "the watch itself worked: {result}");
    assert_eq!(
        stage_states(&result),
        [
            ("recorded".to_owned(), "done".to_owned()),
            ("published".to_owned(), "done".to_owned()),
            ("delivered".to_owned(), "not_seen".to_owned()),
        ],
        "{result}"
    );
    assert_eq!(result["test_event"]["stages"][2]["limitSecs"], 3);
    assert!(
        sent.stderr
            .contains("Delivered to the destination: not seen within 3 s"),
        "{}",
        sent.stderr
    );
    assert_eq!(attempts(&sandbox), 1, "one failed exchange");

    let usage = run(
        &info,
        &progress,
        &with(&["test-event", "--event-grid-limit", "soon"], &target),
    )
    .await;
    assert_eq!(usage.code, 2, "a bad limit is a usage error");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn check_endpoint_reports_the_handshake_and_exits_by_its_outcome() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let check = |url: String, json: bool| async move {
        let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
        command
            .args(["check-endpoint", "--webhook-url", &url])
            .env_clear();
        if json {
            command.arg("--json");
        }
        let out = command.output().await.expect("binary runs");
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };

    let granted = check(webhook(&info), true).await;
    assert_eq!(granted.code, 0, "{}", granted.stderr);
    let result: serde_json::Value = serde_json::from_str(granted.stdout.trim()).unwrap();
    assert_eq!(
        result,
        serde_json::json!({"ok": true, "endpoint": {
            "status": 200, "allowedOrigin": "eventgrid.azure.net", "accepted": true}})
    );

    let refusing = endpoint(REFUSED, FAILING).await;
    let refused = check(refusing.clone(), true).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    let result: serde_json::Value = serde_json::from_str(refused.stdout.trim()).unwrap();
    assert_eq!(result["endpoint"]["accepted"], false, "{result}");
    assert_eq!(result["endpoint"]["status"], 403, "{result}");
    let readable = check(refusing, false).await;
    assert_eq!(readable.code, 1);
    assert!(
        readable
            .stdout
            .contains("refuses Event Grid's handshake (HTTP 403")
            && readable
                .stdout
                .contains("WebHook-Allowed-Origin: eventgrid.azure.net"),
        "{}",
        readable.stdout
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let silent = check(format!("http://127.0.0.1:{port}/hook"), true).await;
    assert_eq!(silent.code, 1, "{}", silent.stdout);
    let error: serde_json::Value = serde_json::from_str(silent.stdout.trim()).unwrap();
    assert_eq!(error["error"]["code"], "network_unreachable");

    let plain = check("http://hooks.example.com/auth0".to_owned(), true).await;
    assert_eq!(plain.code, 2);
    let error: serde_json::Value = serde_json::from_str(plain.stdout.trim()).unwrap();
    assert_eq!(error["error"]["field"], "webhook_url");
    sandbox.shutdown().await;
}

/// `-vv` logs every HTTP request on stderr (paths only: no secret, no webhook key), `-v` what the steps do,
/// and without either only warnings: stdout keeps the result alone.
#[tokio::test]
async fn verbose_flags_raise_the_log_level_on_stderr_only() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let hook = format!("{}?code=cli-webhook-key-7", webhook(&info));
    let target = [
        "--resource-group",
        "cli-logs-rg",
        "--region",
        "westeurope",
        "--webhook-url",
        hook.as_str(),
        "--json",
    ];

    let quiet = run(&info, &progress, &[&["status"][..], &target[..]].concat()).await;
    assert_eq!(quiet.code, 1, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("DEBUG"), "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("INFO"), "{}", quiet.stderr);

    let info_level = run(
        &info,
        &progress,
        &[&["-v", "status"][..], &target[..]].concat(),
    )
    .await;
    assert_eq!(info_level.code, 1, "{}", info_level.stderr);
    assert!(
        !info_level.stderr.contains("DEBUG"),
        "{}",
        info_level.stderr
    );

    let debug = run(
        &info,
        &progress,
        &[&["status", "-vv"][..], &target[..]].concat(),
    )
    .await;
    assert_eq!(debug.code, 1, "{}", debug.stderr);
    assert!(
        debug.stderr.contains("DEBUG") && debug.stderr.contains("http method=GET path=\"/"),
        "every request is logged at debug: {}",
        debug.stderr
    );
    serde_json::from_str::<serde_json::Value>(debug.stdout.trim())
        .expect("stdout holds the JSON result alone");
    for secret in [
        info.auth0_client_secret.as_str(),
        info.azure_client_secret.as_str(),
        "cli-webhook-key-7",
    ] {
        assert!(
            !debug.stderr.contains(secret),
            "{secret} in {}",
            debug.stderr
        );
    }

    // RUST_LOG wins over the flags.
    let mut overridden = command(
        &info,
        &progress,
        &[&["status", "-vv"][..], &target[..]].concat(),
    );
    let out = overridden.env("RUST_LOG", "error").output().await.unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("DEBUG"));
}
