//! Event Grid's partner side: partner configurations (authorizing Auth0 in a resource group, with expiry
//! held to the configuration's maximum, which a PATCH raises), verified partners, partner topics (created
//! only by the Auth0 side; list, get, activate, deactivate, delete; NeverActivated topics vanish after their
//! expiration time) and partner-topic event subscriptions (long-running PUT and DELETE followed through
//! `Azure-AsyncOperation` or `Location`, CloudEvents schema required, WebHook handshake that may leave a
//! subscription `AwaitingManualAction`, getFullUrl, getDeliveryAttributes).

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::arm::{Ctx, EVENTGRID_API, group_scope, json};
use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::config::SandboxConfig;
use crate::http_util::arm_error;
use crate::state::{
    AUTH0_PARTNER_ID, AuthorizedPartner, EventSubscription, LogStream, Operation,
    PartnerConfiguration, PartnerTopic, World,
};
use crate::tokens::random_guid;

const DAY_MS: i64 = 86_400_000;

fn not_found(kind: &str, name: &str, rg: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!(
            "The Resource 'Microsoft.EventGrid/{kind}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}

fn bad_request(message: &str) -> Response {
    arm_error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn method_not_allowed(ctx: &Ctx) -> Response {
    arm_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!(
            "The requested method '{}' is not allowed on this resource.",
            ctx.method
        ),
    )
}

pub fn verified_partners(ctx: &Ctx, name: Option<&str>) -> Result<Response, Response> {
    ctx.api_version(EVENTGRID_API, "verifiedPartners")?;
    let partners = [
        (
            "Auth0",
            AUTH0_PARTNER_ID,
            "Auth0",
            "Auth0 log streams deliver tenant logs as CloudEvents.",
        ),
        (
            "SAP",
            "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1",
            "SAP",
            "SAP S/4HANA business events.",
        ),
    ];
    let as_json = |(name, id, org, description): (&str, &str, &str, &str)| {
        json!({
            "id": format!("/providers/Microsoft.EventGrid/verifiedPartners/{name}"),
            "name": name,
            "type": "Microsoft.EventGrid/verifiedPartners",
            "properties": {
                "partnerRegistrationImmutableId": id,
                "organizationName": org,
                "partnerDisplayName": org,
                "partnerTopicDetails": {"description": description, "longDescription": description,
                    "setupUri": "https://marketplace.auth0.com/integrations/azure-log-streaming"},
                "provisioningState": "Succeeded",
            },
        })
    };
    match name {
        None => Ok(json(
            StatusCode::OK,
            json!({"value": partners.into_iter().map(as_json).collect::<Vec<_>>()}),
        )),
        Some(name) => partners
            .into_iter()
            .find(|p| p.0.eq_ignore_ascii_case(name))
            .map(|p| json(StatusCode::OK, as_json(p)))
            .ok_or_else(|| {
                arm_error(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    &format!("The verified partner '{name}' was not found."),
                )
            }),
    }
}

/// Event Grid needs the provider registered and the group to exist.
fn preconditions(ctx: &Ctx, sub: &str, rg: &str) -> Result<(), Response> {
    let world = ctx.shared.world();
    let registered = world
        .subscription(sub)
        .is_some_and(|s| s.event_grid.state == "Registered");
    if !registered {
        return Err(arm_error(
            StatusCode::CONFLICT,
            "MissingSubscriptionRegistration",
            "The subscription is not registered to use namespace 'Microsoft.EventGrid'. See https://aka.ms/rps-not-found for how to register subscriptions.",
        ));
    }
    if world.resource_group(sub, rg).is_none() {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            &format!("Resource group '{rg}' could not be found."),
        ));
    }
    Ok(())
}

/// Routes `.../resourceGroups/{rg}/providers/Microsoft.EventGrid/{tail}`.
pub fn route(ctx: &Ctx, sub: &str, rg: &str, tail: &[&str]) -> Result<Response, Response> {
    let original = |i: usize| ctx.seg(6 + i).to_owned();
    if let [
        "partnertopics",
        _,
        "providers",
        "microsoft.insights",
        "metrics",
    ] = tail
    {
        return super::arm::metrics_route(ctx, sub, rg, &original(1));
    }
    ctx.api_version(EVENTGRID_API, "partnerTopics")?;
    preconditions(ctx, sub, rg)?;
    match tail {
        ["partnerconfigurations"] => list_configurations(ctx, sub, rg),
        ["partnerconfigurations", "default"] => configuration(ctx, sub, rg),
        [
            "partnerconfigurations",
            "default",
            action @ ("authorizepartner" | "unauthorizepartner"),
        ] => change_authorization(ctx, sub, rg, *action == "authorizepartner"),
        ["partnertopics"] => list_topics(ctx, sub, Some(rg)),
        ["partnertopics", _] => topic(ctx, sub, rg, &original(1)),
        ["partnertopics", _, action @ ("activate" | "deactivate")] => {
            set_activation(ctx, sub, rg, &original(1), *action == "activate")
        }
        ["partnertopics", _, "eventsubscriptions"] => {
            list_event_subscriptions(ctx, sub, rg, &original(1))
        }
        ["partnertopics", _, "eventsubscriptions", _] => {
            event_subscription(ctx, sub, rg, &original(1), &original(3))
        }
        ["partnertopics", _, "eventsubscriptions", _, "getfullurl"] => {
            full_url(ctx, sub, rg, &original(1), &original(3))
        }
        [
            "partnertopics",
            _,
            "eventsubscriptions",
            _,
            "getdeliveryattributes",
        ] => delivery_attributes(ctx, sub, rg, &original(1), &original(3)),
        _ => Err(arm_error(
            StatusCode::NOT_FOUND,
            "NoRegisteredProviderFound",
            &format!(
                "No registered resource provider found for path '/{}'.",
                ctx.segments.join("/")
            ),
        )),
    }
}

// ---- partner configurations ----

fn configuration_json(config: &PartnerConfiguration) -> Value {
    let partners: Vec<Value> = config
        .authorized
        .iter()
        .map(|p| {
            json!({
                "partnerRegistrationImmutableId": p.partner_registration_immutable_id,
                "partnerName": p.partner_name,
                "authorizationExpirationTimeInUtc": rfc3339_ms(p.expires_ms),
            })
        })
        .collect();
    let mut body = json!({
        "id": format!("{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
            group_scope(&config.subscription_id, &config.resource_group)),
        "name": "default",
        "type": "Microsoft.EventGrid/partnerConfigurations",
        "location": "global",
        "properties": {
            "provisioningState": "Succeeded",
            "partnerAuthorization": {
                "defaultMaximumExpirationTimeInDays": config.default_maximum_expiration_days,
                "authorizedPartnersList": partners,
            },
        },
    });
    if !config.tags.is_null() {
        body["tags"] = config.tags.clone();
    }
    body
}

