//! The admin surface, only under `/_sandbox/`: state as JSON and as a small HTML page, the log of every
//! emulated-API request, simulations (logins, failures, sign-ups, any log entry), faults, the clock, a wait
//! for the pipeline to go idle, the built-in CloudEvents receivers `/_sandbox/inbox/{name}`, registering
//! client-assertion credentials (Auth0 applications with a public key, certificates of service principals),
//! resources "made elsewhere" (an event subscription as the portal or another tool may write it), and the
//! WebHook validation callbacks Event Grid hands out in its handshake.
//!
//! A web page open in a browser can reach loopback too, so every route here is guarded (`guard`): a Host that
//! is not this machine's is refused (DNS rebinding); a write (any method but GET, HEAD and OPTIONS) must carry
//! this run's admin token in [`ADMIN_TOKEN_HEADER`] (`SandboxInfo::admin_token`) and, as a POST or PUT with a
//! body, the content type `application/json`, which a cross-site form cannot send without the browser asking
//! first. Two
//! kinds of write take no token, being what a real endpoint is: the inboxes, which receive what the pipeline
//! delivers (CloudEvents JSON only), and Event Grid's validation links, which carry their own code.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::rfc3339_ms;
use crate::faults::{FaultRule, Faults};
use crate::http_util::html_escape;
use crate::shared::{Shared, SimulationKind};

/// The request header that carries the run's admin token on every write to the admin surface.
pub const ADMIN_TOKEN_HEADER: &str = "x-sandbox-admin-token";

/// The content types an inbox accepts: what Event Grid (and this sandbox's pipeline) delivers.
const INBOX_CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/cloudevents+json",
    "application/cloudevents-batch+json",
];

pub fn router(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox", get(page))
        .route("/_sandbox/", get(page))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route("/_sandbox/events", get(events))
        .route("/_sandbox/simulate", post(simulate))
        .route("/_sandbox/logs", post(add_log))
        .route(
            "/_sandbox/faults",
            get(faults).put(set_faults).delete(clear_faults),
        )
        .route("/_sandbox/faults/rules", post(add_fault_rule))
        .route(
            "/_sandbox/rate-limit",
            get(rate_limit).put(set_rate_limit).delete(clear_rate_limit),
        )
        .route("/_sandbox/auth0/applications", post(register_application))
        .route(
            "/_sandbox/auth0/applications/{client_id}/credentials",
            post(add_application_key),
        )
        .route(
            "/_sandbox/azure/principals/{client_id}/certificates",
            post(add_certificate),
        )
        .route(
            "/_sandbox/azure/event-subscriptions",
            post(add_foreign_event_subscription),
        )
        .route(
            "/_sandbox/eventgrid/eventsubscriptions/{name}/validate",
            get(validate_webhook).post(validate_webhook),
        )
        .route("/_sandbox/azure/partner-topics", post(seed_partner_topic))
        .route(
            "/_sandbox/azure/event-subscriptions/fail",
            post(fail_event_subscription),
        )
        .route(
            "/_sandbox/auth0/log-streams/{id}/suspend",
            post(suspend_stream),
        )
        .route("/_sandbox/auth0/log-streams/{id}/pause", post(pause_stream))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/wait-idle", post(wait_idle))
        .route(
            "/_sandbox/inbox/{name}",
            get(inbox)
                .post(inbox_receive)
                .options(inbox_handshake)
                .delete(inbox_clear),
        )
        .route_layer(middleware::from_fn_with_state(shared.clone(), guard))
}

