//! Reading every check of one setup, and applying one fix.

use crate::engine::{Engine, SetupObserver};
use crate::error::SetupError;
use crate::health::{FixId, HealthReport};
use crate::inputs::SetupInputs;
use crate::verify::ArrivalWait;

/// What a saved setup (or the progress file) already knows, so the checks need not search for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownResources {
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
}

/// What a health check does beyond reading.
#[derive(Debug, Clone, Default)]
pub struct HealthOptions {
    /// Send the test event and follow it, with these limits (the `TestEvent` check); `None` leaves it out.
    pub test_event: Option<ArrivalWait>,
}

impl Engine {
    /// Every check of the setup, read now. Bad inputs are refused before anything is sent (`invalid_input`);
    /// after that nothing fails: a check that could not be read is `unknown`, saying why.
    pub async fn check_health(
        &self,
        inputs: &SetupInputs,
        known: &KnownResources,
        options: &HealthOptions,
    ) -> Result<HealthReport, SetupError> {
        let _ = (inputs, known, options);
        todo!("issue 12: the checks")
    }

    /// Applies one fix, only what it needs, reporting each write to `observer`, then checks again.
    pub async fn apply_fix(
        &self,
        inputs: &SetupInputs,
        known: &KnownResources,
        fix: FixId,
        observer: &dyn SetupObserver,
    ) -> Result<HealthReport, SetupError> {
        let _ = (inputs, known, fix, observer);
        todo!("issue 12: the fixes")
    }
}
