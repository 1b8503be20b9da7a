//! The fault soak: a full setup with every sandbox fault on at once (latency, 429s with and without
//! `Retry-After`, 5xx, connections dropped before and after the request took effect, a failed long-running
//! operation, tokens expiring early, a slow provider registration), fired on draws from a seed so a failing
//! run is replayed from its seed. Each run either completes, or stops with one of the documented errors and
//! is resumed (faults still on) until it completes; it never panics or hangs, and it ends with exactly the
//! resources of a clean run. `make soak` runs 20 seeds (`SOAK_SEEDS`); the normal test run a few.

use std::collections::BTreeMap;
use std::time::Duration;

use cloud_sandbox::{FaultKind, FaultRule, Faults, SandboxConfig};
use setup_engine::{ErrorCode, STEPS, Unobserved};

use crate::common::{start, start_with};

/// The errors a run may stop with while the clouds misbehave: each is documented (`ErrorCode`) and says
/// to run again, which is what the soak does.
const TRANSIENT: [ErrorCode; 6] = [
    ErrorCode::NetworkUnreachable,
    ErrorCode::Auth0RequestFailed,
    ErrorCode::AzureRequestFailed,
    ErrorCode::Auth0RateLimited,
    ErrorCode::OperationFailed,
    ErrorCode::OperationTimedOut,
];

/// Runs (the first included) before a seed counts as not finishing.
const MAX_RUNS: usize = 8;

fn all_faults(seed: u64) -> Faults {
    let drop = |handled| FaultKind::DropConnection {
        handled,
        delay_millis: 0,
    };
    Faults {
        rules: vec![
            FaultRule::new(FaultKind::Latency { millis: 15 }).at_rate(0.2),
            FaultRule::new(FaultKind::TooManyRequests {
                retry_after_secs: 1,
            })
            .at_rate(0.06),
            FaultRule::new(FaultKind::TooManyRequestsWithoutRetryAfter).at_rate(0.06),
            FaultRule::new(FaultKind::ServerError { status: 503 }).at_rate(0.06),
            FaultRule::new(drop(false)).at_rate(0.04),
            FaultRule::new(drop(true)).at_rate(0.04),
        ],
        failing_operations: 1,
        token_lifetime_secs: Some(4),
        seed: Some(seed),
        ..Faults::default()
    }
}

struct SeedOutcome {
    runs: usize,
    fired: u32,
    /// What fired, by kind of fault.
    by_kind: BTreeMap<&'static str, u32>,
    expired_tokens: usize,
    stops: Vec<ErrorCode>,
}

async fn soak_one(seed: u64, expected: &serde_json::Value) -> SeedOutcome {
    let config = SandboxConfig::for_tests()
        .with_registration_delay(Duration::from_secs(6))
        .with_faults(all_faults(seed));
    let world = start_with(config).await;
    let inputs = world.inputs();
    let mut stops = Vec::new();
    let mut runs = 0;
    loop {
        runs += 1;
        // A hang guard, not a timing assertion: a run that never ends fails naming its seed.
        let outcome = tokio::time::timeout(
            Duration::from_secs(120),
            world.engine().run(&inputs, &Unobserved),
        )
        .await
        .unwrap_or_else(|_| panic!("seed {seed}: run {runs} hung"));
        match outcome {
            Ok(report) => {
                assert!(report.complete, "seed {seed}: {report:#?}");
                break;
            }
            Err(error) => {
                assert!(
                    TRANSIENT.contains(&error.code),
                    "seed {seed}: run {runs} stopped with an undocumented error: {error:?}"
                );
                stops.push(error.code);
                assert!(
                    runs < MAX_RUNS,
                    "seed {seed}: not done after {runs} runs: {stops:?}"
                );
            }
        }
    }
    assert_eq!(&world.summary(), expected, "seed {seed}: what exists");
    let creations = world
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/log-streams") && r.status == 200)
        .count();
    assert_eq!(creations, 1, "seed {seed}: one stream created");
    let saved = world
        .progress()
        .get(&setup_engine::setup_key(&inputs))
        .unwrap()
        .unwrap();
    assert_eq!(saved.completed, STEPS.to_vec(), "seed {seed}");
    let faults = world.sandbox.handle().faults();
    let mut by_kind = BTreeMap::new();
    for rule in &faults.rules {
        *by_kind.entry(kind_name(&rule.kind)).or_default() += rule.fired;
    }
    *by_kind.entry("failed long-running operation").or_default() += 1 - faults.failing_operations;
    SeedOutcome {
        runs,
        fired: by_kind.values().sum(),
        by_kind,
        expired_tokens: world.requests().iter().filter(|r| r.status == 401).count(),
        stops,
    }
}

fn kind_name(kind: &FaultKind) -> &'static str {
    match kind {
        FaultKind::Latency { .. } => "latency",
        FaultKind::TooManyRequests { .. } => "429 with Retry-After",
        FaultKind::TooManyRequestsWithoutRetryAfter => "429 without Retry-After",
        FaultKind::ServerError { .. } => "5xx",
        FaultKind::DropConnection { handled: false, .. } => "dropped before handling",
        FaultKind::DropConnection { handled: true, .. } => "dropped after handling",
    }
}

#[tokio::test]
async fn fault_soak_every_fault_at_once() {
    let seeds: u64 = std::env::var("SOAK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let clean = start().await;
    assert!(clean.run_completes(&clean.inputs()).await);
    let expected = clean.summary();
    let started = std::time::Instant::now();
    let (mut resumed, mut fired, mut expired) = (0, 0, 0);
    let mut by_kind: BTreeMap<&str, u32> = BTreeMap::new();
    for seed in 1..=seeds {
        let outcome = soak_one(seed, &expected).await;
        eprintln!(
            "soak seed {seed}: done in {} run(s), {} HTTP faults and failed operations fired, {} requests \
             refused for an expired token, stops: {:?}",
            outcome.runs, outcome.fired, outcome.expired_tokens, outcome.stops
        );
        resumed += usize::from(outcome.runs > 1);
        fired += outcome.fired;
        for (kind, count) in &outcome.by_kind {
            *by_kind.entry(kind).or_default() += count;
        }
        expired += outcome.expired_tokens;
    }
    eprintln!(
        "soak: {seeds}/{seeds} seeds completed, {resumed} needed a resume, {fired} faults fired, {expired} \
         expired-token refusals, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let breakdown: Vec<String> = by_kind
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    eprintln!("soak: faults fired by kind: {}", breakdown.join(", "));
    // Each kind the soak switches on must have been met at least once, or the soak proves less than it says.
    if seeds >= 3 {
        for (kind, count) in &by_kind {
            assert!(*count > 0, "soak: no {kind} fired in {seeds} seeds");
        }
    }
}