/// The admin surface's door: see the module's documentation.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !host_allowed(request.headers(), &shared) {
        return refusal(
            StatusCode::FORBIDDEN,
            "the Host header must name this machine (127.0.0.1, [::1] or localhost, with the port)",
        );
    }
    let method = request.method().clone();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let path = request.uri().path();
    let content_type = media_type(request.headers());
    if path.starts_with("/_sandbox/eventgrid/eventsubscriptions/") {
        return next.run(request).await;
    }
    if path.starts_with("/_sandbox/inbox/") && method == Method::POST {
        if !content_type
            .as_deref()
            .is_some_and(|t| INBOX_CONTENT_TYPES.contains(&t))
        {
            return refusal(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "an inbox receives CloudEvents: Content-Type must be application/cloudevents+json, \
                 application/cloudevents-batch+json or application/json",
            );
        }
        return next.run(request).await;
    }
    if matches!(method, Method::POST | Method::PUT)
        && content_type.as_deref() != Some("application/json")
        && !(content_type.is_none() && without_body(request.headers()))
    {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    if !token_matches(request.headers(), &shared.admin_token) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "admin writes need this run's admin token (admin_token in the sandbox's info) in the \
             x-sandbox-admin-token header",
        );
    }
    next.run(request).await
}

/// Loopback names, and the hosts the sandbox announced itself at (the address given with `--listen`).
fn host_allowed(headers: &HeaderMap, shared: &Shared) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    let name = name.to_ascii_lowercase();
    if matches!(name.as_str(), "127.0.0.1" | "::1" | "localhost") {
        return true;
    }
    [
        &shared.urls.auth0,
        &shared.urls.auth0_custom_domain,
        &shared.urls.login,
        &shared.urls.management,
    ]
    .iter()
    .any(|url| {
        let announced = url.trim_start_matches("http://");
        announced.eq_ignore_ascii_case(host)
            && !announced.starts_with("0.0.0.0")
            && !announced.starts_with("[::]")
    })
}

/// The media type of the request's body, lowercase, without its parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default().trim();
    Some(essence.to_ascii_lowercase())
}

/// A request without a body (no `Content-Length` or `Content-Length: 0`, and not chunked), such as
/// `POST /_sandbox/wait-idle`.
fn without_body(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .is_none_or(|length| length.as_bytes() == b"0")
        && !headers.contains_key(header::TRANSFER_ENCODING)
}

/// Compares in constant time, so the token cannot be found a byte at a time.
fn token_matches(headers: &HeaderMap, expected: &str) -> bool {
    let Some(given) = headers.get(ADMIN_TOKEN_HEADER).map(HeaderValue::as_bytes) else {
        return false;
    };
    let expected = expected.as_bytes();
    if given.len() != expected.len() || expected.is_empty() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message}))).into_response()
}

const SECRET_FIELDS: &[&str] = &["m2m_client_secret", "secret", "password"];

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) && inner.is_string() {
                    *inner = json!("(redacted)");
                } else {
                    redact(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Everything that exists (credentials redacted), plus the clock and faults.
pub fn state_json(shared: &Shared) -> Value {
    let world = shared.world();
    let mut body = serde_json::to_value(&*world).unwrap_or(Value::Null);
    drop(world);
    redact(&mut body);
    body["clock"] =
        json!({"now": rfc3339_ms(shared.clock.now_ms()), "frozen": shared.clock.is_frozen()});
    body["faults"] = serde_json::to_value(&*shared.faults()).unwrap_or(Value::Null);
    body["rate_limit"] = rate_limit_json(shared.rate_limit());
    body["urls"] = json!({
        "auth0": shared.urls.auth0,
        "login": shared.urls.login,
        "management": shared.urls.management,
    });
    body
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(state_json(&shared)).into_response()
}

async fn requests(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let since: u64 = params
        .get("since")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let list: Vec<_> = shared
        .requests()
        .iter()
        .filter(|r| r.seq > since)
        .filter(|r| params.get("cloud").is_none_or(|c| &r.cloud == c))
        .filter(|r| params.get("write").is_none_or(|w| (w == "true") == r.write))
        .cloned()
        .collect();
    axum::Json(list).into_response()
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> Response {
    shared.requests().clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let world = shared.world();
    axum::Json(json!({
        "events": world.events,
        "recorded_deliveries": world.recorded_deliveries,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct SimulateRequest {
    kind: SimulationKind,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    user: Option<String>,
}

fn one() -> u32 {
    1
}

fn bad(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": message})),
    )
        .into_response()
}

async fn simulate(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: SimulateRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"kind\": \"login\"|\"login_failure\"|\"signup\", \"count\": N, \"user\"?: name}}: {e}"
            ));
        }
    };
    if request.count == 0 || request.count > 100_000 {
        return bad("count must be between 1 and 100000");
    }
    let entries = crate::auth0::simulate(
        &shared,
        request.kind,
        request.count,
        request.user.as_deref(),
    );
    let ids: Vec<&Value> = entries.iter().map(|e| &e["log_id"]).collect();
    axum::Json(json!({"log_ids": ids})).into_response()
}

async fn add_log(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let entry: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return bad("expected a JSON object with at least \"type\" (a log code such as \"s\")");
        }
    };
    let Some(code) = entry["type"].as_str().map(str::to_owned) else {
        return bad("field \"type\" (the log code) is required");
    };
    let description = entry["description"].as_str().unwrap_or("").to_owned();
    let full = crate::auth0::log_entry(&shared, &code, &description, entry);
    axum::Json(shared.append_log(full)).into_response()
}

