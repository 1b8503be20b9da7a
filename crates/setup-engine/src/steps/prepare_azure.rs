//! Step 1, Prepare Azure: the `Microsoft.EventGrid` provider registered (register, then wait within a
//! deadline), the resource group present (created on request), and Auth0 authorized as a partner in the
//! group for 1–365 days while keeping any other authorized partner. Azure refuses an authorization further
//! ahead than the group's partner configuration allows (`defaultMaximumExpirationTimeInDays`, 7 when
//! absent): a smaller maximum is raised to the days asked for (a PATCH, which keeps every partner), and
//! the expiry is computed from Azure's clock (its `Date` header), a few minutes short of the limit.

use std::time::Duration;

use azure_client::{
    AUTH0_PARTNER_IMMUTABLE_ID, AuthorizedPartner, PartnerAuthorization, PartnerConfiguration,
    PartnerConfigurationProperties, PartnerConfigurationUpdate,
    PartnerConfigurationUpdateProperties, Provider, ResourceGroup,
};
use time::OffsetDateTime;

use super::{Context, Facts, StepId, StepState, StepStatus, readable, rfc3339};
use crate::engine::ProviderRegistration;
use crate::error::{ErrorCode, FrontEnd, FrontEndRemedy, SetupError};

const STEP: StepId = StepId::PrepareAzure;

/// An authorization ending sooner than this is renewed: Auth0 may need a moment to create the topic.
const AUTHORIZATION_MARGIN: Duration = Duration::from_secs(600);

/// How far short of the configuration's limit an authorization ends: Azure's `Date` has whole seconds, and
/// the machine that checks the expiry may not be the one that dated the answer.
const AZURE_CLOCK_MARGIN: Duration = Duration::from_secs(300);

pub(crate) struct Detection {
    pub status: StepStatus,
    provider: Provider,
    group: Option<ResourceGroup>,
    configuration: Option<PartnerConfiguration>,
    authorization_needed: bool,
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
    // The published id is the fallback: the verified-partner list is a confirmation, not a requirement.
    let partner_id = partners
        .ok()
        .and_then(|list| {
            list.into_iter().find(|p| {
                let names = [
                    Some(&p.name),
                    p.properties.partner_display_name.as_ref(),
                    p.properties.organization_name.as_ref(),
                ];
                names
                    .into_iter()
                    .flatten()
                    .any(|n| n.eq_ignore_ascii_case("Auth0"))
            })
        })
        .and_then(|p| p.properties.partner_registration_immutable_id)
        .unwrap_or_else(|| AUTH0_PARTNER_IMMUTABLE_ID.to_owned());
    facts.partner_id = Some(partner_id.clone());

    // Expiry times are Azure's: compare them with its clock (the answers above carried it).
    let now = ctx.azure.azure_now().unwrap_or_else(|| ctx.clock.now());
    let current = configuration
        .as_ref()
        .and_then(|c| auth0_entry(c, &partner_id));
    let valid_until = current.and_then(|p| p.authorization_expiration_time_in_utc);
    let authorized = valid_until.is_some_and(|t| t > now + AUTHORIZATION_MARGIN);
    // Authorization only gates the creation of a topic: once Auth0's topic exists it is not needed.
    let authorization_needed = !authorized
        && (group.is_none()
            || !provider.is_registered()
            || !topic_exists(ctx, &partner_id).await?);

