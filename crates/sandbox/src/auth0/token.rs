//! `POST /oauth/token`: the client-credentials grant of the seeded machine-to-machine application (JWT access
//! tokens carrying `scope`, `aud`, `exp`), dispatching the user grants to `identity`. Every exchange writes
//! the tenant log entry Auth0 writes (`seccft` / `feccft` here).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{accepted_audiences, identity, log_entry};
use crate::http_util::{oauth_error, parse_body, str_field};
use crate::server::Shared;
use crate::state::M2M_SCOPES;

pub async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let body = match parse_body(&headers, &body) {
        Ok(body) => body,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    match str_field(&body, "grant_type") {
        Some("client_credentials") => client_credentials(&shared, &headers, &body),
        Some("authorization_code") => identity::redeem_code(&shared, &body),
        Some("refresh_token") => identity::redeem_refresh_token(&shared, &body),
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            identity::redeem_device_code(&shared, &body)
        }
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {other}"),
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        ),
    }
}

/// Client id and secret from the body or an HTTP Basic header (`client_secret_basic`).
fn client_credentials_of(headers: &HeaderMap, body: &Value) -> (String, String) {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok())
        && let Some((id, secret)) = basic.split_once(':')
    {
        let id = crate::http_util::percent_decode(id).unwrap_or_else(|_| id.to_owned());
        let secret = crate::http_util::percent_decode(secret).unwrap_or_else(|_| secret.to_owned());
        return (id, secret);
    }
    (
        str_field(body, "client_id").unwrap_or("").to_owned(),
        str_field(body, "client_secret").unwrap_or("").to_owned(),
    )
}

fn client_credentials(shared: &Shared, headers: &HeaderMap, body: &Value) -> Response {
    let (client_id, client_secret) = client_credentials_of(headers, body);
    let audience = str_field(body, "audience").unwrap_or("").to_owned();
    let fail = |status: StatusCode, error: &str, description: &str| {
        shared.append_log(log_entry(
            shared,
            "feccft",
            description,
            json!({"client_id": client_id, "audience": audience}),
        ));
        oauth_error(status, error, description)
    };
    let (expected_id, expected_secret) = {
        let world = shared.world();
        (
            world.auth0.m2m_client_id.clone(),
            world.auth0.m2m_client_secret.clone(),
        )
    };
    if client_id != expected_id || client_secret != expected_secret {
        return fail(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    }
    if audience.is_empty() {
        return fail(
            StatusCode::FORBIDDEN,
            "access_denied",
            "No audience parameter was provided, and no default audience has been configured",
        );
    }
    if !accepted_audiences(shared).contains(&audience) {
        return fail(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Service not enabled within domain: {audience}"),
        );
    }
    let scope = match str_field(body, "scope").filter(|s| !s.trim().is_empty()) {
        None => M2M_SCOPES.join(" "),
        Some(requested) => {
            let missing: Vec<&str> = requested
                .split_whitespace()
                .filter(|s| !M2M_SCOPES.contains(s))
                .collect();
            if !missing.is_empty() {
                return fail(
                    StatusCode::FORBIDDEN,
                    "access_denied",
                    &format!("Client has not been granted scopes: {}", missing.join(", ")),
                );
            }
            requested.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    let now = shared.clock.now_secs();
    let lifetime = shared.config.auth0_token_lifetime.as_secs() as i64;
    let claims = json!({
        "iss": format!("{}/", shared.urls.auth0),
        "sub": format!("{client_id}@clients"),
        "aud": audience,
        "iat": now,
        "exp": now + lifetime,
        "scope": scope,
        "gty": "client-credentials",
        "azp": client_id,
    });
    let access_token = shared.signer.sign(&claims);
    shared.append_log(log_entry(
        shared,
        "seccft",
        "Client Credentials for Access Token",
        json!({
            "client_id": client_id,
            "client_name": "Sandbox setup (machine to machine)",
            "audience": audience,
            "scope": scope,
        }),
    ));
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "access_token": access_token,
            "scope": scope,
            "expires_in": lifetime,
            "token_type": "Bearer",
        })),
    )
        .into_response()
}
