//! Partner topics: created only by the Auth0 side (or seeded by the admin API); list, get, activate,
//! deactivate, delete. NeverActivated topics vanish after their expiration time.

use super::operations::accepted_delete;
use super::scope::{bad_request, method_not_allowed, not_found, subscription_id_canonical};
use super::wire::topic_json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::azure::request::{Ctx, EVENTGRID_API, group_scope, json};
use crate::clock::rfc3339_ms;
use crate::config::SandboxConfig;
use crate::http_util::arm_error;
use crate::state::{AUTH0_PARTNER_ID, LogStream, PartnerTopic, World};
use crate::tokens::random_guid;

// ---- partner topics ----

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
        tags: Value::Null,
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
    Ok(crate::azure::request::paged(ctx, value))
}

pub(super) fn find_topic<'w>(
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

pub(super) fn topic(ctx: &Ctx, sub: &str, rg: &str, name: &str) -> Result<Response, Response> {
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
        // `PartnerTopics_Update`: `PartnerTopicUpdateParameters` carries `tags` (and `identity`, not emulated).
        Method::PATCH => {
            ctx.require_write(
                "Microsoft.EventGrid/partnerTopics/write",
                &format!(
                    "{}/providers/Microsoft.EventGrid/partnerTopics/{name}",
                    group_scope(sub, rg)
                ),
            )?;
            let body = ctx.json_body()?;
            let mut world = ctx.shared.world();
            let Some(topic) = find_topic(&mut world, sub, rg, name) else {
                return Err(not_found("partnerTopics", name, rg));
            };
            if let Some(tags) = body.get("tags") {
                topic.tags = tags.clone();
            }
            Ok(json(StatusCode::OK, topic_json(topic)))
        }
        Method::PUT => Err(bad_request(
            "Partner topics are created by the partner (Auth0 creates one for each Event Grid log stream); they cannot be created here.",
        )),
        _ => Ok(method_not_allowed(ctx)),
    }
}

pub(super) fn set_activation(
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
        tags: Value::Null,
    });
    Ok(name)
}
