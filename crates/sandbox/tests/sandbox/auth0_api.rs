//! Auth0: client-credentials tokens and their log entries, and the Management API per the OpenAPI subset.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{json_of, start};

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn client_credentials_token_carries_scope_audience_expiry_and_logs_seccft() {
    let env = start().await;
    let token = env.auth0_token().await;
    let claims = claims(&token);
    assert_eq!(claims["aud"], env.mgmt_audience());
    assert!(
        claims["scope"]
            .as_str()
            .unwrap()
            .contains("create:log_streams")
    );
    assert!(claims["scope"].as_str().unwrap().contains("read:logs"));
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    // JSON body and the loopback audience form work too.
    let r = env
        .http
        .post(format!("{}/oauth/token", env.info().auth0_domain))
        .json(
            &json!({"grant_type": "client_credentials", "client_id": env.info().auth0_client_id,
            "client_secret": env.info().auth0_client_secret,
            "audience": format!("{}/api/v2/", env.info().auth0_domain)}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    let (status, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:seccft", &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(logs.as_array().unwrap().len(), 2);
    assert_eq!(logs[0]["client_id"], env.info().auth0_client_id);
}

#[tokio::test]
async fn failed_client_credentials_answer_like_auth0_and_log_feccft() {
    let env = start().await;
    let (status, body) = env.auth0_exchange("nope", &env.mgmt_audience()).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": "access_denied", "error_description": "Unauthorized"})
    );
    let (status, body) = env
        .auth0_exchange(&env.info().auth0_client_secret, "https://elsewhere/api/v2/")
        .await;
    assert_eq!(status, 403);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("Service not enabled within domain")
    );
    let token = env.auth0_token().await;
    let (_, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:feccft", &token, None)
            .await,
    )
    .await;
    assert_eq!(logs.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn management_api_names_missing_authentication_and_scope() {
    let env = start().await;
    let r = env
        .http
        .get(format!("{}/api/v2/log-streams", env.info().auth0_domain))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["statusCode"], 401);
    assert_eq!(body["error"], "Unauthorized");
    let (status, body) = json_of(env.auth0(Method::GET, "/log-streams", "a.b.c", None).await).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("Invalid"));
    let read_only = env.auth0_token_with(Some("read:logs")).await;
    let (status, body) = json_of(
        env.auth0(Method::GET, "/log-streams", &read_only, None)
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "Insufficient scope, expected any of: read:log_streams"
    );
    assert_eq!(body["errorCode"], "insufficient_scope");
    let (status, body) = json_of(
        env.auth0(
            Method::POST,
            "/log-streams",
            &read_only,
            Some(env.eventgrid_stream("rg")),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .ends_with("create:log_streams")
    );
    // Expired tokens are refused once the clock passes exp.
    let token = env.auth0_token().await;
    env.sandbox
        .handle()
        .advance(std::time::Duration::from_secs(86_401));
    let (status, body) = json_of(env.auth0(Method::GET, "/log-streams", &token, None).await).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("Expired"));
}

#[tokio::test]
async fn log_stream_lifecycle_has_auth0_status_codes() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "auth0-logs").await;
    let token = env.auth0_token().await;
    let (status, list) = json_of(env.auth0(Method::GET, "/log-streams", &token, None).await).await;
    assert_eq!((status.as_u16(), list), (200, json!([])));
    let mut body = env.eventgrid_stream("auth0-logs");
    body["filters"] = json!([{"type": "category", "name": "auth.login.success"}]);
    body["isPriority"] = json!(false);
    let (status, created) = json_of(
        env.auth0(Method::POST, "/log-streams", &token, Some(body))
            .await,
    )
    .await;
    assert_eq!(status, 200, "create answers 200, not 201: {created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("lst_"));
    assert_eq!(created["status"], "active");
    assert_eq!(created["type"], "eventgrid");
    // Auth0 fills in the partner topic's name later: not in the create answer, nor the first read.
    assert_eq!(created["sink"].get("azurePartnerTopic"), None, "{created}");
    assert_eq!(created["filters"][0]["name"], "auth.login.success");
    let (status, one) = json_of(
        env.auth0(Method::GET, &format!("/log-streams/{id}"), &token, None)
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), &one), (200, &created));
    let (status, later) = json_of(
        env.auth0(Method::GET, &format!("/log-streams/{id}"), &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        later["sink"]["azurePartnerTopic"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{later}"
    );
    let mut without_topic = later.clone();
    without_topic["sink"]
        .as_object_mut()
        .unwrap()
        .remove("azurePartnerTopic");
    assert_eq!(without_topic, created, "nothing else differs");
    let (status, paused) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"status": "paused", "name": "renamed"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (paused["status"].as_str(), paused["name"].as_str()),
        (Some("paused"), Some("renamed"))
    );
    let r = env
        .auth0(Method::DELETE, &format!("/log-streams/{id}"), &token, None)
        .await;
    assert_eq!(r.status(), 204);
    let (status, body) = json_of(
        env.auth0(Method::GET, &format!("/log-streams/{id}"), &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The log stream does not exist.");
    let r = env
        .auth0(Method::DELETE, &format!("/log-streams/{id}"), &token, None)
        .await;
    assert_eq!(r.status(), 404);
    // Each successful change wrote Auth0's `sapi` entry.
    let (_, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:sapi&sort=date:1", &token, None)
            .await,
    )
    .await;
    let descriptions: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        descriptions,
        vec![
            "Create a log stream",
            "Update a log stream",
            "Delete a log stream"
        ]
    );
    assert_eq!(logs[0]["client_id"], env.info().auth0_client_id);
}

async fn create_error(env: &crate::common::Env, token: &str, body: Value) -> String {
    let (status, error) = json_of(
        env.auth0(Method::POST, "/log-streams", token, Some(body))
            .await,
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["statusCode"], 400);
    assert_eq!(error["error"], "Bad Request");
    error["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn create_validation_errors_use_auth0_shape_and_name_the_field() {
    let env = start().await;
    let token = env.auth0_token().await;
    let mut unknown = env.eventgrid_stream("rg");
    unknown["colour"] = json!("blue");
    let message = create_error(&env, &token, unknown).await;
    assert!(
        message.contains("Additional properties not allowed: colour"),
        "{message}"
    );

    let mut with_topic = env.eventgrid_stream("rg");
    with_topic["sink"]["azurePartnerTopic"] = json!("auth0-logs-x");
    let message = create_error(&env, &token, with_topic).await;
    assert!(
        message.contains("Data does not match any schemas from 'oneOf'"),
        "{message}"
    );
    assert!(message.contains("azurePartnerTopic"), "{message}");

    let mut new_region = env.eventgrid_stream("rg");
    new_region["sink"]["azureRegion"] = json!("westus3");
    let message = create_error(&env, &token, new_region).await;
    assert!(
        message.contains("No enum match for: \"westus3\"") && message.contains("sink.azureRegion"),
        "{message}"
    );

    let mut wrong_case = env.eventgrid_stream("rg");
    wrong_case["sink"]["azureRegion"] = json!("WestEurope");
    let message = create_error(&env, &token, wrong_case).await;
    assert!(message.contains("\"WestEurope\""), "{message}");

    let mut bad_guid = env.eventgrid_stream("rg");
    bad_guid["sink"]["azureSubscriptionId"] = json!("not-a-guid");
    let message = create_error(&env, &token, bad_guid).await;
    assert!(message.contains("sink.azureSubscriptionId"), "{message}");

    let mut bad_filter = env.eventgrid_stream("rg");
    bad_filter["filters"] = json!([{"type": "category", "name": "auth.everything"}]);
    let message = create_error(&env, &token, bad_filter).await;
    assert!(message.contains("filters.[0].name"), "{message}");

    let message = create_error(
        &env,
        &token,
        json!({"name": "x", "type": "carrier-pigeon", "sink": {}}),
    )
    .await;
    assert!(
        message.contains("Data does not match any schemas from 'oneOf'"),
        "{message}"
    );
    let message = create_error(
        &env,
        &token,
        json!({"type": "http", "sink": {"httpEndpoint": "http://plain"}}),
    )
    .await;
    assert!(message.contains("sink.httpEndpoint"), "{message}");
    // Nothing was created by any of these.
    let (_, list) = json_of(env.auth0(Method::GET, "/log-streams", &token, None).await).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn patch_rules_sink_of_eventgrid_and_suspended_status() {
    let env = start().await;
    let token = env.auth0_token().await;
    let (_, http) = json_of(
        env.auth0(Method::POST, "/log-streams", &token, Some(json!({"name": "h", "type": "http", "sink": {"httpEndpoint": "https://example.test/logs"}}))).await,
    )
    .await;
    let id = http["id"].as_str().unwrap();
    let (status, updated) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"sink": {"httpEndpoint": "https://example.test/v2"}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["sink"]["httpEndpoint"], "https://example.test/v2");
    let (status, body) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"status": "suspended"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("status"));
    let (status, body) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"unknown": 1})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Additional properties not allowed: unknown")
    );

    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let (stream, _) = env.create_stream(&token, "rg", None).await;
    let id = stream["id"].as_str().unwrap();
    let (status, body) = json_of(
        env.auth0(
            Method::PATCH,
            &format!("/log-streams/{id}"),
            &token,
            Some(json!({"sink": {"azureRegion": "westus"}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("cannot be updated"),
        "{body}"
    );
}

#[tokio::test]
async fn stream_limit_answers_409() {
    let env =
        crate::common::start_with(cloud_sandbox::SandboxConfig::for_tests().with_stream_limit(1))
            .await;
    let token = env.auth0_token().await;
    let http =
        json!({"name": "h", "type": "http", "sink": {"httpEndpoint": "https://example.test/logs"}});
    assert_eq!(
        env.auth0(Method::POST, "/log-streams", &token, Some(http.clone()))
            .await
            .status(),
        200
    );
    let (status, body) = json_of(
        env.auth0(Method::POST, "/log-streams", &token, Some(http))
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        body["message"],
        "You have reached the maximum number of log streams for your account."
    );
}

#[tokio::test]
async fn rate_limiting_is_off_by_default_and_switchable() {
    let env = start().await;
    let token = env.auth0_token().await;
    let r = env.auth0(Method::GET, "/log-streams", &token, None).await;
    assert!(!r.headers().contains_key("x-ratelimit-limit"));

    let limited = crate::common::start_with(
        cloud_sandbox::SandboxConfig::for_tests().with_rate_limit(Some(cloud_sandbox::RateLimit {
            limit: 2,
            window: std::time::Duration::from_secs(3600),
        })),
    )
    .await;
    let token = limited.auth0_token().await;
    let first = limited
        .auth0(Method::GET, "/log-streams", &token, None)
        .await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    assert_eq!(
        limited
            .auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        200
    );
    let third = limited
        .auth0(Method::GET, "/log-streams", &token, None)
        .await;
    assert_eq!(third.status(), 429);
    assert_eq!(third.headers()["x-ratelimit-remaining"], "0");
    let reset: i64 = third.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > 0);
    assert!(third.headers().contains_key("retry-after"));
    let (_, body) = json_of(third).await;
    assert_eq!(body["statusCode"], 429);
    limited
        .sandbox
        .handle()
        .advance(std::time::Duration::from_secs(3600));
    assert_eq!(
        limited
            .auth0(Method::GET, "/log-streams", &token, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn logs_search_paging_and_checkpoints() {
    let env = start().await;
    let token = env.auth0_token().await;
    env.sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::Login, 3);
    env.sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::LoginFailure, 2);
    let (_, logins) = json_of(env.auth0(Method::GET, "/logs?q=type:s", &token, None).await).await;
    assert_eq!(logins.as_array().unwrap().len(), 3);
    let (_, both) = json_of(
        env.auth0(Method::GET, "/logs?q=type%3A(s%20OR%20f)", &token, None)
            .await,
    )
    .await;
    assert_eq!(both.as_array().unwrap().len(), 5);
    let (_, page) = json_of(
        env.auth0(
            Method::GET,
            "/logs?per_page=2&page=0&include_totals=true",
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(page["logs"].as_array().unwrap().len(), 2);
    assert_eq!(page["total"], 6, "5 simulated plus the seccft of the token");
    assert_eq!(page["logs"][0]["type"], "f", "newest first by default");
    let (status, body) = json_of(
        env.auth0(Method::GET, "/logs?per_page=101", &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("per_page"));
    let (status, _) = json_of(
        env.auth0(Method::GET, "/logs?q=nonsense", &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 400);
    let first = logins[2]["log_id"].as_str().unwrap();
    let (_, after) = json_of(
        env.auth0(
            Method::GET,
            &format!("/logs?from={first}&take=2"),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(after.as_array().unwrap().len(), 2);
    assert_eq!(after[0]["type"], "s");
    let (status, one) = json_of(
        env.auth0(Method::GET, &format!("/logs/{first}"), &token, None)
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), one["log_id"].as_str()),
        (200, Some(first))
    );
    assert_eq!(
        env.auth0(Method::GET, "/logs/90000000", &token, None)
            .await
            .status(),
        404
    );
    let read_streams_only = env.auth0_token_with(Some("read:log_streams")).await;
    let (status, body) = json_of(
        env.auth0(Method::GET, "/logs", &read_streams_only, None)
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "Insufficient scope, expected any of: read:logs,read:logs_users"
    );
}

#[tokio::test]
async fn a_log_entry_whose_date_is_an_object_is_kept_as_written() {
    // Auth0's schema (`LogDate`) allows an object as well as an ISO 8601 string.
    let env = start().await;
    let written = env
        .admin_post(
            "/logs",
            serde_json::json!({"type": "s", "date": {"$date": "2026-01-01T00:00:00.000Z"}}),
        )
        .await;
    assert_eq!(written.status(), 200);
    let token = env.auth0_token().await;
    let (status, logs) =
        json_of(env.auth0(Method::GET, "/logs?q=type:s", &token, None).await).await;
    assert_eq!(status, 200);
    let entry = logs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["date"].is_object())
        .expect("the entry with an object date is listed");
    assert_eq!(entry["date"]["$date"], "2026-01-01T00:00:00.000Z");
}

/// A client-credentials exchange as the seeded application at `base` (the canonical domain or the custom one)
/// for `audience`: the status and the answer.
async fn exchange_at(env: &crate::common::Env, base: &str, audience: &str) -> (u16, Value) {
    let (status, body) = json_of(
        env.http
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", env.info().auth0_client_id.as_str()),
                ("client_secret", env.info().auth0_client_secret.as_str()),
                ("audience", audience),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    (status.as_u16(), body)
}

/// `GET {base}/api/v2/log-streams` with `token`: the status.
async fn list_streams_at(env: &crate::common::Env, base: &str, token: &str) -> u16 {
    env.http
        .get(format!("{base}/api/v2/log-streams"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_custom_domain_issues_tokens_for_the_canonical_audience_used_only_where_they_were_issued()
{
    let env = start().await;
    let canonical = env.info().auth0_domain.clone();
    let custom = env.info().auth0_custom_domain.clone();
    assert!(
        custom.starts_with("http://") && custom != canonical,
        "{custom}"
    );

    // The audience stays the canonical domain's Management API; the custom domain's is not an API.
    let custom_audience = format!("https://{}/api/v2/", custom.trim_start_matches("http://"));
    let (status, body) = exchange_at(&env, &custom, &custom_audience).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["error_description"],
        format!("Service not enabled within domain: {custom_audience}")
    );

    // Requested at the custom domain: issued by it, and accepted by the Management API there only.
    let (status, body) = exchange_at(&env, &custom, &env.mgmt_audience()).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["iss"], format!("{custom}/"));
    assert_eq!(list_streams_at(&env, &custom, token).await, 200);
    assert_eq!(list_streams_at(&env, &canonical, token).await, 401);

    // Requested at the canonical domain: the other way round.
    let (status, body) = exchange_at(&env, &canonical, &env.mgmt_audience()).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["iss"], format!("{canonical}/"));
    assert_eq!(list_streams_at(&env, &canonical, token).await, 200);
    assert_eq!(list_streams_at(&env, &custom, token).await, 401);
}

fn logs_url(env: &crate::common::Env, q: &str) -> reqwest::Url {
    let base = format!("{}/api/v2/logs", env.info().auth0_domain);
    reqwest::Url::parse_with_params(&base, [("q", q)]).unwrap()
}

/// How many entries `GET /api/v2/logs?q=...` answers for `q`.
async fn found(env: &crate::common::Env, token: &str, q: &str) -> usize {
    let (status, body) = json_of(
        env.http
            .get(logs_url(env, q))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{q}: {body}");
    body.as_array().unwrap().len()
}

#[tokio::test]
async fn logs_search_by_date_range_and_only_once_indexed() {
    let lag = std::time::Duration::from_secs(30);
    let env = crate::common::start_with(
        cloud_sandbox::SandboxConfig::for_tests().with_log_search_lag(lag),
    )
    .await;
    let token = env.auth0_token().await;
    let handle = env.sandbox.handle();
    handle.simulate(cloud_sandbox::SimulationKind::LoginFailure, 1);
    assert_eq!(
        found(&env, &token, "type:f").await,
        0,
        "not in the search index yet"
    );
    handle.advance(lag);
    assert_eq!(
        found(&env, &token, "type:f").await,
        1,
        "indexed once the lag has passed"
    );

    let date = handle.state()["auth0"]["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["type"] == "f")
        .unwrap()["date"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = &date[..19]; // 2026-11-26T10:15:30, the form of Auth0's examples
    let day = &date[..10];
    let cases = [
        (format!("type:f AND date:[{second} TO *]"), 1),
        (format!("type:f AND date:[{day} TO {day}]"), 1),
        (format!("type:f AND date:{{{day} TO *]"), 0),
        (format!("type:f AND date:[* TO {second}}}"), 0),
    ];
    for (q, expected) in cases {
        assert_eq!(found(&env, &token, &q).await, expected, "{q}");
    }
    let (status, body) = json_of(
        env.http
            .get(logs_url(&env, "date:[yesterday TO *]"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("date"), "{body}");
}
