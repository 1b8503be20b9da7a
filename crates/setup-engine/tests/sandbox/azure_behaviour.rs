//! The engine where Azure is inconvenient: a partner configuration made earlier with a smaller maximum
//! and another partner, a machine clock that is off from Azure's, a webhook that does not answer the
//! validation handshake, a subscription made in the portal with numeric filters, and a provider read that
//! lags the register call.

use std::time::Duration;

use cloud_sandbox::testing::Arm;
use cloud_sandbox::{Faults, SandboxConfig};
use setup_engine::{Clock, ErrorCode, SetupEvent, StepId, StepState, Unobserved};

use crate::common::{Recorder, World, start, start_with};

const OTHER_PARTNER: &str = "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1";

/// A Resource Manager call as another tool would make it; `path` includes the query.
async fn arm(
    world: &World,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let response = Arm::sign_in(&world.info)
        .await
        .send(method, path, body)
        .await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or_default()
}

/// Someone else's partner configuration in the group: another partner authorized, no maximum given (so
/// Azure's default of 7 days).
async fn configuration_made_elsewhere(world: &World) {
    let inputs = world.inputs();
    let sub = format!("/subscriptions/{}", inputs.subscription_id);
    arm(
        world,
        reqwest::Method::POST,
        &format!("{sub}/providers/Microsoft.EventGrid/register?api-version=2025-04-01"),
        None,
    )
    .await;
    arm(
        world,
        reqwest::Method::PUT,
        &format!(
            "{sub}/resourcegroups/{}?api-version=2025-04-01",
            inputs.resource_group
        ),
        Some(serde_json::json!({"location": "westeurope"})),
    )
    .await;
    let until = (world.time.now() + Duration::from_secs(5 * 86_400))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    arm(
        world,
        reqwest::Method::PUT,
        &format!(
            "{sub}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerConfigurations/default?api-version=2025-02-15",
            inputs.resource_group
        ),
        Some(serde_json::json!({"location": "global", "properties": {"partnerAuthorization": {
            "authorizedPartnersList": [{"partnerRegistrationImmutableId": OTHER_PARTNER, "partnerName": "SAP",
                "authorizationExpirationTimeInUtc": until}]}}})),
    )
    .await;
}

fn configuration(world: &World) -> serde_json::Value {
    world.sandbox.handle().state()["azure"]["partner_configurations"][0].clone()
}

#[tokio::test]
async fn a_smaller_maximum_is_raised_and_the_other_partner_kept() {
    let world = start().await;
    configuration_made_elsewhere(&world).await;
    let mut inputs = world.inputs();
    inputs.authorization_days = 30;
    let engine = world.engine();

    let plan = engine.plan(&inputs).await.unwrap();
    assert!(
        plan.steps[0]
            .actions
            .iter()
            .any(|a| a.contains("from 7 to 30 days")),
        "the dry run says so: {:?}",
        plan.steps[0]
    );
    let recorder = Recorder::default();
    let report = engine
        .run_until(&inputs, &recorder, StepId::PrepareAzure)
        .await
        .unwrap();
    let step = &report.steps[0];
    assert_eq!(step.state, StepState::Done);
    assert!(
        step.summary.contains("raised from 7 to 30 days"),
        "{}",
        step.summary
    );
    assert!(
        recorder.events.lock().unwrap().iter().any(|e| matches!(e,
            SetupEvent::Applying { action, .. } if action.contains("from 7 to 30 days"))),
        "progress says it too"
    );
    let config = configuration(&world);
    assert_eq!(config["default_maximum_expiration_days"], 30, "{config}");
    let partners = config["authorized"].as_array().unwrap();
    assert_eq!(partners.len(), 2, "the other partner is kept: {config}");
    let auth0 = partners
        .iter()
        .find(|p| p["partner_registration_immutable_id"] != OTHER_PARTNER)
        .unwrap();
    let now_ms = world.sandbox.handle().clock().now_ms();
    let expires = auth0["expires_ms"].as_i64().unwrap() - now_ms;
    let thirty_days = 30 * 86_400_000;
    assert!(
        expires <= thirty_days && expires >= thirty_days - 10 * 60_000,
        "30 days from Azure's now, a few minutes short: {expires} ms"
    );
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
}

