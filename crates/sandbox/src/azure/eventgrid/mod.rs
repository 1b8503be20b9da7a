//! Event Grid's partner side: partner configurations (authorizing Auth0 in a resource group, with expiry
//! held to the configuration's maximum, which a PATCH raises), verified partners, partner topics (created
//! only by the Auth0 side; list, get, activate, deactivate, delete; NeverActivated topics vanish after their
//! expiration time) and partner-topic event subscriptions (long-running PUT and DELETE followed through
//! `Azure-AsyncOperation` or `Location`, CloudEvents schema required, WebHook handshake that may leave a
//! subscription `AwaitingManualAction`, getFullUrl, getDeliveryAttributes).
//!
//! One file per resource family: [`partner_configurations`], [`partner_topics`], [`event_subscriptions`],
//! the long-running [`operations`] they start, and the [`scope`] checks and errors they share. This module
//! routes a request to them.

pub mod event_subscriptions;
pub mod operations;
pub mod partner_configurations;
pub mod partner_topics;
pub mod scope;
pub mod wire;

pub use partner_topics::PartnerTopicSeed;

use self::event_subscriptions::{
    delivery_attributes, event_subscription, full_url, list_event_subscriptions,
};
use self::partner_configurations::{change_authorization, configuration, list_configurations};
use self::partner_topics::{list_topics, set_activation, topic};
use self::scope::preconditions;
use axum::http::StatusCode;
use axum::response::Response;

use super::request::{Ctx, EVENTGRID_API};
use crate::http_util::arm_error;

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
        return super::metrics::topic_metrics(ctx, sub, rg, &original(1));
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
