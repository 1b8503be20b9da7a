//! Log stream and log shapes, from Auth0's OpenAPI document (`CreateLogStreamEventGridRequestBody`,
//! `LogStreamEventGridResponseSchema`, `Log`). What Auth0 or another tool wrote must read: unknown fields
//! are ignored, a status this client does not know reads as `Unknown`, fields the schema does not require
//! default, and a log `date` may be a string or an object (`LogDate`).

use serde::{Deserialize, Serialize};

/// `LogStreamEventGridRegionEnum`: lowercase and case-sensitive.
pub const EVENT_GRID_REGIONS: [&str; 34] = [
    "australiacentral",
    "australiaeast",
    "australiasoutheast",
    "brazilsouth",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "southindia",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "ukwest",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
];

/// `LogStreamFilterGroupNameEnum`.
pub const EVENT_CATEGORIES: [&str; 20] = [
    "auth.login.fail",
    "auth.login.notification",
    "auth.login.success",
    "auth.logout.fail",
    "auth.logout.success",
    "auth.signup.fail",
    "auth.signup.success",
    "auth.silent_auth.fail",
    "auth.silent_auth.success",
    "auth.token_exchange.fail",
    "auth.token_exchange.success",
    "management.fail",
    "management.success",
    "scim.event",
    "system.notification",
    "user.fail",
    "user.notification",
    "user.success",
    "actions",
    "other",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogStreamStatus {
    Active,
    Paused,
    /// Auth0 disabled the stream after delivery errors ("Disabled" in the dashboard).
    Suspended,
    /// A status Auth0 added after `LogStreamStatusEnum` (active, paused, suspended); never sent.
    #[serde(skip_serializing)]
    Unknown,
}

impl<'de> Deserialize<'de> for LogStreamStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(deserializer)?.as_str() {
            "active" => Self::Active,
            "paused" => Self::Paused,
            "suspended" => Self::Suspended,
            _ => Self::Unknown,
        })
    }
}

/// `LogStreamFilter`: neither field is required by the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStreamFilter {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
}

impl LogStreamFilter {
    pub fn category(name: impl Into<String>) -> Self {
        Self {
            kind: "category".to_owned(),
            name: name.into(),
        }
    }
}

/// A stream as listed; `sink` stays loose because other stream types carry other sinks.
#[derive(Debug, Clone, Deserialize)]
pub struct LogStream {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: Option<LogStreamStatus>,
    #[serde(default)]
    pub filters: Vec<LogStreamFilter>,
    #[serde(default)]
    pub sink: serde_json::Value,
}

impl LogStream {
    /// The Event Grid sink, when this is an Event Grid stream.
    pub fn event_grid_sink(&self) -> Option<EventGridSink> {
        if self.kind != "eventgrid" {
            return None;
        }
        serde_json::from_value(self.sink.clone()).ok()
    }
}

/// `LogStreamEventGridSink` as Auth0 returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventGridSink {
    pub azure_subscription_id: String,
    pub azure_region: String,
    pub azure_resource_group: String,
    /// Filled in by Auth0; compared for equality only, never parsed.
    pub azure_partner_topic: Option<String>,
}

/// The sink of a create request. It has no partner-topic field on purpose: sending one is a 400.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEventGridSink {
    pub azure_subscription_id: String,
    pub azure_region: String,
    pub azure_resource_group: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiLogField {
    FirstName,
    LastName,
    Username,
    Email,
    Phone,
    Address,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PiiMethod {
    Mask,
    Hash,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiConfig {
    pub log_fields: Vec<PiiLogField>,
    pub method: PiiMethod,
    /// Auth0 knows one algorithm, `xxhash`, which applies to hashing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
}

/// `CreateLogStreamEventGridRequestBody`; additional properties are not allowed by Auth0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEventGridStream {
    pub name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    pub sink: NewEventGridSink,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<LogStreamFilter>,
    #[serde(rename = "isPriority", skip_serializing_if = "Option::is_none")]
    pub is_priority: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pii_config: Option<PiiConfig>,
    #[serde(rename = "startFrom", skip_serializing_if = "Option::is_none")]
    pub start_from: Option<String>,
}

impl NewEventGridStream {
    pub fn new(name: impl Into<String>, sink: NewEventGridSink) -> Self {
        Self {
            name: name.into(),
            kind: "eventgrid",
            sink,
            filters: Vec::new(),
            is_priority: None,
            pii_config: None,
            start_from: None,
        }
    }
}

/// `UpdateLogStreamRequestContent`, limited to what the setup changes. An empty `filters` means every event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LogStreamUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<LogStreamStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<LogStreamFilter>>,
}

/// A log entry; only the fields the product reads are typed.
#[derive(Debug, Clone, Deserialize)]
pub struct LogEntry {
    pub log_id: Option<String>,
    pub date: Option<LogDate>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
    pub client_id: Option<String>,
}

/// `LogDate`: "Date when the event occurred in ISO 8601 format", as a string or as an object
/// (`LogDateObject`, whose fields the schema leaves open).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum LogDate {
    Text(String),
    Object(serde_json::Map<String, serde_json::Value>),
}

