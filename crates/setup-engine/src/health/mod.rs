//! The health of a finished setup: "is it still working?". Each check reads one part of the chain (the Auth0
//! sign-in, the log stream, the provider, the partner authorization, the partner topic, the event subscription,
//! delivery) and says green, amber, red, or that it could not check and why, in one plain sentence, with the
//! time it was read and, when not green, the one fix that repairs only that part. The window's home and the
//! command line's `verify` and `fix` show these; neither decides anything itself.

mod auth0;
mod azure;
mod check;
mod delivery;
mod fixes;
mod stream;
mod subscription;
mod topic;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use check::{HealthOptions, KnownResources};

use crate::steps::rfc3339;

/// How a check (or a whole setup) stands. Ordered from best to worst, so the worst of several is `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// Working.
    Green,
    /// Working, with something to watch or do soon (an ended authorization blocks only new topics).
    Amber,
    /// Could not be checked (signed out, a cloud did not answer): the sentence says why. Worse than amber:
    /// nobody knows that it works.
    Unknown,
    /// Broken: events are not flowing, or will stop.
    Red,
}

/// The checks, in the order the chain runs (and the order they are shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The Auth0 sign-in is valid and has every scope the setup needs.
    Auth0SignIn,
    /// The Auth0 log stream: active, paused or suspended.
    LogStream,
    /// `Microsoft.EventGrid` is registered in the subscription.
    Provider,
    /// Auth0's entry in the resource group's partner configuration, and when it ends.
    PartnerAuthorization,
    /// The partner topic the stream names: exists, activated.
    PartnerTopic,
    /// The event subscription: provisioned, awaiting validation, failed.
    EventSubscription,
    /// Azure Monitor's delivery counts over the last hour and 24 hours.
    Delivery,
    /// The test event, on demand only.
    TestEvent,
}

impl CheckId {
    /// The checks a report holds, in order (the test event only when asked for).
    pub const READ: [CheckId; 7] = [
        CheckId::Auth0SignIn,
        CheckId::LogStream,
        CheckId::Provider,
        CheckId::PartnerAuthorization,
        CheckId::PartnerTopic,
        CheckId::EventSubscription,
        CheckId::Delivery,
    ];

    /// What is checked, as a heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Auth0SignIn => "Auth0 sign-in",
            Self::LogStream => "The log stream",
            Self::Provider => "The Event Grid provider",
            Self::PartnerAuthorization => "Auth0's partner authorization",
            Self::PartnerTopic => "The partner topic",
            Self::EventSubscription => "The event subscription",
            Self::Delivery => "Delivery",
            Self::TestEvent => "The test event",
        }
    }
}

/// The repairs a check can offer. Each does only what is needed, and is described before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FixId {
    /// Set a paused or suspended stream back to active.
    ResumeStream,
    /// Register `Microsoft.EventGrid` in the subscription.
    RegisterProvider,
    /// Authorize Auth0 again for the setup's number of days (other partners stay).
    RenewAuthorization,
    /// Activate the partner topic.
    ActivateTopic,
    /// The topic is gone: create the stream again, activate the new topic and subscribe to it with the
    /// setup's settings.
    RecreateStream,
    /// Delete the event subscription and create it again with the setup's settings.
    RecreateSubscription,
}

/// A fix, as offered: what it is called, what it will write, and what to look at before pressing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Fix {
    pub id: FixId,
    /// The button's label: "Resume the stream".
    pub label: String,
    /// Each write it makes, in order, in plain words ("Set the log stream \"X\" to active").
    pub actions: Vec<String>,
    /// What to check first, when pressing it blindly would only fail again (a suspended stream: the
    /// destination that refused deliveries).
    pub check_first: Option<String>,
}

/// A page the person can open for more (Auth0's Health tab has no API: the check links to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Check {
    pub id: CheckId,
    /// What is checked, as a heading: "The log stream".
    pub title: String,
    pub state: CheckState,
    /// One plain sentence on what was found (or why it could not be checked).
    pub sentence: String,
    /// When it was read (RFC 3339).
    pub read_at: String,
    /// Offered when not green and a fix exists.
    pub fix: Option<Fix>,
    pub link: Option<HealthLink>,
}

/// Event Grid's counters for the partner topic over a period (Azure Monitor metrics, summed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryCounts {
    /// PublishSuccessCount: events Auth0 published to the topic.
    #[ts(type = "number")]
    pub published: u64,
    /// MatchedEventCount: events that matched the subscription's filters.
    #[ts(type = "number")]
    pub matched: u64,
    /// DeliverySuccessCount.
    #[ts(type = "number")]
    pub delivered: u64,
    /// DeliveryAttemptFailCount.
    #[ts(type = "number")]
    pub failed: u64,
    /// DroppedEventCount.
    #[ts(type = "number")]
    pub dropped: u64,
    /// DeadLetteredCount.
    #[ts(type = "number")]
    pub dead_lettered: u64,
}