fn find_configuration<'w>(
    world: &'w mut World,
    sub: &str,
    rg: &str,
) -> Option<&'w mut PartnerConfiguration> {
    world.azure.partner_configurations.iter_mut().find(|c| {
        c.subscription_id.eq_ignore_ascii_case(sub) && c.resource_group.eq_ignore_ascii_case(rg)
    })
}

fn list_configurations(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let mut world = ctx.shared.world();
    let value: Vec<Value> = find_configuration(&mut world, sub, rg)
        .map(|c| vec![configuration_json(c)])
        .unwrap_or_default();
    Ok(json(StatusCode::OK, json!({"value": value})))
}

/// Reads one authorized partner entry, applying the expiry rules (1 to 365 days ahead, default from the
/// configuration).
fn parse_partner(
    entry: &Value,
    now: i64,
    default_days: u32,
) -> Result<AuthorizedPartner, Response> {
    let id = entry["partnerRegistrationImmutableId"]
        .as_str()
        .unwrap_or("");
    let name = entry["partnerName"].as_str().unwrap_or("");
    if id.is_empty() && name.is_empty() {
        return Err(bad_request(
            "Either partnerRegistrationImmutableId or partnerName must be specified for an authorized partner.",
        ));
    }
    if !id.is_empty() && !crate::tokens::is_guid(id) {
        return Err(bad_request(&format!(
            "partnerRegistrationImmutableId '{id}' is not a valid GUID."
        )));
    }
    let expires_ms = match entry["authorizationExpirationTimeInUtc"].as_str() {
        Some(text) => parse_rfc3339_ms(text).ok_or_else(|| {
            bad_request(&format!(
                "authorizationExpirationTimeInUtc '{text}' is not a valid ISO 8601 date-time."
            ))
        })?,
        None => now + default_days as i64 * DAY_MS,
    };
    if expires_ms <= now {
        return Err(bad_request(
            "authorizationExpirationTimeInUtc must be in the future.",
        ));
    }
    if expires_ms > now + 365 * DAY_MS + 60_000 {
        return Err(bad_request(
            "authorizationExpirationTimeInUtc cannot be more than 365 days in the future.",
        ));
    }
    // EventGrid.json (Partner.authorizationExpirationTimeInUtc): "the allowed values are between 1 to the
    // value of defaultMaximumExpirationTimeInDays specified in PartnerConfiguration", measured on Azure's
    // clock (the `Date` of its answers).
    if expires_ms > now + default_days as i64 * DAY_MS {
        return Err(bad_request(&format!(
            "authorizationExpirationTimeInUtc '{}' is more than {default_days} day(s) from now ({}): the partner configuration's defaultMaximumExpirationTimeInDays is {default_days}. Raise it (PATCH the partner configuration) or choose an earlier time.",
            rfc3339_ms(expires_ms),
            rfc3339_ms(now)
        )));
    }
    let (id, name) = match (id, name) {
        ("", n) if n.eq_ignore_ascii_case("Auth0") => {
            (AUTH0_PARTNER_ID.to_owned(), "Auth0".to_owned())
        }
        (i, "") if i.eq_ignore_ascii_case(AUTH0_PARTNER_ID) => {
            (AUTH0_PARTNER_ID.to_owned(), "Auth0".to_owned())
        }
        (i, n) => (i.to_ascii_lowercase(), n.to_owned()),
    };
    Ok(AuthorizedPartner {
        partner_registration_immutable_id: id,
        partner_name: name,
        expires_ms,
    })
}

fn configuration(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let scope = format!(
        "{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
        group_scope(sub, rg)
    );
    match ctx.method {
        Method::GET => {
            let mut world = ctx.shared.world();
            match find_configuration(&mut world, sub, rg) {
                Some(c) => Ok(json(StatusCode::OK, configuration_json(c))),
                None => Err(not_found("partnerConfigurations", "default", rg)),
            }
        }
        Method::PUT => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/write", &scope)?;
            let body = ctx.json_body()?;
            let location = body["location"].as_str().unwrap_or("");
            if !location.eq_ignore_ascii_case("global") {
                return Err(bad_request(&format!(
                    "The location '{location}' is not valid for a partner configuration; it must be 'global'."
                )));
            }
            let authorization = &body["properties"]["partnerAuthorization"];
            let days = authorization["defaultMaximumExpirationTimeInDays"]
                .as_u64()
                .unwrap_or(7);
            if !(1..=365).contains(&days) {
                return Err(bad_request(
                    "defaultMaximumExpirationTimeInDays must be between 1 and 365.",
                ));
            }
            let now = ctx.shared.clock.now_ms();
            let mut partners = Vec::new();
            for entry in authorization["authorizedPartnersList"]
                .as_array()
                .into_iter()
                .flatten()
            {
                partners.push(parse_partner(entry, now, days as u32)?);
            }
            let mut world = ctx.shared.world();
            let tags = body.get("tags").cloned().unwrap_or(Value::Null);
            let (status, config) = match find_configuration(&mut world, sub, rg) {
                Some(existing) => {
                    existing.default_maximum_expiration_days = days as u32;
                    existing.authorized = partners;
                    existing.tags = tags;
                    (StatusCode::OK, existing.clone())
                }
                None => {
                    let config = PartnerConfiguration {
                        subscription_id: sub.to_owned(),
                        resource_group: canonical_group(&world, sub, rg),
                        default_maximum_expiration_days: days as u32,
                        authorized: partners,
                        tags,
                    };
                    world.azure.partner_configurations.push(config.clone());
                    (StatusCode::CREATED, config)
                }
            };
            Ok(json(status, configuration_json(&config)))
        }
        Method::PATCH => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/write", &scope)?;
            update_configuration(ctx, sub, rg)
        }
        Method::DELETE => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/delete", &scope)?;
            let mut world = ctx.shared.world();
            let before = world.azure.partner_configurations.len();
            world.azure.partner_configurations.retain(|c| {
                !(c.subscription_id.eq_ignore_ascii_case(sub)
                    && c.resource_group.eq_ignore_ascii_case(rg))
            });
            Ok(if before == world.azure.partner_configurations.len() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                StatusCode::OK.into_response()
            })
        }
        _ => Ok(method_not_allowed(ctx)),
    }
}

