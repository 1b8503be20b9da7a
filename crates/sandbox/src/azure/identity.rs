//! The Microsoft identity platform v2 for the sandbox tenant: authorize (PKCE S256, loopback redirect on any
//! port, `state` echoed) with a sign-in form for seeded users, token (authorization code, refresh token
//! with rotation, client credentials for service principals, device code), device code, and the discovery
//! documents clients read first.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::arm::management_audiences;
use crate::client_assertion::{
    self, AssertionProblem, CLIENT_ASSERTION_TYPE, CandidateKey, Expected,
};
use crate::http_util::{aad_error, parse_body, str_field};
use crate::shared::Shared;
use crate::signin::{self, CodeProblem, DevicePoll};
use crate::state::{Member, UserGrant};

const ISSUER: &str = "azure";

/// Resolves the `{tenant}` path segment (a directory's id or domain) to a tenant id; user flows also accept
/// `organizations` and `common`, which mean the home directory.
fn resolve_tenant(shared: &Shared, tenant: &str, allow_multi: bool) -> Result<String, Response> {
    let world = shared.world();
    if let Some(directory) = world.directory(tenant) {
        return Ok(directory.tenant_id);
    }
    if matches!(tenant, "organizations" | "common") {
        if allow_multi {
            return Ok(world.azure.tenant_id.clone());
        }
        return Err(aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            700_016,
            "Use a tenant-specific endpoint or configure the application to be multi-tenant.",
        ));
    }
    Err(aad_error(
        StatusCode::BAD_REQUEST,
        "invalid_tenant",
        90_002,
        &format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        ),
    ))
}

/// The display name of a directory by tenant id (for error messages).
fn directory_name(shared: &Shared, tenant_id: &str) -> String {
    shared
        .world()
        .directory(tenant_id)
        .map(|d| d.display_name)
        .unwrap_or_else(|| tenant_id.to_owned())
}

/// AADSTS50020: a user of the home directory who is not a guest of `tenant_id`.
fn not_in_tenant_message(shared: &Shared, user: &str, tenant_id: &str, client_id: &str) -> String {
    let home = shared.world().azure.tenant_id.clone();
    format!(
        "AADSTS50020: User account '{user}' from identity provider 'https://sts.windows.net/{home}/' does not exist in tenant '{}' and cannot access the application '{client_id}'({client_id}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
        directory_name(shared, tenant_id)
    )
}

/// The user's object in the grant's directory, or the identity platform's refusal.
fn member_for(shared: &Shared, grant: &UserGrant) -> Result<Member, Response> {
    let world = shared.world();
    let home = world.azure.tenant_id.clone();
    if world.user_in(&home, &grant.user).is_none() {
        return Err(aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50_034,
            "The user account does not exist in the directory.",
        ));
    }
    let member = world.user_in(&grant.tenant, &grant.user);
    drop(world);
    member.ok_or_else(|| {
        let message = not_in_tenant_message(shared, &grant.user, &grant.tenant, &grant.client_id);
        aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50_020,
            message.trim_start_matches("AADSTS50020: "),
        )
    })
}

/// The resource a `.default` scope names, if it is Resource Manager.
fn management_resource(shared: &Shared, scope: &str) -> Option<String> {
    scope.split_whitespace().find_map(|s| {
        let resource = s
            .strip_suffix("/.default")
            .or_else(|| s.strip_suffix("/user_impersonation"))?;
        management_audiences(shared)
            .iter()
            .any(|a| a.trim_end_matches('/') == resource.trim_end_matches('/'))
            .then(|| "https://management.azure.com".to_owned())
    })
}

fn access_token(
    shared: &Shared,
    tenant: &str,
    oid: &str,
    app_id: &str,
    user: Option<&str>,
    scp: Option<&str>,
) -> (String, i64) {
    let now = shared.clock.now_secs();
    let lifetime = shared.config.azure_token_lifetime.as_secs() as i64;
    let mut claims = json!({
        "aud": "https://management.azure.com",
        "iss": format!("https://sts.windows.net/{tenant}/"),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "oid": oid,
        "sub": oid,
        "tid": tenant,
        "appid": app_id,
        "ver": "1.0",
        "idtyp": if user.is_some() { "user" } else { "app" },
    });
    if let Some(user) = user {
        claims["upn"] = json!(user);
        claims["name"] = json!(user);
    }
    if let Some(scp) = scp {
        claims["scp"] = json!(scp);
    }
    (shared.signer.sign(&claims), lifetime)
}

