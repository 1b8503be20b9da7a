//! The binary prints exactly one JSON line with the documented fields once listening.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The sandbox child, killed and reaped when dropped: when an assertion fails first, as when the test passes.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_prints_one_json_line_with_the_documented_fields() {
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_cloud-sandbox"))
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(line.trim()).expect("first line is JSON");
    for field in [
        "auth0_domain",
        "azure_authority",
        "azure_management",
        "auth0_client_id",
        "auth0_client_secret",
        "azure_tenant_id",
        "azure_client_id",
        "azure_client_secret",
        "subscription_id",
        "admin_url",
        "azure_reader_client_id",
        "azure_reader_client_secret",
    ] {
        assert!(
            info[field].as_str().is_some_and(|v| !v.is_empty()),
            "missing {field} in {line}"
        );
    }
    assert!(info["users"][0]["name"].is_string() && info["users"][0]["password"].is_string());
    for base in ["auth0_domain", "azure_authority", "azure_management"] {
        assert!(
            info[base]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:")
        );
    }
    // The three hosts are distinct ports, as they are different hosts in reality.
    assert_ne!(info["auth0_domain"], info["azure_authority"]);
    assert_ne!(info["azure_authority"], info["azure_management"]);
    child.0.kill().unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    drop(child);
    assert_eq!(rest, "", "nothing but the one line on stdout");
}

#[test]
fn binary_refuses_bad_flags_naming_them() {
    let output = Command::new(env!("CARGO_BIN_EXE_cloud-sandbox"))
        .args(["--fault-5xx-rate", "7"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--fault-5xx-rate"));
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn dropping_a_running_sandbox_stops_serving() {
    let sandbox = cloud_sandbox::Sandbox::start(cloud_sandbox::SandboxConfig::for_tests())
        .await
        .unwrap();
    let url = format!(
        "{}/.well-known/openid-configuration",
        sandbox.info().auth0_domain
    );
    let client = reqwest::Client::new();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    drop(sandbox);
    let stopped = crate::common::poll(|| async {
        let fresh = reqwest::Client::new();
        fresh.get(&url).send().await.is_err().then_some(())
    })
    .await;
    assert_eq!(stopped, ());
}