/// `PartnerConfigurations_Update`: `PartnerConfigurationUpdateParameters` carries `tags` and
/// `properties.defaultMaximumExpirationTimeInDays` only, so the authorized partners are kept as they are.
/// Answered synchronously (200), which the operation's responses allow.
fn update_configuration(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let body = ctx.json_body()?;
    let days = &body["properties"]["defaultMaximumExpirationTimeInDays"];
    let days = match days {
        Value::Null => None,
        value => match value.as_u64().filter(|d| (1..=365).contains(d)) {
            Some(d) => Some(d as u32),
            None => {
                return Err(bad_request(
                    "defaultMaximumExpirationTimeInDays must be between 1 and 365.",
                ));
            }
        },
    };
    let mut world = ctx.shared.world();
    let Some(config) = find_configuration(&mut world, sub, rg) else {
        return Err(not_found("partnerConfigurations", "default", rg));
    };
    if let Some(days) = days {
        config.default_maximum_expiration_days = days;
    }
    if let Some(tags) = body.get("tags").filter(|t| !t.is_null()) {
        config.tags = tags.clone();
    }
    Ok(json(StatusCode::OK, configuration_json(config)))
}

fn canonical_group(world: &World, sub: &str, rg: &str) -> String {
    world
        .resource_group(sub, rg)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| rg.to_owned())
}

fn change_authorization(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    authorize: bool,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    let verb = if authorize {
        "authorizePartner"
    } else {
        "unauthorizePartner"
    };
    ctx.require_write(
        &format!("Microsoft.EventGrid/partnerConfigurations/{verb}/action"),
        &format!(
            "{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
            group_scope(sub, rg)
        ),
    )?;
    let body = ctx.json_body()?;
    let now = ctx.shared.clock.now_ms();
    let mut world = ctx.shared.world();
    if find_configuration(&mut world, sub, rg).is_none() {
        if !authorize {
            return Err(not_found("partnerConfigurations", "default", rg));
        }
        let resource_group = canonical_group(&world, sub, rg);
        world
            .azure
            .partner_configurations
            .push(PartnerConfiguration {
                subscription_id: sub.to_owned(),
                resource_group,
                default_maximum_expiration_days: 7,
                authorized: Vec::new(),
                tags: Value::Null,
            });
    }
    let config = find_configuration(&mut world, sub, rg).expect("just ensured");
    let partner = parse_partner(&body, now, config.default_maximum_expiration_days)?;
    config.authorized.retain(|p| {
        !p.partner_registration_immutable_id
            .eq_ignore_ascii_case(&partner.partner_registration_immutable_id)
    });
    if authorize {
        config.authorized.push(partner);
    }
    Ok(json(StatusCode::OK, configuration_json(config)))
}

// ---- partner topics ----

fn topic_json(topic: &PartnerTopic) -> Value {
    let mut body = json!({
        "id": topic.arm_id(),
        "name": topic.name,
        "type": "Microsoft.EventGrid/partnerTopics",
        "location": topic.location,
        "properties": {
            "source": topic.source,
            "eventTypeInfo": {"kind": "Inline", "inlineEventTypes": {}},
            "expirationTimeIfNotActivatedUtc": rfc3339_ms(topic.expires_ms),
            "provisioningState": "Succeeded",
            "activationState": topic.activation_state,
            "partnerTopicFriendlyDescription": topic.description,
            "messageForActivation": "Activate this partner topic to start receiving Auth0 log events.",
        },
    });
    // Optional in Azure's schema (PartnerTopicProperties) and absent from Azure's own examples.
    if let Some(id) = &topic.partner_registration_immutable_id {
        body["properties"]["partnerRegistrationImmutableId"] = json!(id);
    }
    body
}

/// The `source` of a partner topic Auth0 creates. Event Grid documents it only as "a unique partner
/// resource" and Auth0 documents no format, so the sandbox makes one up that clients must not depend on: it
/// names the tenant by name (not its domain) with a fresh uuid, after Auth0's EventBridge partner event source
/// (`aws.partner/auth0.com/{tenant}-{uuid}/auth0.logs`); the uuid is not the stream id.
pub fn auth0_topic_source(tenant: &str) -> String {
    format!("auth0.com/{tenant}-{}/auth0.logs", random_guid())
}

/// A partner topic put into a resource group by the admin API (another partner's, or a second one that
/// looks like Auth0's), so tests can check how clients tell topics apart.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PartnerTopicSeed {
    /// The default subscription when empty.
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    /// When absent: an Auth0-looking source for this tenant (same form as Auth0's, another uuid).
    pub source: Option<String>,
    /// `partnerRegistrationImmutableId`; absent when `None`.
    pub partner_registration_immutable_id: Option<String>,
    /// When absent: like Auth0's description for this tenant.
    pub description: Option<String>,
    /// The resource group's location when empty.
    pub location: String,
    /// `NeverActivated` when empty.
    pub activation_state: String,
}

/// Adds a seeded partner topic; refuses an unknown subscription or resource group, or a name in use.
pub fn seed_partner_topic(
    world: &mut World,
    config: &SandboxConfig,
    now: i64,
    seed: PartnerTopicSeed,
) -> Result<PartnerTopic, String> {
    let sub = if seed.subscription_id.is_empty() {
        world
            .azure
            .subscriptions
            .first()
            .map(|s| s.subscription_id.clone())
            .unwrap_or_default()
    } else {
        seed.subscription_id.clone()
    };
    let Some(group) = world.resource_group(&sub, &seed.resource_group) else {
        return Err(format!(
            "resource group '{}' does not exist in subscription '{sub}'",
            seed.resource_group
        ));
    };
    let (group_name, group_location) = (group.name.clone(), group.location.clone());
    if seed.name.is_empty() {
        return Err("name is required".into());
    }
    if find_topic(world, &sub, &group_name, &seed.name).is_some() {
        return Err(format!(
            "a partner topic named '{}' already exists in '{group_name}'",
            seed.name
        ));
    }
    let tenant = world.auth0.tenant.clone();
    let topic = PartnerTopic {
        subscription_id: subscription_id_canonical(world, &sub),
        resource_group: group_name,
        name: seed.name,
        location: if seed.location.is_empty() {
            group_location
        } else {
            seed.location
        },
        source: seed.source.unwrap_or_else(|| auth0_topic_source(&tenant)),
        partner_registration_immutable_id: seed.partner_registration_immutable_id,
        activation_state: if seed.activation_state.is_empty() {
            "NeverActivated".into()
        } else {
            seed.activation_state
        },
        created_ms: now,
        expires_ms: now + config.partner_topic_activation_window.as_millis() as i64,
        deleted_ms: now
            + (config.partner_topic_activation_window + config.partner_topic_deletion_delay)
                .as_millis() as i64,
        stream_id: String::new(),
        description: seed
            .description
            .unwrap_or_else(|| format!("Auth0 log stream of tenant {tenant}")),
    };
    world.azure.partner_topics.push(topic.clone());
    Ok(topic)
}

