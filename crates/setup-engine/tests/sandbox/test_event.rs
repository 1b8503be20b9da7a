//! The test event against the sandbox: the failed exchange followed through Auth0's logs and Event Grid's
//! metrics, with the sandbox's log search lagging behind its log, and with a destination that refuses every
//! delivery. The engine runs on the wall clock here (as the app and the command line do), polling in
//! milliseconds, because the sandbox's own clock is moved by the test itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_sandbox::SandboxConfig;
use setup_engine::{
    ArrivalStage, ArrivalState, ArrivalWait, Auth0Credentials, AzureCloud, AzureSignIn, Connection,
    Engine, EngineOptions, PollSchedule, Secret, SetupInputs, StageReport, SystemClock, Unobserved,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::{World, start, start_with};

/// A webhook that passes Event Grid's handshake and then refuses every delivery (HTTP 500).
async fn refusing_webhook() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let read = socket.read(&mut buffer).await.unwrap_or(0);
                let answer = if buffer[..read].starts_with(b"OPTIONS") {
                    "HTTP/1.1 200 OK\r\nWebHook-Allowed-Origin: eventgrid.azure.net\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
                } else {
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                };
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/events")
}

/// The engine as the app's sandbox session makes it: the seeded application and service principal, the
/// wall clock, the partner topic waited for up to a minute.
fn engine(world: &World) -> Engine {
    let info = &world.info;
    let connection = Connection {
        auth0: Auth0Credentials::ClientCredentials {
            client_id: info.auth0_client_id.clone(),
            client_secret: Secret::new(info.auth0_client_secret.clone()),
        },
        auth0_audience: None,
        azure_cloud: AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        },
        azure: AzureSignIn::ServicePrincipal {
            tenant_id: info.azure_tenant_id.clone(),
            client_id: info.azure_client_id.clone(),
            client_secret: Secret::new(info.azure_client_secret.clone()),
        },
    };
    let mut options = EngineOptions::new(world.progress());
    options.clock = Arc::new(SystemClock);
    options.topic_wait = PollSchedule {
        first: Duration::from_millis(200),
        ceiling: Duration::from_secs(2),
        deadline: Duration::from_secs(60),
    };
    Engine::connect(connection, options).expect("engine connects")
}

/// Every category and log code (nothing filtered out), delivered to `webhook`.
fn inputs(world: &World, webhook: &str) -> SetupInputs {
    let mut inputs = world.inputs();
    inputs.event_categories = Vec::new();
    inputs.log_codes = Vec::new();
    inputs.destination.webhook_url = Some(webhook.to_owned());
    inputs
}

/// Polls in milliseconds; `metrics` for Event Grid's stages.
fn quick(metrics: Duration) -> ArrivalWait {
    ArrivalWait {
        schedule: PollSchedule {
            first: Duration::from_millis(10),
            ceiling: Duration::from_millis(100),
            deadline: Duration::from_secs(60),
        },
        recorded: Duration::from_millis(300),
        metrics,
    }
}

#[tokio::test]
async fn an_entry_the_log_search_shows_only_later_is_found_once_event_grid_received_it() {
    let lag = Duration::from_secs(600);
    let world = start_with(SandboxConfig::for_tests().with_log_search_lag(lag)).await;
    let engine = engine(&world);
    let webhook = format!("{}/_sandbox/inbox/late", world.info.azure_management);
    let inputs = inputs(&world, &webhook);
    engine.run(&inputs, &Unobserved).await.expect("set up");

    // Event Grid receives the entry while Auth0's search does not show it yet; then the search catches up.
    let handle = world.sandbox.handle();
    let seen = Mutex::new(Vec::<StageReport>::new());
    let progress = |report: &StageReport| {
        if report.stage == ArrivalStage::Published && report.state == ArrivalState::Done {
            handle.advance(lag);
        }
        seen.lock().unwrap().push(report.clone());
    };
    let arrival = engine
        .send_test_event(
            &inputs,
            Some(&world.info.auth0_client_id),
            quick(Duration::from_secs(30)),
            &progress,
        )
        .await
        .expect("followed");
    let states: Vec<(ArrivalStage, ArrivalState)> =
        arrival.stages.iter().map(|s| (s.stage, s.state)).collect();
    assert_eq!(
        states,
        [
            (ArrivalStage::Recorded, ArrivalState::Done),
            (ArrivalStage::Published, ArrivalState::Done),
            (ArrivalStage::Delivered, ArrivalState::Done),
        ]
    );
    assert!(arrival.arrived());
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.iter()
            .any(|r| r.stage == ArrivalStage::Recorded && r.state == ArrivalState::NotSeen),
        "not seen within its limit first: {seen:?}"
    );
    assert_eq!(
        seen.last().map(|r| (r.stage, r.state)),
        Some((ArrivalStage::Recorded, ArrivalState::Done)),
        "then reported found"
    );
}

#[tokio::test]
async fn a_destination_refusing_deliveries_is_reported_not_seen_after_the_published_stage() {
    let world = start().await;
    let engine = engine(&world);
    let webhook = refusing_webhook().await;
    let inputs = inputs(&world, &webhook);
    engine.run(&inputs, &Unobserved).await.expect("set up");

    let seen = Mutex::new(Vec::<StageReport>::new());
    let progress = |report: &StageReport| seen.lock().unwrap().push(report.clone());
    let wait = ArrivalWait {
        recorded: Duration::from_secs(60),
        ..quick(Duration::from_secs(3))
    };
    let arrival = engine
        .send_test_event(&inputs, Some(&world.info.auth0_client_id), wait, &progress)
        .await
        .expect("followed");

    let states: Vec<(ArrivalStage, ArrivalState)> =
        arrival.stages.iter().map(|s| (s.stage, s.state)).collect();
    assert_eq!(
        states,
        [
            (ArrivalStage::Recorded, ArrivalState::Done),
            (ArrivalStage::Published, ArrivalState::Done),
            (ArrivalStage::Delivered, ArrivalState::NotSeen),
        ]
    );
    assert_eq!(arrival.stages[2].limit_secs, 3);
    assert!(!arrival.arrived());
    // Progress: the recorded stage waits, then is done, before Event Grid's stages are looked at.
    let seen = seen.into_inner().unwrap();
    assert_eq!(
        (seen[0].stage, seen[0].state),
        (ArrivalStage::Recorded, ArrivalState::Waiting)
    );
    let recorded_done = seen
        .iter()
        .position(|r| r.stage == ArrivalStage::Recorded && r.state == ArrivalState::Done)
        .unwrap();
    assert!(
        seen[..recorded_done]
            .iter()
            .all(|r| r.stage == ArrivalStage::Recorded)
    );
    assert_eq!(seen.last(), arrival.stages.last());
}