#[derive(Deserialize)]
struct ApplicationRequest {
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    public_key: String,
    #[serde(default = "rs256")]
    alg: String,
}

#[derive(Deserialize)]
struct KeyRequest {
    public_key: String,
    #[serde(default = "rs256")]
    alg: String,
}

#[derive(Deserialize)]
struct CertificateRequest {
    certificate: String,
}

fn rs256() -> String {
    "RS256".into()
}

fn created(value: Value) -> Response {
    (StatusCode::CREATED, axum::Json(value)).into_response()
}

async fn register_application(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: ApplicationRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"name\", \"scopes\": [..], \"public_key\": PEM, \"alg\"?: \"RS256\"|\"RS384\"|\"PS256\"}}: {e}"
            ));
        }
    };
    match crate::credentials::register_auth0_application(
        &shared,
        &request.name,
        &request.scopes,
        &request.public_key,
        &request.alg,
    ) {
        Ok(info) => created(serde_json::to_value(info).unwrap_or(Value::Null)),
        Err(e) => bad(&e.to_string()),
    }
}

async fn add_application_key(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    body: Bytes,
) -> Response {
    let request: KeyRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"public_key\": PEM, \"alg\"?: \"RS256\"|\"RS384\"|\"PS256\"}}: {e}"
            ));
        }
    };
    match crate::credentials::add_auth0_public_key(
        &shared,
        &client_id,
        &request.public_key,
        &request.alg,
    ) {
        Ok(kid) => created(json!({"client_id": client_id, "kid": kid, "alg": request.alg})),
        Err(e) => bad(&e.to_string()),
    }
}

async fn add_certificate(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    body: Bytes,
) -> Response {
    let request: CertificateRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad(&format!("expected {{\"certificate\": PEM}}: {e}")),
    };
    match crate::credentials::add_azure_certificate(&shared, &client_id, &request.certificate) {
        Ok(info) => created(serde_json::to_value(info).unwrap_or(Value::Null)),
        Err(e) => bad(&e.to_string()),
    }
}

#[derive(Deserialize)]
struct ForeignEventSubscription {
    /// Defaults to the seeded subscription.
    #[serde(default)]
    subscription_id: Option<String>,
    resource_group: String,
    partner_topic: String,
    name: String,
    #[serde(default)]
    properties: Value,
}

