//! The emulated Auth0 tenant: authentication API (`/oauth/token`, `/authorize`, device flow), Management API
//! log streams and logs, and the tenant log every action writes to (which feeds the event pipeline). The
//! tenant answers at its canonical domain and at a custom domain (a port of its own); as Auth0 documents, a
//! token's issuer is the domain it was requested at and the Management API accepts it only there.

mod identity;
pub(crate) mod log_streams;
mod logs;
pub mod schema;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::http_util::{auth0_error, bearer};
use crate::shared::{Shared, SimulationKind};
use crate::tokens::{TokenProblem, random_hex};

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/oauth/token", post(token::token))
        .route(
            "/authorize",
            get(identity::authorize_page).post(identity::authorize_submit),
        )
        .route("/oauth/device/code", post(identity::device_code))
        .route(
            "/activate",
            get(identity::activate_page).post(identity::activate_submit),
        )
        .route(
            "/.well-known/openid-configuration",
            get(identity::discovery),
        )
        .route("/.well-known/jwks.json", get(identity::jwks))
        .route(
            "/api/v2/log-streams",
            get(log_streams::list).post(log_streams::create),
        )
        .route(
            "/api/v2/log-streams/{id}",
            get(log_streams::get_one)
                .patch(log_streams::update)
                .delete(log_streams::delete),
        )
        .route("/api/v2/logs", get(logs::list))
        .route("/api/v2/logs/{id}", get(logs::get_one))
        .fallback(not_found)
}

async fn not_found() -> Response {
    auth0_error(StatusCode::NOT_FOUND, "Not Found", None)
}

/// The Management API audiences this tenant accepts: the https form with its domain, and the loopback form.
pub fn accepted_audiences(shared: &Shared) -> [String; 2] {
    [
        format!("https://{}/api/v2/", shared.urls.auth0_host()),
        format!("{}/api/v2/", shared.urls.auth0),
    ]
}

/// The issuer of tokens requested through this request's host: the custom domain's URL when the request came
/// to the custom domain, else the canonical one. Auth0: "Auth0 issues tokens with an issuer (`iss` claim) of
/// whichever domain you used when requesting the token"
/// (<https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens>, "Custom domains and the Auth0
/// Management API").
pub fn issuer(shared: &Shared, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if host.is_some_and(|h| h.eq_ignore_ascii_case(shared.urls.auth0_custom_domain_host())) {
        format!("{}/", shared.urls.auth0_custom_domain)
    } else {
        format!("{}/", shared.urls.auth0)
    }
}

/// A request to the Management API that passed the token and scope checks.
pub struct Caller {
    pub client_id: String,
    rate: Option<(u32, u32, i64)>,
}

impl Caller {
    /// Adds the `x-ratelimit-*` headers when rate limiting is on.
    pub fn finish(&self, response: Response) -> Response {
        with_rate_headers(response, self.rate)
    }
}

fn with_rate_headers(mut response: Response, rate: Option<(u32, u32, i64)>) -> Response {
    if let Some((limit, remaining, reset)) = rate {
        let headers = response.headers_mut();
        for (name, value) in [
            ("x-ratelimit-limit", limit.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", reset.to_string()),
        ] {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
    }
    response
}

/// Rate limit, bearer token, audience, expiry and scope checks of the Management API, in Auth0's order and
/// wording. `any_of` lists the scopes of which one suffices.
pub fn management_caller(
    shared: &Shared,
    headers: &HeaderMap,
    any_of: &[&str],
) -> Result<Caller, Response> {
    let rate = match shared.take_rate_token() {
        Some((limit, remaining, reset, allowed)) => {
            let rate = Some((limit, remaining, reset));
            if !allowed {
                let mut response = auth0_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Global limit has been reached",
                    Some("too_many_requests"),
                );
                let wait = (reset - shared.clock.now_secs()).max(1);
                if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                    response.headers_mut().insert("retry-after", v);
                }
                return Err(with_rate_headers(response, rate));
            }
            rate
        }
        None => None,
    };
    let unauthorized = |message: &str, code: Option<&str>| {
        with_rate_headers(auth0_error(StatusCode::UNAUTHORIZED, message, code), rate)
    };
    let Some(token) = bearer(headers) else {
        return Err(unauthorized("Missing authentication", None));
    };
    let claims = match shared.signer.verify(token) {
        Ok(claims) => claims,
        Err(TokenProblem::BadSignature) => {
            return Err(unauthorized(
                "Invalid signature received for JSON Web Token validation.",
                Some("invalid_signature"),
            ));
        }
        Err(TokenProblem::Malformed) => return Err(unauthorized("Invalid token", None)),
    };
    let aud_ok = match &claims["aud"] {
        Value::String(a) => accepted_audiences(shared).contains(a),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .any(|a| accepted_audiences(shared).iter().any(|x| x == a)),
        _ => false,
    };
    if !aud_ok {
        return Err(unauthorized(
            &format!(
                "Bad audience: {}",
                claims["aud"].as_str().unwrap_or("(none)")
            ),
            None,
        ));
    }
    // "If you have requested an Access Token from your custom domain, then you must call the Management API
    // from your custom domain or else your Access Token will be considered invalid" (the same page); and
    // the other way round, a token from the canonical domain at the custom domain.
    if claims["iss"].as_str() != Some(issuer(shared, headers).as_str()) {
        return Err(unauthorized("Invalid token", None));
    }
    let now = shared.clock.now_secs();
    let early_expiry = shared
        .faults()
        .token_lifetime_secs
        .is_some_and(|life| now >= claims["iat"].as_i64().unwrap_or(0) + life as i64);
    if now >= claims["exp"].as_i64().unwrap_or(0) || early_expiry {
        return Err(unauthorized(
            "Expired token received for JSON Web Token validation.",
            Some("token_expired"),
        ));
    }
    let granted: Vec<&str> = claims["scope"].as_str().unwrap_or("").split(' ').collect();
    if !any_of.iter().any(|s| granted.contains(s)) {
        return Err(with_rate_headers(
            auth0_error(
                StatusCode::FORBIDDEN,
                &format!("Insufficient scope, expected any of: {}", any_of.join(",")),
                Some("insufficient_scope"),
            ),
            rate,
        ));
    }
    Ok(Caller {
        client_id: claims["azp"].as_str().unwrap_or("").to_owned(),
        rate,
    })
}

