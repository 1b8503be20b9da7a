//! The whole manual integration over raw HTTP, as a client written from the published contracts would do
//! it: Azure sign-in, register Event Grid, create the group and authorize Auth0, Auth0 token, create the
//! stream, find the topic by partner id and source, activate it, subscribe a local webhook that answers the
//! handshake, simulate logins through the admin API, observe deliveries and metrics. Then the same with each
//! fault on, showing the documented behaviour (and that a client that retries as documented still finishes).

use std::time::Duration;

use cloud_sandbox::{FaultKind, FaultRule, Faults, SandboxConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Env, start_with, webhook};

const AUTH0_ID: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";

/// A small client that does what the reference tells clients to do: retry 429 after Retry-After (clamped),
/// retry 5xx a few times, fetch a new token once on 401.
struct Client<'a> {
    env: &'a Env,
    auth0_token: String,
    azure_token: String,
    retried: u32,
    refreshed: u32,
}

enum Host {
    Auth0,
    Azure,
}

impl<'a> Client<'a> {
    async fn new(env: &'a Env) -> Client<'a> {
        let mut client = Client {
            env,
            auth0_token: String::new(),
            azure_token: String::new(),
            retried: 0,
            refreshed: 0,
        };
        client.auth0_token = client.fetch_auth0_token().await;
        client.azure_token = client.fetch_azure_token().await;
        client
    }

    async fn with_retries(
        &mut self,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> reqwest::Response {
        for _ in 0..8 {
            let response = request().send().await.unwrap();
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                self.retried += 1;
                let wait = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
                    .min(2);
                tokio::time::sleep(Duration::from_millis(wait * 1000 + 5)).await;
                continue;
            }
            return response;
        }
        panic!("gave up after 8 attempts");
    }

    async fn fetch_auth0_token(&mut self) -> String {
        let info = self.env.info().clone();
        let audience = self.env.mgmt_audience();
        let url = format!("{}/oauth/token", info.auth0_domain);
        let http = self.env.http.clone();
        let response = self
            .with_retries(|| {
                http.post(&url).form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", info.auth0_client_id.as_str()),
                    ("client_secret", info.auth0_client_secret.as_str()),
                    ("audience", audience.as_str()),
                ])
            })
            .await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn fetch_azure_token(&mut self) -> String {
        let info = self.env.info().clone();
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            info.azure_authority, info.azure_tenant_id
        );
        let http = self.env.http.clone();
        let response = self
            .with_retries(|| {
                http.post(&url).form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", info.azure_client_id.as_str()),
                    ("client_secret", info.azure_client_secret.as_str()),
                    ("scope", "https://management.azure.com/.default"),
                ])
            })
            .await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn call(
        &mut self,
        host: Host,
        method: Method,
        url: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        for _ in 0..2 {
            let token = match host {
                Host::Auth0 => self.auth0_token.clone(),
                Host::Azure => self.azure_token.clone(),
            };
            let http = self.env.http.clone();
            let response = self
                .with_retries(|| {
                    let mut request = http.request(method.clone(), url).bearer_auth(&token);
                    if let Some(body) = &body {
                        request = request.json(body);
                    }
                    request
                })
                .await;
            if response.status() == StatusCode::UNAUTHORIZED {
                self.refreshed += 1;
                match host {
                    Host::Auth0 => self.auth0_token = self.fetch_auth0_token().await,
                    Host::Azure => self.azure_token = self.fetch_azure_token().await,
                }
                continue;
            }
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.json::<Value>().await.unwrap_or(Value::Null);
            return (status, body, headers);
        }
        panic!("still unauthorized after a fresh token");
    }

    async fn arm(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let url = format!("{}{path}", self.env.info().azure_management);
        self.call(Host::Azure, method, &url, body).await
    }
}

struct Outcome {
    retried: u32,
    refreshed: u32,
    subscribe_attempts: u32,
}