pub async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match parse_body(&headers, &body) {
        Ok(body) => body,
        Err(e) => return aad_error(StatusCode::BAD_REQUEST, "invalid_request", 900_144, &e),
    };
    let grant = str_field(&body, "grant_type").unwrap_or("");
    let tenant_id = match resolve_tenant(&shared, &tenant, grant != "client_credentials") {
        Ok(t) => t,
        Err(response) => return response,
    };
    match grant {
        "client_credentials" => client_credentials(&shared, &tenant, &tenant_id, &body),
        "authorization_code" => redeem_code(&shared, &body),
        "refresh_token" => redeem_refresh(&shared, &tenant_id, &body),
        "urn:ietf:params:oauth:grant-type:device_code" | "device_code" => {
            redeem_device(&shared, &body)
        }
        "" => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_144,
            "The request body must contain the following parameter: 'grant_type'.",
        ),
        other => aad_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70_003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

fn client_credentials(
    shared: &Shared,
    tenant_segment: &str,
    tenant_id: &str,
    body: &Value,
) -> Response {
    let client_id = str_field(body, "client_id").unwrap_or("");
    // Service principals exist in the home directory only.
    let principal = {
        let world = shared.world();
        (world.azure.tenant_id == tenant_id)
            .then(|| {
                world
                    .azure
                    .principals
                    .iter()
                    .find(|p| !p.is_user && p.client_id.eq_ignore_ascii_case(client_id))
                    .cloned()
            })
            .flatten()
    };
    let Some(principal) = principal else {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700_016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                directory_name(shared, tenant_id)
            ),
        );
    };
    let by_assertion = str_field(body, "client_assertion_type").is_some()
        || str_field(body, "client_assertion").is_some();
    let authenticated = match (by_assertion, str_field(body, "client_secret")) {
        (true, _) => certificate_assertion(shared, tenant_segment, &principal, body),
        (false, Some(secret)) if principal.secret == secret => Ok(()),
        (false, Some(_)) => Err(aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        )),
        (false, None) => Err(aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )),
    };
    if let Err(response) = authenticated {
        return response;
    }
    let scope = str_field(body, "scope").unwrap_or("");
    if !scope.split_whitespace().all(|s| s.ends_with("/.default")) || scope.is_empty() {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1_002_012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        );
    }
    if management_resource(shared, scope).is_none() {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            500_011,
            &format!(
                "The resource principal named {} was not found in the tenant named {}.",
                scope.trim_end_matches("/.default"),
                directory_name(shared, tenant_id)
            ),
        );
    }
    let (token, lifetime) = access_token(
        shared,
        tenant_id,
        &principal.object_id,
        &principal.client_id,
        None,
        None,
    );
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        })),
    )
        .into_response()
}

/// Access, ID and refresh tokens for a signed-in user.
fn user_tokens(
    shared: &Shared,
    grant: &UserGrant,
    refresh: Option<String>,
    nonce: Option<&str>,
) -> Response {
    let member = match member_for(shared, grant) {
        Ok(member) => member,
        Err(response) => return response,
    };
    let display_name = grant
        .user
        .split('@')
        .next()
        .unwrap_or(&grant.user)
        .to_owned();
    let (token, lifetime) = access_token(
        shared,
        &grant.tenant,
        &member.object_id,
        &grant.client_id,
        Some(&grant.user),
        Some("user_impersonation"),
    );
    let now = shared.clock.now_secs();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": "https://management.azure.com/user_impersonation https://management.azure.com/.default",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": token,
    });
    if grant.scope.split(' ').any(|s| s == "openid") {
        body["id_token"] = json!(shared.signer.sign(&json!({
            "aud": grant.client_id,
            "iss": format!("{}/{}/v2.0", shared.urls.login, grant.tenant),
            "iat": now, "nbf": now, "exp": now + 3600,
            "oid": member.object_id, "sub": member.object_id, "tid": grant.tenant,
            "preferred_username": grant.user, "name": display_name, "ver": "2.0", "nonce": nonce,
        })));
    }
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
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

