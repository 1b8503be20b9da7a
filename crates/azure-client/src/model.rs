//! Resource Manager shapes, from the REST specification (Event Grid api-version 2025-02-15, Resources
//! 2025-04-01, Subscriptions 2022-12-01, Monitor 2023-10-01; for the destination lists Event Hubs 2024-01-01,
//! Storage 2024-01-01, Service Bus 2021-11-01, App Service 2024-04-01). What others wrote must read: unknown fields
//! are ignored, enums Azure models as strings stay strings, fields the specification does not require
//! default when absent, and an advanced filter with an operator or operand shape this client does not use
//! still decodes.

use std::collections::BTreeMap;

use cloud_http::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Number;

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
    /// Absent when the group has none.
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
}

/// One entry of `Resources_ListByResourceGroup` (`GenericResourceExpanded`): what is in a group.
#[derive(Debug, Clone, Deserialize)]
pub struct GroupResource {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `Microsoft.EventGrid/partnerTopics`, …
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// An Event Hubs namespace (`EHNamespace`), a storage account (`StorageAccount`) or a Service Bus namespace
/// (`SBNamespace`): tracked resources, listed per subscription.
#[derive(Debug, Clone, Deserialize)]
pub struct TrackedResource {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
}

/// An event hub (`Eventhub`), a storage queue (`ListQueue`), a Service Bus queue (`SBQueue`) or topic
/// (`SBTopic`): listed per parent, its `id` the parent's followed by the collection and the name.
#[derive(Debug, Clone, Deserialize)]
pub struct ChildResource {
    pub id: String,
    pub name: String,
}

/// A web app (`Site`); `kind` tells a function app (`functionapp`, `functionapp,linux`, …) from the others.
#[derive(Debug, Clone, Deserialize)]
pub struct Site {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

impl Site {
    pub fn is_function_app(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.to_ascii_lowercase().contains("functionapp"))
    }
}

/// A function of a function app (`FunctionEnvelope`). Its `name` may carry the app's (`{app}/{function}`);
/// [`FunctionEnvelope::function_name`] is the function's own, the last segment of its `id`.
#[derive(Debug, Clone, Deserialize)]
pub struct FunctionEnvelope {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

impl FunctionEnvelope {
    pub fn function_name(&self) -> &str {
        self.id.rsplit('/').next().unwrap_or(&self.id)
    }
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
    /// Always `global` when sent; the specification does not require it in an answer.
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub properties: PartnerConfigurationProperties,
}

/// The configuration's default maximum when `defaultMaximumExpirationTimeInDays` is absent (EventGrid.json
/// 2025-02-15, `PartnerAuthorization`).
pub const DEFAULT_MAXIMUM_AUTHORIZATION_DAYS: u32 = 7;

impl PartnerConfiguration {
    /// How far ahead a partner may be authorized, in days: the configuration's maximum, 7 when absent.
    pub fn maximum_authorization_days(&self) -> u32 {
        self.properties
            .partner_authorization
            .default_maximum_expiration_time_in_days
            .unwrap_or(DEFAULT_MAXIMUM_AUTHORIZATION_DAYS)
    }
}

/// The body of `PartnerConfigurations_Update` (PATCH, `PartnerConfigurationUpdateParameters`): it carries
/// no partner list, so every authorized partner is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PartnerConfigurationUpdate {
    pub properties: PartnerConfigurationUpdateProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerConfigurationUpdateProperties {
    /// 1 to 365.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_maximum_expiration_time_in_days: Option<u32>,
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
    /// Absent when the topic has none (Auth0 creates it without).
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// WebHook, EventHub, StorageQueue, ServiceBusQueue, ServiceBusTopic, HybridConnection, AzureFunction
    /// (and whatever else Azure adds: it is a string).
    pub endpoint_type: String,
    #[serde(default)]
    pub properties: DestinationProperties,
}

/// One of `filter.advancedFilters`. EventGrid.json's `AdvancedFilter` is discriminated by `operatorType`,
/// which decides the operand: strings (`values`), numbers (`values`), number ranges (`values` of pairs), a
/// number or a boolean (`value`), or nothing (`IsNullOrUndefined`, `IsNotNull`). An operator this client
/// does not know decodes as [`AdvancedFilter::Unknown`], so a subscription made in the portal or by another
/// tool never breaks a read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operatorType")]
pub enum AdvancedFilter {
    StringIn(StringValues),
    StringNotIn(StringValues),
    StringBeginsWith(StringValues),
    StringNotBeginsWith(StringValues),
    StringEndsWith(StringValues),
    StringNotEndsWith(StringValues),
    StringContains(StringValues),
    StringNotContains(StringValues),
    NumberIn(NumberValues),
    NumberNotIn(NumberValues),
    NumberInRange(NumberRanges),
    NumberNotInRange(NumberRanges),
    NumberLessThan(NumberValue),
    NumberGreaterThan(NumberValue),
    NumberLessThanOrEquals(NumberValue),
    NumberGreaterThanOrEquals(NumberValue),
    BoolEquals(BoolValue),
    IsNullOrUndefined(KeyOnly),
    IsNotNull(KeyOnly),
    /// An operator added after api-version 2025-02-15; never sent.
    #[serde(other, skip_serializing)]
    Unknown,
}

impl AdvancedFilter {
    /// `StringIn` on `key`: the only filter the setup writes (`data.type` in the chosen log codes).
    pub fn string_in(key: impl Into<String>, values: Vec<String>) -> Self {
        Self::StringIn(StringValues {
            key: key.into(),
            values,
        })
    }

