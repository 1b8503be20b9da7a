//! Which steps there are, in order, and what state each is in: the vocabulary the steps, the events, the
//! progress file and validation share, kept apart so none of them imports the module that runs the steps.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    /// Provider registered, resource group present, Auth0 authorized as a partner.
    PrepareAzure,
    CreateStream,
    ActivateTopic,
    Subscribe,
}

pub const STEPS: [StepId; 4] = [
    StepId::PrepareAzure,
    StepId::CreateStream,
    StepId::ActivateTopic,
    StepId::Subscribe,
];

impl StepId {
    pub fn title(self) -> &'static str {
        match self {
            Self::PrepareAzure => "Prepare Azure",
            Self::CreateStream => "Create the Auth0 log stream",
            Self::ActivateTopic => "Activate the partner topic",
            Self::Subscribe => "Subscribe to the events",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// In place and verified.
    Done,
    /// Something to do; `actions` says what.
    ToDo,
    /// Waiting for something outside our control (Auth0 creating the partner topic).
    Waiting,
    /// An earlier step must finish first.
    Blocked,
    /// Something only the user can resolve; `summary` explains it and a run fails with the matching error.
    Attention,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepStatus {
    pub step: StepId,
    pub state: StepState,
    /// One plain sentence on what exists.
    pub summary: String,
    /// The writes a run would make, in order (empty when done).
    pub actions: Vec<String>,
    /// When the partner topic must be activated by (RFC 3339), once known.
    pub expires_at: Option<String>,
    /// Step 3: the partner topic as Azure reports it and the stream it was created for, for the person to
    /// confirm; absent for the other steps and before the stream names its topic.
    pub topic: Option<TopicFacts>,
}

/// What the person confirms before activating: only fields Azure's `PartnerTopicProperties` (EventGrid.json,
/// api-version 2025-02-15) and Auth0's log stream document, shown as they are (nobody documents their formats,
/// so nothing parses them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TopicFacts {
    /// The partner topic's name.
    pub name: String,
    /// `properties.source`: "a unique partner resource".
    pub source: Option<String>,
    /// `properties.partnerTopicFriendlyDescription`, set by the partner.
    pub friendly_description: Option<String>,
    /// `properties.messageForActivation`, set by the partner.
    pub message_for_activation: Option<String>,
    /// `properties.activationState` as Azure spells it (`NeverActivated`, `Activated`, `Deactivated`).
    pub activation_state: Option<String>,
    /// The Auth0 log stream's `name` and `id`, from the Management API.
    pub stream_name: String,
    pub stream_id: String,
}

impl StepStatus {
    pub(crate) fn new(step: StepId, state: StepState, summary: impl Into<String>) -> Self {
        Self {
            step,
            state,
            summary: summary.into(),
            actions: Vec::new(),
            expires_at: None,
            topic: None,
        }
    }

    pub(crate) fn with_actions(mut self, actions: Vec<String>) -> Self {
        self.actions = actions;
        self
    }
}