/// Stores an event subscription as another tool may have written it: taken as given, no validation.
async fn add_foreign_event_subscription(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Response {
    let request: ForeignEventSubscription = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"resource_group\", \"partner_topic\", \"name\", \"properties\", \"subscription_id\"?}}: {e}"
            ));
        }
    };
    let mut world = shared.world();
    let sub = match request.subscription_id {
        Some(sub) => sub,
        None => world
            .azure
            .subscriptions
            .first()
            .map(|s| s.subscription_id.clone())
            .unwrap_or_default(),
    };
    match crate::azure::eventgrid::event_subscriptions::insert_foreign_event_subscription(
        &mut world,
        &sub,
        &request.resource_group,
        &request.partner_topic,
        &request.name,
        request.properties,
    ) {
        Ok(answer) => {
            drop(world);
            shared.mark_dirty();
            created(answer)
        }
        Err(e) => bad(&e),
    }
}

/// Puts a partner topic into a resource group as another partner (or a second Auth0-looking topic) would.
async fn seed_partner_topic(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seed: crate::azure::eventgrid::partner_topics::PartnerTopicSeed =
        match serde_json::from_slice(&body) {
            Ok(seed) => seed,
            Err(e) => {
                return bad(&format!(
                    "expected {{\"resource_group\", \"name\", \"source\"?, \"partner_registration_immutable_id\"?, \"description\"?, \"subscription_id\"?, \"location\"?, \"activation_state\"?}}: {e}"
                ));
            }
        };
    match crate::azure::eventgrid::partner_topics::seed_partner_topic_now(&shared, seed) {
        Ok(topic) => created(topic),
        Err(e) => bad(&e),
    }
}

/// Auth0 suspends a stream itself after days of failed deliveries; no API sets `suspended` (a PATCH is
/// refused), so this is how a test or a person causes it at once. The stream's Health tab would list the
/// failures: one delivery error is recorded.
async fn suspend_stream(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    set_stream_status(&shared, &id, "suspended")
}

/// The same as Auth0's `PATCH /api/v2/log-streams/{id}` `{"status": "paused"}`, for the admin page's button
/// (which holds no Management API token).
async fn pause_stream(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    set_stream_status(&shared, &id, "paused")
}

fn set_stream_status(shared: &Shared, id: &str, status: &str) -> Response {
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    let Some(stream) = world.auth0.streams.iter_mut().find(|s| s.id == id) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("no log stream with id {id}")})),
        )
            .into_response();
    };
    stream.status = status.to_owned();
    if status == "suspended" {
        stream.failing_since_ms.get_or_insert(now);
        stream.delivery_errors.push(json!({
            "date": rfc3339_ms(now),
            "message": "suspended through the sandbox's admin surface",
        }));
    }
    let answer = crate::auth0::log_streams::stream_json(stream);
    drop(world);
    shared.mark_dirty();
    axum::Json(answer).into_response()
}

#[derive(Deserialize)]
struct FailedEventSubscription {
    /// Defaults to the seeded subscription.
    #[serde(default)]
    subscription_id: Option<String>,
    resource_group: String,
    partner_topic: String,
    name: String,
}

/// An event subscription whose provisioning ended `Failed` (a state Event Grid documents, which no request
/// sets on an existing subscription): it stops receiving events until it is saved again.
async fn fail_event_subscription(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: FailedEventSubscription = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"resource_group\", \"partner_topic\", \"name\", \"subscription_id\"?}}: {e}"
            ));
        }
    };
    let mut world = shared.world();
    let found = world.azure.event_subscriptions.iter_mut().find(|e| {
        request
            .subscription_id
            .as_deref()
            .is_none_or(|s| e.subscription_id.eq_ignore_ascii_case(s))
            && e.resource_group
                .eq_ignore_ascii_case(&request.resource_group)
            && e.topic.eq_ignore_ascii_case(&request.partner_topic)
            && e.name.eq_ignore_ascii_case(&request.name)
    });
    let Some(subscription) = found else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("no event subscription {} on {}", request.name, request.partner_topic)})),
        )
            .into_response();
    };
    subscription.provisioning_state = "Failed".into();
    subscription.validation = None;
    let answer = json!({"name": subscription.name, "provisioningState": "Failed"});
    drop(world);
    shared.mark_dirty();
    axum::Json(answer).into_response()
}