/// [`seed_partner_topic`] on the running sandbox: the topic as Resource Manager shows it.
pub fn seed_partner_topic_now(
    shared: &crate::shared::Shared,
    seed: PartnerTopicSeed,
) -> Result<Value, String> {
    let now = shared.clock.now_ms();
    let topic = seed_partner_topic(&mut shared.world(), &shared.config, now, seed)?;
    shared.mark_dirty();
    Ok(topic_json(&topic))
}

pub fn list_topics(ctx: &Ctx, sub: &str, rg: Option<&str>) -> Result<Response, Response> {
    if rg.is_none() {
        ctx.api_version(EVENTGRID_API, "partnerTopics")?;
        let registered = ctx
            .shared
            .world()
            .subscription(sub)
            .is_some_and(|s| s.event_grid.state == "Registered");
        if !registered {
            return Err(arm_error(
                StatusCode::CONFLICT,
                "MissingSubscriptionRegistration",
                "The subscription is not registered to use namespace 'Microsoft.EventGrid'. See https://aka.ms/rps-not-found for how to register subscriptions.",
            ));
        }
    }
    let world = ctx.shared.world();
    let value: Vec<Value> = world
        .azure
        .partner_topics
        .iter()
        .filter(|t| t.subscription_id.eq_ignore_ascii_case(sub))
        .filter(|t| rg.is_none_or(|rg| t.resource_group.eq_ignore_ascii_case(rg)))
        .map(topic_json)
        .collect();
    drop(world);
    Ok(super::arm::paged(ctx, value))
}

fn find_topic<'w>(
    world: &'w mut World,
    sub: &str,
    rg: &str,
    name: &str,
) -> Option<&'w mut PartnerTopic> {
    world.azure.partner_topics.iter_mut().find(|t| {
        t.subscription_id.eq_ignore_ascii_case(sub)
            && t.resource_group.eq_ignore_ascii_case(rg)
            && t.name.eq_ignore_ascii_case(name)
    })
}

fn topic(ctx: &Ctx, sub: &str, rg: &str, name: &str) -> Result<Response, Response> {
    match ctx.method {
        Method::GET => {
            let mut world = ctx.shared.world();
            match find_topic(&mut world, sub, rg, name) {
                Some(t) => Ok(json(StatusCode::OK, topic_json(t))),
                None => Err(not_found("partnerTopics", name, rg)),
            }
        }
        Method::DELETE => {
            ctx.require_write(
                "Microsoft.EventGrid/partnerTopics/delete",
                &format!(
                    "{}/providers/Microsoft.EventGrid/partnerTopics/{name}",
                    group_scope(sub, rg)
                ),
            )?;
            let mut world = ctx.shared.world();
            let location = find_topic(&mut world, sub, rg, name).map(|t| t.location.clone());
            world.remove_partner_topic(sub, rg, name);
            drop(world);
            Ok(match location {
                Some(location) => accepted_delete(ctx, sub, &location),
                None => StatusCode::NO_CONTENT.into_response(),
            })
        }
        Method::PUT => Err(bad_request(
            "Partner topics are created by the partner (Auth0 creates one for each Event Grid log stream); they cannot be created here.",
        )),
        _ => Ok(method_not_allowed(ctx)),
    }
}

fn set_activation(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    name: &str,
    activate: bool,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    let verb = if activate { "activate" } else { "deactivate" };
    ctx.require_write(
        &format!("Microsoft.EventGrid/partnerTopics/{verb}/action"),
        &format!(
            "{}/providers/Microsoft.EventGrid/partnerTopics/{name}",
            group_scope(sub, rg)
        ),
    )?;
    let now = ctx.shared.clock.now_ms();
    let mut world = ctx.shared.world();
    let Some(topic) = find_topic(&mut world, sub, rg, name) else {
        return Err(not_found("partnerTopics", name, rg));
    };
    if activate {
        if topic.activation_state == "NeverActivated" && now >= topic.expires_ms {
            return Err(bad_request(
                "The partner topic has expired and can no longer be activated.",
            ));
        }
        topic.activation_state = "Activated".into();
    } else {
        if topic.activation_state == "NeverActivated" {
            return Err(bad_request(
                "A partner topic that was never activated cannot be deactivated.",
            ));
        }
        topic.activation_state = "Deactivated".into();
    }
    Ok(json(StatusCode::OK, topic_json(topic)))
}

