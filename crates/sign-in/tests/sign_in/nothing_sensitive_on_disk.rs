//! A full sign-in (Azure in the browser with a token renewal, Auth0 by client credentials and by a pasted
//! token, the account summary saved) and a full setup by the engine with those credentials, run in a child
//! process whose HOME, XDG folders and TMPDIR point at a temporary folder; afterwards every file written
//! there is searched for every token and secret issued.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use cloud_http::Secret;
use setup_engine::{
    AzureCloud, Clock, Connection, DestinationInput, DestinationKind, Engine, EngineOptions,
    PollSchedule, ProgressStore, SetupInputs,
};
use sign_in::{
    AccountFile, Auth0Session, Auth0SignIn, AzureSession, REFRESH_TOKEN_KEY, SignInCancel,
    SignedInAccounts,
};
use time::OffsetDateTime;

use crate::common::{Browser, World};

/// Set in the child: where it lists what it was issued (outside the scanned folder).
const REPORT_VAR: &str = "SIGN_IN_TEST_ISSUED_SECRETS";
const CHILD_TEST: &str = "nothing_sensitive_on_disk::child_signs_in_with_home_redirected";

#[test]
fn a_full_sign_in_writes_no_secret_under_home() {
    let home = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let report = outside.path().join("issued.txt");
    let folder = |name: &str| {
        let path = home.path().join(name);
        std::fs::create_dir_all(&path).unwrap();
        path
    };
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            CHILD_TEST,
            "--exact",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", folder(".config"))
        .env("XDG_DATA_HOME", folder(".local/share"))
        .env("XDG_CACHE_HOME", folder(".cache"))
        .env("XDG_STATE_HOME", folder(".local/state"))
        .env("TMPDIR", folder("tmp"))
        .env(REPORT_VAR, &report)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 passed"), "the child test ran: {stdout}");

    let issued: Vec<String> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(
        issued.len() >= 9,
        "the child reported what it was issued: {}",
        issued.len()
    );

    let files = files_under(home.path());
    let accounts = home.path().join(".config/auth0-eventgrid/accounts.json");
    assert!(
        files.contains(&accounts),
        "the account summary was written: {files:?}"
    );
    let progress = home
        .path()
        .join(".local/share/auth0-eventgrid/progress.json");
    assert!(
        files.contains(&progress),
        "the setup's progress file was written: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (n, secret) in issued.iter().enumerate() {
            assert!(
                !text.contains(secret.as_str()),
                "secret #{n} found in {}",
                file.display()
            );
        }
    }
    // What the app wrote is its owner's only: each file 0600, its own folders 0700.
    #[cfg(unix)]
    {
        for file in &files {
            assert_eq!(
                private_file::mode_of(file).unwrap(),
                0o600,
                "{}",
                file.display()
            );
        }
        for folder in [".config/auth0-eventgrid", ".local/share/auth0-eventgrid"] {
            let folder = home.path().join(folder);
            assert_eq!(
                private_file::mode_of(&folder).unwrap(),
                0o700,
                "{}",
                folder.display()
            );
        }
    }
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
#[ignore = "runs inside a_full_sign_in_writes_no_secret_under_home, with HOME pointed at a temporary folder"]
async fn child_signs_in_with_home_redirected() {
    let Some(report) = std::env::var_os(REPORT_VAR) else {
        return;
    };
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let mut issued = vec![
        info.auth0_client_secret.clone(),
        info.azure_client_secret.clone(),
        world.user().1,
    ];

    // Azure in the browser.
    let azure = world.azure(world.azure_config());
    let pending = azure.start_browser(|_| false).await.unwrap();
    let url = pending.url().to_owned();
    let finish = tokio::spawn(async move { pending.finish(&SignInCancel::new()).await });
    let (name, password) = world.user();
    let callback = Browser::new().sign_in(&url, &name, &password).await;
    let code = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    issued.push(code);
    assert_eq!(Browser::new().get(&callback).await.0, 200);
    let session = finish.await.unwrap().unwrap();
    let keychain_account = session.account().keychain_account.clone();
    let scope = "https://management.azure.com/.default";
    for _ in 0..2 {
        issued.push(
            world
                .keychain_values(&keychain_account, REFRESH_TOKEN_KEY)
                .await
                .unwrap(),
        );
        let token = session
            .credential()
            .get_token(&[scope], None)
            .await
            .unwrap();
        issued.push(token.token.secret().to_owned());
        world.clock.advance(Duration::from_secs(2 * 3600));
    }
    session
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();

    // Auth0 both ways.
    let auth0 = Auth0SignIn::new(world.keychain.clone(), world.transport());
    let m2m = auth0
        .with_client_secret(
            &info.auth0_domain,
            None,
            &info.auth0_client_id,
            Secret::new(info.auth0_client_secret.clone()),
        )
        .await
        .unwrap();
    m2m.client.list_log_streams().await.unwrap();
    let pasted = direct_auth0_token(&info).await;
    issued.push(pasted.clone());
    auth0
        .with_management_token(&info.auth0_domain, None, Secret::new(pasted), false)
        .await
        .unwrap();

    // The whole setup with what the sign-ins produced, its progress file in the redirected data folder.
    let setup = engine(&world, &m2m, &session)
        .run(&setup_inputs(&info), &setup_engine::Unobserved)
        .await
        .unwrap();
    assert!(setup.complete, "{setup:?}");

    // Who signed in, remembered where the app keeps it.
    let file = AccountFile::default_location().unwrap();
    file.save(&SignedInAccounts {
        azure: Some(session.account().clone()),
        auth0: Some(m2m.account.clone()),
    })
    .await
    .unwrap();
    assert_eq!(
        file.load().await.unwrap().azure.as_ref(),
        Some(session.account())
    );

    issued.retain(|s| !s.is_empty());
    std::fs::write(report, issued.join("\n")).unwrap();
}

