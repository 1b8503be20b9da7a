//! The event pipeline: category filters, advanced filters, CloudEvents deliveries, retries per policy,
//! dead-lettering, drops with reasons, Auth0's publish failures and stream suspension, metrics.

use std::time::Duration;

use cloud_sandbox::SimulationKind;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{EG, Env, async_operation, json_of, poll, start, webhook};

/// Registered, authorized, a stream (with optional category filters) and an activated topic.
async fn ready(env: &Env, filters: Option<Value>) -> (String, String) {
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", filters).await;
    env.activate(&azure, "rg", &topic).await;
    (azure, topic)
}

fn events_of(env: &Env, status: &str) -> Vec<Value> {
    let state = env.sandbox.handle().state();
    state["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == status)
        .cloned()
        .collect()
}

async fn metric(env: &Env, azure: &str, topic: &str, name: &str) -> f64 {
    let path = format!(
        "{}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames={name}&timespan=PT1H&interval=PT1H&aggregation=total",
        env.eg_path("rg", &format!("partnerTopics/{topic}"))
    );
    let (_, body) = json_of(env.arm(Method::GET, &path, azure, None).await).await;
    body["value"][0]["timeseries"][0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total"].as_f64().unwrap_or(0.0))
        .sum()
}

#[tokio::test]
async fn logins_arrive_as_cloudevents_at_the_webhook() {
    let env = start().await;
    let (azure, topic) = ready(
        &env,
        Some(json!([{"type": "category", "name": "auth.login.success"}])),
    )
    .await;
    let hook = webhook::start(true).await;
    let done = env
        .subscribe(&azure, "rg", &topic, "to-hook", &hook.url, json!({}))
        .await;
    assert_eq!(done["status"], "Succeeded");
    env.sandbox.handle().simulate(SimulationKind::Login, 3);
    env.sandbox
        .handle()
        .simulate(SimulationKind::LoginFailure, 2);
    env.wait_idle().await;
    assert_eq!(
        hook.count(),
        3,
        "only auth.login.success passes the stream's filter"
    );
    let (headers, event) = hook.hook.received.lock().unwrap()[0].clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/cloudevents+json")
    );
    assert_eq!(event["specversion"], "1.0");
    // A webhook given to the sandbox can tell its events from Auth0's.
    assert_eq!(event["sandbox"], true);
    assert_eq!(event["type"], "com.auth0.Log");
    assert_eq!(event["data"]["type"], "s");
    assert_eq!(event["id"], event["data"]["log_id"]);
    let (_, found) = json_of(
        env.arm(
            Method::GET,
            &format!(
                "{}?{EG}",
                env.eg_path("rg", &format!("partnerTopics/{topic}"))
            ),
            &azure,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        event["source"], found["properties"]["source"],
        "the partner topic's source"
    );
    assert_eq!(
        metric(&env, &azure, &topic, "PublishSuccessCount").await,
        3.0
    );
    assert_eq!(metric(&env, &azure, &topic, "MatchedEventCount").await, 3.0);
    assert_eq!(
        metric(&env, &azure, &topic, "DeliverySuccessCount").await,
        3.0
    );
    assert_eq!(events_of(&env, "delivered").len(), 3);
    assert!(events_of(&env, "pending").is_empty());
}

#[tokio::test]
async fn advanced_filters_and_unmatched_events() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    let filter = json!({"filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["f"]}]}});
    env.subscribe(&azure, "rg", &topic, "failures-only", &hook.url, filter)
        .await;
    env.sandbox.handle().simulate(SimulationKind::Login, 2);
    env.sandbox
        .handle()
        .simulate(SimulationKind::LoginFailure, 1);
    env.sandbox.handle().simulate(SimulationKind::Signup, 1);
    env.wait_idle().await;
    assert_eq!(hook.count(), 1);
    assert_eq!(hook.hook.received.lock().unwrap()[0].1["data"]["type"], "f");
    assert_eq!(
        metric(&env, &azure, &topic, "UnmatchedEventCount").await,
        3.0
    );
    let dropped = events_of(&env, "dropped");
    assert_eq!(dropped.len(), 3);
    assert!(
        dropped
            .iter()
            .all(|e| e["reason"].as_str().unwrap().starts_with("unmatched"))
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_per_the_schedule() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    env.subscribe(&azure, "rg", &topic, "flaky", &hook.url, json!({}))
        .await;
    hook.fail_first(2, 503);
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    assert_eq!(hook.count(), 1);
    let delivered = events_of(&env, "delivered");
    assert_eq!(delivered[0]["attempts"], 3);
    assert_eq!(
        hook.hook.received.lock().unwrap()[0].0["aeg-delivery-count"],
        "2"
    );
    assert_eq!(
        metric(&env, &azure, &topic, "DeliveryAttemptFailCount").await,
        2.0
    );
    assert_eq!(
        metric(&env, &azure, &topic, "DeliverySuccessCount").await,
        1.0
    );
}

#[tokio::test]
async fn exhausted_retries_drop_or_dead_letter_with_a_reason() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    let dead_letter = json!({"retryPolicy": {"maxDeliveryAttempts": 2, "eventTimeToLiveInMinutes": 60},
        "deadLetterDestination": {"endpointType": "StorageBlob", "properties": {
            "resourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/dl", "blobContainerName": "dead"}}});
    env.subscribe(
        &azure,
        "rg",
        &topic,
        "with-dead-letter",
        &hook.url,
        dead_letter,
    )
    .await;
    let second = webhook::start(true).await;
    env.subscribe(
        &azure,
        "rg",
        &topic,
        "without",
        &second.url,
        json!({"retryPolicy": {"maxDeliveryAttempts": 1}}),
    )
    .await;
    hook.fail_first(10, 500);
    second.fail_first(10, 500);
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let dead = events_of(&env, "dead_lettered");
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0]["reason"]
            .as_str()
            .unwrap()
            .contains("MaxDeliveryAttemptsExceeded")
    );
    assert_eq!(dead[0]["attempts"], 2);
    let dropped = events_of(&env, "dropped");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["event_subscription"], "without");
    assert_eq!(metric(&env, &azure, &topic, "DeadLetteredCount").await, 1.0);
    assert_eq!(metric(&env, &azure, &topic, "DroppedEventCount").await, 1.0);
    let state = env.sandbox.handle().state();
    assert!(
        state["recorded_deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["deadLetter"]["endpointType"] == "StorageBlob")
    );
}

#[tokio::test]
async fn bad_request_answers_are_not_retried() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    env.subscribe(&azure, "rg", &topic, "strict", &hook.url, json!({}))
        .await;
    hook.fail_first(5, 400);
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let dropped = events_of(&env, "dropped");
    assert_eq!(dropped[0]["attempts"], 1);
    assert!(dropped[0]["reason"].as_str().unwrap().contains("400"));
}

