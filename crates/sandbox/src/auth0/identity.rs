//! Auth0's interactive sign-in for public clients: `/authorize` (authorization code with PKCE S256 only,
//! through a real login form for seeded users), the device flow (`/oauth/device/code`, `/activate`), and the
//! discovery documents. As with the real service, public clients only ever get `current_user`-style scopes,
//! never Management API scopes such as `*:log_streams`. Each exchange writes its tenant log entry.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::{accepted_audiences, log_entry};
use crate::http_util::{oauth_error, parse_body, str_field};
use crate::shared::Shared;
use crate::signin::{self, CodeProblem, DevicePoll};
use crate::state::UserGrant;

const ISSUER: &str = "auth0";

/// Keeps only what a public client may get: OpenID scopes and `current_user` scopes.
fn public_client_scope(requested: &str) -> String {
    requested
        .split_whitespace()
        .filter(|s| {
            matches!(*s, "openid" | "profile" | "email" | "offline_access")
                || s.contains("current_user")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::response::Html(format!(
            "<!doctype html><title>Error</title><h1>Error</h1><p>{}</p>",
            crate::http_util::html_escape(message)
        )),
    )
        .into_response()
}

/// Checks the authorize parameters; Err is the response to give instead of the login form.
fn check_authorize(params: &HashMap<String, String>) -> Result<(), Response> {
    let redirect_uri = params.get("redirect_uri").map(String::as_str).unwrap_or("");
    if params.get("client_id").is_none_or(|c| c.is_empty()) {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: client_id",
        ));
    }
    if !(signin::is_loopback_redirect(redirect_uri) || redirect_uri.starts_with("https://")) {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Callback URL mismatch: redirect_uri must be a loopback http:// or an https:// URL",
        ));
    }
    let state = params.get("state").map(String::as_str).unwrap_or("");
    let refuse = |description: &str| {
        let mut query = vec![
            ("error", "invalid_request"),
            ("error_description", description),
        ];
        if !state.is_empty() {
            query.push(("state", state));
        }
        Redirect::to(&signin::redirect_with(redirect_uri, &query)).into_response()
    };
    if params.get("response_type").map(String::as_str) != Some("code") {
        return Err(refuse("Unsupported response_type: only code is allowed"));
    }
    if params.get("code_challenge_method").map(String::as_str) != Some("S256")
        || params.get("code_challenge").is_none_or(|c| c.len() < 43)
    {
        return Err(refuse(
            "PKCE is required: code_challenge with code_challenge_method=S256",
        ));
    }
    Ok(())
}

pub async fn authorize_page(Query(params): Query<HashMap<String, String>>) -> Response {
    if let Err(response) = check_authorize(&params) {
        return response;
    }
    let hidden: Vec<(String, String)> = params.into_iter().collect();
    signin::login_page("Log in to the sandbox tenant", "/authorize", &hidden, None).into_response()
}

pub async fn authorize_submit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = match parse_body(&headers, &body) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        _ => return error_page(StatusCode::BAD_REQUEST, "Invalid form"),
    };
    if let Err(response) = check_authorize(&form) {
        return response;
    }
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let client_id = form["client_id"].clone();
    let Some(user) = signin::check_password(&shared, &username, &password) else {
        shared.append_log(log_entry(
            &shared,
            "f",
            "Wrong email or password.",
            json!({"client_id": client_id, "user_name": username, "connection": "Username-Password-Authentication"}),
        ));
        let hidden: Vec<(String, String)> = form
            .into_iter()
            .filter(|(k, _)| k != "username" && k != "password")
            .collect();
        return signin::login_page(
            "Log in to the sandbox tenant",
            "/authorize",
            &hidden,
            Some("Wrong email or password."),
        )
        .into_response();
    };
    shared.append_log(log_entry(
        &shared,
        "s",
        "Successful login",
        json!({"client_id": client_id, "user_name": user, "connection": "Username-Password-Authentication"}),
    ));
    let scope = public_client_scope(form.get("scope").map(String::as_str).unwrap_or("openid"));
    let grant = UserGrant {
        issuer: ISSUER.into(),
        client_id,
        user,
        scope,
        tenant: form.get("audience").cloned().unwrap_or_default(),
    };
    let redirect_uri = form["redirect_uri"].clone();
    let code = signin::issue_code(
        &shared,
        grant,
        &redirect_uri,
        &form["code_challenge"],
        form.get("nonce").cloned(),
    );
    let mut query = vec![("code", code.as_str())];
    if let Some(state) = form.get("state") {
        query.push(("state", state));
    }
    Redirect::to(&signin::redirect_with(&redirect_uri, &query)).into_response()
}

