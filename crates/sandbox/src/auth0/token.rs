//! `POST /oauth/token`: the client-credentials grant of machine-to-machine applications (JWT access tokens
//! carrying `scope`, `aud`, `exp`), authenticated with the seeded application's secret or a private-key JWT
//! assertion (`private_key_jwt`), dispatching the user grants to `identity`. Every exchange writes
//! the tenant log entry Auth0 writes (`seccft` / `feccft` here).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{accepted_audiences, identity, issuer, log_entry};
use crate::client_assertion::{
    self, AssertionProblem, CLIENT_ASSERTION_TYPE, CandidateKey, Expected,
};
use crate::http_util::{oauth_error, parse_body, str_field};
use crate::shared::Shared;
use crate::state::M2M_SCOPES;

const SEEDED_APPLICATION_NAME: &str = "Sandbox setup (machine to machine)";

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

/// The application a client-credentials request authenticated as.
struct Application {
    client_id: String,
    name: String,
    scopes: Vec<String>,
}

/// Why a client-credentials request is refused: status, OAuth error, description.
type Refusal = (StatusCode, &'static str, String);

fn client_credentials(shared: &Shared, headers: &HeaderMap, body: &Value) -> Response {
    let audience = str_field(body, "audience").unwrap_or("").to_owned();
    let fail = |client_id: &str, (status, error, description): Refusal| {
        shared.append_log(log_entry(
            shared,
            "feccft",
            &description,
            json!({"client_id": client_id, "audience": audience}),
        ));
        oauth_error(status, error, &description)
    };
    let by_assertion = str_field(body, "client_assertion_type").is_some()
        || str_field(body, "client_assertion").is_some();
    let authenticated = if by_assertion {
        authenticate_by_assertion(shared, body)
    } else {
        authenticate_by_secret(shared, headers, body)
    };
    let app = match authenticated {
        Ok(app) => app,
        Err((client_id, refusal)) => return fail(&client_id, refusal),
    };
    let client_id = app.client_id.clone();
    let fail = |status: StatusCode, error: &'static str, description: &str| {
        fail(&client_id, (status, error, description.to_owned()))
    };
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
    if app.scopes.is_empty() {
        return fail(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!(
                "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
            ),
        );
    }
    let scope = match str_field(body, "scope").filter(|s| !s.trim().is_empty()) {
        None => app.scopes.join(" "),
        Some(requested) => {
            let missing: Vec<&str> = requested
                .split_whitespace()
                .filter(|s| !app.scopes.iter().any(|granted| granted == s))
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
        "iss": issuer(shared, headers),
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
            "client_name": app.name,
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

/// `client_secret_post` / `client_secret_basic`: only the seeded application has a secret.
fn authenticate_by_secret(
    shared: &Shared,
    headers: &HeaderMap,
    body: &Value,
) -> Result<Application, (String, Refusal)> {
    let (client_id, client_secret) = client_credentials_of(headers, body);
    let world = shared.world();
    if client_id != world.auth0.m2m_client_id || client_secret != world.auth0.m2m_client_secret {
        return Err((
            client_id,
            (
                StatusCode::UNAUTHORIZED,
                "access_denied",
                "Unauthorized".into(),
            ),
        ));
    }
    Ok(Application {
        client_id,
        name: SEEDED_APPLICATION_NAME.into(),
        scopes: M2M_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
    })
}

/// `private_key_jwt`: the assertion must be signed by one of the application's registered keys with the
/// credential's algorithm, name the application as `iss` and `sub` and the tenant (`https://{domain}/`) as
/// `aud`, live at most five minutes, and carry a `jti` not seen before.
fn authenticate_by_assertion(
    shared: &Shared,
    body: &Value,
) -> Result<Application, (String, Refusal)> {
    let assertion = str_field(body, "client_assertion").unwrap_or("");
    let claimed = client_assertion::unverified_claims(assertion);
    let client_id = str_field(body, "client_id")
        .or_else(|| claimed.as_ref()?.get("sub")?.as_str())
        .unwrap_or("")
        .to_owned();
    let refuse = |status: StatusCode, error: &'static str, description: String| {
        Err((client_id.clone(), (status, error, description)))
    };
    if str_field(body, "client_assertion_type") != Some(CLIENT_ASSERTION_TYPE) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("client_assertion_type must be {CLIENT_ASSERTION_TYPE}"),
        );
    }
    if assertion.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: client_assertion".into(),
        );
    }
    if str_field(body, "client_secret").is_some() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Use only one client authentication method: client_secret or client_assertion".into(),
        );
    }
    let (app, credentials) = {
        let world = shared.world();
        let auth0 = &world.auth0;
        if client_id == auth0.m2m_client_id {
            (
                Application {
                    client_id: client_id.clone(),
                    name: SEEDED_APPLICATION_NAME.into(),
                    scopes: M2M_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                },
                auth0.m2m_credentials.clone(),
            )
        } else if let Some(app) = auth0.applications.iter().find(|a| a.client_id == client_id) {
            (
                Application {
                    client_id: client_id.clone(),
                    name: app.name.clone(),
                    scopes: app.scopes.clone(),
                },
                app.credentials.clone(),
            )
        } else {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                format!("Invalid client assertion: unknown client \"{client_id}\""),
            );
        }
    };
    let kid = client_assertion::header(assertion).ok().and_then(|h| h.kid);
    let keys: Vec<CandidateKey<'_>> = credentials
        .iter()
        .filter(|c| kid.as_deref().is_none_or(|kid| kid == c.kid))
        .map(|c| CandidateKey {
            id: &c.kid,
            algorithm: &c.alg,
            public_pem: &c.pem,
        })
        .collect();
    let audiences = [
        format!("https://{}/", shared.urls.auth0_host()),
        format!("{}/", shared.urls.auth0),
    ];
    let now = shared.clock.now_secs();
    let checked = match (kid, keys.is_empty(), credentials.is_empty()) {
        (Some(kid), true, false) => Err(AssertionProblem::UnknownKey(format!("kid \"{kid}\""))),
        _ => client_assertion::verify(
            assertion,
            &keys,
            &Expected {
                client_id: &client_id,
                audiences: &audiences,
                now_secs: now,
                max_lifetime_secs: client_assertion::AUTH0_MAX_LIFETIME_SECS,
            },
        ),
    }
    .and_then(|(jti, exp)| {
        client_assertion::accept_once(
            &mut shared.world().grants.used_assertions,
            &format!("auth0:{client_id}"),
            &jti,
            exp,
            now,
        )
    });
    match checked {
        Ok(()) => Ok(app),
        Err(problem) => refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            format!("Invalid client assertion: {problem}"),
        ),
    }
}