/// What the Auth0 side calls when an `eventgrid` log stream is created: checks what real Azure checks and
/// creates the partner topic, or says why not (nothing is created then).
pub fn create_partner_topic_for_stream(
    world: &mut World,
    config: &SandboxConfig,
    now: i64,
    stream: &LogStream,
) -> Result<String, String> {
    let sub = stream.sink["azureSubscriptionId"].as_str().unwrap_or("");
    let rg = stream.sink["azureResourceGroup"].as_str().unwrap_or("");
    let region = stream.sink["azureRegion"].as_str().unwrap_or("");
    world.settle(now);
    let Some(subscription) = world.subscription(sub) else {
        return Err(format!(
            "SubscriptionNotFound: The subscription '{sub}' could not be found."
        ));
    };
    if subscription.event_grid.state != "Registered" {
        return Err(format!(
            "MissingSubscriptionRegistration: The subscription '{sub}' is not registered to use namespace 'Microsoft.EventGrid'."
        ));
    }
    let Some(group) = world.resource_group(sub, rg) else {
        return Err(format!(
            "ResourceGroupNotFound: Resource group '{rg}' could not be found."
        ));
    };
    let group_name = group.name.clone();
    let authorization = world
        .azure
        .partner_configurations
        .iter()
        .find(|c| {
            c.subscription_id.eq_ignore_ascii_case(sub) && c.resource_group.eq_ignore_ascii_case(rg)
        })
        .and_then(|c| {
            c.authorized.iter().find(|p| {
                p.partner_registration_immutable_id
                    .eq_ignore_ascii_case(AUTH0_PARTNER_ID)
            })
        });
    match authorization {
        None => {
            return Err(format!(
                "PartnerNotAuthorized: Auth0 is not authorized as a partner in resource group '{rg}'. Authorize the partner in the group's partner configuration first."
            ));
        }
        Some(p) if p.expires_ms <= now => {
            return Err(format!(
                "PartnerAuthorizationExpired: The authorization of Auth0 in resource group '{rg}' expired at {}.",
                rfc3339_ms(p.expires_ms)
            ));
        }
        Some(_) => {}
    }
    let name = format!("auth0-logs-{}", stream.id.replace('_', "-"));
    let tenant = world.auth0.tenant.clone();
    world.azure.partner_topics.push(PartnerTopic {
        subscription_id: subscription_id_canonical(world, sub),
        resource_group: group_name,
        name: name.clone(),
        location: region.to_owned(),
        source: auth0_topic_source(&tenant),
        partner_registration_immutable_id: config
            .partner_topic_immutable_id
            .then(|| AUTH0_PARTNER_ID.to_owned()),
        activation_state: "NeverActivated".into(),
        created_ms: now,
        expires_ms: now + config.partner_topic_activation_window.as_millis() as i64,
        deleted_ms: now
            + (config.partner_topic_activation_window + config.partner_topic_deletion_delay)
                .as_millis() as i64,
        stream_id: stream.id.clone(),
        description: format!("Auth0 log stream '{}' of tenant {tenant}", stream.name),
    });
    Ok(name)
}

fn subscription_id_canonical(world: &World, sub: &str) -> String {
    world
        .subscription(sub)
        .map(|s| s.subscription_id.clone())
        .unwrap_or_else(|| sub.to_owned())
}

// ---- event subscriptions ----

/// The subscription as ARM returns it: WebHook URLs are shown without their query (see `getFullUrl`).
fn event_subscription_json(es: &EventSubscription) -> Value {
    let mut properties = es.properties.clone();
    if properties["destination"]["endpointType"] == "WebHook" {
        let destination = &mut properties["destination"]["properties"];
        let full = destination["endpointUrl"].as_str().unwrap_or("").to_owned();
        destination["endpointBaseUrl"] = json!(full.split('?').next().unwrap_or(""));
        destination["endpointUrl"] = Value::Null;
    }
    // A static delivery attribute marked secret is only shown by getDeliveryAttributes.
    if let Some(mappings) =
        properties["destination"]["properties"]["deliveryAttributeMappings"].as_array_mut()
    {
        for mapping in mappings {
            if mapping["properties"]["isSecret"] == true {
                mapping["properties"]["value"] = Value::Null;
            }
        }
    }
    properties["provisioningState"] = json!(es.provisioning_state);
    properties["topic"] = json!(es.topic_arm_id());
    json!({
        "id": format!("{}/eventSubscriptions/{}", es.topic_arm_id(), es.name),
        "name": es.name,
        "type": "Microsoft.EventGrid/eventSubscriptions",
        "properties": properties,
    })
}

fn list_event_subscriptions(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
) -> Result<Response, Response> {
    let mut world = ctx.shared.world();
    if find_topic(&mut world, sub, rg, topic).is_none() {
        return Err(not_found("partnerTopics", topic, rg));
    }
    let value: Vec<Value> = world
        .azure
        .event_subscriptions
        .iter()
        .filter(|e| same_topic(e, sub, rg, topic))
        .map(event_subscription_json)
        .collect();
    drop(world);
    Ok(super::arm::paged(ctx, value))
}

fn same_topic(es: &EventSubscription, sub: &str, rg: &str, topic: &str) -> bool {
    es.subscription_id.eq_ignore_ascii_case(sub)
        && es.resource_group.eq_ignore_ascii_case(rg)
        && es.topic.eq_ignore_ascii_case(topic)
}

fn event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    let scope = format!(
        "{}/providers/Microsoft.EventGrid/partnerTopics/{topic}/eventSubscriptions/{name}",
        group_scope(sub, rg)
    );
    match ctx.method {
        Method::GET => {
            let world = ctx.shared.world();
            world
                .azure
                .event_subscriptions
                .iter()
                .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
                .map(|e| json(StatusCode::OK, event_subscription_json(e)))
                .ok_or_else(|| not_found("partnerTopics/eventSubscriptions", name, rg))
        }
        Method::PUT => {
            ctx.require_write("Microsoft.EventGrid/eventSubscriptions/write", &scope)?;
            put_event_subscription(ctx, sub, rg, topic, name)
        }
        Method::DELETE => {
            ctx.require_write("Microsoft.EventGrid/eventSubscriptions/delete", &scope)?;
            delete_event_subscription(ctx, sub, rg, topic, name)
        }
        _ => Ok(method_not_allowed(ctx)),
    }
}

/// An event subscription DELETE is long-running (EventGrid.json: 200, 202 with `Location`, 204): 202 with
/// no body, `Location` (and `Azure-AsyncOperation`) to poll. The subscription shows `Deleting` until the
/// deletion completes after `event_subscription_delete_time` of sandbox time (at once when zero); until
/// then its name cannot be used again. Absent: 204.
fn delete_event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    let now = ctx.shared.clock.now_ms();
    let delay = ctx.shared.config.event_subscription_delete_time.as_millis() as i64;
    let mut world = ctx.shared.world();
    let location = find_topic(&mut world, sub, rg, topic).map(|t| t.location.clone());
    let Some(index) = world
        .azure
        .event_subscriptions
        .iter()
        .position(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
    else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let location = location.unwrap_or_default();
    let es = &world.azure.event_subscriptions[index];
    let resource_id = es.arm_id();
    // A second DELETE while one runs answers with the running operation.
    if let Some(running) = es
        .operation_id
        .clone()
        .filter(|_| es.deleting_until_ms.is_some())
    {
        drop(world);
        return Ok(accepted(ctx, sub, &location, &running));
    }
    let operation_id = if delay == 0 {
        world.azure.event_subscriptions.remove(index);
        new_operation(
            &mut world,
            now,
            &location,
            "delete",
            &resource_id,
            "Succeeded",
        )
    } else {
        let id = new_operation(
            &mut world,
            now,
            &location,
            "delete",
            &resource_id,
            "InProgress",
        );
        let es = &mut world.azure.event_subscriptions[index];
        es.provisioning_state = "Deleting".into();
        es.validation = None;
        es.deleting_until_ms = Some(now + delay);
        es.operation_id = Some(id.clone());
        id
    };
    drop(world);
    Ok(accepted(ctx, sub, &location, &operation_id))
}

