//! What both identity providers share: the HTML sign-in and device-activation forms, password checks for
//! seeded users, and the bookkeeping of authorization codes (with PKCE S256), rotating refresh tokens and
//! device codes. Each provider wraps these in its own endpoints, claims and error shapes.

use axum::response::Html;

use crate::http_util::html_escape;
use crate::shared::Shared;
use crate::state::{CodeGrant, DeviceGrant, UserGrant};
use crate::tokens::{pkce_s256_matches, random_hex, sandbox_secret};

/// A sign-in form that posts the original authorize parameters back with the user's name and password.
pub fn login_page(
    title: &str,
    action: &str,
    hidden: &[(String, String)],
    error: Option<&str>,
) -> Html<String> {
    let fields: String = hidden
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                html_escape(k),
                html_escape(v)
            )
        })
        .collect();
    let error = error
        .map(|e| format!(r#"<p role="alert" class="error">{}</p>"#, html_escape(e)))
        .unwrap_or_default();
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>Cloud sandbox sign-in: use a seeded user.</p>{error}
<form method="post" action="{action}">{fields}
<label>Email <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Continue</button></form></main></body></html>"#,
        title = html_escape(title),
        action = html_escape(action),
    ))
}

/// The device-activation form: user code plus credentials.
pub fn activate_page(
    title: &str,
    action: &str,
    user_code: &str,
    message: Option<&str>,
) -> Html<String> {
    let message = message
        .map(|m| format!(r#"<p role="status">{}</p>"#, html_escape(m)))
        .unwrap_or_default();
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{message}
<form method="post" action="{action}">
<label>Code <input name="user_code" value="{code}" required></label>
<label>Email <input name="username" required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form></main></body></html>"#,
        title = html_escape(title),
        action = html_escape(action),
        code = html_escape(user_code),
    ))
}

/// Whether a seeded user has this password; returns the canonical user name.
pub fn check_password(shared: &Shared, username: &str, password: &str) -> Option<String> {
    shared
        .world()
        .auth0
        .users
        .iter()
        .find(|u| u.name.eq_ignore_ascii_case(username) && u.password == password)
        .map(|u| u.name.clone())
}

/// Whether a redirect URI is on loopback (`http://localhost|127.0.0.1|[::1]` with any port).
pub fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or("").to_owned()
    };
    matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

/// Appends query parameters to a redirect URI.
pub fn redirect_with(uri: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::http_util::percent_encode(v)))
        .collect();
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.join("&"))
}

/// Stores a new single-use authorization code (valid 10 minutes of sandbox time).
pub fn issue_code(
    shared: &Shared,
    grant: UserGrant,
    redirect_uri: &str,
    code_challenge: &str,
    nonce: Option<String>,
) -> String {
    let code = sandbox_secret(32);
    let expires_ms = shared.clock.now_ms() + 600_000;
    shared.world().grants.codes.insert(
        code.clone(),
        CodeGrant {
            grant,
            redirect_uri: redirect_uri.to_owned(),
            code_challenge: code_challenge.to_owned(),
            nonce,
            expires_ms,
        },
    );
    code
}

/// Why a code could not be redeemed.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeProblem {
    Unknown,
    Expired,
    WrongClient,
    WrongRedirect,
    BadVerifier,
}