    let mut actions = Vec::new();
    let mut facts_said = Vec::new();
    if provider.is_registered() {
        facts_said.push("Microsoft.EventGrid is registered".to_owned());
    } else if provider.is_registering() {
        actions.push(format!(
            "Wait for Microsoft.EventGrid to finish registering on subscription {sub}"
        ));
    } else {
        actions.push(format!(
            "Register the Microsoft.EventGrid resource provider on subscription {sub}"
        ));
    }
    match &group {
        Some(g) => facts_said.push(format!("resource group {} exists in {}", g.name, g.location)),
        None if inputs.create_resource_group => {
            actions.push(format!("Create resource group {rg} in {}", inputs.region));
        }
        None => actions.push(format!(
            "Resource group {rg} does not exist: create it, or allow the setup to (--create-resource-group)"
        )),
    }
    let maximum = configuration
        .as_ref()
        .map(PartnerConfiguration::maximum_authorization_days);
    if let Some(maximum) =
        maximum.filter(|m| authorization_needed && *m < inputs.authorization_days)
    {
        actions.push(format!(
            "Raise the longest partner authorization the group allows from {maximum} to {} days (other authorized partners are kept)",
            inputs.authorization_days
        ));
    }
    if authorization_needed {
        actions.push(format!(
            "Authorize Auth0 as a partner in {rg} for {} day(s){}",
            inputs.authorization_days,
            match valid_until {
                Some(t) if t <= now =>
                    format!(" (the previous authorization expired {})", rfc3339(t)),
                _ => String::new(),
            }
        ));
    } else if let Some(t) = valid_until.filter(|_| authorized) {
        facts_said.push(format!("Auth0 is authorized until {}", readable(t)));
    } else {
        facts_said
            .push("Auth0's partner topic already exists, so no authorization is needed".to_owned());
    }
    let state = if actions.is_empty() {
        StepState::Done
    } else {
        StepState::ToDo
    };
    let summary = if facts_said.is_empty() {
        "Nothing is prepared yet.".to_owned()
    } else {
        capitalise(&facts_said.join("; ")) + "."
    };
    Ok(Detection {
        status: StepStatus::new(STEP, state, summary).with_actions(actions),
        provider,
        group,
        configuration,
        authorization_needed,
    })
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    let inputs = ctx.inputs;
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    if found.group.is_none() && !inputs.create_resource_group {
        let mut error = SetupError::new(
            ErrorCode::ResourceGroupNotFound,
            format!("The resource group {rg} does not exist in subscription {sub}."),
            FrontEndRemedy::CreateResourceGroup.words(FrontEnd::Window),
        );
        error.field = Some("resource_group".into());
        return Err(error);
    }
    let mut provider = found.provider;
    let mut configuration = found.configuration;
    if !provider.is_registered() {
        if !provider.is_registering() {
            ctx.applying(STEP, "Registering Microsoft.EventGrid");
            provider = ctx.azure.register_event_grid_provider(sub).await?;
        }
        ctx.waiting_for_registration(
            STEP,
            "Microsoft.EventGrid registration to finish",
            ProviderRegistration {
                provider: "Microsoft.EventGrid".into(),
                state: provider.registration_state.clone(),
            },
        );
        provider = ctx.azure.wait_for_registration(sub).await.map_err(|e| match e {
            azure_client::AzureError::OperationTimedOut { waited_secs, .. } => SetupError::new(
                ErrorCode::ProviderRegistrationTimeout,
                format!("Microsoft.EventGrid was still registering after {waited_secs} s."),
                "Registration sometimes takes several minutes. Run the setup again later; it continues from here.",
            ),
            other => other.into(),
        })?;
        // Unreadable before registration; read it now so other partners already authorized are kept.
        if found.group.is_some() {
            configuration = ctx.azure.get_partner_configuration(sub, rg).await?;
        }
    }
    let group = match found.group {
        Some(g) => g,
        None => {
            ctx.applying(
                STEP,
                format!("Creating resource group {rg} in {}", inputs.region),
            );
            ctx.azure
                .create_resource_group(sub, rg, &inputs.region)
                .await?
        }
    };
    let partner_id = facts
        .partner_id
        .clone()
        .unwrap_or_else(|| AUTH0_PARTNER_IMMUTABLE_ID.to_owned());
    let mut until = None;
    let mut raised = None;
    if found.authorization_needed {
        let days = inputs.authorization_days;
        // A configuration made earlier (by another partner's setup, the portal) may allow fewer days than
        // asked for: raise its maximum, as the user asked for that many days. The PATCH body has no
        // partner list, so every other authorized partner is kept.
        if let Some(maximum) = configuration
            .as_ref()
            .map(PartnerConfiguration::maximum_authorization_days)
            .filter(|m| *m < days)
        {
            ctx.applying(
                STEP,
                format!(
                    "Raising the longest partner authorization {rg} allows from {maximum} to {days} days (other authorized partners are kept)"
                ),
            );
            let update = PartnerConfigurationUpdate {
                properties: PartnerConfigurationUpdateProperties {
                    default_maximum_expiration_time_in_days: Some(days),
                },
            };
            ctx.azure
                .update_partner_configuration(sub, rg, &update)
                .await?;
            raised = Some(maximum);
        }
        // Azure checks the expiry against its own clock, so count from the time its latest answer carried.
        let azure_now = ctx.azure.azure_now().unwrap_or_else(|| ctx.clock.now());
        let expires =
            azure_now + Duration::from_secs(u64::from(days) * 86_400) - AZURE_CLOCK_MARGIN;
        let entry = AuthorizedPartner {
            partner_registration_immutable_id: Some(partner_id.clone()),
            partner_name: Some("Auth0".into()),
            authorization_expiration_time_in_utc: Some(expires),
        };
        ctx.applying(
            STEP,
            format!("Authorizing Auth0 in {rg} until {}", rfc3339(expires)),
        );
        let configuration = match configuration {
            // authorizePartner adds or renews one entry and keeps every other partner.
            Some(_) => ctx.azure.authorize_partner(sub, rg, &entry).await?,
            None => {
                // A new configuration allows exactly the days asked for.
                let body = PartnerConfiguration {
                    id: None,
                    location: "global".into(),
                    properties: PartnerConfigurationProperties {
                        partner_authorization: PartnerAuthorization {
                            default_maximum_expiration_time_in_days: Some(days),
                            authorized_partners_list: vec![entry],
                        },
                        provisioning_state: None,
                    },
                };
                ctx.azure.put_partner_configuration(sub, rg, &body).await?
            }
        };
        let granted = auth0_entry(&configuration, &partner_id)
            .and_then(|p| p.authorization_expiration_time_in_utc);
        if granted.is_none_or(|t| t <= azure_now) {
            return Err(SetupError::new(
                ErrorCode::UnexpectedResponse,
                "Azure accepted the partner authorization but does not list Auth0 as authorized.",
                "Check the resource group's partner configuration in the Azure portal, then run the setup again.",
            ));
        }
        until = granted;
    }
    let mut summary = format!(
        "Microsoft.EventGrid is {}; resource group {} is in {}",
        provider.registration_state.to_lowercase(),
        group.name,
        group.location
    );
    if let Some(t) = until {
        summary.push_str(&format!("; Auth0 is authorized until {}", readable(t)));
    }
    if let Some(maximum) = raised {
        summary.push_str(&format!(
            " (the longest authorization the group allows was raised from {maximum} to {} days; other authorized partners were kept)",
            inputs.authorization_days
        ));
    }
    Ok(StepStatus::new(STEP, StepState::Done, summary + "."))
}