    /// The event field filtered on (`data.type`, `subject`, ...), when the operator is known.
    pub fn key(&self) -> Option<&str> {
        let key = match self {
            Self::StringIn(f)
            | Self::StringNotIn(f)
            | Self::StringBeginsWith(f)
            | Self::StringNotBeginsWith(f)
            | Self::StringEndsWith(f)
            | Self::StringNotEndsWith(f)
            | Self::StringContains(f)
            | Self::StringNotContains(f) => &f.key,
            Self::NumberIn(f) | Self::NumberNotIn(f) => &f.key,
            Self::NumberInRange(f) | Self::NumberNotInRange(f) => &f.key,
            Self::NumberLessThan(f)
            | Self::NumberGreaterThan(f)
            | Self::NumberLessThanOrEquals(f)
            | Self::NumberGreaterThanOrEquals(f) => &f.key,
            Self::BoolEquals(f) => &f.key,
            Self::IsNullOrUndefined(f) | Self::IsNotNull(f) => &f.key,
            Self::Unknown => return None,
        };
        Some(key)
    }
}

/// The operand of the string operators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StringValues {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// The operand of `NumberIn` / `NumberNotIn` (doubles).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberValues {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub values: Vec<Number>,
}

/// The operand of `NumberInRange` / `NumberNotInRange`: `[low, high]` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRanges {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub values: Vec<Vec<Number>>,
}

/// The operand of the number comparisons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberValue {
    #[serde(default)]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Number>,
}

/// The operand of `BoolEquals`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoolValue {
    #[serde(default)]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<bool>,
}

/// `IsNullOrUndefined` / `IsNotNull` test the key alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyOnly {
    #[serde(default)]
    pub key: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSubscriptionFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advanced_filters: Vec<AdvancedFilter>,
}

/// `RetryPolicy`; the specification's defaults fill in what an answer leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRetryPolicy {
    #[serde(default = "default_attempts")]
    pub max_delivery_attempts: u32,
    #[serde(default = "default_time_to_live")]
    pub event_time_to_live_in_minutes: u32,
}

fn default_attempts() -> u32 {
    30
}

fn default_time_to_live() -> u32 {
    1440
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterProperties {
    #[serde(default)]
    pub resource_id: String,
    #[serde(default)]
    pub blob_container_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterDestination {
    /// `StorageBlob` (the only kind in 2025-02-15).
    pub endpoint_type: String,
    #[serde(default)]
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
    /// Creating, Updating, Deleting, Succeeded, Canceled, Failed, AwaitingManualAction (a string: Azure may
    /// add values).
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

/// The provisioning state of an event subscription whose WebHook has not yet agreed to receive events
/// (the validation handshake): only the endpoint's owner can end it.
pub const AWAITING_MANUAL_ACTION: &str = "AwaitingManualAction";

impl EventSubscription {
    /// Azure is waiting for the destination to answer the validation handshake.
    pub fn is_awaiting_manual_action(&self) -> bool {
        self.properties
            .provisioning_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(AWAITING_MANUAL_ACTION))
    }
}

/// One entry of `getDeliveryAttributes` (`DeliveryAttributeMapping`): a header Event Grid adds to each
/// delivery, `Static` (a fixed value, possibly secret) or `Dynamic` (copied from an event field).
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveryAttribute {
    #[serde(default)]
    pub name: String,
    /// `Static` or `Dynamic`.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub properties: DeliveryAttributeProperties,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttributeProperties {
    /// A static header's value (it may be a key: kept as a `Secret` whether or not Azure flags it).
    #[serde(default, deserialize_with = "optional_secret")]
    pub value: Option<Secret>,
    #[serde(default)]
    pub is_secret: bool,
    /// The event field a dynamic header is copied from.
    pub source_field: Option<String>,
}

fn optional_secret<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Secret>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|v| v.map(Secret::new))
}

