//! What the user asks for: one flat, serializable record that the wizard's form, the CLI flags and a
//! `--config` file all fill in. It holds no secret (credentials travel separately). The JSON Schema of the
//! setup document is derived from these types (`JsonSchema`), so their doc comments are its descriptions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The schema refuses unknown keys (`deny_unknown_fields` for schemars only), as `SetupDocument::from_value`
/// does; serde still takes them silently where the inputs travel inside the app (the store, IPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SetupInputs {
    /// The Auth0 tenant's domain (`acme.eu.auth0.com` or a custom domain).
    pub auth0_domain: String,
    pub stream_name: String,
    pub subscription_id: String,
    pub resource_group: String,
    /// Azure region of the partner topic, from Auth0's list (also where a new resource group goes).
    pub region: String,
    #[serde(default)]
    pub create_resource_group: bool,
    /// How long Auth0 stays authorized to create a partner topic in the group, 1 to 365 days.
    #[serde(default = "default_authorization_days")]
    #[schemars(range(min = 1, max = 365))]
    pub authorization_days: u32,
    /// Auth0 event categories to stream; empty means every event.
    #[serde(default)]
    pub event_categories: Vec<String>,
    #[serde(default)]
    /// Personal fields Auth0 masks or hashes before it sends a log; all masked by default, none when the
    /// person turns it off.
    pub pii: Option<PiiInput>,
    /// ISO-8601 instant to stream logs from.
    #[serde(default)]
    pub start_from: Option<String>,
    pub destination: DestinationInput,
    pub event_subscription_name: String,
    /// Auth0 log codes (`data.type`) to deliver; empty means all.
    #[serde(default)]
    pub log_codes: Vec<String>,
    #[serde(default)]
    pub retry: DeliveryRetryInput,
    #[serde(default)]
    pub dead_letter: Option<DeadLetterInput>,
}

pub fn default_authorization_days() -> u32 {
    7
}

/// The defaults of a new setup (the window's form starts from these; the CLI fills what no flag gives with
/// them). The tenant and the subscription are the user's to give, so they start empty.
impl Default for SetupInputs {
    fn default() -> Self {
        Self {
            auth0_domain: String::new(),
            stream_name: "Azure Event Grid".into(),
            subscription_id: String::new(),
            resource_group: "auth0-events".into(),
            region: "westeurope".into(),
            create_resource_group: true,
            authorization_days: default_authorization_days(),
            event_categories: Vec::new(),
            // Personal data is masked unless the person turns it off: every field Auth0 can mask.
            pii: Some(PiiInput {
                log_fields: crate::catalog::PII_LOG_FIELDS
                    .iter()
                    .map(|&f| f.to_owned())
                    .collect(),
                method: "mask".into(),
            }),
            start_from: None,
            destination: DestinationInput::default(),
            event_subscription_name: "auth0-logs".into(),
            log_codes: Vec::new(),
            retry: DeliveryRetryInput::default(),
            dead_letter: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DestinationKind {
    #[default]
    Webhook,
    Eventhub,
    Storagequeue,
    Servicebusqueue,
    Servicebustopic,
    Azurefunction,
}

impl DestinationKind {
    /// Event Grid's `endpointType`.
    pub fn endpoint_type(self) -> &'static str {
        match self {
            Self::Webhook => "WebHook",
            Self::Eventhub => "EventHub",
            Self::Storagequeue => "StorageQueue",
            Self::Servicebusqueue => "ServiceBusQueue",
            Self::Servicebustopic => "ServiceBusTopic",
            Self::Azurefunction => "AzureFunction",
        }
    }
}

/// The default is a webhook whose address is still to be given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DestinationInput {
    pub kind: DestinationKind,
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Azure resource id of the Event Hub, storage account, Service Bus queue or topic, or function.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Storage queue name (StorageQueue only).
    #[serde(default)]
    pub queue_name: Option<String>,
    #[serde(default)]
    #[schemars(range(min = 1, max = 5000))]
    pub max_events_per_batch: Option<u32>,
    #[serde(default)]
    #[schemars(range(min = 1, max = 1024))]
    pub preferred_batch_size_in_kilobytes: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DeliveryRetryInput {
    #[schemars(range(min = 1, max = 30))]
    pub max_delivery_attempts: u32,
    #[schemars(range(min = 1, max = 1440))]
    pub event_time_to_live_in_minutes: u32,
}

impl Default for DeliveryRetryInput {
    fn default() -> Self {
        Self {
            max_delivery_attempts: 30,
            event_time_to_live_in_minutes: 1440,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DeadLetterInput {
    /// Resource id of the storage account that receives undeliverable events.
    pub storage_account_id: String,
    pub container_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PiiInput {
    /// first_name, last_name, username, email, phone, address.
    pub log_fields: Vec<String>,
    /// mask or hash.
    pub method: String,
}