/// Access (and ID, and refresh) tokens for a user grant.
fn user_tokens(
    shared: &Shared,
    grant: &UserGrant,
    refresh_token: Option<String>,
    nonce: Option<&str>,
) -> Response {
    let now = shared.clock.now_secs();
    let lifetime = shared.config.auth0_token_lifetime.as_secs() as i64;
    let audience = if grant.tenant.is_empty() {
        format!("{}/userinfo", shared.urls.auth0)
    } else {
        grant.tenant.clone()
    };
    let subject = format!("auth0|{}", grant.user.replace(['@', '.'], "_"));
    let access = shared.signer.sign(&json!({
        "iss": format!("{}/", shared.urls.auth0),
        "sub": subject,
        "aud": [audience, format!("{}/userinfo", shared.urls.auth0)],
        "iat": now,
        "exp": now + lifetime,
        "scope": grant.scope,
        "azp": grant.client_id,
    }));
    let mut body = json!({
        "access_token": access,
        "expires_in": lifetime,
        "scope": grant.scope,
        "token_type": "Bearer",
    });
    if grant.scope.split(' ').any(|s| s == "openid") {
        body["id_token"] = json!(shared.signer.sign(&json!({
            "iss": format!("{}/", shared.urls.auth0),
            "sub": subject,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 36_000,
            "email": grant.user,
            "name": grant.user,
            "nonce": nonce,
        })));
    }
    if let Some(token) = refresh_token {
        body["refresh_token"] = json!(token);
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

fn offline(shared: &Shared, grant: &UserGrant) -> Option<String> {
    grant
        .scope
        .split(' ')
        .any(|s| s == "offline_access")
        .then(|| signin::issue_refresh_token(shared, grant.clone()))
}

pub fn redeem_code(shared: &Shared, body: &Value) -> Response {
    let client_id = str_field(body, "client_id").unwrap_or("");
    let result = signin::redeem_code(
        shared,
        ISSUER,
        str_field(body, "code").unwrap_or(""),
        client_id,
        str_field(body, "redirect_uri").unwrap_or(""),
        str_field(body, "code_verifier").unwrap_or(""),
    );
    let (grant, nonce) = match result {
        Ok(code) => (code.grant, code.nonce),
        Err(problem) => {
            let description = match problem {
                CodeProblem::BadVerifier => "Failed to verify code verifier",
                CodeProblem::WrongRedirect => {
                    "Unable to verify redirect_uri: it does not match the one used to authorize"
                }
                _ => "Invalid authorization code",
            };
            shared.append_log(log_entry(
                shared,
                "feacft",
                description,
                json!({"client_id": client_id}),
            ));
            return oauth_error(StatusCode::FORBIDDEN, "invalid_grant", description);
        }
    };
    shared.append_log(log_entry(
        shared,
        "seacft",
        "Authorization Code for Access Token",
        json!({"client_id": client_id, "user_name": grant.user}),
    ));
    let refresh = offline(shared, &grant);
    user_tokens(shared, &grant, refresh, nonce.as_deref())
}

pub fn redeem_refresh_token(shared: &Shared, body: &Value) -> Response {
    let client_id = str_field(body, "client_id").unwrap_or("");
    let token = str_field(body, "refresh_token").unwrap_or("");
    match signin::rotate_refresh_token(shared, ISSUER, token, client_id) {
        Some((grant, next)) => {
            shared.append_log(log_entry(
                shared,
                "sertft",
                "Refresh Token for Access Token",
                json!({"client_id": client_id, "user_name": grant.user}),
            ));
            user_tokens(shared, &grant, Some(next), None)
        }
        None => {
            shared.append_log(log_entry(
                shared,
                "fertft",
                "Unknown or invalid refresh token.",
                json!({"client_id": client_id}),
            ));
            oauth_error(
                StatusCode::FORBIDDEN,
                "invalid_grant",
                "Unknown or invalid refresh token.",
            )
        }
    }
}

pub async fn device_code(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match parse_body(&headers, &body) {
        Ok(body) => body,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let Some(client_id) = str_field(&body, "client_id").filter(|c| !c.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: client_id",
        );
    };
    if client_id == shared.world().auth0.m2m_client_id {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "Grant type 'urn:ietf:params:oauth:grant-type:device_code' not allowed for the client.",
        );
    }
    if let Some(audience) = str_field(&body, "audience")
        && !accepted_audiences(&shared).iter().any(|a| a == audience)
    {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Service not found: {audience}"),
        );
    }
    let scope = public_client_scope(str_field(&body, "scope").unwrap_or("openid"));
    let audience = str_field(&body, "audience").unwrap_or("");
    let (device_code, grant) = signin::start_device(&shared, ISSUER, client_id, &scope, audience);
    let verification_uri = format!("{}/activate", shared.urls.auth0);
    axum::Json(json!({
        "device_code": device_code,
        "user_code": grant.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={}", grant.user_code),
        "expires_in": 900,
        "interval": grant.interval_secs,
    }))
    .into_response()
}

