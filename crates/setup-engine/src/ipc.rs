//! The engine's types that cross IPC, declared for TypeScript in one place so the desktop app's bindings
//! file can include them all (ts-rs `decl`, in dependency order: referenced types first).

use ts_rs::{Config, TS};

use crate::azure_cloud::AzureCloudKind;
use crate::catalog::{Catalog, EventGroup, EventGroupId, Region};
use crate::destinations::{DestinationChild, DestinationParent};
use crate::engine::{ProviderRegistration, SetupEvent, SetupReport};
use crate::error::{ErrorCode, SetupError};
use crate::health::{
    ChartPoint, Check, CheckId, CheckState, Delivery, DeliveryCounts, Fix, FixId, HealthLink,
    HealthReport,
};
use crate::inputs::{
    DeadLetterInput, DeliveryRetryInput, DestinationInput, DestinationKind, PiiInput, SetupInputs,
};
use crate::progress::SetupProgress;
use crate::steps::{StepId, StepState, StepStatus, TopicFacts};
use crate::teardown::{KeptResource, TeardownItem, TeardownKind, TeardownPlan, TeardownReport};
use crate::verify::{ArrivalStage, ArrivalState, EndpointCheck, StageReport, TestEventResult};

/// `type X = ...` declarations (without `export`) for every IPC type of the engine.
pub fn typescript_declarations(cfg: &Config) -> Vec<String> {
    vec![
        ErrorCode::decl(cfg),
        SetupError::decl(cfg),
        DestinationKind::decl(cfg),
        DestinationInput::decl(cfg),
        DestinationChild::decl(cfg),
        DestinationParent::decl(cfg),
        DeliveryRetryInput::decl(cfg),
        DeadLetterInput::decl(cfg),
        PiiInput::decl(cfg),
        SetupInputs::decl(cfg),
        StepId::decl(cfg),
        StepState::decl(cfg),
        StepStatus::decl(cfg),
        TopicFacts::decl(cfg),
        SetupReport::decl(cfg),
        ProviderRegistration::decl(cfg),
        SetupEvent::decl(cfg),
        SetupProgress::decl(cfg),
        EventGroupId::decl(cfg),
        EventGroup::decl(cfg),
        Region::decl(cfg),
        Catalog::decl(cfg),
        AzureCloudKind::decl(cfg),
        TestEventResult::decl(cfg),
        StageReport::decl(cfg),
        ArrivalStage::decl(cfg),
        ArrivalState::decl(cfg),
        EndpointCheck::decl(cfg),
        CheckState::decl(cfg),
        CheckId::decl(cfg),
        FixId::decl(cfg),
        Fix::decl(cfg),
        HealthLink::decl(cfg),
        Check::decl(cfg),
        DeliveryCounts::decl(cfg),
        ChartPoint::decl(cfg),
        Delivery::decl(cfg),
        HealthReport::decl(cfg),
        TeardownKind::decl(cfg),
        TeardownItem::decl(cfg),
        KeptResource::decl(cfg),
        TeardownPlan::decl(cfg),
        TeardownReport::decl(cfg),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_and_step_types_declare_the_shapes_the_ui_branches_on() {
        let all = typescript_declarations(&Config::new()).join("\n");
        assert!(
            all.contains(
                "type SetupError = { code: ErrorCode, message: string, remedy: string, field: string | null, correlation_id: string | null, }"
            ),
            "{all}"
        );
        assert!(all.contains("\"invalid_input\""), "{all}");
        assert!(
            all.contains(
                "\"prepare_azure\" | \"create_stream\" | \"activate_topic\" | \"subscribe\""
            ),
            "{all}"
        );
        assert!(all.contains("\"event\": \"step_failed\""), "{all}");
    }
}