/// Redeems (and consumes) an authorization code after the PKCE S256 check.
pub fn redeem_code(
    shared: &Shared,
    issuer: &str,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<CodeGrant, CodeProblem> {
    let grant = shared
        .world()
        .grants
        .codes
        .remove(code)
        .ok_or(CodeProblem::Unknown)?;
    if grant.grant.issuer != issuer {
        return Err(CodeProblem::Unknown);
    }
    if shared.clock.now_ms() >= grant.expires_ms {
        return Err(CodeProblem::Expired);
    }
    if grant.grant.client_id != client_id {
        return Err(CodeProblem::WrongClient);
    }
    if grant.redirect_uri != redirect_uri {
        return Err(CodeProblem::WrongRedirect);
    }
    if !pkce_s256_matches(verifier, &grant.code_challenge) {
        return Err(CodeProblem::BadVerifier);
    }
    Ok(grant)
}

/// Stores a refresh token for a grant.
pub fn issue_refresh_token(shared: &Shared, grant: UserGrant) -> String {
    let token = sandbox_secret(48);
    shared
        .world()
        .grants
        .refresh_tokens
        .insert(token.clone(), grant);
    token
}

/// Redeems a refresh token, rotating it: the presented one stops working. `None` when unknown, revoked
/// (fault) or issued to another client.
pub fn rotate_refresh_token(
    shared: &Shared,
    issuer: &str,
    token: &str,
    client_id: &str,
) -> Option<(UserGrant, String)> {
    rotate_refresh_token_into(shared, issuer, token, client_id, None)
}

/// The grant behind a refresh token, without redeeming it; `None` as for [`rotate_refresh_token`].
pub fn refresh_grant(
    shared: &Shared,
    issuer: &str,
    token: &str,
    client_id: &str,
) -> Option<UserGrant> {
    if shared.faults().revoke_refresh_tokens {
        shared.world().grants.refresh_tokens.remove(token);
        return None;
    }
    shared
        .world()
        .grants
        .refresh_tokens
        .get(token)
        .filter(|g| g.issuer == issuer && g.client_id == client_id)
        .cloned()
}

/// [`rotate_refresh_token`], the new grant acting in `tenant` when given: a Microsoft refresh token is
/// redeemable for any directory its user belongs to (the caller checks that first).
pub fn rotate_refresh_token_into(
    shared: &Shared,
    issuer: &str,
    token: &str,
    client_id: &str,
    tenant: Option<&str>,
) -> Option<(UserGrant, String)> {
    if shared.faults().revoke_refresh_tokens {
        shared.world().grants.refresh_tokens.remove(token);
        return None;
    }
    let mut world = shared.world();
    let mut grant = world.grants.refresh_tokens.get(token)?.clone();
    if grant.issuer != issuer || grant.client_id != client_id {
        return None;
    }
    if let Some(tenant) = tenant {
        grant.tenant = tenant.to_owned();
    }
    world.grants.refresh_tokens.remove(token);
    let next = sandbox_secret(48);
    world
        .grants
        .refresh_tokens
        .insert(next.clone(), grant.clone());
    Some((grant, next))
}

/// The tenant and client a pending (unexpired) device authorization was started for, by its user code.
pub fn device_request(shared: &Shared, issuer: &str, user_code: &str) -> Option<(String, String)> {
    let now = shared.clock.now_ms();
    let wanted = user_code.trim().to_ascii_uppercase();
    shared
        .world()
        .grants
        .devices
        .values()
        .find(|d| d.issuer == issuer && d.user_code == wanted && now < d.expires_ms)
        .map(|d| (d.tenant.clone(), d.client_id.clone()))
}

/// Starts a device authorization; returns (device_code, user_code).
pub fn start_device(
    shared: &Shared,
    issuer: &str,
    client_id: &str,
    scope: &str,
    tenant: &str,
) -> (String, DeviceGrant) {
    let device_code = sandbox_secret(32);
    let raw = random_hex(4).to_ascii_uppercase();
    let user_code = format!("{}-{}", &raw[..4], &raw[4..]);
    let grant = DeviceGrant {
        user_code,
        issuer: issuer.to_owned(),
        client_id: client_id.to_owned(),
        scope: scope.to_owned(),
        tenant: tenant.to_owned(),
        expires_ms: shared.clock.now_ms() + 900_000,
        interval_secs: 5,
        last_poll_ms: None,
        decision: None,
    };
    shared
        .world()
        .grants
        .devices
        .insert(device_code.clone(), grant.clone());
    (device_code, grant)
}

/// Records the user's decision on the activation page. Returns false for an unknown or expired code.
pub fn decide_device(
    shared: &Shared,
    issuer: &str,
    user_code: &str,
    decision: Result<String, ()>,
) -> bool {
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    let wanted = user_code.trim().to_ascii_uppercase();
    match world
        .grants
        .devices
        .values_mut()
        .find(|d| d.issuer == issuer && d.user_code == wanted && now < d.expires_ms)
    {
        Some(device) => {
            device.decision = Some(decision);
            true
        }
        None => false,
    }
}

/// The state of a device code when the client polls.
#[derive(Debug, PartialEq, Eq)]
pub enum DevicePoll {
    Pending,
    SlowDown,
    Expired,
    Denied,
    Unknown,
    Approved(UserGrant),
}

/// Polls a device code: enforces the interval (sandbox time) and consumes it once approved.
pub fn poll_device(
    shared: &Shared,
    issuer: &str,
    device_code: &str,
    client_id: &str,
) -> DevicePoll {
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    let Some(device) = world.grants.devices.get_mut(device_code) else {
        return DevicePoll::Unknown;
    };
    if device.issuer != issuer || device.client_id != client_id {
        return DevicePoll::Unknown;
    }
    if now >= device.expires_ms {
        world.grants.devices.remove(device_code);
        return DevicePoll::Expired;
    }
    let too_soon = device
        .last_poll_ms
        .is_some_and(|last| now - last < device.interval_secs * 1000);
    device.last_poll_ms = Some(now);
    match device.decision.clone() {
        None if too_soon => DevicePoll::SlowDown,
        None => DevicePoll::Pending,
        Some(Err(())) => {
            world.grants.devices.remove(device_code);
            DevicePoll::Denied
        }
        Some(Ok(user)) => {
            let device = world.grants.devices.remove(device_code).expect("present");
            DevicePoll::Approved(UserGrant {
                issuer: device.issuer,
                client_id: device.client_id,
                user,
                scope: device.scope,
                tenant: device.tenant,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_are_recognised() {
        assert!(is_loopback_redirect("http://localhost:53123/callback"));
        assert!(is_loopback_redirect("http://127.0.0.1:1"));
        assert!(is_loopback_redirect("http://[::1]:8080/"));
        assert!(!is_loopback_redirect("https://localhost:8080/"));
        assert!(!is_loopback_redirect("http://evil.example/cb"));
        assert!(!is_loopback_redirect("http://localhost.evil.example/"));
    }

    #[test]
    fn redirects_keep_existing_query() {
        assert_eq!(
            redirect_with(
                "http://localhost:1/cb?x=1",
                &[("code", "a b"), ("state", "s")]
            ),
            "http://localhost:1/cb?x=1&code=a%20b&state=s"
        );
    }
}
