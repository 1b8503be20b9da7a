//! Event Grid's partner side: partner configurations, verified partners, partner topics created by the
//! Auth0 side (and the refusals that leave nothing behind), activation, expiry, event subscriptions
//! (long-running PUT, schema rule, WebHook handshake), getFullUrl and metrics.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{EG, async_operation, json_of, start, webhook};

const AUTH0_ID: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";

#[tokio::test]
async fn partner_configuration_put_get_authorize_unauthorize() {
    let env = start().await;
    let token = env.azure_token().await;
    let register = env.register_path();
    env.arm(Method::POST, &register, &token, None).await;
    env.create_group(&token, "rg", "eastus").await;
    let config = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default")
    );
    let (status, body) = json_of(env.arm(Method::GET, &config, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
    let expiry = "2099-01-01T00:00:00Z";
    let put = json!({"location": "global", "properties": {"partnerAuthorization": {"defaultMaximumExpirationTimeInDays": 7,
        "authorizedPartnersList": [{"partnerRegistrationImmutableId": AUTH0_ID, "partnerName": "Auth0", "authorizationExpirationTimeInUtc": expiry}]}}});
    let (status, body) = json_of(env.arm(Method::PUT, &config, &token, Some(put)).await).await;
    assert_eq!(status, 400, "more than 365 days ahead is refused: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("365"));
    let put = json!({"location": "global", "properties": {"partnerAuthorization": {"defaultMaximumExpirationTimeInDays": 7,
        "authorizedPartnersList": [{"partnerRegistrationImmutableId": AUTH0_ID, "partnerName": "Auth0"}]}}});
    let (status, body) = json_of(
        env.arm(Method::PUT, &config, &token, Some(put.clone()))
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let partners = &body["properties"]["partnerAuthorization"]["authorizedPartnersList"];
    assert_eq!(partners[0]["partnerRegistrationImmutableId"], AUTH0_ID);
    assert!(
        partners[0]["authorizationExpirationTimeInUtc"].is_string(),
        "default 7 days filled in"
    );
    let (status, _) = json_of(env.arm(Method::PUT, &config, &token, Some(put)).await).await;
    assert_eq!(status, 200);
    let mut global = json!({"location": "westeurope"});
    global["properties"] = json!({});
    let (status, _) = json_of(env.arm(Method::PUT, &config, &token, Some(global)).await).await;
    assert_eq!(status, 400, "location must be global");

    let other = json!({"partnerRegistrationImmutableId": "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1", "partnerName": "SAP"});
    let authorize = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default/authorizePartner")
    );
    let (_, body) = json_of(
        env.arm(Method::POST, &authorize, &token, Some(other.clone()))
            .await,
    )
    .await;
    assert_eq!(
        body["properties"]["partnerAuthorization"]["authorizedPartnersList"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "keeps other partners"
    );
    let unauthorize = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default/unauthorizePartner")
    );
    let (_, body) = json_of(
        env.arm(Method::POST, &unauthorize, &token, Some(other))
            .await,
    )
    .await;
    assert_eq!(
        body["properties"]["partnerAuthorization"]["authorizedPartnersList"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn verified_partners_list_auth0() {
    let env = start().await;
    let token = env.azure_token().await;
    let (status, body) = json_of(
        env.arm(
            Method::GET,
            &format!("/providers/Microsoft.EventGrid/verifiedPartners?{EG}"),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let auth0 = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Auth0")
        .unwrap();
    assert_eq!(
        auth0["properties"]["partnerRegistrationImmutableId"],
        AUTH0_ID
    );
    let (status, _) = json_of(
        env.arm(
            Method::GET,
            &format!("/providers/Microsoft.EventGrid/verifiedPartners/Auth0?{EG}"),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
}

async fn assert_create_refused(env: &crate::common::Env, auth0: &str, rg: &str, expected: &str) {
    let (status, body) = json_of(
        env.auth0(
            Method::POST,
            "/log-streams",
            auth0,
            Some(env.eventgrid_stream(rg)),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains(expected),
        "{body}"
    );
    let (_, streams) = json_of(env.auth0(Method::GET, "/log-streams", auth0, None).await).await;
    assert_eq!(streams, json!([]), "no stream left behind");
    let world = env.sandbox.handle().state();
    assert_eq!(
        world["azure"]["partner_topics"],
        json!([]),
        "no topic left behind"
    );
}

#[tokio::test]
async fn stream_create_fails_cleanly_when_azure_refuses() {
    let env = start().await;
    let azure = env.azure_token().await;
    let auth0 = env.auth0_token().await;
    assert_create_refused(&env, &auth0, "rg", "MissingSubscriptionRegistration").await;
    env.register_event_grid(&azure).await;
    assert_create_refused(&env, &auth0, "rg", "ResourceGroupNotFound").await;
    env.create_group(&azure, "rg", "eastus").await;
    assert_create_refused(&env, &auth0, "rg", "PartnerNotAuthorized").await;
    let authorize = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default/authorizePartner")
    );
    let (status, _) = json_of(
        env.arm(
            Method::POST,
            &authorize,
            &azure,
            Some(json!({"partnerName": "Auth0"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    env.sandbox
        .handle()
        .advance(Duration::from_secs(8 * 86_400));
    let auth0 = env.auth0_token().await;
    assert_create_refused(&env, &auth0, "rg", "PartnerAuthorizationExpired").await;
}

#[tokio::test]
async fn partner_topic_is_created_by_auth0_and_can_be_activated() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (stream, topic) = env.create_stream(&auth0, "rg", None).await;
    let (status, list) = env.partner_topics(&azure, "rg").await;
    assert_eq!(status, 200);
    let found = &list["value"][0];
    assert_eq!(found["name"], topic.as_str());
    // Optional in Azure's schema and absent from its examples: absent unless configured.
    assert_eq!(
        found["properties"].get("partnerRegistrationImmutableId"),
        None,
        "{found}"
    );
    // The source names the tenant by name with a uuid: not its domain, not the stream id.
    let source = found["properties"]["source"].as_str().unwrap();
    let tenant = env.sandbox.handle().state()["auth0"]["tenant"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        source.starts_with(&format!("auth0.com/{tenant}-")) && source.ends_with("/auth0.logs"),
        "{source}"
    );
    let uuid = &source[format!("auth0.com/{tenant}-").len()..source.len() - "/auth0.logs".len()];
    assert_eq!(uuid.len(), 36, "{source}");
    assert!(!source.contains(stream["id"].as_str().unwrap()), "{source}");
    assert!(
        !source.contains(env.info().auth0_domain.trim_start_matches("http://")),
        "{source}"
    );
    assert!(
        found["properties"]["partnerTopicFriendlyDescription"]
            .as_str()
            .is_some_and(|d| d.contains(&tenant)),
        "{found}"
    );
    assert_eq!(found["properties"]["activationState"], "NeverActivated");
    assert!(found["properties"]["expirationTimeIfNotActivatedUtc"].is_string());
    assert_eq!(found["location"], "westeurope");
    let (_, all) = json_of(
        env.arm(
            Method::GET,
            &format!(
                "{}/providers/Microsoft.EventGrid/partnerTopics?{EG}",
                env.sub_path()
            ),
            &azure,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(all["value"].as_array().unwrap().len(), 1);
    let put_topic = format!("{}?{EG}", env.eg_path("rg", "partnerTopics/mine"));
    let (status, _) = json_of(
        env.arm(
            Method::PUT,
            &put_topic,
            &azure,
            Some(json!({"location": "westeurope"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "only the partner creates partner topics");

    let info = env.info().clone();
    let reader = env
        .azure_token_for(
            &info.azure_reader_client_id,
            &info.azure_reader_client_secret,
        )
        .await;
    let activate = format!(
        "{}?{EG}",
        env.eg_path("rg", &format!("partnerTopics/{topic}/activate"))
    );
    let (status, body) = json_of(env.arm(Method::POST, &activate, &reader, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("partnerTopics/activate/action")
    );
    let (status, body) = json_of(env.arm(Method::POST, &activate, &azure, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["properties"]["activationState"], "Activated");
    let deactivate = format!(
        "{}?{EG}",
        env.eg_path("rg", &format!("partnerTopics/{topic}/deactivate"))
    );
    let (_, body) = json_of(env.arm(Method::POST, &deactivate, &azure, None).await).await;
    assert_eq!(body["properties"]["activationState"], "Deactivated");
    let one = format!(
        "{}?{EG}",
        env.eg_path("rg", &format!("partnerTopics/{topic}"))
    );
    let deleted = env.arm(Method::DELETE, &one, &azure, None).await;
    assert_eq!(deleted.status(), 202, "deletes are long-running");
    let operation = async_operation(&deleted);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );
    assert_eq!(
        env.arm(Method::DELETE, &one, &azure, None).await.status(),
        204,
        "already gone"
    );
    let (status, body) = json_of(env.arm(Method::GET, &one, &azure, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
}

#[tokio::test]
async fn never_activated_topic_disappears_after_its_expiration_time() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    let one = format!(
        "{}?{EG}",
        env.eg_path("rg", &format!("partnerTopics/{topic}"))
    );
    env.sandbox
        .handle()
        .advance(Duration::from_secs(6 * 86_400));
    let azure = env.azure_token().await;
    assert_eq!(env.arm(Method::GET, &one, &azure, None).await.status(), 200);
    env.sandbox
        .handle()
        .advance(Duration::from_secs(2 * 86_400));
    let azure = env.azure_token().await;
    assert_eq!(env.arm(Method::GET, &one, &azure, None).await.status(), 404);
}

#[tokio::test]
async fn event_subscription_lifecycle_with_handshake() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    env.activate(&azure, "rg", &topic).await;
    let hook = webhook::start(true).await;
    let path = |name: &str| {
        format!(
            "{}?{EG}",
            env.eg_path(
                "rg",
                &format!("partnerTopics/{topic}/eventSubscriptions/{name}")
            )
        )
    };

    let grid_schema = json!({"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hook.url}},
        "eventDeliverySchema": "EventGridSchema"}});
    let (status, body) = json_of(
        env.arm(Method::PUT, &path("to-hook"), &azure, Some(grid_schema))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("CloudEventSchemaV1_0")
    );
    let plain_http = json!({"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "http://example.test/x"}},
        "eventDeliverySchema": "CloudEventSchemaV1_0"}});
    let (status, _) = json_of(
        env.arm(Method::PUT, &path("to-hook"), &azure, Some(plain_http))
            .await,
    )
    .await;
    assert_eq!(status, 400, "http only on loopback");
    let (status, _) = json_of(
        env.arm(Method::PUT, &path("x"), &azure, Some(json!({})))
            .await,
    )
    .await;
    assert_eq!(status, 400, "name too short");
    let bad_retry = json!({"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hook.url}},
        "eventDeliverySchema": "CloudEventSchemaV1_0", "retryPolicy": {"maxDeliveryAttempts": 31}}});
    let (status, body) = json_of(
        env.arm(Method::PUT, &path("to-hook"), &azure, Some(bad_retry))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("maxDeliveryAttempts")
    );

    let body = json!({"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hook.url}},
        "eventDeliverySchema": "CloudEventSchemaV1_0",
        "filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["s", "f"]}]}}});
    let r = env
        .arm(Method::PUT, &path("to-hook"), &azure, Some(body))
        .await;
    assert_eq!(r.status(), 201);
    let operation = async_operation(&r);
    let (_, created) = json_of(r).await;
    assert_eq!(created["properties"]["provisioningState"], "Creating");
    let done = env.wait_operation(&azure, &operation).await;
    assert_eq!(done["status"], "Succeeded");
    let (_, got) = json_of(env.arm(Method::GET, &path("to-hook"), &azure, None).await).await;
    assert_eq!(got["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        got["properties"]["eventDeliverySchema"],
        "CloudEventSchemaV1_0"
    );
    assert_eq!(
        got["properties"]["retryPolicy"],
        json!({"maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1440})
    );
    let destination = &got["properties"]["destination"]["properties"];
    assert_eq!(
        destination["endpointUrl"],
        Value::Null,
        "the full URL is hidden"
    );
    assert!(
        !destination["endpointBaseUrl"]
            .as_str()
            .unwrap()
            .contains("code=")
    );
    let full = format!(
        "{}?{EG}",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/to-hook/getFullUrl")
        )
    );
    let (status, body) = json_of(env.arm(Method::POST, &full, &azure, None).await).await;
    assert_eq!(
        (status.as_u16(), body["endpointUrl"].as_str()),
        (200, Some(hook.url.as_str()))
    );
    let list = format!(
        "{}?{EG}",
        env.eg_path("rg", &format!("partnerTopics/{topic}/eventSubscriptions"))
    );
    let (_, listed) = json_of(env.arm(Method::GET, &list, &azure, None).await).await;
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    let deleted = env
        .arm(Method::DELETE, &path("to-hook"), &azure, None)
        .await;
    assert_eq!(deleted.status(), 202);
    assert!(deleted.headers().contains_key("location"));
    assert_eq!(
        env.arm(Method::DELETE, &path("to-hook"), &azure, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        env.arm(Method::GET, &path("to-hook"), &azure, None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn webhook_that_ignores_the_handshake_awaits_manual_action_then_fails() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    let silent = webhook::start(false).await;
    let r = env
        .arm(
            Method::PUT,
            &format!(
                "{}?{EG}",
                env.eg_path(
                    "rg",
                    &format!("partnerTopics/{topic}/eventSubscriptions/to-silent")
                )
            ),
            &azure,
            Some(json!({"properties": {
                "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": silent.url}},
                "eventDeliverySchema": "CloudEventSchemaV1_0"}})),
        )
        .await;
    let operation = async_operation(&r);
    let waiting = env.wait_operation(&azure, &operation).await;
    assert_eq!(
        waiting["status"], "AwaitingManualAction",
        "the operation says so at once: {waiting}"
    );
    let path = format!(
        "{}?{EG}",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/to-silent")
        )
    );
    let (_, got) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    assert_eq!(
        got["properties"]["provisioningState"],
        "AwaitingManualAction"
    );

    // Nobody calls the validation callback within five minutes: the subscription ends Failed.
    env.sandbox
        .handle()
        .advance(Duration::from_secs(5 * 60 + 1));
    let done = env.wait_operation(&azure, &operation).await;
    assert_eq!(done["status"], "Failed");
    assert_eq!(done["error"]["code"], "Url validation");
    assert!(
        done["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Webhook validation handshake failed")
    );
    let (_, got) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    assert_eq!(got["properties"]["provisioningState"], "Failed");
}

#[tokio::test]
async fn built_in_inbox_answers_the_handshake() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    let inbox = format!("{}/inbox/demo", env.info().admin_url);
    let done = env
        .subscribe(&azure, "rg", &topic, "to-inbox", &inbox, json!({}))
        .await;
    assert_eq!(done["status"], "Succeeded");
}

#[tokio::test]
async fn metrics_have_azure_monitor_shape() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    let metrics = format!(
        "{}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=PublishSuccessCount,DeliverySuccessCount&timespan=PT24H&interval=PT1H&aggregation=total",
        env.eg_path("rg", &format!("partnerTopics/{topic}"))
    );
    let (status, body) = json_of(env.arm(Method::GET, &metrics, &azure, None).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["value"].as_array().unwrap().len(), 2);
    assert_eq!(body["value"][0]["name"]["value"], "PublishSuccessCount");
    assert_eq!(body["value"][0]["unit"], "Count");
    let data = body["value"][0]["timeseries"][0]["data"]
        .as_array()
        .unwrap();
    assert!(data.len() >= 24 && data.iter().all(|p| p["total"] == 0.0));
    let bad = metrics.replace("PublishSuccessCount,", "NoSuchMetric,");
    let (status, _) = json_of(env.arm(Method::GET, &bad, &azure, None).await).await;
    assert_eq!(status, 400);
    let old = metrics.replace("2023-10-01", "2010-01-01");
    let (_, body) = json_of(env.arm(Method::GET, &old, &azure, None).await).await;
    assert_eq!(body["error"]["code"], "InvalidApiVersionParameter");
}

#[tokio::test]
async fn auth0s_registration_id_on_its_topics_is_a_setting() {
    let env = crate::common::start_with(
        cloud_sandbox::SandboxConfig::for_tests().with_partner_topic_immutable_id(true),
    )
    .await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    let (status, found) = json_of(
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
    assert_eq!(status, 200);
    assert_eq!(
        found["properties"]["partnerRegistrationImmutableId"],
        AUTH0_ID
    );
}

#[tokio::test]
async fn the_stream_reports_its_partner_topic_only_after_some_reads() {
    let env = crate::common::start_with(
        cloud_sandbox::SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(3),
    )
    .await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (status, created) = json_of(
        env.auth0(
            Method::POST,
            "/log-streams",
            &auth0,
            Some(env.eventgrid_stream("rg")),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let id = created["id"].as_str().unwrap();
    // The topic exists in Azure at once ...
    let (_, topics) = env.partner_topics(&azure, "rg").await;
    assert_eq!(topics["value"].as_array().unwrap().len(), 1);
    // ... while the stream names it from the fourth read on (lists count as reads too).
    let mut seen = Vec::new();
    for read in 0..5 {
        let stream = if read % 2 == 0 {
            json_of(
                env.auth0(Method::GET, &format!("/log-streams/{id}"), &auth0, None)
                    .await,
            )
            .await
            .1
        } else {
            json_of(env.auth0(Method::GET, "/log-streams", &auth0, None).await)
                .await
                .1[0]
                .clone()
        };
        seen.push(
            stream["sink"]["azurePartnerTopic"]
                .as_str()
                .map(str::to_owned),
        );
    }
    let name = topics["value"][0]["name"].as_str().map(str::to_owned);
    assert_eq!(seen, vec![None, None, None, name.clone(), name]);
}

#[tokio::test]
async fn partner_topics_of_other_partners_can_be_seeded() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let other = "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1";
    let url = format!("{}/azure/partner-topics", env.info().admin_url);
    let seeded: Value = env
        .http
        .post(&url)
        .json(&json!({"resource_group": "rg", "name": "foreign-topic",
                      "partner_registration_immutable_id": other}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seeded["name"], "foreign-topic");
    assert_eq!(
        seeded["properties"]["partnerRegistrationImmutableId"],
        other
    );
    assert_eq!(seeded["properties"]["activationState"], "NeverActivated");
    let tenant = env.sandbox.handle().state()["auth0"]["tenant"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        seeded["properties"]["source"]
            .as_str()
            .unwrap()
            .starts_with(&format!("auth0.com/{tenant}-")),
        "looks like Auth0's by default: {seeded}"
    );
    // A second Auth0-looking topic, through the handle; no registration id.
    let lookalike = env
        .sandbox
        .handle()
        .seed_partner_topic(cloud_sandbox::PartnerTopicSeed {
            resource_group: "rg".into(),
            name: "lookalike".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        lookalike["properties"].get("partnerRegistrationImmutableId"),
        None
    );
    assert_ne!(
        lookalike["properties"]["source"],
        seeded["properties"]["source"]
    );
    let (_, list) = env.partner_topics(&azure, "rg").await;
    assert_eq!(list["value"].as_array().unwrap().len(), 2);
    // Refusals: no such group, a name in use.
    for body in [
        json!({"resource_group": "nope", "name": "x"}),
        json!({"resource_group": "rg", "name": "lookalike"}),
    ] {
        let r = env.http.post(&url).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }
}