fn redeem_code(shared: &Shared, body: &Value) -> Response {
    let result = signin::redeem_code(
        shared,
        ISSUER,
        str_field(body, "code").unwrap_or(""),
        str_field(body, "client_id").unwrap_or(""),
        str_field(body, "redirect_uri").unwrap_or(""),
        str_field(body, "code_verifier").unwrap_or(""),
    );
    match result {
        Ok(code) => {
            let refresh = offline(shared, &code.grant);
            user_tokens(shared, &code.grant, refresh, code.nonce.as_deref())
        }
        Err(CodeProblem::BadVerifier) => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            501_481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ),
        Err(CodeProblem::WrongRedirect) => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            500_117,
            "The reply uri specified in the request does not match the reply uri used to request the authorization code.",
        ),
        Err(CodeProblem::WrongClient) => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70_002,
            "The client does not match the client the authorization code was issued to.",
        ),
        Err(CodeProblem::Expired | CodeProblem::Unknown) => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70_008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ),
    }
}

/// A refresh token is redeemed for the directory in the path: the one it was issued in or any other the
/// user belongs to (Microsoft's refresh tokens are not bound to one tenant). A refusal leaves it unspent.
fn redeem_refresh(shared: &Shared, tenant_id: &str, body: &Value) -> Response {
    let token = str_field(body, "refresh_token").unwrap_or("");
    let client_id = str_field(body, "client_id").unwrap_or("");
    let revoked = || {
        aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50_173,
            "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
        )
    };
    let Some(grant) = signin::refresh_grant(shared, ISSUER, token, client_id) else {
        return revoked();
    };
    let target = UserGrant {
        tenant: tenant_id.to_owned(),
        ..grant
    };
    if let Err(response) = member_for(shared, &target) {
        return response;
    }
    match signin::rotate_refresh_token_into(shared, ISSUER, token, client_id, Some(tenant_id)) {
        Some((grant, next)) => user_tokens(shared, &grant, Some(next), None),
        None => revoked(),
    }
}

fn redeem_device(shared: &Shared, body: &Value) -> Response {
    let client_id = str_field(body, "client_id").unwrap_or("");
    let code = str_field(body, "device_code")
        .or_else(|| str_field(body, "code"))
        .unwrap_or("");
    match signin::poll_device(shared, ISSUER, code, client_id) {
        DevicePoll::Pending => aad_error(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            70_016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        DevicePoll::SlowDown => aad_error(
            StatusCode::BAD_REQUEST,
            "slow_down",
            70_016,
            "Polling too fast: wait the interval between polls.",
        ),
        DevicePoll::Expired => aad_error(
            StatusCode::BAD_REQUEST,
            "expired_token",
            70_020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        ),
        DevicePoll::Denied => aad_error(
            StatusCode::BAD_REQUEST,
            "authorization_declined",
            70_000,
            "The user declined the authorization request.",
        ),
        DevicePoll::Unknown => aad_error(
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            70_019,
            "The device code was not recognized.",
        ),
        DevicePoll::Approved(grant) => {
            let refresh = offline(shared, &grant);
            user_tokens(shared, &grant, refresh, None)
        }
    }
}

/// Validates authorize parameters; Err is the response instead of the form.
fn check_authorize(
    shared: &Shared,
    tenant: &str,
    params: &HashMap<String, String>,
) -> Result<String, Response> {
    let tenant_id = resolve_tenant(shared, tenant, true)?;
    let bad_page = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::response::Html(format!(
                "<!doctype html><title>Sign in error</title><p>{}</p>",
                crate::http_util::html_escape(message)
            )),
        )
            .into_response()
    };
    if params.get("client_id").is_none_or(|c| c.is_empty()) {
        return Err(bad_page(
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        ));
    }
    let redirect_uri = params.get("redirect_uri").map(String::as_str).unwrap_or("");
    if !signin::is_loopback_redirect(redirect_uri) {
        return Err(bad_page(&format!(
            "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application (http://localhost on any port)."
        )));
    }
    let fail = |code: &str, description: &str| {
        let mut query = vec![("error", code), ("error_description", description)];
        if let Some(state) = params.get("state") {
            query.push(("state", state));
        }
        Redirect::to(&signin::redirect_with(redirect_uri, &query)).into_response()
    };
    if params.get("response_type").map(String::as_str) != Some("code") {
        return Err(fail(
            "unsupported_response_type",
            "AADSTS700054: response_type must be 'code'.",
        ));
    }
    if params.get("code_challenge_method").map(String::as_str) != Some("S256")
        || params.get("code_challenge").is_none_or(|c| c.len() < 43)
    {
        return Err(fail(
            "invalid_request",
            "AADSTS50148: PKCE with code_challenge_method S256 is required.",
        ));
    }
    let scope = params.get("scope").map(String::as_str).unwrap_or("");
    if management_resource(shared, scope).is_none() {
        return Err(fail(
            "invalid_scope",
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid: request https://management.azure.com/.default.",
        ));
    }
    Ok(tenant_id)
}

