//! How Event Grid writes its resources in an answer (partner configurations, partner topics, event
//! subscriptions): one place, used by the handlers and by the operations that return a resource.

use serde_json::{Value, json};

use crate::azure::request::group_scope;
use crate::clock::rfc3339_ms;
use crate::state::{EventSubscription, PartnerConfiguration, PartnerTopic};

pub(super) fn configuration_json(config: &PartnerConfiguration) -> Value {
    let partners: Vec<Value> = config
        .authorized
        .iter()
        .map(|p| {
            json!({
                "partnerRegistrationImmutableId": p.partner_registration_immutable_id,
                "partnerName": p.partner_name,
                "authorizationExpirationTimeInUtc": rfc3339_ms(p.expires_ms),
            })
        })
        .collect();
    let mut body = json!({
        "id": format!("{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
            group_scope(&config.subscription_id, &config.resource_group)),
        "name": "default",
        "type": "Microsoft.EventGrid/partnerConfigurations",
        "location": "global",
        "properties": {
            "provisioningState": "Succeeded",
            "partnerAuthorization": {
                "defaultMaximumExpirationTimeInDays": config.default_maximum_expiration_days,
                "authorizedPartnersList": partners,
            },
        },
    });
    if !config.tags.is_null() {
        body["tags"] = config.tags.clone();
    }
    body
}

pub(super) fn topic_json(topic: &PartnerTopic) -> Value {
    let mut body = json!({
        "id": topic.arm_id(),
        "name": topic.name,
        "type": "Microsoft.EventGrid/partnerTopics",
        "location": topic.location,
        "properties": {
            "source": topic.source,
            "eventTypeInfo": {"kind": "Inline", "inlineEventTypes": {}},
            "expirationTimeIfNotActivatedUtc": rfc3339_ms(topic.expires_ms),
            "provisioningState": "Succeeded",
            "activationState": topic.activation_state,
            "partnerTopicFriendlyDescription": topic.description,
            "messageForActivation": "Activate this partner topic to start receiving Auth0 log events.",
        },
    });
    // Optional in Azure's schema (PartnerTopicProperties) and absent from Azure's own examples.
    if let Some(id) = &topic.partner_registration_immutable_id {
        body["properties"]["partnerRegistrationImmutableId"] = json!(id);
    }
    if !topic.tags.is_null() {
        body["tags"] = topic.tags.clone();
    }
    body
}

/// The subscription as ARM returns it: WebHook URLs are shown without their query (see `getFullUrl`).
pub(super) fn event_subscription_json(es: &EventSubscription) -> Value {
    let mut properties = es.properties.clone();
    if properties["destination"]["endpointType"] == "WebHook" {
        let destination = &mut properties["destination"]["properties"];
        let full = destination["endpointUrl"].as_str().unwrap_or("").to_owned();
        destination["endpointBaseUrl"] = json!(full.split('?').next().unwrap_or(""));
        destination["endpointUrl"] = Value::Null;
    }
    // A static delivery attribute marked secret is only shown by getDeliveryAttributes.
    if let Some(mappings) =
        properties["destination"]["properties"]["deliveryAttributeMappings"].as_array_mut()
    {
        for mapping in mappings {
            if mapping["properties"]["isSecret"] == true {
                mapping["properties"]["value"] = Value::Null;
            }
        }
    }
    properties["provisioningState"] = json!(es.provisioning_state);
    properties["topic"] = json!(es.topic_arm_id());
    json!({
        "id": format!("{}/eventSubscriptions/{}", es.topic_arm_id(), es.name),
        "name": es.name,
        "type": "Microsoft.EventGrid/eventSubscriptions",
        "properties": properties,
    })
}
