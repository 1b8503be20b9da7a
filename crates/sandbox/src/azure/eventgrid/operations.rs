//! Long-running operations as Event Grid answers them: 202 Accepted with `Location` and
//! `Azure-AsyncOperation`, the operation's status resource, and its result once done.

use super::wire::event_subscription_json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::azure::request::{Ctx, EVENTGRID_API, json};
use crate::clock::rfc3339_ms;
use crate::http_util::arm_error;
use crate::state::{Operation, World};
use crate::tokens::random_guid;

/// Event Grid deletes are long-running: 202 Accepted with `Location` (and `Azure-AsyncOperation`) to poll.
/// Used for partner topics, whose deletion the sandbox finishes at once (the operation is already done).
pub(super) fn accepted_delete(ctx: &Ctx, sub: &str, location: &str) -> Response {
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
pub(super) fn new_operation(
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
pub(super) fn accepted(ctx: &Ctx, sub: &str, location: &str, operation_id: &str) -> Response {
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
pub(super) fn set_operation_headers(
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