fn valid_subscription_name(name: &str) -> bool {
    (3..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

const ENDPOINT_TYPES: &[&str] = &[
    "WebHook",
    "EventHub",
    "StorageQueue",
    "ServiceBusQueue",
    "ServiceBusTopic",
    "HybridConnection",
    "AzureFunction",
    "MonitorAlert",
    "NamespaceTopic",
];

const FILTER_OPERATORS: &[&str] = &[
    "NumberIn",
    "NumberNotIn",
    "NumberLessThan",
    "NumberGreaterThan",
    "NumberLessThanOrEquals",
    "NumberGreaterThanOrEquals",
    "BoolEquals",
    "StringIn",
    "StringNotIn",
    "StringBeginsWith",
    "StringEndsWith",
    "StringContains",
    "NumberInRange",
    "NumberNotInRange",
    "StringNotBeginsWith",
    "StringNotEndsWith",
    "StringNotContains",
    "IsNullOrUndefined",
    "IsNotNull",
];

/// Whether a webhook URL is acceptable: https, or (sandbox only) http on loopback.
pub fn acceptable_webhook(url: &str) -> bool {
    url.starts_with("https://") || crate::signin::is_loopback_redirect(url)
}

/// Checks an event subscription's properties and fills in defaults; Err names the field and the rule.
fn validated_properties(body: &Value) -> Result<Value, String> {
    let mut properties = body.get("properties").cloned().unwrap_or(json!({}));
    if !properties.is_object() {
        return Err("properties must be an object.".into());
    }
    let schema = properties["eventDeliverySchema"]
        .as_str()
        .unwrap_or("EventGridSchema");
    if schema != "CloudEventSchemaV1_0" {
        return Err(format!(
            "properties.eventDeliverySchema: '{schema}' is not supported for event subscriptions on partner topics; partner topics receive CloudEvents, use 'CloudEventSchemaV1_0'."
        ));
    }
    let destination = &properties["destination"];
    let endpoint_type = destination["endpointType"].as_str().unwrap_or("");
    if !ENDPOINT_TYPES.contains(&endpoint_type) {
        return Err(format!(
            "properties.destination.endpointType: '{endpoint_type}' is not one of {}.",
            ENDPOINT_TYPES.join(", ")
        ));
    }
    let dp = &destination["properties"];
    if endpoint_type == "WebHook" {
        let url = dp["endpointUrl"].as_str().unwrap_or("");
        if url.is_empty() {
            return Err("properties.destination.properties.endpointUrl is required for a WebHook destination.".into());
        }
        if !acceptable_webhook(url) {
            return Err(format!(
                "properties.destination.properties.endpointUrl: '{url}' must be an https URL (the sandbox also accepts http on loopback)."
            ));
        }
        if let Some(n) = dp["maxEventsPerBatch"].as_i64()
            && !(1..=5000).contains(&n)
        {
            return Err(
                "properties.destination.properties.maxEventsPerBatch must be between 1 and 5000."
                    .into(),
            );
        }
        if let Some(n) = dp["preferredBatchSizeInKilobytes"].as_i64()
            && !(1..=1024).contains(&n)
        {
            return Err("properties.destination.properties.preferredBatchSizeInKilobytes must be between 1 and 1024.".into());
        }
    } else if dp["resourceId"].as_str().is_none_or(str::is_empty) {
        return Err(format!(
            "properties.destination.properties.resourceId is required for a {endpoint_type} destination."
        ));
    } else if endpoint_type == "StorageQueue" && dp["queueName"].as_str().is_none_or(str::is_empty)
    {
        return Err("properties.destination.properties.queueName is required for a StorageQueue destination.".into());
    }
    let retry = properties.get("retryPolicy").cloned().unwrap_or(json!({}));
    let attempts = retry["maxDeliveryAttempts"].as_i64().unwrap_or(30);
    let ttl = retry["eventTimeToLiveInMinutes"].as_i64().unwrap_or(1440);
    if !(1..=30).contains(&attempts) {
        return Err("properties.retryPolicy.maxDeliveryAttempts must be between 1 and 30.".into());
    }
    if !(1..=1440).contains(&ttl) {
        return Err(
            "properties.retryPolicy.eventTimeToLiveInMinutes must be between 1 and 1440.".into(),
        );
    }
    properties["retryPolicy"] =
        json!({"maxDeliveryAttempts": attempts, "eventTimeToLiveInMinutes": ttl});
    if let Some(dead_letter) = properties
        .get("deadLetterDestination")
        .filter(|d| !d.is_null())
    {
        if dead_letter["endpointType"] != "StorageBlob" {
            return Err(
                "properties.deadLetterDestination.endpointType must be 'StorageBlob'.".into(),
            );
        }
        if dead_letter["properties"]["resourceId"]
            .as_str()
            .is_none_or(str::is_empty)
            || dead_letter["properties"]["blobContainerName"]
                .as_str()
                .is_none_or(str::is_empty)
        {
            return Err("properties.deadLetterDestination.properties needs resourceId and blobContainerName.".into());
        }
    }
    let filter = properties.get("filter").cloned().unwrap_or(json!({}));
    let advanced = filter["advancedFilters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if advanced.len() > 25 {
        return Err(
            "properties.filter.advancedFilters: at most 25 advanced filters are allowed.".into(),
        );
    }
    for (i, f) in advanced.iter().enumerate() {
        let op = f["operatorType"].as_str().unwrap_or("");
        if !FILTER_OPERATORS.contains(&op) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].operatorType: '{op}' is not a known operator."
            ));
        }
        if f["key"].as_str().is_none_or(str::is_empty) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].key is required."
            ));
        }
        let needs_values = op.ends_with("In")
            || op.contains("BeginsWith")
            || op.contains("EndsWith")
            || op.contains("Contains")
            || op.contains("Range");
        if needs_values && f["values"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].values must be a non-empty array for {op}."
            ));
        }
        if matches!(
            op,
            "NumberLessThan"
                | "NumberGreaterThan"
                | "NumberLessThanOrEquals"
                | "NumberGreaterThanOrEquals"
        ) && !f["value"].is_number()
        {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].value must be a number for {op}."
            ));
        }
        if op == "BoolEquals" && !f["value"].is_boolean() {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].value must be a boolean for BoolEquals."
            ));
        }
    }
    properties["filter"] = filter;
    properties
        .as_object_mut()
        .map(|p| p.remove("provisioningState"));
    Ok(properties)
}

