//! The admin surface over HTTP: page, state (credentials redacted), request log, faults, clock, logs; and its
//! door: what a web page open in a browser (a cross-site form, a DNS-rebinding page) cannot do.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{json_of, start};

#[tokio::test]
async fn page_and_state_show_what_exists_without_secrets() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let page = env.http.get(format!("{admin}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<h1>Cloud sandbox</h1>")
    );
    let state = env.admin_get("/state").await;
    assert_eq!(
        state["azure"]["subscriptions"][0]["subscription_id"],
        env.info().subscription_id
    );
    let text = state.to_string();
    assert!(!text.contains(&env.info().auth0_client_secret));
    assert!(!text.contains(&env.info().azure_client_secret));
    assert!(!text.contains(&env.info().users[0].password));
}

#[tokio::test]
async fn request_log_lists_emulated_requests_only() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let token = env.auth0_token().await;
    env.auth0(Method::GET, "/log-streams", &token, None).await;
    env.admin_get("/state").await;
    let requests = env.admin_get("/requests").await;
    let list = requests.as_array().unwrap();
    assert_eq!(list.len(), 2, "admin calls are not logged: {requests}");
    assert_eq!(
        (
            list[0]["method"].as_str(),
            list[0]["path"].as_str(),
            list[0]["cloud"].as_str()
        ),
        (Some("POST"), Some("/oauth/token"), Some("auth0"))
    );
    assert_eq!(list[0]["write"], true);
    assert_eq!(
        (list[1]["status"].as_u64(), list[1]["write"].as_bool()),
        (Some(200), Some(false))
    );
    let writes = env.admin_get("/requests?write=true").await;
    assert_eq!(writes.as_array().unwrap().len(), 1);
    assert_eq!(
        env.http
            .delete(format!("{admin}/requests"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(env.admin_get("/requests").await, json!([]));
}

#[tokio::test]
async fn faults_and_clock_through_the_admin_api() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let rule = json!({"kind": {"type": "server_error", "status": 502}, "cloud": "auth0", "path_contains": "/log-streams", "times": 1});
    assert_eq!(env.admin_post("/faults/rules", rule).await.status(), 200);
    let token = env.auth0_token().await;
    assert_eq!(
        env.auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        502
    );
    assert_eq!(
        env.auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        200
    );
    let bad = env
        .admin_post("/faults/rules", json!({"kind": {"type": "explode"}}))
        .await;
    assert_eq!(bad.status(), 400);
    let r = env
        .http
        .put(format!("{admin}/faults"))
        .json(&json!({"token_lifetime_secs": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let before: Value = env.admin_get("/clock").await;
    let (status, after) = json_of(
        env.admin_post("/clock/advance", json!({"seconds": 10}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        after["now_ms"].as_i64().unwrap() - before["now_ms"].as_i64().unwrap(),
        10_000
    );
    assert_eq!(
        env.auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        401,
        "token outlived the fault lifetime"
    );
    assert_eq!(
        env.http
            .delete(format!("{admin}/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        env.auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn any_log_entry_can_be_written() {
    let env = start().await;
    let (status, entry) = json_of(
        env.admin_post(
            "/logs",
            json!({"type": "sapi", "description": "Update a client"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(entry["log_id"].is_string() && entry["date"].is_string());
    let token = env.auth0_token().await;
    let (_, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:sapi", &token, None)
            .await,
    )
    .await;
    assert_eq!(logs[0]["description"], "Update a client");
    assert_eq!(
        env.admin_post("/logs", json!({"no": "type"}))
            .await
            .status(),
        400
    );
    assert_eq!(
        env.admin_post("/simulate", json!({"kind": "teleport"}))
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn rate_limiting_can_be_switched_while_running() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let token = env.auth0_token().await;
    assert_eq!(env.admin_get("/rate-limit").await, Value::Null);
    let r = env
        .http
        .put(format!("{admin}/rate-limit"))
        .json(&json!({"limit": 1, "window_secs": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let first = env.auth0(Method::GET, "/log-streams", &token, None).await;
    assert_eq!(first.headers()["x-ratelimit-limit"], "1");
    assert_eq!(
        env.auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        429
    );
    let r = env
        .http
        .put(format!("{admin}/rate-limit"))
        .json(&json!({"limit": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        env.http
            .delete(format!("{admin}/rate-limit"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let after = env.auth0(Method::GET, "/log-streams", &token, None).await;
    assert_eq!(after.status(), 200);
    assert!(!after.headers().contains_key("x-ratelimit-limit"));
}

#[tokio::test]
async fn a_stream_can_be_paused_from_the_page_and_suspended_as_auth0_would() {
    let env = start().await;
    let token = env.auth0_token().await;
    let body =
        json!({"name": "h", "type": "http", "sink": {"httpEndpoint": "https://example.test/logs"}});
    let (_, created) = json_of(
        env.auth0(Method::POST, "/log-streams", &token, Some(body))
            .await,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let admin = env.info().admin_url.clone();
    let page = env
        .http
        .get(format!("{admin}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            r#"data-post="/_sandbox/auth0/log-streams/{id}/pause""#
        )),
        "a Pause button per stream"
    );
    assert!(page.contains(">Pause</button>") && page.contains(">Suspend</button>"));
    let status = async |env: &crate::common::Env| {
        json_of(
            env.auth0(Method::GET, &format!("/log-streams/{id}"), &token, None)
                .await,
        )
        .await
        .1["status"]
            .clone()
    };

    let paused = env
        .admin_post(&format!("/auth0/log-streams/{id}/pause"), json!({}))
        .await;
    assert_eq!(paused.status(), 200);
    assert_eq!(status(&env).await, "paused");

    let suspended = env
        .admin_post(&format!("/auth0/log-streams/{id}/suspend"), json!({}))
        .await;
    assert_eq!(suspended.status(), 200);
    assert_eq!(status(&env).await, "suspended");
    // Resumed the way Auth0 documents it.
    let resumed = env
        .auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!(resumed.status(), 200);
    assert_eq!(status(&env).await, "active");

    let unknown = env
        .admin_post("/auth0/log-streams/no-such-stream/suspend", json!({}))
        .await;
    assert_eq!(unknown.status(), 404);
    let no_subscription = env
        .admin_post(
            "/azure/event-subscriptions/fail",
            json!({"resource_group": "rg", "partner_topic": "t", "name": "s"}),
        )
        .await;
    assert_eq!(no_subscription.status(), 404);
    let malformed = env
        .admin_post("/azure/event-subscriptions/fail", json!({"name": "s"}))
        .await;
    assert_eq!(malformed.status(), 400);
}

/// The number of tenant log entries, through the in-process handle (no HTTP).
fn log_count(env: &crate::common::Env) -> usize {
    env.sandbox.handle().state()["auth0"]["logs"]
        .as_array()
        .map_or(0, Vec::len)
}

/// A write without this run's admin token, or with another, is refused 401 and writes nothing; with it, it
/// goes through.
#[tokio::test]
async fn admin_writes_need_this_runs_token() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let token = env.info().admin_token.clone();
    let bare = reqwest::Client::new();
    let before = log_count(&env);
    let wrong_same_length = format!("sandbox_{}", "0".repeat(token.len() - "sandbox_".len()));
    for given in [
        None,
        Some("sandbox_short"),
        Some(wrong_same_length.as_str()),
    ] {
        let mut request = bare
            .post(format!("{admin}/simulate"))
            .json(&json!({"kind": "login"}));
        if let Some(given) = given {
            request = request.header(cloud_sandbox::ADMIN_TOKEN_HEADER, given);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 401, "{given:?}");
        assert!(
            answer
                .text()
                .await
                .unwrap()
                .contains("x-sandbox-admin-token")
        );
    }
    for (method, path) in [
        (Method::DELETE, "/requests"),
        (Method::PUT, "/faults"),
        (Method::DELETE, "/inbox/demo"),
    ] {
        let answer = bare
            .request(method.clone(), format!("{admin}{path}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401, "{method} {path}");
    }
    assert_eq!(log_count(&env), before, "nothing was written");
    let allowed = bare
        .post(format!("{admin}/simulate"))
        .header(cloud_sandbox::ADMIN_TOKEN_HEADER, &token)
        .json(&json!({"kind": "login"}))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(log_count(&env), before + 1);
}

/// A cross-site form needs no preflight, but can only send a form's content types: a write that is not JSON is
/// refused 415, token or not. An inbox takes CloudEvents JSON only, without a token, as a real webhook would.
#[tokio::test]
async fn admin_writes_must_be_json() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let before = log_count(&env);
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = env
            .http
            .post(format!("{admin}/simulate"))
            .body(r#"{"kind": "login"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 415, "{content_type:?}");
    }
    assert_eq!(log_count(&env), before, "nothing was written");
    let with_charset = env
        .http
        .post(format!("{admin}/simulate"))
        .header("content-type", "Application/JSON; charset=utf-8")
        .body(r#"{"kind": "login"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(with_charset.status(), 200);

    let bare = reqwest::Client::new();
    let event = r#"{"specversion": "1.0", "id": "1", "type": "t", "source": "s"}"#;
    let form = bare
        .post(format!("{admin}/inbox/demo"))
        .header("content-type", "text/plain")
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let delivered = bare
        .post(format!("{admin}/inbox/demo"))
        .header("content-type", "application/cloudevents+json")
        .body(event)
        .send()
        .await
        .unwrap();
    assert!(delivered.status().is_success(), "{}", delivered.status());
    assert_eq!(
        env.admin_get("/inbox/demo").await.as_array().map(Vec::len),
        Some(1)
    );
}

/// A DNS-rebinding page reaches the port under its own host name: any request whose Host is not this machine
/// is refused 403, reads too, token or not; the loopback names pass with their port.
#[tokio::test]
async fn only_a_loopback_host_reaches_the_admin_surface() {
    let env = start().await;
    let admin = env.info().admin_url.clone();
    let port = admin
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let before = log_count(&env);
    for host in [
        format!("rebound.example.com:{port}"),
        "rebound.example.com".to_owned(),
        format!("10.0.0.5:{port}"),
        format!("localhost.example.com:{port}"),
    ] {
        let read = env
            .http
            .get(format!("{admin}/state"))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 403, "{host}");
        let write = env
            .http
            .post(format!("{admin}/simulate"))
            .header("host", &host)
            .json(&json!({"kind": "login"}))
            .send()
            .await
            .unwrap();
        assert_eq!(write.status(), 403, "{host}");
    }
    assert_eq!(log_count(&env), before, "nothing was written");
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        let read = env
            .http
            .get(format!("{admin}/state"))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200, "{host}");
    }
}

/// What the sandbox makes up says so: every secret it hands out starts with `sandbox_`.
#[tokio::test]
async fn made_up_secrets_say_they_are_the_sandboxs() {
    let env = start().await;
    let info = env.info();
    let mut secrets = vec![
        ("auth0_client_secret", info.auth0_client_secret.clone()),
        ("azure_client_secret", info.azure_client_secret.clone()),
        (
            "azure_reader_client_secret",
            info.azure_reader_client_secret.clone(),
        ),
        ("admin_token", info.admin_token.clone()),
    ];
    secrets.extend(info.users.iter().map(|u| ("password", u.password.clone())));
    for (name, secret) in secrets {
        assert!(secret.starts_with("sandbox_"), "{name}: {secret}");
        assert!(secret.len() > "sandbox_".len() + 4, "{name}");
    }
    let again = start().await;
    assert_ne!(
        again.info().admin_token,
        env.info().admin_token,
        "a token per run"
    );
}