/// Runs the manual integration end to end and checks deliveries and metrics.
async fn run_scenario(env: &Env) -> Outcome {
    let info = env.info().clone();
    let mut client = Client::new(env).await;
    let sub = format!("/subscriptions/{}", info.subscription_id);
    let rg_path = format!("{sub}/resourceGroups/auth0-events");
    let eg = format!("{rg_path}/providers/Microsoft.EventGrid");

    // 1. Register Event Grid and poll until Registered (the sandbox clock moves it along).
    let (status, body, _) = client
        .arm(
            Method::POST,
            &format!("{sub}/providers/Microsoft.EventGrid/register?api-version=2025-04-01"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut state = body["registrationState"].as_str().unwrap().to_owned();
    while state != "Registered" {
        env.sandbox.handle().advance(Duration::from_secs(1));
        let (_, body, _) = client
            .arm(
                Method::GET,
                &format!("{sub}/providers/Microsoft.EventGrid?api-version=2025-04-01"),
                None,
            )
            .await;
        state = body["registrationState"].as_str().unwrap().to_owned();
    }
    // 2. Resource group and partner authorization.
    let (status, _, _) = client
        .arm(
            Method::PUT,
            &format!("{rg_path}?api-version=2025-04-01"),
            Some(json!({"location": "westeurope"})),
        )
        .await;
    assert!(status == 201 || status == 200);
    let (status, body, _) = client
        .arm(Method::PUT, &format!("{eg}/partnerConfigurations/default?api-version=2025-02-15"), Some(json!({"location": "global",
            "properties": {"partnerAuthorization": {"defaultMaximumExpirationTimeInDays": 7,
                "authorizedPartnersList": [{"partnerRegistrationImmutableId": AUTH0_ID, "partnerName": "Auth0"}]}}})))
        .await;
    assert!(status.is_success(), "{body}");
    // 3. The Auth0 stream.
    let stream = json!({"name": "azure-events", "type": "eventgrid", "filters": [{"type": "category", "name": "auth.login.success"},
        {"type": "category", "name": "auth.login.fail"}],
        "sink": {"azureSubscriptionId": info.subscription_id, "azureRegion": "westeurope", "azureResourceGroup": "auth0-events"}});
    let url = format!("{}/api/v2/log-streams", info.auth0_domain);
    let (status, created, _) = client
        .call(Host::Auth0, Method::POST, &url, Some(stream))
        .await;
    assert_eq!(status, 200, "{created}");
    // 4. Find the topic by the name the stream reports (Auth0 fills it in on a later read); activate it.
    let stream_url = format!("{url}/{}", created["id"].as_str().unwrap());
    let mut topic = None;
    for _ in 0..10 {
        let (status, stream, _) = client
            .call(Host::Auth0, Method::GET, &stream_url, None)
            .await;
        assert_eq!(status, 200, "{stream}");
        topic = stream["sink"]["azurePartnerTopic"]
            .as_str()
            .map(str::to_owned);
        if topic.is_some() {
            break;
        }
    }
    let topic = topic.expect("the stream reported its partner topic");
    let (status, found, _) = client
        .arm(
            Method::GET,
            &format!("{eg}/partnerTopics/{topic}?api-version=2025-02-15"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert!(
        found["properties"]
            .get("partnerRegistrationImmutableId")
            .is_none_or(|id| id == AUTH0_ID),
        "{found}"
    );
    let (status, body, _) = client
        .arm(
            Method::POST,
            &format!("{eg}/partnerTopics/{topic}/activate?api-version=2025-02-15"),
            None,
        )
        .await;
    assert_eq!(
        (
            status.as_u16(),
            body["properties"]["activationState"].as_str()
        ),
        (200, Some("Activated"))
    );
    // 5. Subscribe a local webhook (answers the handshake); retry the PUT if the operation fails.
    let hook = webhook::start(true).await;
    let subscription = json!({"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hook.url, "maxEventsPerBatch": 1}},
        "eventDeliverySchema": "CloudEventSchemaV1_0", "retryPolicy": {"maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1440},
        "filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["s", "f"]}]}}});
    let es_path = format!(
        "{eg}/partnerTopics/{topic}/eventSubscriptions/auth0-to-webhook?api-version=2025-02-15"
    );
    let mut subscribe_attempts = 0;
    loop {
        subscribe_attempts += 1;
        let (status, _, headers) = client
            .arm(Method::PUT, &es_path, Some(subscription.clone()))
            .await;
        assert!(status == 201 || status == 200);
        let operation = headers["azure-asyncoperation"].to_str().unwrap().to_owned();
        let operation = operation
            .trim_start_matches(&info.azure_management)
            .to_owned();
        let mut result = Value::Null;
        for _ in 0..2000 {
            let (_, body, _) = client.arm(Method::GET, &operation, None).await;
            if body["status"] != "InProgress" {
                result = body;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if result["status"] == "Succeeded" {
            break;
        }
        assert!(
            subscribe_attempts < 3,
            "event subscription kept failing: {result}"
        );
    }
    // 6. Simulate logins and failures through the admin API, wait, observe.
    let admin = &info.admin_url;
    for (kind, count) in [("login", 4), ("login_failure", 2), ("signup", 3)] {
        let r = env
            .http
            .post(format!("{admin}/simulate"))
            .json(&json!({"kind": kind, "count": count}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let idle = env
        .http
        .post(format!("{admin}/wait-idle?timeout_ms=20000"))
        .send()
        .await
        .unwrap();
    assert_eq!(idle.status(), 200);
    assert_eq!(
        hook.count(),
        6,
        "4 logins and 2 failures; sign-ups are outside the stream's filters"
    );
    let metrics_path = format!(
        "{eg}/partnerTopics/{topic}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=PublishSuccessCount,MatchedEventCount,DeliverySuccessCount,DroppedEventCount&timespan=PT24H&interval=PT1H&aggregation=total&$filter=EventSubscriptionName%20eq%20'*'"
    );
    let (status, metrics, _) = client.arm(Method::GET, &metrics_path, None).await;
    assert_eq!(status, 200, "{metrics}");
    let total = |name: &str| -> f64 {
        metrics["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"]["value"] == name)
            .unwrap()["timeseries"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["total"].as_f64().unwrap_or(0.0))
            })
            .sum()
    };
    assert_eq!(total("PublishSuccessCount"), 6.0);
    assert_eq!(total("MatchedEventCount"), 6.0);
    assert_eq!(total("DeliverySuccessCount"), 6.0);
    assert_eq!(total("DroppedEventCount"), 0.0);
    let delivered = metrics["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"]["value"] == "DeliverySuccessCount")
        .unwrap();
    assert_eq!(
        delivered["timeseries"][0]["metadatavalues"][0]["value"],
        "auth0-to-webhook"
    );
    // The admin state shows every event ended.
    let state: Value = env
        .http
        .get(format!("{admin}/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = state["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["status"] != "pending"));
    assert_eq!(
        events.iter().filter(|e| e["status"] == "delivered").count(),
        6
    );
    Outcome {
        retried: client.retried,
        refreshed: client.refreshed,
        subscribe_attempts,
    }
}

fn with_faults(faults: Faults) -> SandboxConfig {
    SandboxConfig::for_tests()
        .with_registration_delay(Duration::from_secs(3))
        .with_faults(faults)
}

#[tokio::test]
async fn manual_integration_end_to_end() {
    let env = start_with(with_faults(Faults::default())).await;
    let outcome = run_scenario(&env).await;
    assert_eq!(
        (
            outcome.retried,
            outcome.refreshed,
            outcome.subscribe_attempts
        ),
        (0, 0, 1)
    );
    // A read-only pass afterwards makes no write requests, which the request log can prove.
    let admin = env.info().admin_url.clone();
    let requests: Value = env
        .http
        .get(format!("{admin}/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = requests.as_array().unwrap().last().unwrap()["seq"]
        .as_u64()
        .unwrap();
    assert!(
        requests
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["write"] == true && r["cloud"] == "management")
    );
    let token = env.azure_token().await;
    env.arm(
        Method::GET,
        &format!(
            "{}?api-version=2025-02-15",
            env.eg_path("auth0-events", "partnerTopics")
        ),
        &token,
        None,
    )
    .await;
    let writes: Value = env
        .http
        .get(format!(
            "{admin}/requests?since={last}&write=true&cloud=management"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(writes, json!([]));
}

#[tokio::test]
async fn scenario_with_latency() {
    let faults = Faults {
        rules: vec![FaultRule::new(FaultKind::Latency { millis: 15 })],
        ..Faults::default()
    };
    let env = start_with(with_faults(faults)).await;
    let started = std::time::Instant::now();
    let outcome = run_scenario(&env).await;
    assert_eq!(outcome.retried, 0);
    // Each emulated request waited at least the injected latency.
    let requests = env.sandbox.handle().requests();
    assert!(started.elapsed() >= Duration::from_millis(15 * requests.len() as u64 / 2));
}

#[tokio::test]
async fn scenario_with_throttling_on_resource_manager() {
    let rule = FaultRule::new(FaultKind::TooManyRequests {
        retry_after_secs: 0,
    })
    .on_cloud("management")
    .at_rate(0.5);
    let env = start_with(with_faults(Faults {
        rules: vec![rule],
        ..Faults::default()
    }))
    .await;
    let outcome = run_scenario(&env).await;
    assert!(outcome.retried > 0);
    let throttled = env
        .sandbox
        .handle()
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert_eq!(throttled as u32, outcome.retried);
}

#[tokio::test]
async fn scenario_with_server_errors_on_auth0() {
    let rule = FaultRule::new(FaultKind::ServerError { status: 503 })
        .on_cloud("auth0")
        .at_rate(0.5);
    let env = start_with(with_faults(Faults {
        rules: vec![rule],
        ..Faults::default()
    }))
    .await;
    let outcome = run_scenario(&env).await;
    assert!(outcome.retried > 0);
    assert!(
        env.sandbox
            .handle()
            .requests()
            .iter()
            .any(|r| r.status == 503 && r.cloud == "auth0")
    );
}

#[tokio::test]
async fn scenario_with_a_failing_long_running_operation() {
    let env = start_with(with_faults(Faults {
        failing_operations: 1,
        ..Faults::default()
    }))
    .await;
    let outcome = run_scenario(&env).await;
    assert_eq!(
        outcome.subscribe_attempts, 2,
        "the first PUT's operation failed, the retry succeeded"
    );
}

#[tokio::test]
async fn scenario_with_tokens_that_expire_early() {
    let env = start_with(with_faults(Faults {
        token_lifetime_secs: Some(2),
        ..Faults::default()
    }))
    .await;
    let outcome = run_scenario(&env).await;
    assert!(
        outcome.refreshed > 0,
        "registration polling outlived the tokens"
    );
    assert!(
        env.sandbox
            .handle()
            .requests()
            .iter()
            .any(|r| r.status == 401)
    );
}

#[tokio::test]
async fn scenario_with_revoked_refresh_tokens_needs_a_new_sign_in() {
    let env = start_with(with_faults(Faults {
        revoke_refresh_tokens: true,
        ..Faults::default()
    }))
    .await;
    run_scenario(&env).await;
    // The interactive Azure sign-in's refresh token is refused; the client must sign in again.
    let device: Value = env
        .http
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            env.info().azure_authority
        ))
        .form(&[
            ("client_id", "desktop-app"),
            (
                "scope",
                "https://management.azure.com/.default offline_access",
            ),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = env.info().users[0].clone();
    env.http
        .post(device["verification_uri"].as_str().unwrap())
        .form(&[
            ("user_code", device["user_code"].as_str().unwrap()),
            ("username", user.name.as_str()),
            ("password", user.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let token_url = format!(
        "{}/organizations/oauth2/v2.0/token",
        env.info().azure_authority
    );
    let tokens: Value = env
        .http
        .post(&token_url)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "desktop-app"),
            ("device_code", device["device_code"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let r = env
        .http
        .post(&token_url)
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "desktop-app"),
            ("refresh_token", refresh),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn scenario_with_failing_publishes_records_auth0_delivery_errors() {
    let rule = FaultRule::new(FaultKind::ServerError { status: 503 })
        .on_cloud("publish")
        .times(3);
    let env = start_with(SandboxConfig::for_tests().with_faults(Faults {
        rules: vec![rule],
        ..Faults::default()
    }))
    .await;
    let info = env.info().clone();
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (stream, topic) = env.create_stream(&auth0, "rg", None).await;
    env.activate(&azure, "rg", &topic).await;
    let hook = webhook::start(true).await;
    env.subscribe(&azure, "rg", &topic, "hook", &hook.url, json!({}))
        .await;
    env.sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::Login, 1);
    env.wait_idle().await;
    assert_eq!(
        hook.count(),
        0,
        "three failed publishes, then Auth0 gives up on the entry"
    );
    env.sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::Login, 1);
    env.wait_idle().await;
    assert_eq!(
        hook.count(),
        1,
        "the fault is used up; the next entry gets through"
    );
    let state: Value = env
        .http
        .get(format!("{}/state", info.admin_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stream_state = state["auth0"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == stream["id"])
        .unwrap()
        .clone();
    assert_eq!(stream_state["delivery_errors"].as_array().unwrap().len(), 1);
    assert!(
        state["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["status"] == "dropped" && e["reason"].as_str().unwrap().contains("503"))
    );
}
