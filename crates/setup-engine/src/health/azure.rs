//! The Azure side of the subscription: the `Microsoft.EventGrid` provider registered (red with the fix that
//! registers it otherwise), and Auth0's entry in the resource group's partner configuration. Rules for the
//! authorization: valid for more than 24 hours is green; ending within 24 hours, ended, or absent is amber,
//! never red, because it only gates the creation of a new partner topic (the current one keeps working);
//! the fix authorizes Auth0 again for the setup's number of days.

use std::time::Duration;

use azure_client::{AzureClient, PartnerConfiguration, Provider};
use cloud_http::Clock;
use time::OffsetDateTime;

use super::{Check, CheckId, CheckState, Fix, FixId};
use crate::error::SetupError;
use crate::inputs::SetupInputs;
use crate::steps::prepare_azure::authorize_partner::{auth0_entry, auth0_partner_id};
use crate::steps::readable;

/// An authorization ending sooner than this is amber.
const ENDING_SOON: Duration = Duration::from_secs(24 * 3600);

pub(super) struct AzureReads {
    pub provider: Result<Provider, String>,
    pub configuration: Result<Option<PartnerConfiguration>, String>,
    pub partner_id: String,
    /// Azure's time, as its answers carried it (expiry times are compared with it).
    pub azure_now: OffsetDateTime,
}

pub(super) async fn read(
    azure: &AzureClient,
    inputs: &SetupInputs,
    clock: &dyn Clock,
) -> AzureReads {
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let (provider, configuration, partners) = tokio::join!(
        azure.get_event_grid_provider(sub),
        azure.get_partner_configuration(sub, rg),
        azure.list_verified_partners(),
    );
    let configuration = match configuration {
        // Event Grid answers this until the provider is registered: whether Auth0 is authorized is not known.
        Err(e) if e.arm_code() == Some("MissingSubscriptionRegistration") => Err(
            "Microsoft.EventGrid is not registered on the subscription, so Azure does not show the partner \
             configuration"
                .to_owned(),
        ),
        other => other.map_err(|e| SetupError::from(e).message),
    };
    AzureReads {
        provider: provider.map_err(|e| SetupError::from(e).message),
        configuration,
        partner_id: auth0_partner_id(partners.ok()),
        azure_now: azure.azure_now().unwrap_or_else(|| clock.now()),
    }
}

pub(super) fn provider(reads: &AzureReads, inputs: &SetupInputs, at: &str) -> Check {
    const ID: CheckId = CheckId::Provider;
    let provider = match &reads.provider {
        Err(why) => return Check::unknown(ID, why, at),
        Ok(provider) => provider,
    };
    let sub = &inputs.subscription_id;
    if provider.is_registered() {
        return Check::new(
            ID,
            CheckState::Green,
            format!("Microsoft.EventGrid is registered on subscription {sub}."),
            at,
        );
    }
    let fix = Fix::new(
        FixId::RegisterProvider,
        "Register Event Grid",
        vec![format!(
            "Register the Microsoft.EventGrid resource provider on subscription {sub}"
        )],
    );
    let (state, sentence) = if provider.is_registering() {
        (
            CheckState::Amber,
            format!("Microsoft.EventGrid is still registering on subscription {sub}."),
        )
    } else {
        (
            CheckState::Red,
            format!(
                "Microsoft.EventGrid is {} on subscription {sub}: Event Grid refuses every request until it is \
                 registered.",
                provider.registration_state.to_lowercase()
            ),
        )
    };
    Check::new(ID, state, sentence, at).with_fix(fix)
}

pub(super) fn authorization(reads: &AzureReads, inputs: &SetupInputs, at: &str) -> Check {
    const ID: CheckId = CheckId::PartnerAuthorization;
    let configuration = match &reads.configuration {
        Err(why) => return Check::unknown(ID, why, at),
        Ok(configuration) => configuration.as_ref(),
    };
    let rg = &inputs.resource_group;
    let now = reads.azure_now;
    let until = configuration
        .and_then(|c| auth0_entry(c, &reads.partner_id))
        .and_then(|p| p.authorization_expiration_time_in_utc);
    let only_new = "This only blocks new partner topics: the current one keeps working, but re-creating the \
                    stream would fail.";
    let sentence = match until {
        Some(until) if until > now + ENDING_SOON => {
            return Check::new(
                ID,
                CheckState::Green,
                format!(
                    "Auth0 is authorized as a partner in {rg} until {}.",
                    readable(until)
                ),
                at,
            );
        }
        Some(until) if until > now => format!(
            "Auth0's partner authorization in {rg} ends {} (within 24 hours). {only_new}",
            readable(until)
        ),
        Some(until) => format!(
            "Auth0's partner authorization in {rg} ended {}. {only_new}",
            readable(until)
        ),
        None => format!("Auth0 is not authorized as a partner in {rg}. {only_new}"),
    };
    Check::new(ID, CheckState::Amber, sentence, at).with_fix(renew(configuration, inputs))
}

fn renew(configuration: Option<&PartnerConfiguration>, inputs: &SetupInputs) -> Fix {
    let days = inputs.authorization_days;
    let rg = &inputs.resource_group;
    let mut actions = Vec::new();
    if let Some(maximum) = configuration
        .map(PartnerConfiguration::maximum_authorization_days)
        .filter(|m| *m < days)
    {
        actions.push(format!(
            "Raise the longest partner authorization {rg} allows from {maximum} to {days} days (other authorized \
             partners are kept)"
        ));
    }
    actions.push(format!(
        "Authorize Auth0 as a partner in {rg} for {days} day(s) (other authorized partners are kept)"
    ));
    Fix::new(
        FixId::RenewAuthorization,
        "Renew the authorization",
        actions,
    )
}
