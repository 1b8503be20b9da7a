//! Step 1's second job: the resource group that will hold Auth0's partner topic. It is created only when
//! the user allowed it (`create_resource_group`); otherwise a missing group stops the step before any write.

use azure_client::ResourceGroup;

use crate::error::{ErrorCode, FrontEnd, FrontEndRemedy, SetupError};
use crate::inputs::SetupInputs;
use crate::steps::{Context, StepId};

const STEP: StepId = StepId::PrepareAzure;

/// What the summary says when the group exists.
pub(super) fn in_place(group: Option<&ResourceGroup>) -> Option<String> {
    group.map(|g| format!("resource group {} exists in {}", g.name, g.location))
}

/// The action a run would take, if any.
pub(super) fn to_do(group: Option<&ResourceGroup>, inputs: &SetupInputs) -> Option<String> {
    let rg = &inputs.resource_group;
    match group {
        Some(_) => None,
        None if inputs.create_resource_group => {
            Some(format!("Create resource group {rg} in {}", inputs.region))
        }
        // Both front ends show this plan: how to allow it is said by each (the window's choice, the CLI's flag)
        // in the error a run would give.
        None => Some(format!(
            "Resource group {rg} does not exist: create it in the Azure portal, or let the setup create it"
        )),
    }
}

/// Refuses a missing group the user did not allow the setup to create; checked before step 1 writes
/// anything.
pub(super) fn require_group_or_permission(
    group: Option<&ResourceGroup>,
    inputs: &SetupInputs,
) -> Result<(), SetupError> {
    if group.is_some() || inputs.create_resource_group {
        return Ok(());
    }
    let mut error = SetupError::new(
        ErrorCode::ResourceGroupNotFound,
        format!(
            "The resource group {} does not exist in subscription {}.",
            inputs.resource_group, inputs.subscription_id
        ),
        FrontEndRemedy::CreateResourceGroup.words(FrontEnd::Window),
    );
    error.field = Some("resource_group".into());
    Err(error)
}

/// The group as found, or created in the chosen region.
pub(super) async fn ensure_resource_group(
    ctx: &Context<'_>,
    group: Option<ResourceGroup>,
) -> Result<ResourceGroup, SetupError> {
    if let Some(group) = group {
        return Ok(group);
    }
    let inputs = ctx.inputs;
    let rg = inputs.resource_group.as_str();
    ctx.applying(
        STEP,
        format!("Creating resource group {rg} in {}", inputs.region),
    );
    Ok(ctx
        .azure
        .create_resource_group(&inputs.subscription_id, rg, &inputs.region)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_for_a_missing_group_names_no_command_line_flag() {
        let inputs = SetupInputs {
            resource_group: "auth0-events".into(),
            ..SetupInputs::default()
        };
        let action = to_do(None, &inputs).unwrap();
        assert!(action.contains("auth0-events"), "{action}");
        assert!(!action.contains("--"), "{action}");
    }
}