#[derive(Deserialize)]
struct ValidationQuery {
    #[serde(default)]
    token: String,
}

/// The `WebHook-Request-Callback` of a handshake the endpoint did not grant at once: calling it (GET or
/// POST) within the window grants delivery and the subscription is provisioned.
async fn validate_webhook(
    State(shared): State<Arc<Shared>>,
    Path(_name): Path<String>,
    Query(query): Query<ValidationQuery>,
) -> Response {
    let now = shared.clock.now_ms();
    let result = crate::azure::eventgrid::event_subscriptions::complete_validation(
        &mut shared.world(),
        &query.token,
        now,
    );
    match result {
        Ok(name) => {
            shared.mark_dirty();
            axum::Json(json!({"validated": name})).into_response()
        }
        Err(e) => (StatusCode::NOT_FOUND, axum::Json(json!({"error": e}))).into_response(),
    }
}

async fn faults(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.faults().clone()).into_response()
}

async fn set_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            *shared.faults() = faults.clone();
            axum::Json(faults).into_response()
        }
        Err(e) => bad(&format!("invalid faults: {e}")),
    }
}

async fn add_fault_rule(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            if !(rule.rate > 0.0 && rule.rate <= 1.0) {
                return bad("rate must be greater than 0 and at most 1");
            }
            shared.faults().rules.push(rule);
            axum::Json(shared.faults().clone()).into_response()
        }
        Err(e) => bad(&format!(
            "invalid fault rule (e.g. {{\"kind\": {{\"type\": \"server_error\", \"status\": 503}}, \"path_contains\": \"/log-streams\", \"rate\": 0.5}}): {e}"
        )),
    }
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    *shared.faults() = Faults::default();
    StatusCode::NO_CONTENT.into_response()
}

fn rate_limit_json(limit: Option<crate::config::RateLimit>) -> Value {
    match limit {
        Some(limit) => json!({"limit": limit.limit, "window_secs": limit.window.as_secs_f64()}),
        None => Value::Null,
    }
}

async fn rate_limit(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(rate_limit_json(shared.rate_limit())).into_response()
}

async fn set_rate_limit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let limit = body["limit"]
        .as_u64()
        .filter(|l| *l > 0 && *l <= u32::MAX as u64);
    let window = body["window_secs"].as_f64().unwrap_or(1.0);
    let Some(limit) = limit.filter(|_| window.is_finite() && window > 0.0) else {
        return bad("expected {\"limit\": N > 0, \"window_secs\": seconds > 0 (default 1)}");
    };
    let limit = Some(crate::config::RateLimit {
        limit: limit as u32,
        window: Duration::from_secs_f64(window),
    });
    shared.set_rate_limit(limit);
    axum::Json(rate_limit_json(limit)).into_response()
}

async fn clear_rate_limit(State(shared): State<Arc<Shared>>) -> Response {
    shared.set_rate_limit(None);
    StatusCode::NO_CONTENT.into_response()
}

async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(json!({"now": rfc3339_ms(shared.clock.now_ms()), "now_ms": shared.clock.now_ms(), "frozen": shared.clock.is_frozen()}))
        .into_response()
}

async fn advance_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seconds = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["seconds"].as_u64());
    let Some(seconds) = seconds else {
        return bad("expected {\"seconds\": N} with N a non-negative integer");
    };
    shared.clock.advance(Duration::from_secs(seconds));
    let _ = shared
        .pipeline
        .send(crate::pipeline::work::PipelineJob::Tick);
    clock(State(shared)).await
}

