//! Step 1's first job: the `Microsoft.EventGrid` resource provider registered on the subscription. Event
//! Grid refuses everything else until it is. Registration is asked for once, then waited for within a
//! deadline; a registration already under way is only waited for.

use azure_client::{AzureError, Provider};

use crate::error::{ErrorCode, SetupError};
use crate::events::ProviderRegistration;
use crate::steps::{Context, StepId};

const STEP: StepId = StepId::PrepareAzure;

/// What the summary says when nothing is to be done.
pub(super) fn in_place(provider: &Provider) -> Option<String> {
    provider
        .is_registered()
        .then(|| "Microsoft.EventGrid is registered".to_owned())
}

/// The action a run would take, if any.
pub(super) fn to_do(provider: &Provider, subscription: &str) -> Option<String> {
    if provider.is_registered() {
        None
    } else if provider.is_registering() {
        Some(format!(
            "Wait for Microsoft.EventGrid to finish registering on subscription {subscription}"
        ))
    } else {
        Some(format!(
            "Register the Microsoft.EventGrid resource provider on subscription {subscription}"
        ))
    }
}

/// Registers the provider (unless Azure is already registering it) and waits until it is registered.
pub(crate) async fn register_provider(
    ctx: &Context<'_>,
    subscription: &str,
    mut provider: Provider,
) -> Result<Provider, SetupError> {
    if !provider.is_registering() {
        ctx.applying(STEP, "Registering Microsoft.EventGrid");
        provider = ctx.azure.register_event_grid_provider(subscription).await?;
    }
    ctx.waiting_for_registration(
        STEP,
        "Microsoft.EventGrid registration to finish",
        ProviderRegistration {
            provider: "Microsoft.EventGrid".into(),
            state: provider.registration_state.clone(),
        },
    );
    ctx.azure
        .wait_for_registration(subscription)
        .await
        .map_err(|e| match e {
            AzureError::OperationTimedOut { waited_secs, .. } => SetupError::new(
                ErrorCode::ProviderRegistrationTimeout,
                format!("Microsoft.EventGrid was still registering after {waited_secs} s."),
                "Registration sometimes takes several minutes. Run the setup again later; it continues from here.",
            ),
            other => other.into(),
        })
}
