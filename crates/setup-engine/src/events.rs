//! What a run reports as it goes (step started, a write, a wait, step finished or failed), and the observer
//! a front end implements to show it. Its own module so the steps that send events and the engine that
//! drives them both import it, and neither imports the other.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::SetupError;
use crate::steps::status::{StepId, StepStatus};

/// What happens during a run, for a progress display (the CLI's stderr, the app's wizard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SetupEvent {
    StepStarted {
        step: StepId,
    },
    /// A write is being made.
    Applying {
        step: StepId,
        action: String,
    },
    /// Waiting for something to finish elsewhere.
    Waiting {
        step: StepId,
        what: String,
        /// Set while waiting for a resource provider's registration, so a front end can say which provider
        /// and what Azure last said about it.
        registration: Option<ProviderRegistration>,
    },
    StepFinished {
        status: StepStatus,
    },
    StepFailed {
        step: StepId,
        error: SetupError,
    },
}

/// A resource provider being registered on a subscription, as Azure last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProviderRegistration {
    /// The provider's namespace (`Microsoft.EventGrid`).
    pub provider: String,
    /// Azure's `registrationState` (`Registering`, `NotRegistered`, ...), as Azure spells it.
    pub state: String,
}

pub trait SetupObserver: Send + Sync {
    fn on_event(&self, event: &SetupEvent);
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl SetupObserver for Unobserved {
    fn on_event(&self, _event: &SetupEvent) {}
}