/// A list read item by item: what decoded, and what did not (never fatal for the page).
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<Unreadable>,
}

/// An item of a list answer that did not decode: where it was and why (its `id` or `name` when present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub id: Option<String>,
    pub error: String,
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

    fn topic_json() -> serde_json::Value {
        serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/t",
            "name": "t", "location": "westeurope",
            "properties": {"partnerRegistrationImmutableId": "804a11ca-ce9b-4158-8e94-3c8dc7a072ec",
                "source": "acme.auth0.com", "activationState": "NeverActivated",
                "expirationTimeIfNotActivatedUtc": "2026-11-30T10:00:00Z", "provisioningState": "Succeeded"}
        })
    }

    /// Every operand shape of EventGrid.json's AdvancedFilter, an operator from a later api-version,
    /// states and endpoint types this client does not use, and fields it does not know.
    fn subscription_json() -> serde_json::Value {
        serde_json::json!({
            "id": "/x/eventSubscriptions/portal", "name": "portal", "systemData": {"createdBy": "someone"},
            "properties": {
                "provisioningState": "SomethingNew", "labels": ["made-in-portal"],
                "destination": {"endpointType": "PartnerDestination", "properties": {"resourceId": "/x", "extra": 1}},
                "filter": {"enableAdvancedFilteringOnArrays": true, "advancedFilters": [
                    {"operatorType": "NumberIn", "key": "data.details.code", "values": [1, 2.5]},
                    {"operatorType": "NumberNotIn", "key": "data.n", "values": [3]},
                    {"operatorType": "NumberInRange", "key": "data.n", "values": [[1, 10], [20.5, 30]]},
                    {"operatorType": "NumberNotInRange", "key": "data.n", "values": [[0, 1]]},
                    {"operatorType": "NumberGreaterThan", "key": "data.n", "value": 5},
                    {"operatorType": "NumberLessThanOrEquals", "key": "data.n", "value": 5.5},
                    {"operatorType": "BoolEquals", "key": "data.isMobile", "value": false},
                    {"operatorType": "IsNotNull", "key": "data.user_id"},
                    {"operatorType": "IsNullOrUndefined", "key": "data.connection"},
                    {"operatorType": "StringNotContains", "key": "subject", "values": ["test"]},
                    {"operatorType": "StringMatchesRegex", "key": "data.type", "values": ["^s$"]}
                ]},
                "retryPolicy": {"maxDeliveryAttempts": 10},
                "eventDeliverySchema": "CloudEventSchemaV1_0"
            }
        })
    }

    fn metrics_json() -> serde_json::Value {
        serde_json::json!({"value": [
            {"name": {"value": "DeliverySuccessCount"}, "timeseries": [
                {"metadatavalues": [{"name": {"value": "eventsubscriptionname"}, "value": "AUTH0-TO-WEBHOOK"}],
                 "data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 2.0}, {"timeStamp": "2026-01-01T00:01:00Z"}]},
                {"metadatavalues": [{"name": {"value": "eventsubscriptionname"}, "value": "OTHER"}],
                 "data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 5.0}]}
            ]},
            {"name": {"value": "PublishSuccessCount"}, "timeseries": [
                {"data": [{"timeStamp": "2026-01-01T00:00:00Z", "total": 3.0}]}
            ]}
        ]})
    }

    #[test]
    fn totals_pick_the_metric_and_the_subscription_whatever_azure_s_case() {
        let metrics: Metrics = serde_json::from_value(metrics_json()).unwrap();
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
                    advanced_filters: vec![AdvancedFilter::string_in(
                        "data.type",
                        vec!["s".into(), "f".into()],
                    )],
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
        let topic: PartnerTopic = serde_json::from_value(topic_json()).unwrap();
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

    #[test]
    fn a_subscription_made_elsewhere_reads_whatever_its_filters_and_states() {
        let sub: EventSubscription = serde_json::from_value(subscription_json()).unwrap();
        let filters = &sub.properties.filter.as_ref().unwrap().advanced_filters;
        assert_eq!(filters.len(), 11);
        assert!(matches!(&filters[0], AdvancedFilter::NumberIn(f) if f.values.len() == 2));
        assert!(matches!(&filters[2], AdvancedFilter::NumberInRange(f) if f.values[1].len() == 2));
        assert!(matches!(&filters[6], AdvancedFilter::BoolEquals(f) if f.value == Some(false)));
        assert_eq!(filters[7].key(), Some("data.user_id"));
        assert_eq!(filters[10], AdvancedFilter::Unknown);
        assert_eq!(filters[10].key(), None);
        assert_eq!(
            sub.properties
                .retry_policy
                .unwrap()
                .event_time_to_live_in_minutes,
            1440,
            "the specification's default fills in"
        );
        assert!(!sub.is_awaiting_manual_action());
    }

    #[test]
    fn a_partner_configuration_without_a_maximum_allows_seven_days() {
        let config: PartnerConfiguration = serde_json::from_value(serde_json::json!({
            "properties": {"partnerAuthorization": {"authorizedPartnersList": []}}
        }))
        .unwrap();
        assert_eq!(config.maximum_authorization_days(), 7);
        let update = PartnerConfigurationUpdate {
            properties: PartnerConfigurationUpdateProperties {
                default_maximum_expiration_time_in_days: Some(30),
            },
        };
        assert_eq!(
            serde_json::to_value(update).unwrap(),
            serde_json::json!({"properties": {"defaultMaximumExpirationTimeInDays": 30}})
        );
    }

    /// Every shape this client reads, each with the methods the engine calls on it.
    fn decode_everything(value: &serde_json::Value) {
        fn read<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
            serde_json::from_value(value.clone()).ok()
        }
        if let Some(page) = read::<Page<serde_json::Value>>(value) {
            for item in &page.value {
                let _ = read::<EventSubscription>(item);
            }
        }
        if let Some(topic) = read::<PartnerTopic>(value) {
            topic.is_activated();
        }
        if let Some(sub) = read::<EventSubscription>(value) {
            sub.is_awaiting_manual_action();
            for filter in sub
                .properties
                .filter
                .iter()
                .flat_map(|f| &f.advanced_filters)
            {
                filter.key();
            }
            // A filter this client does not know cannot be sent back: that is an error, never a panic.
            let _ = serde_json::to_value(&sub.properties);
        }
        if let Some(config) = read::<PartnerConfiguration>(value) {
            config.maximum_authorization_days();
            serde_json::to_value(&config).unwrap();
        }
        if let Some(provider) = read::<Provider>(value) {
            provider.is_registered();
            provider.is_registering();
            provider.locations_of("partnerTopics");
        }
        if let Some(metrics) = read::<Metrics>(value) {
            metrics.total_of("DeliverySuccessCount");
            metrics.subscription_total_of("DeliverySuccessCount", "auth0-to-webhook");
            metrics.value.iter().for_each(|m| {
                m.total();
            });
        }
        if let Some(subscription) = read::<Subscription>(value) {
            subscription.is_enabled();
        }
        let _ = read::<Tenant>(value);
        let _ = read::<ResourceGroup>(value);
        let _ = read::<GroupResource>(value);
        let _ = read::<VerifiedPartner>(value);
        let _ = read::<DeliveryAttribute>(value);
    }

    fn fuzz_keys() -> &'static [&'static str] {
        json_fuzz::keys_of(&[
            topic_json(),
            subscription_json(),
            metrics_json(),
            serde_json::json!({"value": [], "nextLink": "", "registrationState": "", "resourceTypes": [
                {"resourceType": "partnerTopics", "locations": []}], "partnerAuthorization": {
                "defaultMaximumExpirationTimeInDays": 7, "authorizedPartnersList": [{
                "partnerRegistrationImmutableId": "", "partnerName": "", "authorizationExpirationTimeInUtc": ""}]},
                "subscriptionId": "", "displayName": "", "state": "", "tenantId": "", "type": "", "isSecret": true,
                "sourceField": "", "endpointUrl": "", "endpointBaseUrl": "", "queueName": "", "maxEventsPerBatch": 1,
                "preferredBatchSizeInKilobytes": 1, "deadLetterDestination": {}, "blobContainerName": "",
                "eventTimeToLiveInMinutes": 1, "includedEventTypes": [], "total": 1.0, "timeStamp": ""}),
        ])
    }

    proptest::proptest! {
        #![proptest_config(json_fuzz::config(256))]

        #[test]
        fn fuzz_any_document_decodes_or_is_refused(value in json_fuzz::json(fuzz_keys(), 5)) {
            decode_everything(&value);
        }

        #[test]
        fn fuzz_changed_answers_decode_or_are_refused(
            value in proptest::prop_oneof![
                json_fuzz::mutated(topic_json(), fuzz_keys()),
                json_fuzz::mutated(subscription_json(), fuzz_keys()),
                json_fuzz::mutated(metrics_json(), fuzz_keys()),
            ]
        ) {
            decode_everything(&value);
            decode_everything(&serde_json::json!({"value": [value], "nextLink": null}));
        }
    }
}
