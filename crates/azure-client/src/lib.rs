//! Azure Resource Manager client for the Event Grid partner-topic integration: tenants, subscriptions, the
//! `Microsoft.EventGrid` provider, resource groups, the resources a destination can be chosen from (Event Hubs,
//! storage queues, Service Bus queues and topics, functions), partner configurations, verified partners, partner
//! topics, their event subscriptions and metrics. Credentials are `azure_core` `TokenCredential`s, so a
//! service principal, `az login` and (later) an interactive sign-in all plug in the same way. Written from
//! the published REST contract; shares no types with the sandbox.

mod arm_id;
mod certificate;
mod client;
mod cloud;
mod credential;
mod destinations;
mod error;
mod model;
mod poll;

pub use arm_id::{
    ArmId, EVENT_HUB_NAMESPACES, SERVICE_BUS_NAMESPACES, STORAGE_ACCOUNTS, WEB_SITES,
};
pub use certificate::{CertificateError, ClientCertificate};
pub use client::{AUTH0_PARTNER_IMMUTABLE_ID, AzureClient};
pub use cloud::{AzureCloud, AzureEndpoints};
pub use credential::{
    ClientCertificateHttpCredential, ClientSecretHttpCredential, azure_cli_credential,
    service_principal_certificate_credential, service_principal_credential,
};
pub use error::{ArmError, AzureError};
pub use model::*;
pub use poll::{PollSchedule, poll_delay};
