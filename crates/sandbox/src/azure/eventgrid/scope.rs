//! What every Event Grid request checks first (the provider registered, the group present) and the errors
//! Event Grid answers with, shared by the partner configurations, topics and event subscriptions.

use axum::http::StatusCode;
use axum::response::Response;

use crate::azure::request::Ctx;
use crate::http_util::arm_error;
use crate::state::World;

pub(super) const DAY_MS: i64 = 86_400_000;

pub(super) fn not_found(kind: &str, name: &str, rg: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!(
            "The Resource 'Microsoft.EventGrid/{kind}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}

pub(super) fn bad_request(message: &str) -> Response {
    arm_error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

pub(super) fn method_not_allowed(ctx: &Ctx) -> Response {
    arm_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!(
            "The requested method '{}' is not allowed on this resource.",
            ctx.method
        ),
    )
}

/// Event Grid needs the provider registered and the group to exist.
pub(super) fn preconditions(ctx: &Ctx, sub: &str, rg: &str) -> Result<(), Response> {
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

pub(super) fn canonical_group(world: &World, sub: &str, rg: &str) -> String {
    world
        .resource_group(sub, rg)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| rg.to_owned())
}

pub(super) fn subscription_id_canonical(world: &World, sub: &str) -> String {
    world
        .subscription(sub)
        .map(|s| s.subscription_id.clone())
        .unwrap_or_else(|| sub.to_owned())
}
