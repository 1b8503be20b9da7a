//! The client against the sandbox over HTTP where Azure is inconvenient: deletes that take time, empty
//! 202s with only a `Location`, a WebHook that does not answer the validation handshake, resources made
//! elsewhere (numeric filters, shapes this client cannot read), the authorization limit and Azure's clock.
//! The client's waits move the sandbox's frozen clock, so polling costs no real time.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use azure_client::{
    AUTH0_PARTNER_IMMUTABLE_ID, AdvancedFilter, AuthorizedPartner, AzureClient, AzureCloud,
    AzureEndpoints, AzureError, Destination, DestinationProperties, EventSubscription,
    EventSubscriptionProperties, PartnerAuthorization, PartnerConfiguration,
    PartnerConfigurationProperties, PartnerConfigurationUpdate,
    PartnerConfigurationUpdateProperties, PollSchedule, service_principal_credential,
};
use cloud_http::{Clock, RetryPolicy, Secret, Transport};
use cloud_sandbox::testing::auth0_token;
use cloud_sandbox::{Faults, RunningSandbox, Sandbox, SandboxConfig};
use serde_json::json;
use time::OffsetDateTime;

/// Sandbox time: a wait moves the sandbox's clock by as much, after a token real pause.
#[derive(Debug, Clone)]
struct SandboxTime(cloud_sandbox::Clock);

impl Clock for SandboxTime {
    fn now(&self) -> OffsetDateTime {
        self.0.now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.advance(duration);
        Box::pin(tokio::time::sleep(duration.min(Duration::from_millis(2))))
    }
}

struct World {
    sandbox: RunningSandbox,
    azure: AzureClient,
    sub: String,
    topic: String,
}

const RG: &str = "grp";

fn client_for(sandbox: &RunningSandbox, clock: Arc<dyn Clock>) -> AzureClient {
    let info = sandbox.info();
    let endpoints = AzureEndpoints::for_cloud(&AzureCloud::Custom {
        authority: info.azure_authority.clone(),
        management: info.azure_management.clone(),
    })
    .unwrap();
    let credential = service_principal_credential(
        &endpoints,
        &info.azure_tenant_id,
        &info.azure_client_id,
        &Secret::new(info.azure_client_secret.clone()),
    )
    .unwrap();
    let transport = Transport::new(RetryPolicy::default(), clock, Arc::new(|| 0.5)).unwrap();
    AzureClient::new(endpoints, credential, transport).with_poll_schedule(PollSchedule {
        first: Duration::from_millis(25),
        ceiling: Duration::from_secs(5),
        deadline: Duration::from_secs(120),
    })
}