pub async fn authorize_page(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(response) = check_authorize(&shared, &tenant, &params) {
        return response;
    }
    let hidden: Vec<(String, String)> = params.into_iter().collect();
    let action = format!("/{tenant}/oauth2/v2.0/authorize");
    signin::login_page("Sign in to your account", &action, &hidden, None).into_response()
}

pub async fn authorize_submit(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = match parse_body(&headers, &body) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        _ => return (StatusCode::BAD_REQUEST, "invalid form").into_response(),
    };
    let tenant_id = match check_authorize(&shared, &tenant, &form) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let Some(user) = signin::check_password(&shared, &username, &password) else {
        let hidden: Vec<(String, String)> = form
            .into_iter()
            .filter(|(k, _)| k != "username" && k != "password")
            .collect();
        let action = format!("/{tenant}/oauth2/v2.0/authorize");
        return signin::login_page(
            "Sign in to your account",
            &action,
            &hidden,
            Some("Your account or password is incorrect."),
        )
        .into_response();
    };
    if shared.world().user_in(&tenant_id, &user).is_none() {
        let message = not_in_tenant_message(&shared, &user, &tenant_id, &form["client_id"]);
        let hidden: Vec<(String, String)> = form
            .into_iter()
            .filter(|(k, _)| k != "username" && k != "password")
            .collect();
        let action = format!("/{tenant}/oauth2/v2.0/authorize");
        return signin::login_page("Sign in to your account", &action, &hidden, Some(&message))
            .into_response();
    }
    let grant = UserGrant {
        issuer: ISSUER.into(),
        client_id: form["client_id"].clone(),
        user,
        scope: form.get("scope").cloned().unwrap_or_default(),
        tenant: tenant_id,
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

pub async fn device_code(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let tenant_id = match resolve_tenant(&shared, &tenant, true) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let body = parse_body(&headers, &body).unwrap_or(Value::Null);
    let Some(client_id) = str_field(&body, "client_id").filter(|c| !c.is_empty()) else {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    let scope = str_field(&body, "scope").unwrap_or("");
    if management_resource(&shared, scope).is_none() {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70_011,
            "The provided value for the input parameter 'scope' is not valid: request https://management.azure.com/.default.",
        );
    }
    let (device_code, grant) = signin::start_device(&shared, ISSUER, client_id, scope, &tenant_id);
    let uri = format!("{}/devicelogin", shared.urls.login);
    axum::Json(json!({
        "user_code": grant.user_code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": 900,
        "interval": grant.interval_secs,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {} to authenticate.", grant.user_code),
    }))
    .into_response()
}

pub async fn devicelogin_page(Query(params): Query<HashMap<String, String>>) -> Response {
    let code = params
        .get("otc")
        .or(params.get("user_code"))
        .map(String::as_str)
        .unwrap_or("");
    signin::activate_page("Enter code", "/devicelogin", code, None).into_response()
}

pub async fn devicelogin_submit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse_body(&headers, &body).unwrap_or(Value::Null);
    let code = str_field(&form, "user_code").unwrap_or("");
    let user = signin::check_password(
        &shared,
        str_field(&form, "username").unwrap_or(""),
        str_field(&form, "password").unwrap_or(""),
    );
    let Some(user) = user else {
        return signin::activate_page(
            "Enter code",
            "/devicelogin",
            code,
            Some("Your account or password is incorrect."),
        )
        .into_response();
    };
    let deny = str_field(&form, "decision") == Some("deny");
    let outsider = signin::device_request(&shared, ISSUER, code)
        .filter(|(tenant, _)| shared.world().user_in(tenant, &user).is_none());
    if let (Some((tenant, client_id)), false) = (outsider, deny) {
        let message = not_in_tenant_message(&shared, &user, &tenant, &client_id);
        return signin::activate_page("Enter code", "/devicelogin", code, Some(&message))
            .into_response();
    }
    let decision = if deny { Err(()) } else { Ok(user) };
    if signin::decide_device(&shared, ISSUER, code, decision) {
        signin::activate_page(
            "Enter code",
            "/devicelogin",
            "",
            Some("You have signed in. You may now close this window."),
        )
        .into_response()
    } else {
        signin::activate_page(
            "Enter code",
            "/devicelogin",
            code,
            Some("That code didn't work. Check the code and try again."),
        )
        .into_response()
    }
}

