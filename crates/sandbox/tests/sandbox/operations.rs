//! Event subscriptions as Azure runs them: deletes that take time (202, `Location`, the name unusable
//! until done), the `Location`-only empty 202 of older providers, a WebHook that grants the handshake
//! later through its callback, `getDeliveryAttributes`, subscriptions made elsewhere, and a provider read
//! that lags a register call.

use std::time::Duration;

use cloud_sandbox::{Faults, SandboxConfig};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{EG, RM, async_operation, json_of, start_with, webhook};

/// A sandbox with Auth0's activated partner topic in `rg`: (env, Azure token, topic name).
async fn with_topic(config: SandboxConfig) -> (crate::common::Env, String, String) {
    let env = start_with(config).await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    env.activate(&azure, "rg", &topic).await;
    (env, azure, topic)
}

fn subscription_path(env: &crate::common::Env, topic: &str, name: &str) -> String {
    format!(
        "{}?{EG}",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/{name}")
        )
    )
}

fn to_inbox(env: &crate::common::Env) -> Value {
    json!({"properties": {
        "destination": {"endpointType": "WebHook",
            "properties": {"endpointUrl": format!("{}/inbox/ops", env.info().admin_url)}},
        "eventDeliverySchema": "CloudEventSchemaV1_0"}})
}

#[tokio::test]
async fn a_delete_runs_until_its_location_says_done_and_the_name_waits_for_it() {
    let (env, azure, topic) = with_topic(
        SandboxConfig::for_tests().with_event_subscription_delete_time(Duration::from_secs(30)),
    )
    .await;
    let path = subscription_path(&env, &topic, "to-inbox");
    let created = env
        .arm(Method::PUT, &path, &azure, Some(to_inbox(&env)))
        .await;
    let operation = async_operation(&created);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );

    let deleted = env.arm(Method::DELETE, &path, &azure, None).await;
    assert_eq!(deleted.status(), 202);
    let location = deleted.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("/operationResults/"), "{location}");
    assert!(deleted.headers().contains_key("retry-after"));
    assert!(
        deleted.bytes().await.unwrap().is_empty(),
        "an accepted delete has no body"
    );
    let (_, deleting) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    assert_eq!(deleting["properties"]["provisioningState"], "Deleting");
    let (status, body) = json_of(
        env.arm(Method::PUT, &path, &azure, Some(to_inbox(&env)))
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("Conflict")),
        "the name is taken until the delete finishes"
    );
    let running = env
        .http
        .get(&location)
        .bearer_auth(&azure)
        .send()
        .await
        .unwrap();
    assert_eq!(running.status(), 202, "still running");
    assert!(running.headers().contains_key("location"));

    env.sandbox.handle().advance(Duration::from_secs(31));
    let azure = env.azure_token().await;
    let done = env
        .http
        .get(&location)
        .bearer_auth(&azure)
        .send()
        .await
        .unwrap();
    assert_eq!(
        done.status(),
        204,
        "a finished delete's Location answers 204"
    );
    assert_eq!(
        env.arm(Method::GET, &path, &azure, None).await.status(),
        404
    );
    let again = env
        .arm(Method::PUT, &path, &azure, Some(to_inbox(&env)))
        .await;
    assert_eq!(again.status(), 201, "the name is free again");
}

