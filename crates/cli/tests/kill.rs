//! The binary killed (SIGKILL, its whole process group) at every step boundary and inside each long wait
//! (provider registration, Auth0's partner topic appearing, activation, the event subscription's long-running
//! operation), restarted with the same arguments and state folder, ends exactly like an uninterrupted run:
//! the same resources, none duplicated, the progress file complete. Where the binary is comes from its
//! progress lines (stderr) and the sandbox's request log; sandbox latency on the waits keeps it there long
//! enough for the kill to land inside them. Deadlines are hang guards only.

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloud_sandbox::{FaultKind, FaultRule, RunningSandbox, Sandbox, SandboxConfig, SandboxInfo};

/// The binary in a process group of its own, killed with its group however the test ends.
struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
    args: String,
}

impl Running {
    fn start(info: &SandboxInfo, state: &Path) -> Self {
        let hook = format!("{}/_sandbox/inbox/kill", info.azure_management);
        let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
        command
            .args([
                "setup",
                "--resource-group",
                "kill-rg",
                "--region",
                "westeurope",
            ])
            .args([
                "--create-resource-group",
                "--webhook-url",
                &hook,
                "--log-codes",
                "s,f",
            ])
            .args(["--auth0-domain", &info.auth0_domain])
            .args(["--subscription-id", &info.subscription_id])
            .args(["--azure-cloud", "custom"])
            .args(["--azure-authority-url", &info.azure_authority])
            .args(["--azure-management-url", &info.azure_management])
            .arg("--progress-file")
            .arg(state.join("progress.json"))
            .arg("--store")
            .arg(state.join("setups.db"))
            .env_clear()
            .env("AUTH0_CLIENT_ID", &info.auth0_client_id)
            .env("AUTH0_CLIENT_SECRET", &info.auth0_client_secret)
            .env("AZURE_TENANT_ID", &info.azure_tenant_id)
            .env("AZURE_CLIENT_ID", &info.azure_client_id)
            .env("AZURE_CLIENT_SECRET", &info.azure_client_secret)
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let args = format!("{command:?}");
        let mut child = command.spawn().expect("the binary starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut pipe, &mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self {
            child,
            stderr,
            args,
        }
    }

    fn said(&self, text: &str) -> bool {
        self.stderr.lock().unwrap().contains(text)
    }

    /// SIGKILL to the whole process group, then reaped.
    fn kill(&mut self) -> std::process::ExitStatus {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        self.child.wait().expect("reaped")
    }

    /// Waits for the exit (a hang guard: past it, the test fails naming what was running).
    fn finish(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("hung: {}\n{}", self.args, self.stderr.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.kill();
        }
    }
}

/// A sandbox whose clock runs, with latency on every long wait of a setup.
async fn sandbox() -> RunningSandbox {
    let mut config = SandboxConfig::for_tests().with_registration_delay(Duration::from_secs(2));
    config.frozen_clock = false;
    config.partner_topic_name_hidden_reads = 3;
    let sandbox = Sandbox::start(config).await.unwrap();
    let handle = sandbox.handle();
    for (method, path) in [
        ("GET", "/providers/Microsoft.EventGrid"),
        ("GET", "/api/v2/log-streams/"),
        ("POST", "/activate"),
        ("GET", "/operationsStatus"),
    ] {
        handle.add_fault(
            FaultRule::new(FaultKind::Latency { millis: 400 })
                .on_method(method)
                .on_path(path),
        );
    }
    sandbox
}

/// What exists, without the ids that differ between sandboxes, and how many streams were created.
fn summary(sandbox: &RunningSandbox) -> (serde_json::Value, usize) {
    let state = sandbox.handle().state();
    let pick = |key: &str, fields: &[&str]| -> Vec<serde_json::Value> {
        let mut found = Vec::new();
        collect(&state, key, &mut found);
        found
            .iter()
            .map(|item| fields.iter().map(|f| item[*f].clone()).collect())
            .collect()
    };
    let created = sandbox
        .handle()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/log-streams") && r.status == 200)
        .count();
    (
        serde_json::json!({
            "streams": pick("streams", &["name", "type", "status"]),
            "topics": pick("partner_topics", &["activation_state", "resource_group"]),
            "subscriptions": pick("event_subscriptions", &["name", "provisioning_state"]),
        }),
        created,
    )
}