async fn wait_idle(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let limit = params
        .get("timeout_ms")
        .and_then(|t| t.parse().ok())
        .unwrap_or(10_000u64)
        .min(60_000);
    let idle = crate::pipeline::wait_idle(&shared, Duration::from_millis(limit)).await;
    let status = if idle {
        StatusCode::OK
    } else {
        StatusCode::REQUEST_TIMEOUT
    };
    (status, axum::Json(json!({"idle": idle}))).into_response()
}

async fn inbox_handshake(headers: HeaderMap) -> Response {
    let origin = headers
        .get("webhook-request-origin")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("*"));
    let mut response = StatusCode::OK.into_response();
    response
        .headers_mut()
        .insert("webhook-allowed-origin", origin);
    response
        .headers_mut()
        .insert("webhook-allowed-rate", HeaderValue::from_static("*"));
    response
}

async fn inbox_receive(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let events = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items,
        Ok(event) => vec![event],
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    shared
        .world()
        .inboxes
        .entry(name)
        .or_default()
        .extend(events);
    shared.mark_dirty();
    StatusCode::OK.into_response()
}

async fn inbox(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    let events = shared
        .world()
        .inboxes
        .get(&name)
        .cloned()
        .unwrap_or_default();
    axum::Json(events).into_response()
}

async fn inbox_clear(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    shared.world().inboxes.remove(&name);
    StatusCode::NO_CONTENT.into_response()
}

fn table(title: &str, headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let head: String = headers
        .iter()
        .map(|h| format!("<th>{}</th>", html_escape(h)))
        .collect();
    let body: String = rows
        .iter()
        .map(|r| {
            format!(
                "<tr>{}</tr>",
                r.iter()
                    .map(|c| format!("<td>{}</td>", html_escape(c)))
                    .collect::<String>()
            )
        })
        .collect();
    format!(
        "<section><h2>{}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>",
        html_escape(title)
    )
}

/// The streams, each with buttons that pause or suspend it (a POST to the admin route, then the page again).
fn stream_table(streams: &[crate::state::LogStream], text: impl Fn(&Value) -> String) -> String {
    let rows: String = streams
        .iter()
        .map(|s| {
            let cells: String = [
                s.id.clone(),
                s.name.clone(),
                s.stream_type.clone(),
                s.status.clone(),
                text(&s.sink["azurePartnerTopic"]),
            ]
            .iter()
            .map(|c| format!("<td>{}</td>", html_escape(c)))
            .collect();
            let id = html_escape(&s.id);
            let name = html_escape(&s.name);
            let button = |action: &str, label: &str| {
                format!(
                    r#"<button type="button" data-post="/_sandbox/auth0/log-streams/{id}/{action}" aria-label="{label} the stream {name}">{label}</button> "#
                )
            };
            format!(
                "<tr>{cells}<td>{}{}</td></tr>",
                button("pause", "Pause"),
                button("suspend", "Suspend")
            )
        })
        .collect();
    let head: String = ["id", "name", "type", "status", "partner topic", "actions"]
        .iter()
        .map(|h| format!("<th>{h}</th>"))
        .collect();
    format!(
        "<section><h2>Auth0 log streams</h2><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )
}

/// Posts `{}` to a button's `data-post` route with the run's admin token, then shows the page again (or the
/// refusal).
const PAGE_SCRIPT: &str = r#"<script>
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-post]');
  if (!button) return;
  button.disabled = true;
  const token = document.querySelector('meta[name="sandbox-admin-token"]').content;
  const headers = {'content-type': 'application/json', 'x-sandbox-admin-token': token};
  const answer = await fetch(button.dataset.post, {method: 'POST', headers, body: '{}'});
  if (answer.ok) { location.reload(); } else { button.disabled = false; alert(await answer.text()); }
});
</script>"#;

