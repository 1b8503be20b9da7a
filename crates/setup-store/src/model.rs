//! What a saved setup is, as the front ends see it.

use serde::{Deserialize, Serialize};
use setup_engine::{AzureCloudKind, CheckId, CheckState, HealthReport, SetupInputs, StepId};
use sign_in::Mode;
use ts_rs::TS;

/// Who a setup signs in as, to be checked or fixed: references to the keychain's accounts, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupAccounts {
    /// The built-in sandbox, or the person's own clouds.
    pub mode: Mode,
    /// The Auth0 tenant's domain the Management API is reached at.
    pub auth0_domain: String,
    /// The Auth0 application (client id) signed in with; empty for a pasted Management API token.
    pub auth0_identity: String,
    /// The Management API audience, when the domain is a custom one.
    pub auth0_audience: Option<String>,
    pub azure_tenant_id: String,
    /// The Azure identity signed in with (a service principal's client id, or a person's name).
    pub azure_identity: String,
    pub azure_cloud: AzureCloudKind,
    /// Entra ID and Resource Manager addresses of a custom cloud (the sandbox); `None` for the named clouds.
    pub azure_authority_url: Option<String>,
    pub azure_management_url: Option<String>,
}

/// What the setup's runs created or found, so checks and fixes need not search for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatedResources {
    /// Steps finished and verified, in order.
    pub completed: Vec<StepId>,
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
    /// The setup created the resource group (teardown may remove it when empty).
    pub resource_group_created: bool,
}

/// Since when a check has been in its current state ("failing since 10:42").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckSince {
    pub id: CheckId,
    pub state: CheckState,
    /// RFC 3339: the first check that found it in this state, after one that did not.
    pub since: String,
}

/// One saved setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedSetup {
    #[ts(type = "number")]
    pub id: i64,
    /// Unique among saved setups; the person may rename it.
    pub name: String,
    /// What the setup asks for. A webhook URL's query (it often holds a key) is not here: it is in the
    /// keychain, and `webhook_key_in_keychain` says so.
    pub inputs: SetupInputs,
    pub webhook_key_in_keychain: bool,
    pub accounts: SetupAccounts,
    pub created: CreatedResources,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    /// The last health check, if any.
    pub last_report: Option<HealthReport>,
    /// Per check of the last report, since when it has been in its state.
    pub since: Vec<CheckSince>,
}
