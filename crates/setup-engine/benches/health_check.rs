//! Benchmark (not a test): the health check of 1, 10 and 50 saved setups against sandboxes, all checked at
//! once as the window's schedule and `verify --all` do, with Auth0's Management API rate limit off and then on
//! (two requests a second per tenant, Auth0's free tier), each with no added latency (the sandbox in this
//! process: what the checks cost in CPU) and with 50 ms added to every answer (a real cloud's round trip: what a
//! person waits). A tenant holds at most 10 log streams, so setups are
//! spread over tenants of 10 (1 and 10 setups: one tenant; 50: five): requests to one tenant are paced, tenants
//! run in parallel.
//!
//! Run: `cargo bench -p setup-engine --bench health_check` (optionally `-- 5` for the rounds per figure).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloud_sandbox::{FaultKind, FaultRule, RateLimit, RunningSandbox, Sandbox, SandboxConfig};
use setup_engine::{
    CheckState, DestinationInput, DestinationKind, Engine, HealthOptions, KnownResources,
    SetupInputs, Unobserved,
};

const SETUPS_PER_TENANT: usize = 10;

struct Tenant {
    sandbox: RunningSandbox,
    engine: Arc<Engine>,
    setups: Vec<SetupInputs>,
    _dir: tempfile::TempDir,
}

fn inputs(info: &cloud_sandbox::SandboxInfo, i: usize) -> SetupInputs {
    SetupInputs {
        auth0_domain: info.auth0_domain.clone(),
        stream_name: format!("bench-{i}"),
        subscription_id: info.subscription_id.clone(),
        resource_group: format!("bench-{i}"),
        region: "westeurope".into(),
        create_resource_group: true,
        authorization_days: 7,
        event_categories: vec![],
        pii: None,
        start_from: None,
        destination: DestinationInput {
            kind: DestinationKind::Webhook,
            webhook_url: Some(format!("{}/_sandbox/inbox/bench{i}", info.azure_management)),
            resource_id: None,
            queue_name: None,
            max_events_per_batch: None,
            preferred_batch_size_in_kilobytes: None,
        },
        event_subscription_name: "auth0-logs".into(),
        log_codes: vec![],
        retry: Default::default(),
        dead_letter: None,
    }
}

/// A sandbox tenant with `count` finished setups.
async fn tenant(count: usize) -> Tenant {
    let sandbox = Sandbox::start(
        SandboxConfig::default()
            .with_registration_delay(Duration::ZERO)
            .with_stream_limit(SETUPS_PER_TENANT),
    )
    .await
    .expect("sandbox");
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let engine = common::sandbox_engine(&info, dir.path());
    let setups: Vec<SetupInputs> = (0..count).map(|i| inputs(&info, i)).collect();
    for setup in &setups {
        let report = engine.run(setup, &Unobserved).await.expect("setup runs");
        assert!(report.complete);
    }
    Tenant {
        sandbox,
        engine: Arc::new(engine),
        setups,
        _dir: dir,
    }
}

/// Checks every setup of every tenant at once; the wall time and how many came out green.
async fn check_all(tenants: &[Tenant]) -> (Duration, usize, usize) {
    let started = Instant::now();
    let mut handles = Vec::new();
    for tenant in tenants {
        for setup in &tenant.setups {
            let engine = tenant.engine.clone();
            let setup = setup.clone();
            handles.push(tokio::spawn(async move {
                engine
                    .check_health(
                        &setup,
                        &KnownResources::default(),
                        &HealthOptions::default(),
                    )
                    .await
            }));
        }
    }
    let mut green = 0;
    let total = handles.len();
    for handle in handles {
        let report = handle.await.unwrap().expect("checks run");
        if report.overall == CheckState::Green {
            green += 1;
        }
    }
    (started.elapsed(), green, total)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "health check of every saved setup at once against sandboxes ({SETUPS_PER_TENANT} setups per tenant), median of {rounds} rounds"
    );
    println!("| setups | tenants | latency | rate limit | median | min | max | green |");
    println!("|---|---|---|---|---|---|---|---|");
    for (latency, limited) in [(0u64, false), (50, false), (0, true), (50, true)] {
        let mut one = None;
        for count in [1usize, 10, 50] {
            let tenants: Vec<Tenant> = runtime.block_on(async {
                let mut tenants = Vec::new();
                let mut left = count;
                while left > 0 {
                    let here = left.min(SETUPS_PER_TENANT);
                    tenants.push(tenant(here).await);
                    left -= here;
                }
                for t in &tenants {
                    let handle = t.sandbox.handle();
                    handle.set_rate_limit(limited.then(RateLimit::default));
                    if latency > 0 {
                        handle.add_fault(FaultRule::new(FaultKind::Latency { millis: latency }));
                    }
                }
                tenants
            });
            // One warm-up round: tokens and connections, as a window that has checked once has them.
            runtime.block_on(check_all(&tenants));
            let mut walls = Vec::new();
            let mut green = 0;
            let mut total = 0;
            for _ in 0..rounds {
                let (wall, g, t) = runtime.block_on(check_all(&tenants));
                walls.push(wall);
                green = g;
                total = t;
            }
            let middle = median(walls.clone());
            if count == 1 {
                one = Some(middle);
            }
            println!(
                "| {count} | {} | {latency} ms | {} | {:.0} ms | {:.0} ms | {:.0} ms | {green}/{total} |",
                tenants.len(),
                if limited { "2/s per tenant" } else { "off" },
                middle.as_secs_f64() * 1e3,
                walls.iter().min().unwrap().as_secs_f64() * 1e3,
                walls.iter().max().unwrap().as_secs_f64() * 1e3,
            );
            if let (Some(one), 50) = (one, count) {
                println!(
                    "50 setups take {:.1}x the time of one ({latency} ms latency, limit {}; goal with the limit off: under 3x)",
                    middle.as_secs_f64() / one.as_secs_f64(),
                    if limited { "on" } else { "off" },
                );
            }
            runtime.block_on(async {
                for t in tenants {
                    t.sandbox.shutdown().await;
                }
            });
        }
    }
}
