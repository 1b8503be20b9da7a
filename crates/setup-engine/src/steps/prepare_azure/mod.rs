//! Step 1, Prepare Azure: three jobs, one file each, in the order a run does them:
//!
//! - [`register_provider`](mod@register_provider): the `Microsoft.EventGrid` provider registered
//!   (register, then wait within a deadline);
//! - [`resource_group`](mod@resource_group): the resource group present (created on request);
//! - [`authorize_partner`](mod@authorize_partner): Auth0 authorized as a partner in the group for 1–365
//!   days, keeping any other authorized partner.
//!
//! This module reads what exists for all three at once, says what a run would do, and applies it.

pub(crate) mod authorize_partner;
pub(crate) mod register_provider;
pub(crate) mod resource_group;

use azure_client::{PartnerConfiguration, Provider, ResourceGroup};

use self::authorize_partner::{
    AuthorizationFound, auth0_partner_id, authorize_partner, detect_authorization,
};
use self::register_provider::register_provider;
use self::resource_group::{ensure_resource_group, require_group_or_permission};
use super::{Context, Facts, StepId, StepState, StepStatus, readable};
use crate::error::SetupError;

const STEP: StepId = StepId::PrepareAzure;

pub(crate) struct Detection {
    pub status: StepStatus,
    provider: Provider,
    group: Option<ResourceGroup>,
    configuration: Option<PartnerConfiguration>,
    authorization: AuthorizationFound,
}

pub(crate) async fn detect(ctx: &Context<'_>, facts: &mut Facts) -> Result<Detection, SetupError> {
    let inputs = ctx.inputs;
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let (provider, group, configuration, partners) = tokio::join!(
        ctx.azure.get_event_grid_provider(sub),
        ctx.azure.get_resource_group(sub, rg),
        ctx.azure.get_partner_configuration(sub, rg),
        ctx.azure.list_verified_partners(),
    );
    let provider = provider?;
    let group = group?;
    // Event Grid answers MissingSubscriptionRegistration until the provider is registered: nothing exists yet.
    let configuration = match configuration {
        Err(e) if e.arm_code() == Some("MissingSubscriptionRegistration") => None,
        other => other?,
    };
    let partner_id = auth0_partner_id(partners.ok());
    facts.partner_id = Some(partner_id.clone());
    let topic_possible = group.is_some() && provider.is_registered();
    let authorization =
        detect_authorization(ctx, &partner_id, configuration.as_ref(), topic_possible).await?;

    let actions: Vec<String> = [
        register_provider::to_do(&provider, sub),
        resource_group::to_do(group.as_ref(), inputs),
    ]
    .into_iter()
    .flatten()
    .chain(authorization.to_do(inputs))
    .collect();
    let in_place: Vec<String> = [
        register_provider::in_place(&provider),
        resource_group::in_place(group.as_ref()),
        authorization.in_place(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let state = if actions.is_empty() {
        StepState::Done
    } else {
        StepState::ToDo
    };
    let summary = if in_place.is_empty() {
        "Nothing is prepared yet.".to_owned()
    } else {
        capitalise(&in_place.join("; ")) + "."
    };
    Ok(Detection {
        status: StepStatus::new(STEP, state, summary).with_actions(actions),
        provider,
        group,
        configuration,
        authorization,
    })
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &mut Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    let inputs = ctx.inputs;
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    require_group_or_permission(found.group.as_ref(), inputs)?;
    let mut provider = found.provider;
    let mut configuration = found.configuration;
    if !provider.is_registered() {
        provider = register_provider(ctx, sub, provider).await?;
        // Unreadable before registration; read it now so other partners already authorized are kept.
        if found.group.is_some() {
            configuration = ctx.azure.get_partner_configuration(sub, rg).await?;
        }
    }
    let missing = found.group.is_none();
    let group = ensure_resource_group(ctx, found.group).await?;
    // Said before anything else can fail, so a teardown knows the group is the setup's own.
    facts.resource_group_created |= missing;
    let partner_id = facts
        .partner_id
        .clone()
        .unwrap_or_else(|| azure_client::AUTH0_PARTNER_IMMUTABLE_ID.to_owned());
    let authorized = if found.authorization.needed {
        Some(authorize_partner(ctx, &partner_id, configuration).await?)
    } else {
        None
    };
    let mut summary = format!(
        "Microsoft.EventGrid is {}; resource group {} is in {}",
        provider.registration_state.to_lowercase(),
        group.name,
        group.location
    );
    if let Some(authorized) = &authorized {
        summary.push_str(&format!(
            "; Auth0 is authorized until {}",
            readable(authorized.until)
        ));
    }
    if let Some(maximum) = authorized.and_then(|a| a.raised_from) {
        summary.push_str(&format!(
            " (the longest authorization the group allows was raised from {maximum} to {} days; other authorized partners were kept)",
            inputs.authorization_days
        ));
    }
    Ok(StepStatus::new(STEP, StepState::Done, summary + "."))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