fn put_event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    if !valid_subscription_name(name) {
        return Err(bad_request(&format!(
            "Event subscription name '{name}' is invalid: it must be 3 to 64 characters of letters, digits and hyphens."
        )));
    }
    let body = ctx.json_body()?;
    let properties = validated_properties(&body).map_err(|m| bad_request(&m))?;
    let now = ctx.shared.clock.now_ms();
    let operation_id = random_guid();
    let (status, es, location) = {
        let mut world = ctx.shared.world();
        let Some(topic_res) = find_topic(&mut world, sub, rg, topic) else {
            return Err(not_found("partnerTopics", topic, rg));
        };
        let location = topic_res.location.clone();
        let topic_name = topic_res.name.clone();
        let rg_name = topic_res.resource_group.clone();
        let sub_id = topic_res.subscription_id.clone();
        let existing = world
            .azure
            .event_subscriptions
            .iter_mut()
            .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name));
        if existing
            .as_ref()
            .is_some_and(|e| e.deleting_until_ms.is_some())
        {
            return Err(arm_error(
                StatusCode::CONFLICT,
                "Conflict",
                &format!(
                    "The event subscription '{name}' is being deleted. Wait for the deletion to finish (poll the Location of the DELETE) before creating it again."
                ),
            ));
        }
        let (status, es) = match existing {
            Some(existing) => {
                existing.properties = properties;
                existing.provisioning_state = "Updating".into();
                existing.validation = None;
                existing.operation_id = Some(operation_id.clone());
                (StatusCode::OK, existing.clone())
            }
            None => {
                let es = EventSubscription {
                    subscription_id: sub_id,
                    resource_group: rg_name,
                    topic: topic_name,
                    name: name.to_owned(),
                    properties,
                    provisioning_state: "Creating".into(),
                    operation_id: Some(operation_id.clone()),
                    validation: None,
                    deleting_until_ms: None,
                };
                world.azure.event_subscriptions.push(es.clone());
                (StatusCode::CREATED, es)
            }
        };
        world.azure.operations.insert(
            operation_id.clone(),
            Operation {
                id: operation_id.clone(),
                location: location.clone(),
                status: "InProgress".into(),
                error: None,
                start_ms: now,
                end_ms: None,
                kind: "put".into(),
                resource_id: es.arm_id(),
            },
        );
        (status, es, location)
    };
    tokio::spawn(crate::pipeline::validation::provision_event_subscription(
        ctx.shared.clone(),
        es.clone(),
        operation_id.clone(),
    ));
    // EventGrid.json: 201/200 with the resource, `provisioningState` non-terminal, and an operation to
    // follow. As an older provider would (`location_only_operations`): an empty 202 with `Location` only.
    if ctx.shared.faults().location_only_operations {
        return Ok(accepted(ctx, sub, &location, &operation_id));
    }
    let mut response = json(status, event_subscription_json(&es));
    set_operation_headers(&mut response, ctx, sub, &location, &operation_id, false);
    Ok(response)
}

fn full_url(ctx: &Ctx, sub: &str, rg: &str, topic: &str, name: &str) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    ctx.require_write(
        "Microsoft.EventGrid/eventSubscriptions/getFullUrl/action",
        &format!(
            "{}/providers/Microsoft.EventGrid/partnerTopics/{topic}/eventSubscriptions/{name}",
            group_scope(sub, rg)
        ),
    )?;
    let world = ctx.shared.world();
    let es = world
        .azure
        .event_subscriptions
        .iter()
        .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| not_found("partnerTopics/eventSubscriptions", name, rg))?;
    if es.properties["destination"]["endpointType"] != "WebHook" {
        return Err(bad_request(
            "getFullUrl is only available for WebHook destinations.",
        ));
    }
    Ok(json(
        StatusCode::OK,
        json!({"endpointUrl": es.properties["destination"]["properties"]["endpointUrl"]}),
    ))
}

/// Event Grid deletes are long-running: 202 Accepted with `Location` (and `Azure-AsyncOperation`) to poll.
/// Used for partner topics, whose deletion the sandbox finishes at once (the operation is already done).
fn accepted_delete(ctx: &Ctx, sub: &str, location: &str) -> Response {
    let now = ctx.shared.clock.now_ms();
    let id = new_operation(
        &mut ctx.shared.world(),
        now,
        location,
        "delete",
        "",
        "Succeeded",
    );
    accepted(ctx, sub, location, &id)
}

/// Records a long-running operation and returns its id.
fn new_operation(
    world: &mut World,
    now: i64,
    location: &str,
    kind: &str,
    resource_id: &str,
    status: &str,
) -> String {
    let id = random_guid();
    let done = status != "InProgress";
    world.azure.operations.insert(
        id.clone(),
        Operation {
            id: id.clone(),
            location: location.to_owned(),
            status: status.to_owned(),
            error: None,
            start_ms: now,
            end_ms: done.then_some(now),
            kind: kind.to_owned(),
            resource_id: resource_id.to_owned(),
        },
    );
    id
}

/// ARM's asynchronous answer: 202 Accepted, no body, `Location` to poll, `Retry-After`, and the
/// `Azure-AsyncOperation` status URL unless the `location_only_operations` fault is on.
fn accepted(ctx: &Ctx, sub: &str, location: &str, operation_id: &str) -> Response {
    let mut response = StatusCode::ACCEPTED.into_response();
    let location_only = ctx.shared.faults().location_only_operations;
    set_operation_headers(&mut response, ctx, sub, location, operation_id, true);
    if location_only {
        response.headers_mut().remove("azure-asyncoperation");
    }
    response
}

/// `Azure-AsyncOperation` (the operation's status resource), `Location` when asked (its result, as ARM's
/// guidelines have it: 202 while running, then the operation's own answer) and `Retry-After` (seconds).
fn set_operation_headers(
    response: &mut Response,
    ctx: &Ctx,
    sub: &str,
    location: &str,
    operation_id: &str,
    with_location: bool,
) {
    let version = ctx
        .query
        .get("api-version")
        .map(String::as_str)
        .unwrap_or("2025-02-15");
    let base = format!(
        "{}/subscriptions/{sub}/providers/Microsoft.EventGrid/locations/{location}",
        ctx.shared.urls.management
    );
    let headers = response.headers_mut();
    let status = format!("{base}/operationsStatus/{operation_id}?api-version={version}");
    if let Ok(value) = HeaderValue::from_str(&status) {
        headers.insert("azure-asyncoperation", value);
    }
    let result = format!("{base}/operationResults/{operation_id}?api-version={version}");
    if let (true, Ok(value)) = (with_location, HeaderValue::from_str(&result)) {
        headers.insert("location", value);
    }
    headers.insert("retry-after", HeaderValue::from_static("1"));
}