impl LogDate {
    /// The ISO 8601 text, when Auth0 gave the date as a string.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Object(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_matches_the_contract() {
        let mut stream = NewEventGridStream::new(
            "to-azure",
            NewEventGridSink {
                azure_subscription_id: "00000000-0000-0000-0000-000000000001".into(),
                azure_region: "westeurope".into(),
                azure_resource_group: "rg".into(),
            },
        );
        stream.filters = vec![LogStreamFilter::category("auth.login.fail")];
        stream.pii_config = Some(PiiConfig {
            log_fields: vec![PiiLogField::Email, PiiLogField::FirstName],
            method: PiiMethod::Mask,
            algorithm: None,
        });
        let json = serde_json::to_value(&stream).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "to-azure",
                "type": "eventgrid",
                "sink": {"azureSubscriptionId": "00000000-0000-0000-0000-000000000001",
                         "azureRegion": "westeurope", "azureResourceGroup": "rg"},
                "filters": [{"type": "category", "name": "auth.login.fail"}],
                "pii_config": {"log_fields": ["email", "first_name"], "method": "mask"}
            })
        );
    }

    fn stream_json() -> serde_json::Value {
        serde_json::json!({
            "id": "lst_1", "name": "a", "type": "eventgrid", "status": "suspended",
            "filters": [{"type": "category", "name": "auth.login.fail"}],
            "sink": {"azureSubscriptionId": "s", "azureRegion": "r", "azureResourceGroup": "g",
                     "azurePartnerTopic": "auth0-logs-1"}
        })
    }

    #[test]
    fn reads_an_event_grid_stream_and_ignores_other_sinks() {
        let eg: LogStream = serde_json::from_value(stream_json()).unwrap();
        assert_eq!(eg.status, Some(LogStreamStatus::Suspended));
        assert_eq!(
            eg.event_grid_sink().unwrap().azure_partner_topic.as_deref(),
            Some("auth0-logs-1")
        );
        let http: LogStream = serde_json::from_value(serde_json::json!({
            "id": "lst_2", "name": "b", "type": "http", "sink": {"httpEndpoint": "https://x"}
        }))
        .unwrap();
        assert!(http.event_grid_sink().is_none());
    }

    #[test]
    fn what_others_wrote_reads() {
        let stream: LogStream = serde_json::from_value(serde_json::json!({
            "id": "lst_3", "name": "c", "type": "eventgrid", "status": "throttled",
            "filters": [{"type": "category"}], "isPriority": true, "startFrom": "2026-01-01T00:00:00Z",
            "sink": {"azureSubscriptionId": "s", "azureRegion": "r", "azureResourceGroup": "g", "later": 1}
        }))
        .unwrap();
        assert_eq!(stream.status, Some(LogStreamStatus::Unknown));
        assert_eq!(stream.filters[0].name, "");
        assert!(stream.event_grid_sink().is_some());
        let entry: LogEntry = serde_json::from_value(serde_json::json!({
            "log_id": "1", "type": "s", "date": {"$date": "2026-01-01T00:00:00.000Z"},
            "details": {"anything": [1, 2]}, "isMobile": false
        }))
        .unwrap();
        assert!(matches!(&entry.date, Some(LogDate::Object(o)) if o.contains_key("$date")));
        let entry: LogEntry =
            serde_json::from_value(serde_json::json!({"date": "2026-01-01T00:00:00.000Z"}))
                .unwrap();
        assert_eq!(
            entry.date.as_ref().and_then(LogDate::text),
            Some("2026-01-01T00:00:00.000Z")
        );
    }

    fn log_json() -> serde_json::Value {
        serde_json::json!({"log_id": "1", "type": "feccft", "date": "2026-01-01T00:00:00.000Z",
            "description": "Test", "client_id": "c", "details": {"$date": "x"}})
    }

    /// Every shape read from the Management API, each with the methods the engine calls on it.
    fn decode_everything(value: &serde_json::Value) {
        if let Ok(stream) = serde_json::from_value::<LogStream>(value.clone()) {
            let _ = stream.event_grid_sink();
        }
        if let Ok(streams) = serde_json::from_value::<Vec<LogStream>>(value.clone()) {
            streams.iter().for_each(|s| {
                let _ = s.event_grid_sink();
            });
        }
        if let Ok(entry) = serde_json::from_value::<LogEntry>(value.clone()) {
            let _ = entry.date.as_ref().and_then(LogDate::text);
        }
        let _ = serde_json::from_value::<Vec<LogEntry>>(value.clone());
    }

    fn fuzz_keys() -> &'static [&'static str] {
        json_fuzz::keys_of(&[stream_json(), log_json()])
    }

    proptest::proptest! {
        #![proptest_config(json_fuzz::config(256))]

        #[test]
        fn fuzz_any_answer_decodes_or_is_refused(value in json_fuzz::json(fuzz_keys(), 5)) {
            decode_everything(&value);
        }

        #[test]
        fn fuzz_changed_answers_decode_or_are_refused(
            value in proptest::prop_oneof![
                json_fuzz::mutated(stream_json(), fuzz_keys()),
                json_fuzz::mutated(log_json(), fuzz_keys()),
            ]
        ) {
            decode_everything(&value);
            decode_everything(&serde_json::Value::Array(vec![value]));
        }
    }
}