#[tokio::test]
async fn the_expiry_is_counted_from_azure_s_clock_not_this_machine_s() {
    let world = start().await;
    // This machine's clock runs two hours ahead: seven days from it is past what Azure allows.
    let engine = world.engine_with_skew(Duration::from_secs(2 * 3600));
    let report = engine
        .run_until(&world.inputs(), &Unobserved, StepId::PrepareAzure)
        .await
        .unwrap();
    assert_eq!(report.steps[0].state, StepState::Done);
    let config = configuration(&world);
    assert_eq!(config["default_maximum_expiration_days"], 7);
    let expires = config["authorized"][0]["expires_ms"].as_i64().unwrap()
        - world.sandbox.handle().clock().now_ms();
    assert!(expires <= 7 * 86_400_000, "{expires} ms");
}

#[tokio::test]
async fn a_webhook_that_does_not_answer_the_handshake_stops_step_four_at_once() {
    let world = start().await;
    let mut inputs = world.inputs();
    // Nothing listens there.
    inputs.destination.webhook_url = Some("http://127.0.0.1:9/events?code=secret".into());
    let engine = world.engine();
    let before = engine.stats().poll_wait;
    let error = engine.run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OperationFailed, "{error:?}");
    assert!(
        error.message.contains("validation handshake")
            && error.message.contains("http://127.0.0.1:9/events"),
        "{error:?}"
    );
    assert!(!error.message.contains("secret"), "no key in the message");
    assert!(error.remedy.contains("WebHook-Allowed-Origin"), "{error:?}");
    let waited = engine.stats().poll_wait - before;
    assert!(
        waited < Duration::from_secs(30),
        "no waiting for what only the endpoint's owner can end: {waited:?}"
    );
    let status = engine.status(&inputs).await.unwrap();
    assert_eq!(status.steps[3].state, StepState::ToDo);
    assert!(
        status.steps[3].summary.contains("waiting for its webhook"),
        "{:?}",
        status.steps[3]
    );
}

#[tokio::test]
async fn a_subscription_made_in_the_portal_with_numeric_filters_is_read_and_corrected() {
    let world = start().await;
    let inputs = world.inputs();
    let engine = world.engine();
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    let topic = world.sandbox.handle().state()["azure"]["partner_topics"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    // Someone edits the subscription in the portal: numeric, boolean and key-only filters, extra fields.
    let stored = cloud_sandbox::testing::admin_client(&world.info)
        .post(format!(
            "{}/_sandbox/azure/event-subscriptions",
            world.info.azure_management
        ))
        .json(&serde_json::json!({
        "resource_group": inputs.resource_group, "partner_topic": topic,
        "name": inputs.event_subscription_name,
        "properties": {
            "destination": {"endpointType": "WebHook", "properties": {
                "endpointUrl": inputs.destination.webhook_url, "maxEventsPerBatch": 1}},
            "eventDeliverySchema": "CloudEventSchemaV1_0", "labels": ["edited-in-portal"],
            "filter": {"enableAdvancedFilteringOnArrays": true, "advancedFilters": [
                {"operatorType": "NumberIn", "key": "data.details.code", "values": [401, 403]},
                {"operatorType": "NumberInRange", "key": "data.details.ms", "values": [[0, 500]]},
                {"operatorType": "BoolEquals", "key": "data.isMobile", "value": false},
                {"operatorType": "IsNotNull", "key": "data.user_id"}
            ]}
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);

    let status = engine.status(&inputs).await.unwrap();
    assert_eq!(
        status.steps[3].state,
        StepState::ToDo,
        "{:?}",
        status.steps[3]
    );
    assert!(
        status.steps[3].summary.contains("differs"),
        "{:?}",
        status.steps[3]
    );
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    let status = engine.status(&inputs).await.unwrap();
    assert_eq!(status.steps[3].state, StepState::Done);
}

#[tokio::test]
async fn a_registration_read_that_lags_the_register_call_is_waited_through() {
    let world = start_with(
        SandboxConfig::for_tests()
            .with_registration_delay(Duration::from_secs(30))
            .with_faults(Faults {
                stale_registration_reads: 1,
                ..Faults::default()
            }),
    )
    .await;
    let report = world
        .engine()
        .run_until(&world.inputs(), &Unobserved, StepId::PrepareAzure)
        .await
        .unwrap();
    assert_eq!(report.steps[0].state, StepState::Done);
}
