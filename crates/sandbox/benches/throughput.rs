//! Throughput benchmark of the sandbox (not part of the test suite; numbers go into README.md):
//! requests per second and p99 latency for a typical read and write on each emulated host, and events per
//! second through the whole pipeline to a local webhook, checking that none is lost.
//!
//! Run: `cargo bench -p cloud-sandbox --bench throughput` (client and server share the machine).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, Method as AxumMethod, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use cloud_sandbox::testing::{arm_token, auth0_token};
use cloud_sandbox::{Sandbox, SandboxConfig, SimulationKind};
use reqwest::{Client, Method};
use serde_json::{Value, json};

const CONCURRENCY: usize = 32;

struct Measured {
    label: &'static str,
    requests: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Measured {
    fn print(&self) {
        println!(
            "{:<48} {:>7} req  {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            self.label,
            self.requests,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0
        );
    }
}

/// Sends `total` requests from `CONCURRENCY` workers and measures each.
async fn measure<F>(label: &'static str, total: usize, make: F) -> Measured
where
    F: Fn(&Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let client = Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let make = Arc::new(make);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, make, next) = (client.clone(), make.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let sent = Instant::now();
                let response = make(&client, i).send().await.expect("request");
                assert!(
                    response.status().is_success(),
                    "{label}: {}",
                    response.status()
                );
                let _ = response.bytes().await;
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Measured {
        label,
        requests: total,
        elapsed,
        p50: at(0.50),
        p99: at(0.99),
    }
}

async fn webhook(counter: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let app = Router::new().route(
        "/events",
        any(move |method: AxumMethod, headers: HeaderMap| {
            let counter = counter.clone();
            async move {
                if method == AxumMethod::OPTIONS {
                    let origin = headers.get("webhook-request-origin").cloned().unwrap();
                    return (StatusCode::OK, [("webhook-allowed-origin", origin)]).into_response();
                }
                counter.fetch_add(1, Ordering::Relaxed);
                StatusCode::OK.into_response() as Response
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn json(
    client: &Client,
    method: Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::start(SandboxConfig {
        registration_delay: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let client = Client::new();
    let auth0 = auth0_token(&info, None).await;
    let azure = arm_token(&info).await;

    let sub = format!(
        "{}/subscriptions/{}",
        info.azure_management, info.subscription_id
    );
    let eg = format!("{sub}/resourceGroups/bench/providers/Microsoft.EventGrid");
    json(
        &client,
        Method::POST,
        &format!("{sub}/providers/Microsoft.EventGrid/register?api-version=2025-04-01"),
        &azure,
        None,
    )
    .await;
    json(
        &client,
        Method::PUT,
        &format!("{sub}/resourceGroups/bench?api-version=2025-04-01"),
        &azure,
        Some(json!({"location": "westeurope"})),
    )
    .await;
    json(
        &client,
        Method::POST,
        &format!("{eg}/partnerConfigurations/default/authorizePartner?api-version=2025-02-15"),
        &azure,
        Some(json!({"partnerName": "Auth0"})),
    )
    .await;
    let stream = json(&client, Method::POST, &format!("{}/api/v2/log-streams", info.auth0_domain), &auth0, Some(json!({
        "name": "bench", "type": "eventgrid", "filters": [{"type": "category", "name": "auth.login.success"}],
        "sink": {"azureSubscriptionId": info.subscription_id, "azureRegion": "westeurope", "azureResourceGroup": "bench"}}))).await;
    let stream_id = stream["id"].as_str().unwrap().to_owned();
    let topic = stream["sink"]["azurePartnerTopic"]
        .as_str()
        .unwrap()
        .to_owned();
    json(
        &client,
        Method::POST,
        &format!("{eg}/partnerTopics/{topic}/activate?api-version=2025-02-15"),
        &azure,
        None,
    )
    .await;
    let received = Arc::new(AtomicUsize::new(0));
    let hook = webhook(received.clone()).await;
    json(&client, Method::PUT, &format!("{eg}/partnerTopics/{topic}/eventSubscriptions/bench?api-version=2025-02-15"), &azure, Some(json!({
        "properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hook}}, "eventDeliverySchema": "CloudEventSchemaV1_0"}}))).await;
    while sandbox.handle().state()["azure"]["event_subscriptions"][0]["provisioning_state"]
        != "Succeeded"
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    println!("cloud-sandbox throughput, {CONCURRENCY} concurrent clients in the same process");
    let (domain, token) = (info.auth0_domain.clone(), auth0.clone());
    measure(
        "Auth0  read  GET /api/v2/log-streams/{id}",
        20_000,
        move |c, _| {
            c.get(format!("{domain}/api/v2/log-streams/{stream_id}"))
                .bearer_auth(&token)
        },
    )
    .await
    .print();
    let (base, token) = (eg.clone(), azure.clone());
    let topic_for_read = topic.clone();
    measure(
        "ARM    read  GET .../partnerTopics/{name}",
        20_000,
        move |c, _| {
            c.get(format!(
                "{base}/partnerTopics/{topic_for_read}?api-version=2025-02-15"
            ))
            .bearer_auth(&token)
        },
    )
    .await
    .print();
    let (domain, token) = (info.auth0_domain.clone(), auth0.clone());
    let stream_id = stream["id"].as_str().unwrap().to_owned();
    measure(
        "Auth0  write PATCH /api/v2/log-streams/{id}",
        10_000,
        move |c, i| {
            c.patch(format!("{domain}/api/v2/log-streams/{stream_id}"))
                .bearer_auth(&token)
                .json(&json!({"name": format!("bench-{i}")}))
        },
    )
    .await
    .print();
    let (base, token) = (sub.clone(), azure.clone());
    measure(
        "ARM    write PUT .../resourceGroups/{rg}",
        10_000,
        move |c, i| {
            c.put(format!(
                "{base}/resourceGroups/rg-{}?api-version=2025-04-01",
                i % 100
            ))
            .bearer_auth(&token)
            .json(&json!({"location": "westeurope"}))
        },
    )
    .await
    .print();

    let events = 20_000;
    let before = received.load(Ordering::Relaxed);
    let started = Instant::now();
    sandbox
        .handle()
        .simulate(SimulationKind::Login, events as u32);
    assert!(
        sandbox
            .handle()
            .wait_for_pipeline_idle(Duration::from_secs(300))
            .await,
        "pipeline did not drain"
    );
    let elapsed = started.elapsed();
    let delivered = received.load(Ordering::Relaxed) - before;
    let state = sandbox.handle().state();
    let lost = state["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] != "delivered")
        .count();
    println!(
        "{:<48} {:>7} ev   {:>8.0} ev/s   delivered {delivered}, not delivered {lost}",
        "Pipeline log entry -> webhook (CloudEvents POST)",
        events,
        events as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(delivered, events, "every event reached the webhook");
    assert_eq!(lost, 0, "no event lost, dropped or dead-lettered");
    sandbox.shutdown().await;
}