/// The log categories a stream filter can name, with the log codes in each (from Auth0's documentation).
const CATEGORIES: &[(&str, &[&str])] = &[
    ("auth.login.success", &["s", "scoa", "sens"]),
    (
        "auth.login.fail",
        &["f", "fc", "fco", "fcoa", "fens", "fp", "fu"],
    ),
    ("auth.login.notification", &["w", "wn"]),
    ("auth.logout.success", &["slo"]),
    ("auth.logout.fail", &["flo"]),
    ("auth.signup.success", &["ss"]),
    ("auth.signup.fail", &["fs"]),
    ("auth.silent_auth.success", &["ssa"]),
    ("auth.silent_auth.fail", &["fsa"]),
    (
        "auth.token_exchange.success",
        &[
            "seccft", "seacft", "sede", "seoobft", "seotpft", "sepft", "sercft", "sertft",
        ],
    ),
    (
        "auth.token_exchange.fail",
        &[
            "feccft", "feacft", "fede", "feoobft", "feotpft", "fepft", "fepotpft", "fercft",
            "ferrt", "fertft",
        ],
    ),
    ("management.success", &["sapi", "mgmt_api_read"]),
    ("management.fail", &["fapi"]),
    (
        "user.success",
        &[
            "sce",
            "scp",
            "scpn",
            "scpr",
            "scu",
            "sdu",
            "srrt",
            "ss_sso_success",
            "sui",
            "sv",
            "svr",
        ],
    ),
    (
        "user.fail",
        &[
            "fce", "fcp", "fcpn", "fcpr", "fcu", "fdu", "fui", "fv", "fvr",
        ],
    ),
    ("user.notification", &["cls", "cs", "du"]),
    ("scim.event", &["scim"]),
    (
        "system.notification",
        &["sys_os_update_start", "sys_os_update_end"],
    ),
    ("actions", &["actions_execution_failed"]),
];

/// The filter category of a log code (`other` when none names it).
pub fn category_of(code: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(_, codes)| codes.contains(&code))
        .map(|(name, _)| *name)
        .unwrap_or("other")
}

/// A tenant log entry with the fields Auth0 writes for client and user events.
pub fn log_entry(shared: &Shared, code: &str, description: &str, extra: Value) -> Value {
    let mut entry = json!({
        "type": code,
        "description": description,
        "ip": "127.0.0.1",
        "hostname": shared.urls.auth0_host(),
        "user_agent": "cloud-sandbox",
        "isMobile": false,
    });
    if let (Some(target), Value::Object(more)) = (entry.as_object_mut(), extra) {
        target.extend(more);
    }
    entry
}

/// The `sapi` entry Auth0 writes for a successful Management API change.
pub fn management_entry(
    shared: &Shared,
    caller: &Caller,
    description: &str,
    method: &str,
    path: &str,
) -> Value {
    log_entry(
        shared,
        "sapi",
        description,
        json!({
            "client_id": caller.client_id,
            "client_name": "",
            "details": {"request": {"method": method, "path": path, "channel": "https://manage.auth0.com/"}},
        }),
    )
}

/// Writes `count` simulated entries (logins, failed logins or sign-ups) for `user` or the first seeded user.
pub fn simulate(
    shared: &Shared,
    kind: SimulationKind,
    count: u32,
    user: Option<&str>,
) -> Vec<Value> {
    let user = user.map(str::to_owned).unwrap_or_else(|| {
        shared
            .world()
            .auth0
            .users
            .first()
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "user@sandbox.test".into())
    });
    let (code, description) = match kind {
        SimulationKind::Login => ("s", "Successful login"),
        SimulationKind::LoginFailure => ("f", "Wrong email or password."),
        SimulationKind::Signup => ("ss", "Successful signup"),
    };
    (0..count)
        .map(|_| {
            let entry = log_entry(
                shared,
                code,
                description,
                json!({
                    "connection": "Username-Password-Authentication",
                    "connection_id": "con_sandboxdatabase1",
                    "client_id": "sandbox-web-app",
                    "client_name": "Sandbox web app",
                    "strategy": "auth0",
                    "strategy_type": "database",
                    "user_id": format!("auth0|{}", random_hex(12)),
                    "user_name": user,
                }),
            );
            shared.append_log(entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_cover_the_codes_the_sandbox_writes() {
        assert_eq!(category_of("s"), "auth.login.success");
        assert_eq!(category_of("f"), "auth.login.fail");
        assert_eq!(category_of("ss"), "auth.signup.success");
        assert_eq!(category_of("seccft"), "auth.token_exchange.success");
        assert_eq!(category_of("feccft"), "auth.token_exchange.fail");
        assert_eq!(category_of("zzz"), "other");
    }
}
