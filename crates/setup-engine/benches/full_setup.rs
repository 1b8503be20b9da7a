//! Benchmark (not a test): a full setup against a fresh sandbox that answers at once (no injected latency,
//! provider registration delay zero), through the real HTTP path with the production clock and polling.
//! Reports wall time, HTTP requests made (token exchanges included), writes, and time spent waiting on polls.
//!
//! Run: `cargo bench -p setup-engine --bench full_setup` (optionally `-- 20` for the number of runs).

mod common;

use std::time::{Duration, Instant};

use cloud_sandbox::{Sandbox, SandboxConfig};
use setup_engine::{DestinationInput, DestinationKind, SetupInputs, Unobserved};

struct Sample {
    wall: Duration,
    requests: u64,
    writes: u64,
    poll_wait: Duration,
    sandbox_requests: usize,
}

async fn one_run() -> Sample {
    let sandbox = Sandbox::start(SandboxConfig::default().with_registration_delay(Duration::ZERO))
        .await
        .expect("sandbox");
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let engine = common::sandbox_engine(&info, dir.path());
    let inputs = SetupInputs {
        auth0_domain: info.auth0_domain.clone(),
        stream_name: "Azure Event Grid".into(),
        subscription_id: info.subscription_id.clone(),
        resource_group: "bench".into(),
        region: "westeurope".into(),
        create_resource_group: true,
        authorization_days: 7,
        event_categories: vec![],
        pii: None,
        start_from: None,
        destination: DestinationInput {
            kind: DestinationKind::Webhook,
            webhook_url: Some(format!("{}/_sandbox/inbox/bench", info.azure_management)),
            resource_id: None,
            queue_name: None,
            max_events_per_batch: None,
            preferred_batch_size_in_kilobytes: None,
        },
        event_subscription_name: "auth0-logs".into(),
        log_codes: vec!["s".into(), "f".into()],
        retry: Default::default(),
        dead_letter: None,
    };
    let started = Instant::now();
    let report = engine
        .run(&inputs, &Unobserved)
        .await
        .expect("setup completes");
    let wall = started.elapsed();
    assert!(report.complete);
    let stats = engine.stats();
    let sandbox_requests = sandbox.handle().requests().len();
    sandbox.shutdown().await;
    Sample {
        wall,
        requests: stats.requests,
        writes: stats.writes,
        poll_wait: stats.poll_wait,
        sandbox_requests,
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // One warm-up run: first connections and lazy initialisation are not what is measured.
    runtime.block_on(one_run());
    let samples: Vec<Sample> = (0..runs).map(|_| runtime.block_on(one_run())).collect();
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let first = &samples[0];
    println!(
        "full setup against the sandbox, {runs} runs (fresh sandbox each, no injected latency, registration delay 0)"
    );
    println!(
        "wall time: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        median(walls.clone()).as_secs_f64() * 1e3,
        walls.iter().min().unwrap().as_secs_f64() * 1e3,
        walls.iter().max().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "HTTP requests per setup: {} by the engine (of which {} writes, token exchanges included); {} in the sandbox's log",
        first.requests, first.writes, first.sandbox_requests
    );
    println!(
        "time waiting on polls: median {:.1} ms",
        median(samples.iter().map(|s| s.poll_wait).collect()).as_secs_f64() * 1e3
    );
}
