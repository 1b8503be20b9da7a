//! Resource Manager shapes, from the REST specification (Event Grid api-version 2025-02-15, Resources
//! 2025-04-01, Subscriptions 2022-12-01, Monitor 2023-10-01). Unknown fields are ignored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "nextLink")]
    pub next_link: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub tenant_id: String,
    pub display_name: Option<String>,
    pub default_domain: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub subscription_id: String,
    pub display_name: Option<String>,
    pub state: Option<String>,
    pub tenant_id: Option<String>,
}

impl Subscription {
    pub fn is_enabled(&self) -> bool {
        self.state.as_deref() == Some("Enabled")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub namespace: Option<String>,
    pub registration_state: String,
    #[serde(default)]
    pub resource_types: Vec<ProviderResourceType>,
}

impl Provider {
    pub fn is_registered(&self) -> bool {
        self.registration_state.eq_ignore_ascii_case("Registered")
    }

    pub fn is_registering(&self) -> bool {
        self.registration_state.eq_ignore_ascii_case("Registering")
    }

    /// Locations offered for a resource type (e.g. `partnerTopics`), as Azure spells them ("West Europe").
    pub fn locations_of(&self, resource_type: &str) -> Option<&[String]> {
        self.resource_types
            .iter()
            .find(|t| t.resource_type.eq_ignore_ascii_case(resource_type))
            .map(|t| t.locations.as_slice())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderResourceType {
    pub resource_type: String,
    #[serde(default)]
    pub locations: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResourceGroup {
    pub id: String,
    pub name: String,
    pub location: String,
}

/// One entry of `partnerAuthorization.authorizedPartnersList`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizedPartner {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_registration_immutable_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_name: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option",
        default
    )]
    pub authorization_expiration_time_in_utc: Option<time::OffsetDateTime>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAuthorization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_maximum_expiration_time_in_days: Option<u32>,
    #[serde(default)]
    pub authorized_partners_list: Vec<AuthorizedPartner>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerConfigurationProperties {
    #[serde(default)]
    pub partner_authorization: PartnerAuthorization,
    #[serde(skip_serializing)]
    pub provisioning_state: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub location: String,
    #[serde(default)]
    pub properties: PartnerConfigurationProperties,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VerifiedPartner {
    pub name: String,
    #[serde(default)]
    pub properties: VerifiedPartnerProperties,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedPartnerProperties {
    pub partner_registration_immutable_id: Option<String>,
    pub organization_name: Option<String>,
    pub partner_display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PartnerTopic {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    #[serde(default)]
    pub properties: PartnerTopicProperties,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerTopicProperties {
    pub partner_registration_immutable_id: Option<String>,
    pub source: Option<String>,
    pub activation_state: Option<String>,
    pub provisioning_state: Option<String>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expiration_time_if_not_activated_utc: Option<time::OffsetDateTime>,
    pub partner_topic_friendly_description: Option<String>,
    pub message_for_activation: Option<String>,
}

impl PartnerTopic {
    pub fn is_activated(&self) -> bool {
        self.properties
            .activation_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Activated"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// Returned instead of `endpointUrl`, which Azure never echoes (it may hold a key).
    #[serde(skip_serializing)]
    pub endpoint_base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_events_per_batch: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_batch_size_in_kilobytes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// WebHook, EventHub, StorageQueue, ServiceBusQueue, ServiceBusTopic, HybridConnection, AzureFunction.
    pub endpoint_type: String,
    pub properties: DestinationProperties,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvancedFilter {
    pub operator_type: String,
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSubscriptionFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advanced_filters: Vec<AdvancedFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRetryPolicy {
    pub max_delivery_attempts: u32,
    pub event_time_to_live_in_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterProperties {
    pub resource_id: String,
    pub blob_container_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterDestination {
    /// Always `StorageBlob`.
    pub endpoint_type: String,
    pub properties: DeadLetterProperties,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSubscriptionProperties {
    pub destination: Option<Destination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<EventSubscriptionFilter>,
    pub event_delivery_schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<DeliveryRetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_destination: Option<DeadLetterDestination>,
    #[serde(skip_serializing)]
    pub provisioning_state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSubscription {
    #[serde(skip_serializing)]
    pub id: Option<String>,
    #[serde(skip_serializing)]
    pub name: Option<String>,
    pub properties: EventSubscriptionProperties,
}

/// Azure Monitor metrics answer, reduced to what the health view reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Metrics {
    #[serde(default)]
    pub value: Vec<Metric>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Metric {
    pub name: MetricName,
    #[serde(default)]
    pub timeseries: Vec<TimeSeries>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MetricName {
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TimeSeries {
    /// The dimension values of a split series, e.g. `eventsubscriptionname`.
    #[serde(default)]
    pub metadatavalues: Vec<MetadataValue>,
    #[serde(default)]
    pub data: Vec<MetricValue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MetadataValue {
    pub name: MetricName,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricValue {
    pub time_stamp: String,
    pub total: Option<f64>,
    pub average: Option<f64>,
}

impl Metrics {
    /// Sum of `total` of metric `name` over every point of every series (0 when absent).
    pub fn total_of(&self, name: &str) -> f64 {
        self.value
            .iter()
            .filter(|m| m.name.value.eq_ignore_ascii_case(name))
            .map(Metric::total)
            .sum()
    }

    /// Like `total_of`, over the series of one event subscription only (Azure may upper-case the name).
    pub fn subscription_total_of(&self, name: &str, subscription: &str) -> f64 {
        self.value
            .iter()
            .filter(|m| m.name.value.eq_ignore_ascii_case(name))
            .flat_map(|m| &m.timeseries)
            .filter(|s| {
                s.metadatavalues.iter().any(|d| {
                    d.name.value.eq_ignore_ascii_case("eventsubscriptionname")
                        && d.value.eq_ignore_ascii_case(subscription)
                })
            })
            .flat_map(|s| &s.data)
            .filter_map(|p| p.total)
            .sum()
    }
}

impl Metric {
    /// Sum of `total` over every point of every series.
    pub fn total(&self) -> f64 {
        self.timeseries
            .iter()
            .flat_map(|s| &s.data)
            .filter_map(|p| p.total)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_pick_the_metric_and_the_subscription_whatever_azure_s_case() {
        let metrics: Metrics = serde_json::from_value(serde_json::json!({"value": [
            {"name": {"value": "DeliverySuccessCount"}, "timeseries": [
                {"metadatavalues": [{"name": {"value": "eventsubscriptionname"}, "value": "AUTH0-TO-WEBHOOK"}],
                 "data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 2.0}, {"timeStamp": "2026-01-01T00:01:00Z"}]},
                {"metadatavalues": [{"name": {"value": "eventsubscriptionname"}, "value": "OTHER"}],
                 "data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 5.0}]}
            ]},
            {"name": {"value": "PublishSuccessCount"}, "timeseries": [
                {"data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 3.0}]}
            ]}
        ]}))
        .unwrap();
        assert_eq!(metrics.total_of("PublishSuccessCount"), 3.0);
        assert_eq!(metrics.total_of("DeliverySuccessCount"), 7.0);
        assert_eq!(metrics.total_of("DroppedEventCount"), 0.0);
        assert_eq!(
            metrics.subscription_total_of("DeliverySuccessCount", "auth0-to-webhook"),
            2.0
        );
        assert_eq!(
            metrics.subscription_total_of("PublishSuccessCount", "auth0-to-webhook"),
            0.0
        );
    }

    #[test]
    fn event_subscription_body_matches_the_contract() {
        let sub = EventSubscription {
            id: None,
            name: None,
            properties: EventSubscriptionProperties {
                destination: Some(Destination {
                    endpoint_type: "StorageQueue".into(),
                    properties: DestinationProperties {
                        endpoint_url: None,
                        endpoint_base_url: Some("ignored".into()),
                        resource_id: Some("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a".into()),
                        queue_name: Some("q".into()),
                        max_events_per_batch: None,
                        preferred_batch_size_in_kilobytes: None,
                    },
                }),
                filter: Some(EventSubscriptionFilter {
                    advanced_filters: vec![AdvancedFilter {
                        operator_type: "StringIn".into(),
                        key: "data.type".into(),
                        values: vec!["s".into(), "f".into()],
                    }],
                }),
                event_delivery_schema: Some("CloudEventSchemaV1_0".into()),
                retry_policy: Some(DeliveryRetryPolicy {
                    max_delivery_attempts: 30,
                    event_time_to_live_in_minutes: 1440,
                }),
                dead_letter_destination: None,
                provisioning_state: Some("Succeeded".into()),
            },
        };
        assert_eq!(
            serde_json::to_value(&sub).unwrap(),
            serde_json::json!({"properties": {
                "destination": {"endpointType": "StorageQueue", "properties": {
                    "resourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
                    "queueName": "q"}},
                "filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["s", "f"]}]},
                "eventDeliverySchema": "CloudEventSchemaV1_0",
                "retryPolicy": {"maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1440}
            }})
        );
    }

    #[test]
    fn reads_a_partner_topic() {
        let topic: PartnerTopic = serde_json::from_value(serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/t",
            "name": "t", "location": "westeurope",
            "properties": {"partnerRegistrationImmutableId": "804a11ca-ce9b-4158-8e94-3c8dc7a072ec",
                "source": "acme.auth0.com", "activationState": "NeverActivated",
                "expirationTimeIfNotActivatedUtc": "2026-11-30T10:00:00Z", "provisioningState": "Succeeded"}
        }))
        .unwrap();
        assert!(!topic.is_activated());
        assert_eq!(
            topic
                .properties
                .expiration_time_if_not_activated_utc
                .unwrap()
                .unix_timestamp(),
            1_796_032_800
        );
    }
}
