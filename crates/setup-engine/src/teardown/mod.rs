//! Undoing a setup as carefully as it was done: the plan names every resource the setup created that would be
//! removed, in reverse order (the event subscription, the log stream, which ends Auth0's partner topic, the topic
//! if it remains, Auth0's entry in the partner configuration, the resource group only when the setup created it
//! and it is empty), and every one it leaves alone with why (not the setup's, changed since, still used). Nothing
//! is deleted before the person confirmed that plan; a teardown re-reads each resource before deleting it, so an
//! interrupted one resumes and a second one writes nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::Engine;
use crate::error::SetupError;
use crate::health::KnownResources;
use crate::inputs::SetupInputs;

/// The kinds of resource a setup creates, in the order a teardown removes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TeardownKind {
    EventSubscription,
    LogStream,
    PartnerTopic,
    PartnerAuthorization,
    ResourceGroup,
}

/// One resource the teardown would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownItem {
    pub kind: TeardownKind,
    /// Its name as the portals show it.
    pub name: String,
    /// Its id (an Azure resource id, an Auth0 stream id).
    pub id: String,
    /// What the teardown will do, in plain words ("Delete the event subscription auth0-logs").
    pub action: String,
}

/// One resource the teardown leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptResource {
    pub kind: TeardownKind,
    pub name: String,
    pub reason: String,
}

/// What a teardown would do, read now; shown and confirmed before anything is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownPlan {
    /// In the order they are removed.
    pub remove: Vec<TeardownItem>,
    pub keep: Vec<KeptResource>,
}

/// What a teardown did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownReport {
    pub removed: Vec<TeardownItem>,
    pub kept: Vec<KeptResource>,
}

/// What the saved setup knows beyond its inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeardownScope {
    pub known: KnownResources,
    /// The setup's run created the resource group (only then may it be removed, and only when empty).
    pub resource_group_created: bool,
}

impl Engine {
    /// What a teardown would remove and keep. Read only.
    pub async fn plan_teardown(
        &self,
        inputs: &SetupInputs,
        scope: &TeardownScope,
    ) -> Result<TeardownPlan, SetupError> {
        let _ = (inputs, scope);
        todo!("issue 13: the teardown plan")
    }

    /// Removes what `confirmed` lists, in its order, re-reading each resource first: one that is gone is
    /// skipped, one that changed since the plan is kept and named. Each Azure delete waits for its
    /// long-running operation.
    pub async fn teardown(
        &self,
        inputs: &SetupInputs,
        scope: &TeardownScope,
        confirmed: &TeardownPlan,
    ) -> Result<TeardownReport, SetupError> {
        let _ = (inputs, scope, confirmed);
        todo!("issue 13: the teardown")
    }
}