fn auth0_entry<'a>(
    configuration: &'a PartnerConfiguration,
    partner_id: &str,
) -> Option<&'a AuthorizedPartner> {
    configuration
        .properties
        .partner_authorization
        .authorized_partners_list
        .iter()
        .find(|p| {
            p.partner_registration_immutable_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(partner_id))
        })
}

/// Whether Auth0's topic for the stream already exists, identified as step 3 does: by the name the stream
/// reports (step 1 runs before the stream may exist; with no stream, or no name yet, there is no topic to
/// rely on and Auth0 is authorized, which is harmless). Auth0 being unreachable here means the same.
async fn topic_exists(ctx: &Context<'_>, partner_id: &str) -> Result<bool, SetupError> {
    let stream_name = ctx.inputs.stream_name.as_str();
    if stream_name.trim().is_empty() {
        return Ok(false);
    }
    let streams = match ctx.auth0.list_log_streams().await {
        Ok(streams) => streams,
        Err(error) => {
            tracing::debug!(%error, "log streams unreadable in step 1; authorizing Auth0");
            return Ok(false);
        }
    };
    let Some(name) = streams
        .iter()
        .find(|s| s.name == stream_name)
        .and_then(super::activate_topic::reported_name)
    else {
        return Ok(false);
    };
    Ok(
        match super::activate_topic::by_name(ctx, partner_id, &name).await? {
            super::activate_topic::Found::Confirmed(topic) => still_alive(&topic, ctx.clock.now()),
            _ => false,
        },
    )
}

fn still_alive(topic: &azure_client::PartnerTopic, now: OffsetDateTime) -> bool {
    topic.is_activated()
        || topic
            .properties
            .expiration_time_if_not_activated_utc
            .is_none_or(|t| t > now)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