pub async fn discovery(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    let tenant_id = match resolve_tenant(&shared, &tenant, true) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let base = format!("{}/{tenant}", shared.urls.login);
    axum::Json(json!({
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{}/{tenant_id}/v2.0", shared.urls.login),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "code_challenge_methods_supported": ["S256"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "sandbox",
    }))
    .into_response()
}

/// Tokens are HMAC-signed with a private key, so no public keys are published.
pub async fn keys() -> Response {
    axum::Json(json!({"keys": []})).into_response()
}

pub async fn instance_discovery(State(shared): State<Arc<Shared>>) -> Response {
    let host = shared.urls.login.trim_start_matches("http://").to_owned();
    axum::Json(json!({
        "tenant_discovery_endpoint": format!("{}/common/v2.0/.well-known/openid-configuration", shared.urls.login),
        "api-version": "1.1",
        "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
    }))
    .into_response()
}

/// A certificate credential: an RS256 assertion whose `x5t` header names (SHA-1 thumbprint) a certificate
/// uploaded to the application, signed by its key, with `iss` = `sub` = the client id, `aud` = this token
/// endpoint, a short lifetime and a `jti` used once.
fn certificate_assertion(
    shared: &Shared,
    tenant_segment: &str,
    principal: &crate::state::Principal,
    body: &Value,
) -> Result<(), Response> {
    let refuse = |status: StatusCode, error: &str, code: u32, description: String| {
        aad_error(status, error, code, &description)
    };
    if str_field(body, "client_assertion_type") != Some(CLIENT_ASSERTION_TYPE) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_144,
            format!("The request body must contain client_assertion_type={CLIENT_ASSERTION_TYPE}."),
        ));
    }
    if str_field(body, "client_secret").is_some() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_144,
            "Send either client_secret or client_assertion, not both.".into(),
        ));
    }
    let assertion = str_field(body, "client_assertion").unwrap_or("");
    let header = client_assertion::header(assertion).map_err(|problem| {
        refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50_027,
            format!("JWT token is invalid or malformed: {problem}"),
        )
    })?;
    let Some(thumbprint) = header
        .x5t
        .as_deref()
        .and_then(client_assertion::x5t_thumbprint)
    else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700_027,
            "Client assertion failed signature validation: the header has no x5t (the certificate's SHA-1 thumbprint).".into(),
        ));
    };
    let Some(certificate) = principal
        .certificates
        .iter()
        .find(|c| c.thumbprint == thumbprint)
    else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700_027,
            format!(
                "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}']"
            ),
        ));
    };
    let key = CandidateKey {
        id: &certificate.thumbprint,
        algorithm: "RS256",
        public_pem: &certificate.pem,
    };
    let audiences: Vec<String> = [tenant_segment, &shared.world().azure.tenant_id]
        .iter()
        .map(|tenant| format!("{}/{tenant}/oauth2/v2.0/token", shared.urls.login))
        .collect();
    let now = shared.clock.now_secs();
    let checked = client_assertion::verify(
        assertion,
        &[key],
        &Expected {
            client_id: &principal.client_id,
            audiences: &audiences,
            now_secs: now,
            max_lifetime_secs: client_assertion::MICROSOFT_MAX_LIFETIME_SECS,
        },
    )
    .and_then(|(jti, exp)| {
        client_assertion::accept_once(
            &mut shared.world().grants.used_assertions,
            &format!("azure:{}", principal.client_id),
            &jti,
            exp,
            now,
        )
    });
    checked.map_err(|problem| {
        let code = match problem {
            AssertionProblem::Issuer(_) | AssertionProblem::Subject(_) => 700_021,
            AssertionProblem::Audience(_) => 700_023,
            AssertionProblem::Expired
            | AssertionProblem::NotYetValid
            | AssertionProblem::TooLong { .. } => 700_024,
            AssertionProblem::Malformed(_) | AssertionProblem::MissingClaim(_) => 50_027,
            _ => 700_027,
        };
        refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            code,
            format!("Client assertion refused: {problem}."),
        )
    })
}