/// Event Grid registered, the group made, Auth0 authorized, a stream created on the Auth0 side (which
/// makes the partner topic) and the topic activated.
async fn world(config: SandboxConfig) -> World {
    let sandbox = Sandbox::start(config).await.unwrap();
    let azure = client_for(&sandbox, Arc::new(SandboxTime(sandbox.handle().clock())));
    let info = sandbox.info().clone();
    let sub = info.subscription_id.clone();
    azure.register_event_grid_provider(&sub).await.unwrap();
    azure.wait_for_registration(&sub).await.unwrap();
    azure
        .create_resource_group(&sub, RG, "westeurope")
        .await
        .unwrap();
    let until = azure.azure_now().unwrap() + time::Duration::days(6);
    azure
        .authorize_partner(
            &sub,
            RG,
            &AuthorizedPartner {
                partner_registration_immutable_id: Some(AUTH0_PARTNER_IMMUTABLE_ID.into()),
                partner_name: Some("Auth0".into()),
                authorization_expiration_time_in_utc: Some(until),
            },
        )
        .await
        .unwrap();
    let token = auth0_token(&info, None).await;
    let created = reqwest::Client::new()
        .post(format!("{}/api/v2/log-streams", info.auth0_domain))
        .bearer_auth(&token)
        .json(&json!({"name": "to-azure", "type": "eventgrid", "sink": {
            "azureSubscriptionId": sub, "azureRegion": "westeurope", "azureResourceGroup": RG}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "{:?}", created.text().await);
    let topic = azure.list_partner_topics(&sub, RG).await.unwrap()[0]
        .name
        .clone();
    azure
        .activate_partner_topic(&sub, RG, &topic)
        .await
        .unwrap();
    World {
        sandbox,
        azure,
        sub,
        topic,
    }
}

fn webhook(url: &str) -> EventSubscription {
    EventSubscription {
        id: None,
        name: None,
        properties: EventSubscriptionProperties {
            destination: Some(Destination {
                endpoint_type: "WebHook".into(),
                properties: DestinationProperties {
                    endpoint_url: Some(url.to_owned()),
                    ..DestinationProperties::default()
                },
            }),
            filter: None,
            event_delivery_schema: Some("CloudEventSchemaV1_0".into()),
            retry_policy: None,
            dead_letter_destination: None,
            provisioning_state: None,
        },
    }
}

fn inbox(world: &World) -> String {
    format!("{}/inbox/client", world.sandbox.info().admin_url)
}

#[tokio::test]
async fn a_deleted_subscription_s_name_can_be_used_again_at_once() {
    let w = world(
        SandboxConfig::for_tests().with_event_subscription_delete_time(Duration::from_secs(30)),
    )
    .await;
    let body = webhook(&inbox(&w));
    w.azure
        .put_event_subscription(&w.sub, RG, &w.topic, "auth0-logs", &body)
        .await
        .unwrap();
    w.azure
        .delete_event_subscription(&w.sub, RG, &w.topic, "auth0-logs")
        .await
        .unwrap();
    assert!(
        w.azure
            .get_event_subscription(&w.sub, RG, &w.topic, "auth0-logs")
            .await
            .unwrap()
            .is_none(),
        "the delete returned once the subscription was gone"
    );
    let again = w
        .azure
        .put_event_subscription(&w.sub, RG, &w.topic, "auth0-logs", &body)
        .await
        .unwrap();
    assert_eq!(
        again.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
}

#[tokio::test]
async fn an_empty_202_with_only_a_location_is_followed() {
    let w = world(SandboxConfig::for_tests()).await;
    w.sandbox.handle().set_faults(Faults {
        location_only_operations: true,
        ..Faults::default()
    });
    let created = w
        .azure
        .put_event_subscription(&w.sub, RG, &w.topic, "auth0-logs", &webhook(&inbox(&w)))
        .await
        .unwrap();
    assert_eq!(
        created.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    w.azure
        .delete_event_subscription(&w.sub, RG, &w.topic, "auth0-logs")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_webhook_that_does_not_answer_the_handshake_ends_the_wait_at_once() {
    let w = world(SandboxConfig::for_tests()).await;
    let before = w.sandbox.handle().clock().now();
    // Nothing listens there: the handshake gets no answer.
    let waiting = w
        .azure
        .put_event_subscription(
            &w.sub,
            RG,
            &w.topic,
            "auth0-logs",
            &webhook("http://127.0.0.1:9/in"),
        )
        .await
        .unwrap();
    assert!(waiting.is_awaiting_manual_action(), "{waiting:?}");
    let waited = w.sandbox.handle().clock().now() - before;
    assert!(
        waited < time::Duration::seconds(30),
        "no waiting for a state only the endpoint's owner can end: {waited}"
    );
}

#[tokio::test]
async fn subscriptions_made_elsewhere_read_and_an_unreadable_one_is_reported() {
    let w = world(SandboxConfig::for_tests()).await;
    let admin = |body: serde_json::Value| {
        let url = format!("{}/azure/event-subscriptions", w.sandbox.info().admin_url);
        let client = cloud_sandbox::testing::admin_client(w.sandbox.info());
        async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 201, "{:?}", r.text().await);
        }
    };
    admin(json!({"resource_group": RG, "partner_topic": w.topic, "name": "from-portal", "properties": {
        "destination": {"endpointType": "WebHook", "properties": {"endpointBaseUrl": "https://hooks.example.com/in"}},
        "eventDeliverySchema": "CloudEventSchemaV1_0", "labels": ["portal"],
        "filter": {"advancedFilters": [
            {"operatorType": "NumberIn", "key": "data.details.code", "values": [1, 2.5]},
            {"operatorType": "NumberInRange", "key": "data.n", "values": [[1, 10]]},
            {"operatorType": "NumberGreaterThan", "key": "data.n", "value": 3},
            {"operatorType": "BoolEquals", "key": "data.isMobile", "value": true},
            {"operatorType": "IsNotNull", "key": "data.user_id"},
            {"operatorType": "StringMatchesRegex", "key": "data.type", "values": ["^s$"]}
        ]}}}))
    .await;
    admin(
        json!({"resource_group": RG, "partner_topic": w.topic, "name": "odd-one", "properties": {
        "destination": {"endpointType": "WebHook", "properties": {}},
        "retryPolicy": {"maxDeliveryAttempts": "thirty"}}}),
    )
    .await;

    let portal = w
        .azure
        .get_event_subscription(&w.sub, RG, &w.topic, "from-portal")
        .await
        .unwrap()
        .unwrap();
    let filters = &portal.properties.filter.unwrap().advanced_filters;
    assert!(matches!(&filters[0], AdvancedFilter::NumberIn(f) if f.values.len() == 2));
    assert!(matches!(&filters[3], AdvancedFilter::BoolEquals(f) if f.value == Some(true)));
    assert_eq!(filters[5], AdvancedFilter::Unknown);

    let listed = w
        .azure
        .list_event_subscriptions(&w.sub, RG, &w.topic)
        .await
        .unwrap();
    let names: Vec<_> = listed.items.iter().filter_map(|s| s.name.clone()).collect();
    assert_eq!(names, vec!["from-portal"]);
    assert_eq!(listed.unreadable.len(), 1, "{:?}", listed.unreadable);
    assert!(
        listed.unreadable[0]
            .id
            .as_deref()
            .is_some_and(|id| id.ends_with("/odd-one")),
        "{:?}",
        listed.unreadable
    );
}

#[tokio::test]
async fn delivery_attributes_are_read_with_their_secret_values() {
    let w = world(SandboxConfig::for_tests()).await;
    // Delivery attributes are not something the setup writes: another tool made this one.
    let mut raw = serde_json::to_value(webhook(&inbox(&w))).unwrap();
    raw["properties"]["destination"]["properties"]["deliveryAttributeMappings"] = json!([
        {"name": "x-api-key", "type": "Static", "properties": {"value": "s3cret", "isSecret": true}},
        {"name": "x-log-type", "type": "Dynamic", "properties": {"sourceField": "data.type"}}
    ]);
    let admin = format!("{}/azure/event-subscriptions", w.sandbox.info().admin_url);
    let stored = cloud_sandbox::testing::admin_client(w.sandbox.info())
        .post(admin)
        .json(
            &json!({"resource_group": RG, "partner_topic": w.topic, "name": "with-headers",
            "properties": raw["properties"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let attributes = w
        .azure
        .get_event_subscription_delivery_attributes(&w.sub, RG, &w.topic, "with-headers")
        .await
        .unwrap();
    assert_eq!(attributes.len(), 2);
    assert_eq!(attributes[0].kind, "Static");
    assert!(attributes[0].properties.is_secret);
    assert_eq!(
        attributes[0].properties.value.as_ref().unwrap().expose(),
        "s3cret"
    );
    assert!(
        !format!("{attributes:?}").contains("s3cret"),
        "values stay out of logs"
    );
    assert_eq!(
        attributes[1].properties.source_field.as_deref(),
        Some("data.type")
    );
    let error = w
        .azure
        .get_event_subscription_delivery_attributes(&w.sub, RG, &w.topic, "none")
        .await
        .unwrap_err();
    assert!(
        matches!(error, AzureError::Arm(ref e) if e.status == 404),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_maximum_is_raised_by_a_patch_that_keeps_every_partner_and_time_is_azure_s() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    // This machine's clock runs two hours ahead of Azure's: only the Date header tells Azure's time.
    let skewed = SkewedClock(sandbox.handle().clock(), time::Duration::hours(2));
    let azure = client_for(&sandbox, Arc::new(skewed));
    let sub = sandbox.info().subscription_id.clone();
    azure.register_event_grid_provider(&sub).await.unwrap();
    azure
        .create_resource_group(&sub, RG, "westeurope")
        .await
        .unwrap();
    let azure_now = azure.azure_now().unwrap();
    assert!(
        (azure_now - sandbox.handle().clock().now()).abs() < time::Duration::seconds(2),
        "{azure_now}"
    );
    let other = AuthorizedPartner {
        partner_registration_immutable_id: Some("5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1".into()),
        partner_name: Some("SAP".into()),
        authorization_expiration_time_in_utc: Some(azure_now + time::Duration::days(3)),
    };
    azure
        .put_partner_configuration(
            &sub,
            RG,
            &PartnerConfiguration {
                id: None,
                location: "global".into(),
                properties: PartnerConfigurationProperties {
                    partner_authorization: PartnerAuthorization {
                        default_maximum_expiration_time_in_days: None,
                        authorized_partners_list: vec![other],
                    },
                    provisioning_state: None,
                },
            },
        )
        .await
        .unwrap();
    let auth0_until = |days: i64| AuthorizedPartner {
        partner_registration_immutable_id: Some(AUTH0_PARTNER_IMMUTABLE_ID.into()),
        partner_name: Some("Auth0".into()),
        authorization_expiration_time_in_utc: Some(
            azure.azure_now().unwrap() + time::Duration::days(days) - time::Duration::minutes(5),
        ),
    };
    let refused = azure
        .authorize_partner(&sub, RG, &auth0_until(30))
        .await
        .unwrap_err();
    assert_eq!(refused.arm_code(), Some("BadRequest"), "{refused:?}");
    let raised = azure
        .update_partner_configuration(
            &sub,
            RG,
            &PartnerConfigurationUpdate {
                properties: PartnerConfigurationUpdateProperties {
                    default_maximum_expiration_time_in_days: Some(30),
                },
            },
        )
        .await
        .unwrap();
    assert_eq!(raised.maximum_authorization_days(), 30);
    let after = azure
        .authorize_partner(&sub, RG, &auth0_until(30))
        .await
        .unwrap();
    assert_eq!(
        after
            .properties
            .partner_authorization
            .authorized_partners_list
            .len(),
        2,
        "the other partner is kept"
    );
}

/// This machine's clock, off from the sandbox's (Azure's) by a fixed amount.
#[derive(Debug, Clone)]
struct SkewedClock(cloud_sandbox::Clock, time::Duration);

impl Clock for SkewedClock {
    fn now(&self) -> OffsetDateTime {
        self.0.now() + self.1
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.advance(duration);
        Box::pin(tokio::time::sleep(duration.min(Duration::from_millis(2))))
    }
}
