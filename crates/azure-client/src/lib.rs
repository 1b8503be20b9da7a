//! Azure Resource Manager client for the Event Grid partner-topic integration: tenants, subscriptions, the
//! `Microsoft.EventGrid` provider, resource groups, partner configurations, verified partners, partner
//! topics, their event subscriptions and metrics. Credentials are `azure_core` `TokenCredential`s, so a
//! service principal, `az login` and (later) an interactive sign-in all plug in the same way. Written from
//! the published REST contract; shares no types with the sandbox.

mod certificate;
mod client;
mod cloud;
mod credential;
mod error;
mod model;
mod poll;

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