/// An operation's `Location`: 202 (no body, same `Location`) while it runs; once done, what the operation
/// itself would have answered: 204 for a delete, 200 with the resource for a PUT (also when it waits for
/// its WebHook, `AwaitingManualAction`, which only the endpoint's owner can end); a failure in ARM's error
/// shape.
pub fn operation_result(ctx: &Ctx, id: &str) -> Result<Response, Response> {
    ctx.api_version(EVENTGRID_API, "locations/operationResults")?;
    let world = ctx.shared.world();
    let Some(op) = world.azure.operations.get(id).cloned() else {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!("The operation '{id}' was not found."),
        ));
    };
    let resource = world
        .azure
        .event_subscriptions
        .iter()
        .find(|e| e.arm_id().eq_ignore_ascii_case(&op.resource_id))
        .map(event_subscription_json);
    drop(world);
    match op.status.as_str() {
        "InProgress" => {
            let mut response = StatusCode::ACCEPTED.into_response();
            let mut url = format!("{}/{}", ctx.shared.urls.management, ctx.segments.join("/"));
            if let Some(version) = ctx.query.get("api-version") {
                url.push_str(&format!("?api-version={version}"));
            }
            if let Ok(value) = HeaderValue::from_str(&url) {
                response.headers_mut().insert("location", value);
            }
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            Ok(response)
        }
        "Failed" | "Canceled" => {
            let code = op
                .error
                .as_ref()
                .and_then(|e| e["code"].as_str())
                .unwrap_or("OperationFailed");
            let message = op
                .error
                .as_ref()
                .and_then(|e| e["message"].as_str())
                .unwrap_or("The operation failed.");
            let status = if code == "InternalServerError" {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            };
            Err(arm_error(status, code, message))
        }
        _ if op.kind == "delete" => Ok(StatusCode::NO_CONTENT.into_response()),
        _ => Ok(match resource {
            Some(body) => json(StatusCode::OK, body),
            None => StatusCode::NO_CONTENT.into_response(),
        }),
    }
}

/// `getDeliveryAttributes` (POST): the delivery attribute mappings of the destination, static values
/// marked secret included (a GET hides them).
fn delivery_attributes(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    ctx.require_write(
        "Microsoft.EventGrid/eventSubscriptions/getDeliveryAttributes/action",
        &format!(
            "{}/providers/Microsoft.EventGrid/partnerTopics/{topic}/eventSubscriptions/{name}",
            group_scope(sub, rg)
        ),
    )?;
    let world = ctx.shared.world();
    let es = world
        .azure
        .event_subscriptions
        .iter()
        .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| not_found("partnerTopics/eventSubscriptions", name, rg))?;
    let value = es.properties["destination"]["properties"]["deliveryAttributeMappings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Ok(json(StatusCode::OK, json!({ "value": value })))
}

/// What the admin API's "made elsewhere" injection stores: an event subscription written by the portal
/// or another tool, taken as given (no validation, no handshake), `Succeeded` unless it says otherwise.
pub fn insert_foreign_event_subscription(
    world: &mut World,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
    mut properties: Value,
) -> Result<Value, String> {
    let Some(found) = find_topic(world, sub, rg, topic) else {
        return Err(format!("no partner topic {topic} in {rg}"));
    };
    let (sub, rg, topic) = (
        found.subscription_id.clone(),
        found.resource_group.clone(),
        found.name.clone(),
    );
    let state = properties["provisioningState"]
        .as_str()
        .unwrap_or("Succeeded")
        .to_owned();
    if let Some(p) = properties.as_object_mut() {
        p.remove("provisioningState");
    }
    world
        .azure
        .event_subscriptions
        .retain(|e| !(same_topic(e, &sub, &rg, &topic) && e.name.eq_ignore_ascii_case(name)));
    let es = EventSubscription {
        subscription_id: sub,
        resource_group: rg,
        topic,
        name: name.to_owned(),
        properties,
        provisioning_state: state,
        operation_id: None,
        validation: None,
        deleting_until_ms: None,
    };
    let answer = event_subscription_json(&es);
    world.azure.event_subscriptions.push(es);
    Ok(answer)
}

/// Completes a WebHook validation through its callback URL (`WebHook-Request-Callback`): the
/// subscription, waiting in `AwaitingManualAction`, is provisioned. Err when the token is unknown or
/// its time has passed.
pub fn complete_validation(world: &mut World, token: &str, now: i64) -> Result<String, String> {
    let Some(es) = world.azure.event_subscriptions.iter_mut().find(|e| {
        e.validation
            .as_ref()
            .is_some_and(|v| v.token == token && now < v.until_ms)
    }) else {
        return Err("unknown or expired validation callback".into());
    };
    es.validation = None;
    es.provisioning_state = "Succeeded".into();
    let name = es.name.clone();
    if let Some(op) = es
        .operation_id
        .clone()
        .and_then(|id| world.azure.operations.get_mut(&id))
    {
        op.status = "Succeeded".into();
        op.error = None;
        op.end_ms = Some(now);
    }
    Ok(name)
}

pub fn operation_status(ctx: &Ctx, _sub: &str, id: &str) -> Result<Response, Response> {
    ctx.api_version(EVENTGRID_API, "locations/operationsStatus")?;
    let world = ctx.shared.world();
    let Some(op) = world.azure.operations.get(id) else {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!("The operation '{id}' was not found."),
        ));
    };
    let mut body = json!({
        "id": format!("/subscriptions/{_sub}/providers/Microsoft.EventGrid/locations/{}/operationsStatus/{}", op.location, op.id),
        "name": op.id,
        "status": op.status,
        "startTime": rfc3339_ms(op.start_ms),
    });
    if let Some(end) = op.end_ms {
        body["endTime"] = json!(rfc3339_ms(end));
    }
    if let Some(error) = &op.error {
        body["error"] = error.clone();
    }
    Ok(json(StatusCode::OK, body))
}