pub async fn activate_page(Query(params): Query<HashMap<String, String>>) -> Response {
    let code = params.get("user_code").map(String::as_str).unwrap_or("");
    signin::activate_page("Device activation", "/activate", code, None).into_response()
}

pub async fn activate_submit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse_body(&headers, &body).unwrap_or(Value::Null);
    let code = str_field(&form, "user_code").unwrap_or("");
    let deny = str_field(&form, "decision") == Some("deny");
    let user = signin::check_password(
        &shared,
        str_field(&form, "username").unwrap_or(""),
        str_field(&form, "password").unwrap_or(""),
    );
    let Some(user) = user else {
        return signin::activate_page(
            "Device activation",
            "/activate",
            code,
            Some("Wrong email or password."),
        )
        .into_response();
    };
    let decision = if deny { Err(()) } else { Ok(user) };
    if signin::decide_device(&shared, ISSUER, code, decision) {
        let message = if deny {
            "Access denied."
        } else {
            "Congratulations, you're all set!"
        };
        signin::activate_page("Device activation", "/activate", "", Some(message)).into_response()
    } else {
        signin::activate_page(
            "Device activation",
            "/activate",
            code,
            Some("Invalid or expired code."),
        )
        .into_response()
    }
}

pub fn redeem_device_code(shared: &Shared, body: &Value) -> Response {
    let client_id = str_field(body, "client_id").unwrap_or("");
    let device_code = str_field(body, "device_code").unwrap_or("");
    match signin::poll_device(shared, ISSUER, device_code, client_id) {
        DevicePoll::Pending => oauth_error(
            StatusCode::FORBIDDEN,
            "authorization_pending",
            "User has yet to authorize device code.",
        ),
        DevicePoll::SlowDown => oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            "You are polling faster than the specified interval of 5 seconds.",
        ),
        DevicePoll::Expired => oauth_error(
            StatusCode::FORBIDDEN,
            "expired_token",
            "The device code has expired.",
        ),
        DevicePoll::Denied => {
            shared.append_log(log_entry(
                shared,
                "fede",
                "User denied the device",
                json!({"client_id": client_id}),
            ));
            oauth_error(
                StatusCode::FORBIDDEN,
                "access_denied",
                "User has denied the device authorization.",
            )
        }
        DevicePoll::Unknown => oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid or expired device code.",
        ),
        DevicePoll::Approved(grant) => {
            shared.append_log(log_entry(
                shared,
                "sede",
                "Device Code for Access Token",
                json!({"client_id": client_id, "user_name": grant.user}),
            ));
            let refresh = offline(shared, &grant);
            user_tokens(shared, &grant, refresh, None)
        }
    }
}

pub async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let base = &shared.urls.auth0;
    axum::Json(json!({
        "issuer": format!("{base}/"),
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "device_authorization_endpoint": format!("{base}/oauth/device/code"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256"],
    }))
    .into_response()
}

/// The sandbox signs with a private HMAC key, so it publishes no verification keys.
pub async fn jwks() -> Response {
    axum::Json(json!({"keys": []})).into_response()
}