fn collect(value: &serde_json::Value, key: &str, out: &mut Vec<serde_json::Value>) {
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            match v.as_array() {
                Some(items) if k == key => out.extend(items.iter().cloned()),
                _ => collect(v, key, out),
            }
        }
    }
}

fn completed(state: &Path) -> usize {
    let text = std::fs::read_to_string(state.join("progress.json")).unwrap_or_default();
    let progress: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut lists = Vec::new();
    collect(&progress, "completed", &mut lists);
    lists.len()
}

/// A kill point: its name and when the binary is there (its stderr so far, the sandbox's request log).
type Where = fn(&Running, &[Logged]) -> bool;

/// One line of the sandbox's request log: method and path.
struct Logged {
    method: String,
    path: String,
}

fn after_write(requests: &[Logged], method: &str, path: &str) -> usize {
    let Some(at) = requests
        .iter()
        .position(|r| r.method == method && r.path.contains(path))
    else {
        return 0;
    };
    requests.len() - at - 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_every_boundary_and_inside_each_wait_then_restarted() {
    let reference = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut clean = Running::start(reference.info(), dir.path());
    let status = tokio::task::block_in_place(|| clean.finish());
    assert!(status.success(), "{}", clean.stderr.lock().unwrap());
    let expected = summary(&reference);
    assert_eq!(expected.1, 1);

    let points: [(&str, Where); 7] = [
        ("inside the provider registration wait", |_, log| {
            after_write(log, "POST", "/register") > 0
                && log
                    .iter()
                    .rev()
                    .take(1)
                    .any(|r| r.path.contains("/providers/Microsoft.EventGrid"))
        }),
        ("after step 1", |run, _| run.said("[1/4] done")),
        ("inside the wait for Auth0's partner topic", |_, log| {
            log.iter()
                .any(|r| r.method == "POST" && r.path.ends_with("/log-streams"))
                && log
                    .last()
                    .is_some_and(|r| r.method == "GET" && r.path.contains("/log-streams/"))
        }),
        ("after step 2", |run, _| run.said("[2/4] done")),
        ("inside the activation", |run, log| {
            run.said("[2/4] done")
                && log
                    .iter()
                    .any(|r| r.method == "GET" && r.path.contains("/partnerTopics/"))
        }),
        ("after step 3", |run, _| run.said("[3/4] done")),
        (
            "inside the event subscription's long-running operation",
            |_, log| {
                log.iter()
                    .any(|r| r.method == "PUT" && r.path.contains("/eventSubscriptions/"))
            },
        ),
    ];
    for (name, here) in points {
        let sandbox = sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let mut run = Running::start(sandbox.info(), dir.path());
        let handle = sandbox.handle();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let log: Vec<Logged> = handle
                .requests()
                .into_iter()
                .map(|r| Logged {
                    method: r.method,
                    path: r.path,
                })
                .collect();
            if here(&run, &log) {
                break;
            }
            if let Some(status) = run.child.try_wait().unwrap() {
                panic!(
                    "{name}: the binary ended ({status}) before the kill point\n{}",
                    run.stderr.lock().unwrap()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{name}: never reached: {}",
                run.stderr.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let killed = run.kill();
        assert!(!killed.success(), "{name}: killed, not finished");
        let done_before = completed(dir.path());
        assert!(
            done_before < 4,
            "{name}: the kill landed before the end ({done_before} steps saved)"
        );
        let mut again = Running::start(sandbox.info(), dir.path());
        let status = tokio::task::block_in_place(|| again.finish());
        assert!(
            status.success(),
            "{name}: restart failed\n{}",
            again.stderr.lock().unwrap()
        );
        assert_eq!(
            summary(&sandbox),
            expected,
            "{name}: what exists after the restart"
        );
        assert_eq!(completed(dir.path()), 4, "{name}: progress complete");
        eprintln!("{name}: killed with {done_before} step(s) saved; restarted and complete");
    }
}
