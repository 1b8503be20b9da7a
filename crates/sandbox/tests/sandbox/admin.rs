//! The admin surface over HTTP: page, state (credentials redacted), request log, faults, clock, logs.

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
