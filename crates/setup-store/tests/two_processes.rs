//! The window and the command line write the store at the same time: two processes (this test binary runs
//! itself as the second one), each saving setups and recording health reports, lose nothing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use setup_engine::{Check, CheckId, CheckState, HealthReport, SetupInputs};
use setup_store::{CreatedResources, NewSetup, SetupAccounts, SetupStore};
use sign_in::Mode;

const WRITES: usize = 200;
const CHILD_STORE: &str = "SETUP_STORE_TEST_CHILD_STORE";
const CHILD_NAME: &str = "SETUP_STORE_TEST_CHILD_NAME";

fn accounts() -> SetupAccounts {
    SetupAccounts {
        mode: Mode::Sandbox,
        auth0_domain: "acme.eu.auth0.com".into(),
        auth0_identity: "client".into(),
        auth0_audience: None,
        azure_tenant_id: "t".into(),
        azure_identity: "sp".into(),
        azure_cloud: setup_engine::AzureCloudKind::Custom,
        azure_authority_url: None,
        azure_management_url: None,
    }
}

fn setup(stream: &str) -> NewSetup {
    NewSetup {
        name: None,
        inputs: SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            stream_name: stream.into(),
            ..SetupInputs::default()
        },
        accounts: accounts(),
        created: CreatedResources::default(),
        replaces: None,
    }
}

fn report(writer: &str, n: usize) -> HealthReport {
    let checks = vec![Check {
        id: CheckId::LogStream,
        title: "The log stream".into(),
        state: if n.is_multiple_of(2) {
            CheckState::Green
        } else {
            CheckState::Red
        },
        sentence: format!("{writer} {n}"),
        read_at: "2026-01-01T10:00:00Z".into(),
        fix: None,
        link: None,
    }];
    HealthReport {
        overall: HealthReport::overall_of(&checks),
        checked_at: "2026-01-01T10:00:00Z".into(),
        checks,
        delivery: None,
        stream_id: None,
        partner_topic: None,
    }
}

/// One process's share: for each n, a setup of its own, a report on it and one on the shared setup, each
/// write opening the store anew as a separate run of the command line would.
fn write_all(path: &Path, writer: &str) {
    let shared = SetupStore::open(path)
        .unwrap()
        .store
        .find("shared")
        .unwrap()
        .expect("the shared setup")
        .id;
    for n in 0..WRITES {
        let store = SetupStore::open(path).unwrap().store;
        let own = store
            .save(setup(&format!("{writer}-{n}")))
            .unwrap()
            .setup
            .id;
        store.record_health(own, &report(writer, n)).unwrap();
        store.record_health(shared, &report(writer, n)).unwrap();
    }
}

/// The second process: runs only when the parent test starts this binary with the variables set.
#[test]
#[ignore = "the child half of two_processes_writing_at_once_lose_nothing"]
fn child_writer() {
    let (Some(path), Some(name)) = (
        std::env::var_os(CHILD_STORE),
        std::env::var(CHILD_NAME).ok(),
    ) else {
        panic!("run by two_processes_writing_at_once_lose_nothing only");
    };
    let path = PathBuf::from(path);
    // Start together: the parent begins once this file exists.
    std::fs::write(path.with_extension("child-ready"), b"").unwrap();
    write_all(&path, &name);
}

/// Kills the child if the test fails before waiting for it.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("setups.db");
    let store = SetupStore::open(&path).unwrap().store;
    let mut shared = setup("shared");
    shared.name = Some("shared".into());
    let shared = store.save(shared).unwrap().setup.id;

    let mut child = Reaped(
        Command::new(std::env::current_exe().unwrap())
            .args(["child_writer", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_STORE, &path)
            .env(CHILD_NAME, "child")
            .spawn()
            .unwrap(),
    );
    let ready = path.with_extension("child-ready");
    while !ready.exists() {
        if let Some(status) = child.0.try_wait().unwrap() {
            panic!("the child ended before writing: {status}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // A thread of this process with its own connections too.
    let thread_path = path.clone();
    let thread = std::thread::spawn(move || write_all(&thread_path, "thread"));
    write_all(&path, "parent");
    thread.join().unwrap();
    let status = child.0.wait().unwrap();
    assert!(status.success(), "the child failed: {status}");

    let setups = store.list().unwrap();
    assert_eq!(setups.len(), 1 + 3 * WRITES);
    for writer in ["child", "parent", "thread"] {
        for n in 0..WRITES {
            let saved = store.find(&format!("{writer}-{n}")).unwrap();
            let saved = saved.unwrap_or_else(|| panic!("{writer}-{n} was lost"));
            let report = saved
                .last_report
                .unwrap_or_else(|| panic!("{writer}-{n}'s report was lost"));
            assert_eq!(report.checks[0].sentence, format!("{writer} {n}"));
        }
    }
    // The shared setup's history holds the newest reports up to its cap, none lost in between.
    let connection = rusqlite::Connection::open(&path).unwrap();
    let reports: u32 = connection
        .query_row(
            "SELECT count(*) FROM health WHERE setup_id = ?1",
            [shared],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reports, setup_store::HEALTH_HISTORY.min(3 * WRITES as u32));
}
