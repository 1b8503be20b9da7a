//! Step 1's third job, the one the public article leaves out: Auth0 authorized as a partner in the resource
//! group, for 1–365 days, keeping every other authorized partner. Azure refuses an authorization further
//! ahead than the group's partner configuration allows (`defaultMaximumExpirationTimeInDays`, 7 when
//! absent): a smaller maximum is raised to the days asked for (a PATCH, which keeps every partner), and the
//! expiry is computed from Azure's clock (its `Date` header), a few minutes short of the limit. The
//! authorization only gates the creation of a topic, so it is skipped once Auth0's topic exists.

use std::time::Duration;

use azure_client::{
    AUTH0_PARTNER_IMMUTABLE_ID, AuthorizedPartner, PartnerAuthorization, PartnerConfiguration,
    PartnerConfigurationProperties, PartnerConfigurationUpdate,
    PartnerConfigurationUpdateProperties, PartnerTopic, VerifiedPartner,
};
use time::OffsetDateTime;

use crate::error::{ErrorCode, SetupError};
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::{self, Found};
use crate::steps::{Context, StepId, readable, rfc3339};

const STEP: StepId = StepId::PrepareAzure;

/// An authorization ending sooner than this is renewed: Auth0 may need a moment to create the topic.
const AUTHORIZATION_MARGIN: Duration = Duration::from_secs(600);

/// How far short of the configuration's limit an authorization ends: Azure's `Date` has whole seconds, and
/// the machine that checks the expiry may not be the one that dated the answer.
const AZURE_CLOCK_MARGIN: Duration = Duration::from_secs(300);

/// Auth0's partner registration id: confirmed through the verified-partner list when it can be read, the
/// published id otherwise (the list is a confirmation, not a requirement).
pub(crate) fn auth0_partner_id(verified_partners: Option<Vec<VerifiedPartner>>) -> String {
    verified_partners
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
        .unwrap_or_else(|| AUTH0_PARTNER_IMMUTABLE_ID.to_owned())
}

/// What detection found about Auth0's authorization in the group.
pub(super) struct AuthorizationFound {
    /// A run must authorize Auth0 (again).
    pub needed: bool,
    /// Auth0 is authorized beyond the renewal margin.
    authorized: bool,
    valid_until: Option<OffsetDateTime>,
    /// The longest authorization the existing configuration allows, in days.
    maximum: Option<u32>,
    /// Azure's time, as its answers carried it.
    now: OffsetDateTime,
}

/// Reads whether Auth0 must be authorized. `topic_possible` is false while the group is missing or the
/// provider unregistered: no topic can exist then, so none is looked for.
pub(super) async fn detect_authorization(
    ctx: &Context<'_>,
    partner_id: &str,
    configuration: Option<&PartnerConfiguration>,
    topic_possible: bool,
) -> Result<AuthorizationFound, SetupError> {
    // Expiry times are Azure's: compare them with its clock (the answers before this carried it).
    let now = ctx.azure.azure_now().unwrap_or_else(|| ctx.clock.now());
    let valid_until = configuration
        .and_then(|c| auth0_entry(c, partner_id))
        .and_then(|p| p.authorization_expiration_time_in_utc);
    let authorized = valid_until.is_some_and(|t| t > now + AUTHORIZATION_MARGIN);
    // Authorization only gates the creation of a topic: once Auth0's topic exists it is not needed.
    let needed = !authorized && (!topic_possible || !topic_exists(ctx, partner_id).await?);
    Ok(AuthorizationFound {
        needed,
        authorized,
        valid_until,
        maximum: configuration.map(PartnerConfiguration::maximum_authorization_days),
        now,
    })
}

impl AuthorizationFound {
    /// The actions a run would take, in order: raising the group's maximum, then authorizing.
    pub fn to_do(&self, inputs: &SetupInputs) -> Vec<String> {
        let mut actions = Vec::new();
        if !self.needed {
            return actions;
        }
        let days = inputs.authorization_days;
        if let Some(maximum) = self.maximum.filter(|m| *m < days) {
            actions.push(format!(
                "Raise the longest partner authorization the group allows from {maximum} to {days} days (other authorized partners are kept)"
            ));
        }
        actions.push(format!(
            "Authorize Auth0 as a partner in {} for {days} day(s){}",
            inputs.resource_group,
            match self.valid_until {
                Some(t) if t <= self.now =>
                    format!(" (the previous authorization expired {})", rfc3339(t)),
                _ => String::new(),
            }
        ));
        actions
    }

    /// What the summary says when no authorization is needed.
    pub fn in_place(&self) -> Option<String> {
        if self.needed {
            return None;
        }
        Some(match self.valid_until.filter(|_| self.authorized) {
            Some(t) => format!("Auth0 is authorized until {}", readable(t)),
            None => {
                "Auth0's partner topic already exists, so no authorization is needed".to_owned()
            }
        })
    }
}

/// What `authorize_partner` obtained.
pub(crate) struct Authorized {
    /// The expiry Azure lists for Auth0.
    pub until: OffsetDateTime,
    /// The group's previous maximum, when it had to be raised.
    pub raised_from: Option<u32>,
}

/// Authorizes Auth0 in the group (adding or renewing its entry, every other partner kept), raising the
/// configuration's maximum first when it allows fewer days than asked for, or creating the configuration.
pub(crate) async fn authorize_partner(
    ctx: &Context<'_>,
    partner_id: &str,
    configuration: Option<PartnerConfiguration>,
) -> Result<Authorized, SetupError> {
    let inputs = ctx.inputs;
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let days = inputs.authorization_days;
    let mut raised_from = None;
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
        raised_from = Some(maximum);
    }
    // Azure checks the expiry against its own clock, so count from the time its latest answer carried.
    let azure_now = ctx.azure.azure_now().unwrap_or_else(|| ctx.clock.now());
    let expires = azure_now + Duration::from_secs(u64::from(days) * 86_400) - AZURE_CLOCK_MARGIN;
    let entry = AuthorizedPartner {
        partner_registration_immutable_id: Some(partner_id.to_owned()),
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
    let granted = auth0_entry(&configuration, partner_id)
        .and_then(|p| p.authorization_expiration_time_in_utc)
        .filter(|t| *t > azure_now);
    let Some(until) = granted else {
        return Err(SetupError::new(
            ErrorCode::UnexpectedResponse,
            "Azure accepted the partner authorization but does not list Auth0 as authorized.",
            "Check the resource group's partner configuration in the Azure portal, then run the setup again.",
        ));
    };
    Ok(Authorized { until, raised_from })
}

pub(crate) fn auth0_entry<'a>(
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
        .and_then(activate_topic::reported_name)
    else {
        return Ok(false);
    };
    Ok(
        match activate_topic::by_name(ctx, partner_id, &name).await? {
            Found::Confirmed(topic) => still_alive(&topic, ctx.clock.now()),
            _ => false,
        },
    )
}

fn still_alive(topic: &PartnerTopic, now: OffsetDateTime) -> bool {
    topic.is_activated()
        || topic
            .properties
            .expiration_time_if_not_activated_utc
            .is_none_or(|t| t > now)
}