#[tokio::test]
async fn other_destination_kinds_are_recorded() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let path = format!(
        "{}?api-version=2025-02-15",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/to-queue")
        )
    );
    let body = json!({"properties": {"eventDeliverySchema": "CloudEventSchemaV1_0", "destination": {"endpointType": "StorageQueue",
        "properties": {"resourceId": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/q", "queueName": "logs"}}}});
    let r = env.arm(Method::PUT, &path, &azure, Some(body)).await;
    let operation = async_operation(&r);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );
    env.sandbox.handle().simulate(SimulationKind::Signup, 2);
    env.wait_idle().await;
    let state = env.sandbox.handle().state();
    let recorded = state["recorded_deliveries"].as_array().unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0]["destination"]["endpointType"], "StorageQueue");
    assert_eq!(recorded[0]["event"]["data"]["type"], "ss");
}

#[tokio::test]
async fn inbox_keeps_what_it_receives() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let inbox = format!("{}/inbox/demo", env.info().admin_url);
    env.subscribe(&azure, "rg", &topic, "to-inbox", &inbox, json!({}))
        .await;
    let r = env
        .admin_post("/simulate", json!({"kind": "signup", "count": 2}))
        .await;
    assert_eq!(r.status(), 200);
    env.wait_idle().await;
    let received = env.admin_get("/inbox/demo").await;
    assert_eq!(received.as_array().unwrap().len(), 2);
    assert_eq!(received[0]["data"]["type"], "ss");
}

#[tokio::test]
async fn unactivated_topic_makes_auth0_record_errors_and_suspend_the_stream() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (stream, _topic) = env.create_stream(&auth0, "rg", None).await;
    let id = stream["id"].as_str().unwrap().to_owned();
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let dropped = events_of(&env, "dropped");
    assert_eq!(dropped.len(), 1);
    assert!(
        dropped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("after 3 attempts")
    );
    assert!(
        dropped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("NeverActivated")
    );
    let (_, current) = json_of(
        env.auth0(Method::GET, &format!("/log-streams/{id}"), &auth0, None)
            .await,
    )
    .await;
    assert_eq!(current["status"], "active");
    env.sandbox
        .handle()
        .advance(Duration::from_secs(7 * 86_400 + 1));
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let auth0 = env.auth0_token().await;
    let current = poll(|| async {
        let (_, body) = json_of(
            env.auth0(Method::GET, &format!("/log-streams/{id}"), &auth0, None)
                .await,
        )
        .await;
        (body["status"] == "suspended").then_some(body)
    })
    .await;
    assert_eq!(current["status"], "suspended");
    let (status, resumed) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &auth0,
            Some(json!({"status": "active"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), resumed["status"].as_str()),
        (200, Some("active"))
    );
}