#[tokio::test]
async fn older_providers_answer_an_empty_202_with_a_location_only() {
    let (env, azure, topic) = with_topic(SandboxConfig::for_tests()).await;
    env.sandbox.handle().set_faults(Faults {
        location_only_operations: true,
        ..Faults::default()
    });
    let path = subscription_path(&env, &topic, "to-inbox");
    let accepted = env
        .arm(Method::PUT, &path, &azure, Some(to_inbox(&env)))
        .await;
    assert_eq!(accepted.status(), 202);
    assert!(!accepted.headers().contains_key("azure-asyncoperation"));
    let location = accepted.headers()["location"].to_str().unwrap().to_owned();
    assert!(accepted.bytes().await.unwrap().is_empty());
    let done = crate::common::poll(|| async {
        let r = env
            .http
            .get(&location)
            .bearer_auth(&azure)
            .send()
            .await
            .unwrap();
        (r.status() != 202).then_some(r)
    })
    .await;
    assert_eq!(done.status(), 200, "the PUT's own answer once done");
    let (_, body) = json_of(done).await;
    assert_eq!(body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(body["name"], "to-inbox");
}

#[tokio::test]
async fn a_webhook_may_grant_the_handshake_later_through_its_callback() {
    let (env, azure, topic) = with_topic(SandboxConfig::for_tests()).await;
    let silent = webhook::start(false).await;
    let path = subscription_path(&env, &topic, "to-later");
    let r = env
        .arm(
            Method::PUT,
            &path,
            &azure,
            Some(json!({"properties": {
                "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": silent.url}},
                "eventDeliverySchema": "CloudEventSchemaV1_0"}})),
        )
        .await;
    let operation = async_operation(&r);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "AwaitingManualAction"
    );
    let handshake = silent.hook.handshakes.lock().unwrap()[0].clone();
    assert_eq!(handshake["webhook-request-origin"], "eventgrid.azure.net");
    let callback = handshake["webhook-request-callback"]
        .to_str()
        .unwrap()
        .to_owned();
    let granted = env.http.get(&callback).send().await.unwrap();
    assert_eq!(granted.status(), 200);
    let (_, got) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    assert_eq!(got["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );
    assert_eq!(
        env.http.get(&callback).send().await.unwrap().status(),
        404,
        "a callback works once"
    );
}

#[tokio::test]
async fn delivery_attributes_show_static_secret_values_a_get_hides() {
    let (env, azure, topic) = with_topic(SandboxConfig::for_tests()).await;
    let path = subscription_path(&env, &topic, "with-headers");
    let mut body = to_inbox(&env);
    body["properties"]["destination"]["properties"]["deliveryAttributeMappings"] = json!([
        {"name": "x-api-key", "type": "Static", "properties": {"value": "s3cret", "isSecret": true}},
        {"name": "x-tenant", "type": "Static", "properties": {"value": "acme", "isSecret": false}},
        {"name": "x-log-type", "type": "Dynamic", "properties": {"sourceField": "data.type"}}
    ]);
    let created = env.arm(Method::PUT, &path, &azure, Some(body)).await;
    assert_eq!(created.status(), 201);
    let (_, got) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    let shown = &got["properties"]["destination"]["properties"]["deliveryAttributeMappings"];
    assert_eq!(shown[0]["properties"]["value"], Value::Null, "{got}");
    assert_eq!(shown[1]["properties"]["value"], "acme");

    let action = format!(
        "{}?{EG}",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/with-headers/getDeliveryAttributes")
        )
    );
    let (status, attributes) = json_of(env.arm(Method::POST, &action, &azure, None).await).await;
    assert_eq!(status, 200, "{attributes}");
    let values = attributes["value"].as_array().unwrap();
    assert_eq!(values.len(), 3);
    assert_eq!(values[0]["properties"]["value"], "s3cret");
    assert_eq!(values[2]["properties"]["sourceField"], "data.type");
    let missing = action.replace("with-headers", "nothing-here");
    assert_eq!(
        env.arm(Method::POST, &missing, &azure, None).await.status(),
        404
    );
}

#[tokio::test]
async fn a_subscription_made_elsewhere_is_kept_as_written() {
    let (env, azure, topic) = with_topic(SandboxConfig::for_tests()).await;
    let properties = json!({
        "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "https://hooks.example.com/in"}},
        "eventDeliverySchema": "CloudEventSchemaV1_0",
        "labels": ["portal"],
        "filter": {"advancedFilters": [
            {"operatorType": "NumberIn", "key": "data.details.code", "values": [1, 2.5]},
            {"operatorType": "NumberInRange", "key": "data.n", "values": [[1, 10]]},
            {"operatorType": "BoolEquals", "key": "data.isMobile", "value": false},
            {"operatorType": "IsNotNull", "key": "data.user_id"}
        ]}
    });
    let r = env
        .admin_post(
            "/azure/event-subscriptions",
            json!({"resource_group": "rg", "partner_topic": topic, "name": "from-portal", "properties": properties}),
        )
        .await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let (status, got) = json_of(
        env.arm(
            Method::GET,
            &subscription_path(&env, &topic, "from-portal"),
            &azure,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        got["properties"]["filter"]["advancedFilters"],
        properties["filter"]["advancedFilters"]
    );
    let (status, _) = json_of(
        env.admin_post(
            "/azure/event-subscriptions",
            json!({"resource_group": "rg", "partner_topic": "no-such-topic", "name": "x", "properties": {}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_provider_read_may_lag_the_register_call() {
    let env = start_with(
        SandboxConfig::for_tests()
            .with_registration_delay(Duration::from_secs(10))
            .with_faults(Faults {
                stale_registration_reads: 1,
                ..Faults::default()
            }),
    )
    .await;
    let azure = env.azure_token().await;
    let provider = format!("{}/providers/Microsoft.EventGrid?{RM}", env.sub_path());
    let register = env.register_path();
    let (_, registered) = json_of(env.arm(Method::POST, &register, &azure, None).await).await;
    assert_eq!(registered["registrationState"], "Registering");
    let state = |body: Value| body["registrationState"].as_str().unwrap().to_owned();
    let (_, first) = json_of(env.arm(Method::GET, &provider, &azure, None).await).await;
    assert_eq!(state(first), "NotRegistered", "a lagging replica");
    let (_, second) = json_of(env.arm(Method::GET, &provider, &azure, None).await).await;
    assert_eq!(state(second), "Registering");
    env.sandbox.handle().advance(Duration::from_secs(10));
    let azure = env.azure_token().await;
    let (_, third) = json_of(env.arm(Method::GET, &provider, &azure, None).await).await;
    assert_eq!(state(third), "Registered");
}
