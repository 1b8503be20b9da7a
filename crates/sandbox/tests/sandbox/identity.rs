//! Interactive sign-in on both identity providers: authorization code with PKCE S256 through the login
//! forms, refresh-token rotation, device flows, discovery documents, and the token faults.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{Env, json_of, start};

pub const VERIFIER: &str = "a-verifier-that-is-long-enough-for-pkce-0123456789abcdef";

pub fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

pub fn query_of(location: &str) -> HashMap<String, String> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent(v)))
        .collect()
}

fn percent(text: &str) -> String {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

pub fn with_query<U: AsRef<str>>(url: U, params: &[(&str, &str)]) -> String {
    let encode = |t: &str| -> String {
        t.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{}?{}", url.as_ref(), query.join("&"))
}

pub fn claims(token: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// Auth0: GET /authorize shows the form; POST it with credentials; returns the redirect location.
async fn auth0_login(env: &Env, password: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let user = env.info().users[0].name.clone();
    let challenge = challenge();
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "native-app"),
        ("redirect_uri", "http://127.0.0.1:53682/callback"),
        (
            "scope",
            "openid profile offline_access read:current_user create:log_streams",
        ),
        ("state", "xyz-state"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    let page = env
        .http
        .get(with_query(
            format!("{}/authorize", env.info().auth0_domain),
            &params,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form") && html.contains("name=\"password\""));
    let mut form: Vec<(&str, &str)> = params.clone();
    form.push(("username", &user));
    form.push(("password", password));
    env.http
        .post(format!("{}/authorize", env.info().auth0_domain))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn auth0_authorization_code_with_pkce_gives_only_current_user_scopes() {
    let env = start().await;
    let wrong = auth0_login(&env, "wrong", &[]).await;
    assert_eq!(wrong.status(), 200);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password.")
    );
    let password = env.info().users[0].password.clone();
    let ok = auth0_login(&env, &password, &[]).await;
    assert_eq!(ok.status(), 303);
    let location = ok.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:53682/callback?"));
    let query = query_of(&location);
    assert_eq!(query["state"], "xyz-state");
    let token_url = format!("{}/oauth/token", env.info().auth0_domain);
    let redeem = |verifier: &str, code: &str| {
        env.http.post(&token_url).form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "native-app"),
            ("code", code),
            ("redirect_uri", "http://127.0.0.1:53682/callback"),
            ("code_verifier", verifier),
        ])
    };
    let (status, body) = json_of(
        redeem("not-the-verifier", &query["code"])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("invalid_grant"))
    );
    // A code is single-use: the failed attempt consumed it, so log in again.
    let query = query_of(
        auth0_login(&env, &password, &[]).await.headers()["location"]
            .to_str()
            .unwrap(),
    );
    let (status, body) = json_of(redeem(VERIFIER, &query["code"]).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let scope = body["scope"].as_str().unwrap();
    assert!(scope.contains("read:current_user"));
    assert!(
        !scope.contains("log_streams"),
        "public clients never get Management API scopes: {scope}"
    );
    assert!(body["id_token"].is_string());
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = json_of(
        env.http
            .post(&token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "native-app"),
                ("refresh_token", refresh.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(rotated["refresh_token"].as_str().unwrap(), refresh);
    let (status, _) = json_of(
        env.http
            .post(&token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "native-app"),
                ("refresh_token", refresh.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403, "the old refresh token stopped working");
    // The logins and exchanges are in the tenant log.
    let m2m = env.auth0_token().await;
    let (_, logs) = json_of(env.auth0(Method::GET, "/logs?q=type%3A(s%20OR%20f%20OR%20seacft%20OR%20feacft%20OR%20sertft%20OR%20fertft)&sort=date:1", &m2m, None).await).await;
    let codes: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["f", "s", "feacft", "s", "seacft", "sertft", "fertft"]
    );
}

#[tokio::test]
async fn auth0_authorize_refuses_missing_pkce_and_foreign_redirects() {
    let env = start().await;
    let url = format!("{}/authorize", env.info().auth0_domain);
    let r = env
        .http
        .get(with_query(
            &url,
            &[
                ("response_type", "code"),
                ("client_id", "c"),
                ("redirect_uri", "http://127.0.0.1:1/cb"),
                ("state", "s1"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let query = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(query["error"], "invalid_request");
    assert_eq!(query["state"], "s1");
    let r = env
        .http
        .get(with_query(
            &url,
            &[
                ("response_type", "code"),
                ("client_id", "c"),
                ("redirect_uri", "http://evil.test/cb"),
                ("code_challenge", challenge().as_str()),
                ("code_challenge_method", "S256"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = env
        .http
        .get(with_query(
            &url,
            &[
                ("response_type", "code"),
                ("client_id", "c"),
                ("redirect_uri", "http://127.0.0.1:1/cb"),
                ("code_challenge", challenge().as_str()),
                ("code_challenge_method", "plain"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        query_of(r.headers()["location"].to_str().unwrap())["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn auth0_device_flow() {
    let env = start().await;
    let (status, device) = json_of(
        env.http
            .post(format!("{}/oauth/device/code", env.info().auth0_domain))
            .form(&[
                ("client_id", "cli-app"),
                (
                    "scope",
                    "openid offline_access read:current_user delete:log_streams",
                ),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let device_code = device["device_code"].as_str().unwrap().to_owned();
    let user_code = device["user_code"].as_str().unwrap().to_owned();
    assert!(
        device["verification_uri_complete"]
            .as_str()
            .unwrap()
            .contains(&user_code)
    );
    let token_url = format!("{}/oauth/token", env.info().auth0_domain);
    let poll = || {
        env.http
            .post(&token_url)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", "cli-app"),
                ("device_code", device_code.as_str()),
            ])
            .send()
    };
    let (status, body) = json_of(poll().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("authorization_pending"))
    );
    let (status, body) = json_of(poll().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (429, Some("slow_down")),
        "polled within the interval"
    );
    let page = env
        .http
        .get(device["verification_uri_complete"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&user_code));
    let user = env.info().users[0].clone();
    let r = env
        .http
        .post(format!("{}/activate", env.info().auth0_domain))
        .form(&[
            ("user_code", user_code.as_str()),
            ("username", user.name.as_str()),
            ("password", user.password.as_str()),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("all set"));
    env.sandbox.handle().advance(Duration::from_secs(5));
    let (status, body) = json_of(poll().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body["scope"].as_str().unwrap().contains("log_streams"));
    let (status, body) = json_of(poll().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("invalid_grant")),
        "a device code is used once"
    );
}

#[tokio::test]
async fn auth0_discovery_document() {
    let env = start().await;
    let (status, doc) = json_of(
        env.http
            .get(format!(
                "{}/.well-known/openid-configuration",
                env.info().auth0_domain
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        doc["token_endpoint"],
        format!("{}/oauth/token", env.info().auth0_domain)
    );
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
}

async fn azure_login(env: &Env, redirect: &str, state: &str) -> reqwest::Response {
    let user = env.info().users[0].clone();
    let base = format!(
        "{}/organizations/oauth2/v2.0/authorize",
        env.info().azure_authority
    );
    let challenge = challenge();
    let params = [
        ("response_type", "code"),
        ("client_id", "desktop-app"),
        ("redirect_uri", redirect),
        (
            "scope",
            "https://management.azure.com/.default offline_access openid profile",
        ),
        ("state", state),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let page = env
        .http
        .get(with_query(&base, &params))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let mut form = params.to_vec();
    form.push(("username", &user.name));
    form.push(("password", &user.password));
    env.http.post(&base).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn azure_authorization_code_refresh_rotation_and_arm_access() {
    let env = start().await;
    let redirect = "http://localhost:61234";
    let r = azure_login(&env, redirect, "state-42").await;
    assert_eq!(r.status(), 303);
    let query = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(query["state"], "state-42");
    let token_url = format!(
        "{}/organizations/oauth2/v2.0/token",
        env.info().azure_authority
    );
    let (status, tokens) = json_of(
        env.http
            .post(&token_url)
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", "desktop-app"),
                ("code", query["code"].as_str()),
                ("redirect_uri", redirect),
                ("code_verifier", VERIFIER),
                (
                    "scope",
                    "https://management.azure.com/.default offline_access",
                ),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["tid"], env.info().azure_tenant_id);
    let (status, _) = env.subscriptions(access).await;
    assert_eq!(status, 200);
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let tenant_url = format!(
        "{}/{}/oauth2/v2.0/token",
        env.info().azure_authority,
        env.info().azure_tenant_id
    );
    let (status, rotated) = json_of(
        env.http
            .post(&tenant_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "desktop-app"),
                ("refresh_token", refresh.as_str()),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(
        rotated["refresh_token"].as_str().unwrap(),
        refresh,
        "refresh tokens rotate"
    );
    let (status, body) = json_of(
        env.http
            .post(&tenant_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "desktop-app"),
                ("refresh_token", refresh.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // Revoked refresh tokens (fault).
    let mut faults = env.sandbox.handle().faults();
    faults.revoke_refresh_tokens = true;
    env.sandbox.handle().set_faults(faults);
    let newest = rotated["refresh_token"].as_str().unwrap();
    let (status, body) = json_of(
        env.http
            .post(&tenant_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "desktop-app"),
                ("refresh_token", newest),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS50173")
    );
}

#[tokio::test]
async fn azure_authorize_rules() {
    let env = start().await;
    let base = format!(
        "{}/organizations/oauth2/v2.0/authorize",
        env.info().azure_authority
    );
    let r = env
        .http
        .get(with_query(
            &base,
            &[
                ("response_type", "code"),
                ("client_id", "a"),
                ("redirect_uri", "https://example.test/cb"),
                ("scope", "https://management.azure.com/.default"),
                ("code_challenge", challenge().as_str()),
                ("code_challenge_method", "S256"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "only loopback redirects");
    let r = env
        .http
        .get(with_query(
            &base,
            &[
                ("response_type", "code"),
                ("client_id", "a"),
                ("redirect_uri", "http://[::1]:4000/"),
                ("scope", "https://management.azure.com/.default"),
                ("state", "st"),
            ],
        ))
        .send()
        .await
        .unwrap();
    let query = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(
        (query["error"].as_str(), query["state"].as_str()),
        ("invalid_request", "st"),
        "PKCE is required"
    );
    let r = env
        .http
        .get(format!(
            "{}/not-a-tenant/oauth2/v2.0/authorize",
            env.info().azure_authority
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn azure_device_code_flow() {
    let env = start().await;
    let authority = env.info().azure_authority.clone();
    let (status, device) = json_of(
        env.http
            .post(format!("{authority}/organizations/oauth2/v2.0/devicecode"))
            .form(&[
                ("client_id", "desktop-app"),
                (
                    "scope",
                    "https://management.azure.com/.default offline_access",
                ),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        device["message"]
            .as_str()
            .unwrap()
            .contains(device["user_code"].as_str().unwrap())
    );
    let token_url = format!("{authority}/organizations/oauth2/v2.0/token");
    let device_code = device["device_code"].as_str().unwrap().to_owned();
    let poll = || {
        env.http
            .post(&token_url)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", "desktop-app"),
                ("device_code", device_code.as_str()),
            ])
            .send()
    };
    let (_, body) = json_of(poll().await.unwrap()).await;
    assert_eq!(body["error"], "authorization_pending");
    let user = env.info().users[0].clone();
    let page = env
        .http
        .post(device["verification_uri"].as_str().unwrap())
        .form(&[
            ("user_code", device["user_code"].as_str().unwrap()),
            ("username", user.name.as_str()),
            ("password", user.password.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("You have signed in"));
    env.sandbox.handle().advance(Duration::from_secs(5));
    let (status, tokens) = json_of(poll().await.unwrap()).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["refresh_token"].is_string());
}

#[tokio::test]
async fn azure_discovery_documents() {
    let env = start().await;
    let authority = env.info().azure_authority.clone();
    let tenant = env.info().azure_tenant_id.clone();
    let (status, doc) = json_of(
        env.http
            .get(format!(
                "{authority}/organizations/v2.0/.well-known/openid-configuration"
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        doc["token_endpoint"],
        format!("{authority}/organizations/oauth2/v2.0/token")
    );
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{authority}/organizations/oauth2/v2.0/devicecode")
    );
    assert_eq!(doc["issuer"], format!("{authority}/{tenant}/v2.0"));
}

#[tokio::test]
async fn tokens_that_expire_early_are_refused() {
    let env = start().await;
    let azure = env.azure_token().await;
    let auth0 = env.auth0_token().await;
    let mut faults = env.sandbox.handle().faults();
    faults.token_lifetime_secs = Some(60);
    env.sandbox.handle().set_faults(faults);
    env.sandbox.handle().advance(Duration::from_secs(61));
    let (status, body) = env.subscriptions(&azure).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (401, Some("ExpiredAuthenticationToken"))
    );
    let (status, body) = json_of(env.auth0(Method::GET, "/log-streams", &auth0, None).await).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("Expired"));
    // A fresh token works again.
    let azure = env.azure_token().await;
    assert_eq!(
        env.arm(
            Method::GET,
            "/subscriptions?api-version=2022-12-01",
            &azure,
            None
        )
        .await
        .status(),
        200
    );
}