#[tokio::test]
async fn paused_streams_do_not_publish() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    env.subscribe(&azure, "rg", &topic, "to-hook", &hook.url, json!({}))
        .await;
    let auth0 = env.auth0_token().await;
    env.wait_idle().await;
    let (_, streams) = json_of(env.auth0(Method::GET, "/log-streams", &auth0, None).await).await;
    let id = streams[0]["id"].as_str().unwrap();
    env.auth0(
        Method::PATCH,
        &format!("/log-streams/{id}"),
        &auth0,
        Some(json!({"status": "paused"})),
    )
    .await;
    // The token exchange above wrote a seccft entry, which an unfiltered active stream carries.
    let before = hook.count();
    assert_eq!(before, 1);
    env.sandbox.handle().simulate(SimulationKind::Login, 2);
    env.wait_idle().await;
    assert_eq!(hook.count(), before);
    assert_eq!(
        metric(&env, &azure, &topic, "PublishSuccessCount").await,
        1.0
    );
}

#[tokio::test]
async fn batched_webhooks_receive_cloudevents_batches() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    let path = format!(
        "{}?api-version=2025-02-15",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/batched")
        )
    );
    let body = json!({"properties": {"eventDeliverySchema": "CloudEventSchemaV1_0", "destination": {"endpointType": "WebHook",
        "properties": {"endpointUrl": hook.url, "maxEventsPerBatch": 10, "preferredBatchSizeInKilobytes": 1024}}}});
    let r = env.arm(Method::PUT, &path, &azure, Some(body)).await;
    let operation = async_operation(&r);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );
    env.sandbox.handle().simulate(SimulationKind::Login, 25);
    env.wait_idle().await;
    let received = hook.hook.received.lock().unwrap().clone();
    let mut total = 0;
    for (headers, body) in &received {
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/cloudevents-batch+json")
        );
        let events = body.as_array().expect("a batch is an array, even of one");
        assert!(!events.is_empty() && events.len() <= 10);
        total += events.len();
    }
    assert_eq!(total, 25);
    assert_eq!(events_of(&env, "delivered").len(), 25);
    assert_eq!(
        metric(&env, &azure, &topic, "DeliverySuccessCount").await,
        25.0
    );
}

#[tokio::test]
async fn events_past_their_time_to_live_are_dropped_with_that_reason() {
    let env = start().await;
    let (azure, topic) = ready(&env, None).await;
    let hook = webhook::start(true).await;
    let policy = json!({"retryPolicy": {"maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1}});
    env.subscribe(&azure, "rg", &topic, "short-lived", &hook.url, policy)
        .await;
    hook.fail_first(100, 503);
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let dropped = events_of(&env, "dropped");
    assert_eq!(dropped.len(), 1);
    assert!(
        dropped[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("TimeToLiveExceeded")
    );
    // Attempts at 0 s, 10 s and 40 s (Event Grid's schedule); the next would be at 100 s, past 60 s.
    assert_eq!(dropped[0]["attempts"], 3);
    assert_eq!(hook.count(), 0);
}

/// What the app's "Send a test event" relies on: a client-credentials request with a wrong secret is logged
/// as `feccft` like any entry (log_id, date, ip, client_id, description) and flows through a stream
/// filtered to `auth.token_exchange.fail` to the webhook, counted as published and delivered.
#[tokio::test]
async fn a_failed_client_credentials_exchange_flows_to_the_webhook_as_feccft() {
    let env = start().await;
    let (azure, topic) = ready(
        &env,
        Some(json!([{"type": "category", "name": "auth.token_exchange.fail"}])),
    )
    .await;
    let hook = webhook::start(true).await;
    env.subscribe(&azure, "rg", &topic, "to-hook", &hook.url, json!({}))
        .await;
    let published_before = metric(&env, &azure, &topic, "PublishSuccessCount").await;
    let (status, _) = env
        .auth0_exchange("wrong-on-purpose", &env.mgmt_audience())
        .await;
    assert_eq!(status, 401);
    env.wait_idle().await;

    let received = hook.hook.received.lock().unwrap().clone();
    let failed: Vec<&Value> = received
        .iter()
        .map(|(_, event)| event)
        .filter(|event| event["data"]["type"] == "feccft")
        .collect();
    assert_eq!(failed.len(), 1, "{received:?}");
    let entry = &failed[0]["data"];
    assert_eq!(entry["client_id"], env.info().auth0_client_id.as_str());
    assert_eq!(entry["description"], "Unauthorized");
    for field in ["log_id", "date", "ip"] {
        assert!(entry[field].is_string(), "{field} in {entry}");
    }
    assert_eq!(failed[0]["id"], entry["log_id"]);
    assert!(
        received
            .iter()
            .all(|(_, event)| event["data"]["type"] == "feccft"),
        "the stream's filter lets only failed exchanges through"
    );
    assert_eq!(
        metric(&env, &azure, &topic, "PublishSuccessCount").await,
        published_before + 1.0
    );
    assert_eq!(
        metric(&env, &azure, &topic, "DeliverySuccessCount").await,
        1.0
    );
}