async fn page(State(shared): State<Arc<Shared>>) -> Html<String> {
    let world = shared.world();
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string())
    };
    let streams = stream_table(&world.auth0.streams, text);
    let home = world.home_directory();
    let directories = table(
        "Azure directories",
        &["name", "tenant id", "domain", "members"],
        std::iter::once(vec![
            home.display_name.clone(),
            home.tenant_id.clone(),
            home.domain.clone(),
            "every user and service principal".into(),
        ])
        .chain(world.azure.guest_directories.iter().map(|d| {
            vec![
                d.display_name.clone(),
                d.tenant_id.clone(),
                d.domain.clone(),
                d.guests
                    .iter()
                    .map(|g| format!("{} (guest, {})", g.user, g.role))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        }))
        .collect(),
    );
    let groups = table(
        "Azure subscriptions and resource groups",
        &[
            "subscription",
            "directory",
            "Event Grid provider",
            "resource groups",
        ],
        world
            .azure
            .subscriptions
            .iter()
            .map(|s| {
                vec![
                    format!("{} ({})", s.display_name, s.subscription_id),
                    world
                        .directory(&s.tenant_id)
                        .map(|d| d.display_name)
                        .unwrap_or_else(|| s.tenant_id.clone()),
                    s.event_grid.state.clone(),
                    s.resource_groups
                        .iter()
                        .map(|g| g.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect(),
    );
    let topics = table(
        "Partner topics",
        &[
            "name",
            "group",
            "source",
            "activation",
            "expires if not activated",
        ],
        world
            .azure
            .partner_topics
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.resource_group.clone(),
                    t.source.clone(),
                    t.activation_state.clone(),
                    rfc3339_ms(t.expires_ms),
                ]
            })
            .collect(),
    );
    let subscriptions = table(
        "Event subscriptions",
        &["topic", "name", "destination", "provisioning"],
        world
            .azure
            .event_subscriptions
            .iter()
            .map(|e| {
                vec![
                    e.topic.clone(),
                    e.name.clone(),
                    text(&e.properties["destination"]["endpointType"]),
                    e.provisioning_state.clone(),
                ]
            })
            .collect(),
    );
    let events = table(
        "Events (latest 100)",
        &[
            "log",
            "code",
            "subscription",
            "status",
            "attempts",
            "reason",
        ],
        world
            .events
            .iter()
            .rev()
            .take(100)
            .map(|e| {
                vec![
                    e.log_id.clone(),
                    e.log_type.clone(),
                    e.event_subscription.clone().unwrap_or_default(),
                    e.status.clone(),
                    e.attempts.to_string(),
                    e.reason.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    );
    let inboxes = table(
        "Built-in inboxes (/_sandbox/inbox/{name})",
        &["name", "events received"],
        world
            .inboxes
            .iter()
            .map(|(name, events)| vec![name.clone(), events.len().to_string()])
            .collect(),
    );
    let logs = world.auth0.logs.len();
    drop(world);
    let requests = table(
        "Requests (latest 100)",
        &["#", "cloud", "method", "path", "status"],
        shared
            .requests()
            .iter()
            .rev()
            .take(100)
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.cloud.clone(),
                    r.method.clone(),
                    r.path.clone(),
                    r.status.to_string(),
                ]
            })
            .collect(),
    );
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="sandbox-admin-token" content="{token}"><title>Cloud sandbox</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.5rem;color-scheme:light dark}}table{{border-collapse:collapse;margin-bottom:1rem}}td,th{{border:1px solid #8884;padding:.2rem .5rem;text-align:left;font-size:.9rem}}</style></head>
<body><h1>Cloud sandbox</h1><p>Sandbox time {now}. {logs} tenant log entries. JSON: <a href="/_sandbox/state">state</a>, <a href="/_sandbox/requests">requests</a>, <a href="/_sandbox/events">events</a>.</p>
{streams}{directories}{groups}{topics}{subscriptions}{events}{inboxes}{requests}{script}</body></html>"#,
        now = rfc3339_ms(shared.clock.now_ms()),
        script = PAGE_SCRIPT,
        // Hex only. Another site's page cannot read this page (no CORS, and a rebound Host is refused).
        token = shared.admin_token,
    ))
}
