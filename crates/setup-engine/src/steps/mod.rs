//! The four steps a user sees. Each detects what exists (read only), plans the change, applies it and
//! verifies the result; a step whose detection finds everything in place writes nothing.
//!
//! Where each part of the public article (Auth0's "Stream Logs to Azure Event Grid", with Microsoft's
//! "Integrate Azure Event Grid with Auth0" for what Auth0's leaves out) is done:
//!
//! | the article says | step | code |
//! |---|---|---|
//! | Register the Event Grid resource provider | 1 [`StepId::PrepareAzure`] | [`prepare_azure::register_provider`] |
//! | (a resource group to hold the partner topic) | 1 | [`prepare_azure::resource_group`] |
//! | *forgotten by Auth0's article:* Authorize partner to create a partner topic | 1 | [`prepare_azure::authorize_partner`] |
//! | Send events from Auth0 to Azure Event Grid (the log stream) | 2 [`StepId::CreateStream`] | [`create_stream`] |
//! | Activate your Auth0 Partner Topic in Azure | 3 [`StepId::ActivateTopic`] | [`activate_topic`] |
//! | Subscribe to your Auth0 Partner Topic (and delivery retries, dead-lettering) | 4 [`StepId::Subscribe`] | [`subscribe`] |
//!
//! [`status`] names the steps and their states; the events a run sends live in `crate::events`, so no step
//! imports the engine that drives it.

pub(crate) mod activate_topic;
pub(crate) mod create_stream;
pub(crate) mod prepare_azure;
pub(crate) mod status;
pub(crate) mod subscribe;

pub use status::{STEPS, StepId, StepState, StepStatus, TopicFacts};

use auth0_client::{Auth0Client, LogStream};
use azure_client::{AzureClient, PartnerTopic, PollSchedule};
use cloud_http::Clock;

use crate::events::{ProviderRegistration, SetupEvent, SetupObserver};
use crate::inputs::SetupInputs;

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
    /// Step 1 created the resource group in this run.
    pub resource_group_created: bool,
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