/// One hour of the 24 h chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChartPoint {
    /// The hour's start (RFC 3339).
    pub at: String,
    #[ts(type = "number")]
    pub delivered: u64,
    #[ts(type = "number")]
    pub failed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Delivery {
    pub last_hour: DeliveryCounts,
    pub last_day: DeliveryCounts,
    /// The start of the last minute in which an event was delivered, within the last 24 hours (RFC 3339).
    pub last_delivered_at: Option<String>,
    /// 24 points, oldest first: delivered and failed per hour.
    pub chart: Vec<ChartPoint>,
}

/// Every check of one setup, read now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthReport {
    /// The worst state of the checks.
    pub overall: CheckState,
    /// When the checks started (RFC 3339).
    pub checked_at: String,
    pub checks: Vec<Check>,
    /// The delivery counts, when the topic could be read.
    pub delivery: Option<Delivery>,
    /// What was found on the way (the ids a saved setup remembers).
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
}

impl HealthReport {
    /// The worst state of `checks` (green when there is none).
    pub fn overall_of(checks: &[Check]) -> CheckState {
        checks
            .iter()
            .map(|c| c.state)
            .max()
            .unwrap_or(CheckState::Green)
    }

    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The report of a setup whose account is signed out: every check could not be read, and says so.
    pub fn needs_sign_in(account: &str, at: time::OffsetDateTime) -> HealthReport {
        let at = rfc3339(at);
        let checks: Vec<Check> = CheckId::READ
            .into_iter()
            .map(|id| {
                Check::new(
                    id,
                    CheckState::Unknown,
                    format!("Sign in to {account} to check it"),
                    &at,
                )
            })
            .collect();
        HealthReport {
            overall: HealthReport::overall_of(&checks),
            checked_at: at,
            checks,
            delivery: None,
            stream_id: None,
            partner_topic: None,
        }
    }
}

impl Check {
    pub(crate) fn new(
        id: CheckId,
        state: CheckState,
        sentence: impl Into<String>,
        read_at: &str,
    ) -> Self {
        Self {
            id,
            title: id.title().to_owned(),
            state,
            sentence: sentence.into(),
            read_at: read_at.to_owned(),
            fix: None,
            link: None,
        }
    }

    /// Could not be read: `why` is the cloud's own words.
    pub(crate) fn unknown(id: CheckId, why: impl std::fmt::Display, read_at: &str) -> Self {
        Self::new(
            id,
            CheckState::Unknown,
            format!("Could not check: {why}"),
            read_at,
        )
    }

    pub(crate) fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub(crate) fn with_link(mut self, link: Option<HealthLink>) -> Self {
        self.link = link;
        self
    }
}

impl Fix {
    pub(crate) fn new(id: FixId, label: &str, actions: Vec<String>) -> Self {
        Self {
            id,
            label: label.to_owned(),
            actions,
            check_first: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_out_setup_is_unknown_on_every_check_and_names_the_account() {
        let at = time::macros::datetime!(2026-12-04 10:42 UTC);
        let report = HealthReport::needs_sign_in("ops@contoso.com", at);
        assert_eq!(report.overall, CheckState::Unknown);
        assert_eq!(report.checks.len(), CheckId::READ.len());
        for check in &report.checks {
            assert_eq!(check.state, CheckState::Unknown);
            assert_eq!(check.sentence, "Sign in to ops@contoso.com to check it");
            assert!(check.fix.is_none());
        }
        assert_eq!(report.checked_at, "2026-12-04T10:42:00Z");
    }

    #[test]
    fn the_worst_state_wins_and_unknown_is_worse_than_amber() {
        let check = |state| Check {
            id: CheckId::Delivery,
            title: String::new(),
            state,
            sentence: String::new(),
            read_at: String::new(),
            fix: None,
            link: None,
        };
        assert_eq!(HealthReport::overall_of(&[]), CheckState::Green);
        assert_eq!(
            HealthReport::overall_of(&[check(CheckState::Green), check(CheckState::Amber)]),
            CheckState::Amber
        );
        assert_eq!(
            HealthReport::overall_of(&[check(CheckState::Unknown), check(CheckState::Amber)]),
            CheckState::Unknown
        );
        assert_eq!(
            HealthReport::overall_of(&[check(CheckState::Unknown), check(CheckState::Red)]),
            CheckState::Red
        );
    }
}