async fn direct_auth0_token(info: &cloud_sandbox::SandboxInfo) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", info.auth0_domain))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", info.auth0_client_id.as_str()),
            ("client_secret", info.auth0_client_secret.as_str()),
            ("audience", &format!("{}/api/v2/", info.auth0_domain)),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

/// The engine's waits move the sandbox's clock instead of passing real time.
#[derive(Debug, Clone)]
struct SandboxTime(cloud_sandbox::Clock);

impl Clock for SandboxTime {
    fn now(&self) -> OffsetDateTime {
        self.0.now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.advance(duration);
        Box::pin(tokio::task::yield_now())
    }
}

fn engine(world: &World, auth0: &Auth0Session, azure: &AzureSession) -> Engine {
    let info = world.sandbox.info();
    let connection = Connection {
        auth0: auth0.credentials.clone(),
        auth0_audience: None,
        azure_cloud: AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        },
        azure: setup_engine::AzureSignIn::Credential(azure.credential()),
    };
    let mut options = EngineOptions::new(ProgressStore::default_location().unwrap());
    options.clock = Arc::new(SandboxTime(world.handle().clock()));
    options.jitter = Arc::new(|| 0.5);
    options.topic_wait = PollSchedule {
        first: Duration::from_millis(25),
        ceiling: Duration::from_millis(100),
        deadline: Duration::from_secs(1),
    };
    Engine::connect(connection, options).unwrap()
}

fn setup_inputs(info: &cloud_sandbox::SandboxInfo) -> SetupInputs {
    SetupInputs {
        auth0_domain: info.auth0_domain.clone(),
        stream_name: "Azure Event Grid".into(),
        subscription_id: info.subscription_id.clone(),
        resource_group: "auth0-events".into(),
        region: "westeurope".into(),
        create_resource_group: true,
        authorization_days: 7,
        event_categories: vec!["auth.login.success".into()],
        pii: None,
        start_from: None,
        destination: DestinationInput {
            kind: DestinationKind::Webhook,
            webhook_url: Some(format!(
                "{}/_sandbox/inbox/sign-in-test",
                info.azure_management
            )),
            resource_id: None,
            queue_name: None,
            max_events_per_batch: None,
            preferred_batch_size_in_kilobytes: None,
        },
        event_subscription_name: "auth0-to-webhook".into(),
        log_codes: vec![],
        retry: Default::default(),
        dead_letter: None,
    }
}
