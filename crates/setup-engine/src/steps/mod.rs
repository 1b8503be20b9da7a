//! The four steps a user sees. Each detects what exists (read only), plans the change, applies it and
//! verifies the result; a step whose detection finds everything in place writes nothing.

pub(crate) mod activate_topic;
pub(crate) mod create_stream;
pub(crate) mod prepare_azure;
pub(crate) mod subscribe;

use auth0_client::{Auth0Client, LogStream};
use azure_client::{AzureClient, PartnerTopic, PollSchedule};
use cloud_http::Clock;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::{ProviderRegistration, SetupEvent, SetupObserver};
use crate::inputs::SetupInputs;

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
}

impl StepStatus {
    pub(crate) fn new(step: StepId, state: StepState, summary: impl Into<String>) -> Self {
        Self {
            step,
            state,
            summary: summary.into(),
            actions: Vec::new(),
            expires_at: None,
        }
    }

    pub(crate) fn with_actions(mut self, actions: Vec<String>) -> Self {
        self.actions = actions;
        self
    }
}

/// What each step needs to reach the clouds and report.
pub(crate) struct Context<'a> {
    pub auth0: &'a Auth0Client,
    pub azure: &'a AzureClient,
    pub inputs: &'a SetupInputs,
    pub clock: &'a dyn Clock,
    pub observer: &'a dyn SetupObserver,
    /// How long and how often to look for the partner topic Auth0 creates after the stream.
    pub topic_wait: PollSchedule,
}

impl Context<'_> {
    pub fn waiting(&self, step: StepId, what: impl Into<String>) {
        self.observer.on_event(&SetupEvent::Waiting {
            step,
            what: what.into(),
            registration: None,
        });
    }

    /// Waiting for a resource provider's registration, with the state Azure reported for it.
    pub fn waiting_for_registration(
        &self,
        step: StepId,
        what: impl Into<String>,
        registration: ProviderRegistration,
    ) {
        self.observer.on_event(&SetupEvent::Waiting {
            step,
            what: what.into(),
            registration: Some(registration),
        });
    }

    pub fn applying(&self, step: StepId, action: impl Into<String>) {
        self.observer.on_event(&SetupEvent::Applying {
            step,
            action: action.into(),
        });
    }
}

/// What earlier steps found, for later ones.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    /// Auth0's partner registration immutable id (confirmed through verifiedPartners when possible).
    pub partner_id: Option<String>,
    pub stream: Option<LogStream>,
    pub topic: Option<PartnerTopic>,
}

/// A moment as people read it in a summary: `3 Dec 2026, 10:16 UTC`.
pub(crate) fn readable(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| rfc3339(at))
}

pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod readable_tests {
    #[test]
    fn a_moment_reads_as_day_month_year_and_utc_time() {
        let at = time::macros::datetime!(2026-12-03 10:16:28.944 +01:00);
        assert_eq!(super::readable(at), "3 Dec 2026, 09:16 UTC");
    }
}
