//! `/api/v2/log-streams`: list, create (200), get, update (PATCH), delete (204), per Auth0's OpenAPI subset.
//! Creating an `eventgrid` stream asks the Azure side for the partner topic inside the same state update, so
//! a refusal leaves nothing behind.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Caller, management_caller, management_entry, schema};
use crate::clock::parse_rfc3339_ms;
use crate::http_util::{auth0_error, parse_body};
use crate::shared::Shared;
use crate::state::LogStream;
use crate::tokens::random_hex;

/// The stream as the Management API returns it. `sink.azurePartnerTopic` is left out until Auth0 reports it
/// (see [`read`]).
pub fn stream_json(stream: &LogStream) -> Value {
    let mut sink = stream.sink.clone();
    if stream.partner_topic_hidden_reads > 0
        && let Some(sink) = sink.as_object_mut()
    {
        sink.remove("azurePartnerTopic");
    }
    let mut body = json!({
        "id": stream.id,
        "name": stream.name,
        "type": stream.stream_type,
        "status": stream.status,
        "sink": sink,
    });
    if let Some(filters) = &stream.filters {
        body["filters"] = filters.clone();
    }
    if let Some(priority) = stream.is_priority {
        body["isPriority"] = json!(priority);
    }
    if let Some(pii) = &stream.pii_config {
        body["pii_config"] = pii.clone();
    }
    body
}

/// A read of the stream through the Management API: answered as it is now, then one read closer to the
/// partner topic's name appearing in `sink.azurePartnerTopic`.
fn read(stream: &mut LogStream) -> Value {
    let body = stream_json(stream);
    stream.partner_topic_hidden_reads = stream.partner_topic_hidden_reads.saturating_sub(1);
    body
}

fn not_found() -> Response {
    auth0_error(
        StatusCode::NOT_FOUND,
        "The log stream does not exist.",
        Some("inexistent_log_stream"),
    )
}

fn bad_request(message: &str) -> Response {
    auth0_error(StatusCode::BAD_REQUEST, message, Some("invalid_body"))
}

pub async fn list(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let caller = match management_caller(&shared, &headers, &["read:log_streams"]) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let streams: Vec<Value> = shared.world().auth0.streams.iter_mut().map(read).collect();
    caller.finish(axum::Json(streams).into_response())
}

pub async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match management_caller(&shared, &headers, &["read:log_streams"]) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let found = shared
        .world()
        .auth0
        .streams
        .iter_mut()
        .find(|s| s.id == id)
        .map(read);
    caller.finish(match found {
        Some(stream) => axum::Json(stream).into_response(),
        None => not_found(),
    })
}

pub async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match management_caller(&shared, &headers, &["create:log_streams"]) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    caller.finish(create_stream(&shared, &caller, &headers, &body))
}

fn create_stream(shared: &Shared, caller: &Caller, headers: &HeaderMap, body: &[u8]) -> Response {
    let body = match parse_body(headers, body) {
        Ok(body) => body,
        Err(e) => return bad_request(&format!("Payload validation error: '{e}'.")),
    };
    // The schema lists azurePartnerTopic (Auth0 fills it in), but Auth0 refuses it on create.
    if body["type"] == "eventgrid" && body["sink"].get("azurePartnerTopic").is_some() {
        return bad_request(
            "Payload validation error: 'Data does not match any schemas from 'oneOf' \
             (azurePartnerTopic is set by Auth0 and cannot be sent on create on property sink.azurePartnerTopic)'.",
        );
    }
    if let Err(e) = schema::validate("CreateLogStreamRequestContent", &body) {
        return bad_request(&e.auth0_message());
    }
    let start_from_ms = match body.get("startFrom").and_then(Value::as_str) {
        Some(text) => match parse_rfc3339_ms(text) {
            Some(ms) => Some(ms),
            None => {
                return bad_request(&format!(
                    "Payload validation error: 'startFrom must be an ISO 8601 date: {text}' on property startFrom."
                ));
            }
        },
        None => None,
    };
    let now = shared.clock.now_ms();
    let id = format!("lst_{}", &random_hex(8));
    let mut stream = LogStream {
        id: id.clone(),
        name: body["name"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| id.clone()),
        stream_type: body["type"].as_str().unwrap_or_default().to_owned(),
        status: "active".into(),
        sink: body["sink"].clone(),
        filters: body.get("filters").cloned(),
        is_priority: body.get("isPriority").and_then(Value::as_bool),
        pii_config: body.get("pii_config").cloned(),
        start_from_ms,
        created_ms: now,
        ..LogStream::default()
    };
    let mut world = shared.world();
    if world.auth0.streams.len() >= shared.config.stream_limit {
        return auth0_error(
            StatusCode::CONFLICT,
            "You have reached the maximum number of log streams for your account.",
            Some("log_stream_limit_reached"),
        );
    }
    if stream.stream_type == "eventgrid" {
        match crate::azure::eventgrid::partner_topics::create_partner_topic_for_stream(
            &mut world,
            &shared.config,
            now,
            &stream,
        ) {
            Ok(topic) => {
                // The topic exists at once; the stream reports its name only on a later read.
                stream.sink["azurePartnerTopic"] = json!(topic);
                stream.partner_topic_hidden_reads = shared.config.partner_topic_name_hidden_reads;
            }
            Err(refusal) => {
                return bad_request(&format!(
                    "Could not create the Azure Event Grid partner topic: {refusal}"
                ));
            }
        }
    }
    // Auth0 logs the change; the new stream carries only what comes after it, not its own creation.
    let entry = management_entry(
        shared,
        caller,
        "Create a log stream",
        "post",
        "/api/v2/log-streams",
    );
    let (seq, entry) = shared.record_log(&mut world, entry);
    stream.created_after_seq = world.next_seq;
    let mut response = stream_json(&stream);
    // Never in the create answer.
    if let Some(sink) = response["sink"].as_object_mut() {
        sink.remove("azurePartnerTopic");
    }
    world.auth0.streams.push(stream);
    drop(world);
    shared.publish_log(seq, entry);
    axum::Json(response).into_response()
}

pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match management_caller(&shared, &headers, &["update:log_streams"]) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    caller.finish(update_stream(&shared, &caller, &id, &headers, &body))
}

fn update_stream(
    shared: &Shared,
    caller: &Caller,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let body = match parse_body(headers, body) {
        Ok(body) => body,
        Err(e) => return bad_request(&format!("Payload validation error: '{e}'.")),
    };
    let mut world = shared.world();
    let Some(stream) = world.auth0.streams.iter_mut().find(|s| s.id == id) else {
        return not_found();
    };
    if body.get("sink").is_some()
        && matches!(stream.stream_type.as_str(), "eventgrid" | "eventbridge")
    {
        return bad_request(&format!(
            "The sink of a log stream of type {} cannot be updated; delete the stream and create a new one.",
            stream.stream_type
        ));
    }
    if let Err(e) = schema::validate("UpdateLogStreamRequestContent", &body) {
        return bad_request(&e.auth0_message());
    }
    if body["status"] == "suspended" {
        return bad_request(
            "Payload validation error: 'status suspended is set by Auth0 after delivery errors; \
             use active or paused' on property status.",
        );
    }
    if let Some(name) = body.get("name").and_then(Value::as_str) {
        stream.name = name.to_owned();
    }
    if let Some(status) = body.get("status").and_then(Value::as_str) {
        stream.status = status.to_owned();
        if status == "active" {
            stream.failing_since_ms = None;
        }
    }
    if let Some(priority) = body.get("isPriority").and_then(Value::as_bool) {
        stream.is_priority = Some(priority);
    }
    if let Some(filters) = body.get("filters") {
        stream.filters = Some(filters.clone());
    }
    if let Some(pii) = body.get("pii_config") {
        stream.pii_config = Some(pii.clone());
    }
    if let Some(sink) = body.get("sink").and_then(Value::as_object)
        && let Some(target) = stream.sink.as_object_mut()
    {
        target.extend(sink.clone());
    }
    let response = stream_json(stream);
    let path = format!("/api/v2/log-streams/{id}");
    let entry = management_entry(shared, caller, "Update a log stream", "patch", &path);
    let (seq, entry) = shared.record_log(&mut world, entry);
    drop(world);
    shared.publish_log(seq, entry);
    axum::Json(response).into_response()
}

pub async fn delete(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match management_caller(&shared, &headers, &["delete:log_streams"]) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let mut world = shared.world();
    let before = world.auth0.streams.len();
    world.auth0.streams.retain(|s| s.id != id);
    let removed = world.auth0.streams.len() != before;
    let recorded = removed.then(|| {
        let path = format!("/api/v2/log-streams/{id}");
        let entry = management_entry(&shared, &caller, "Delete a log stream", "delete", &path);
        shared.record_log(&mut world, entry)
    });
    drop(world);
    if let Some((seq, entry)) = recorded {
        shared.publish_log(seq, entry);
    }
    // The partner topic stays in Azure, as with the real service.
    caller.finish(if removed {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found()
    })
}
