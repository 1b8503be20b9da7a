//! Helpers: start a sandbox, get tokens, call the emulated APIs, poll with bounded waits.

use std::time::Duration;

use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

pub const EG: &str = "api-version=2025-02-15";
pub const RM: &str = "api-version=2025-04-01";

pub struct Env {
    pub sandbox: RunningSandbox,
    pub http: Client,
}

pub async fn start() -> Env {
    start_with(SandboxConfig::for_tests()).await
}

pub async fn start_with(config: SandboxConfig) -> Env {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    // Every request carries the run's admin token, which the admin surface's writes need.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        cloud_sandbox::ADMIN_TOKEN_HEADER,
        sandbox.info().admin_token.parse().unwrap(),
    );
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    Env { sandbox, http }
}

impl Env {
    pub fn info(&self) -> &cloud_sandbox::SandboxInfo {
        self.sandbox.info()
    }

    pub fn mgmt_audience(&self) -> String {
        format!(
            "https://{}/api/v2/",
            self.info().auth0_domain.trim_start_matches("http://")
        )
    }

    pub async fn auth0_token_with(&self, scope: Option<&str>) -> String {
        let mut form = vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", self.info().auth0_client_id.clone()),
            ("client_secret", self.info().auth0_client_secret.clone()),
            ("audience", self.mgmt_audience()),
        ];
        if let Some(scope) = scope {
            form.push(("scope", scope.to_owned()));
        }
        let response = self
            .http
            .post(format!("{}/oauth/token", self.info().auth0_domain))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A client-credentials exchange at the Auth0 tenant as the seeded application, with `secret` and for
    /// `audience`: the status and the answer.
    pub async fn auth0_exchange(&self, secret: &str, audience: &str) -> (StatusCode, Value) {
        json_of(
            self.http
                .post(format!("{}/oauth/token", self.info().auth0_domain))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", self.info().auth0_client_id.as_str()),
                    ("client_secret", secret),
                    ("audience", audience),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn auth0_token(&self) -> String {
        self.auth0_token_with(None).await
    }

    pub async fn azure_token_for(&self, client_id: &str, secret: &str) -> String {
        cloud_sandbox::testing::arm_token_for(self.info(), client_id, secret).await
    }

    pub async fn azure_token(&self) -> String {
        let info = self.info().clone();
        self.azure_token_for(&info.azure_client_id, &info.azure_client_secret)
            .await
    }

    pub async fn auth0(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}/api/v2{path}", self.info().auth0_domain))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// A Resource Manager call; `path` starts with `/` and includes the query.
    pub async fn arm(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.info().azure_management))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// `GET /subscriptions` with `token`: the status and the answer.
    pub async fn subscriptions(&self, token: &str) -> (StatusCode, Value) {
        json_of(
            self.arm(
                Method::GET,
                "/subscriptions?api-version=2022-12-01",
                token,
                None,
            )
            .await,
        )
        .await
    }

    pub fn sub_path(&self) -> String {
        format!("/subscriptions/{}", self.info().subscription_id)
    }

    pub fn group_path(&self, rg: &str) -> String {
        format!("{}/resourceGroups/{rg}", self.sub_path())
    }

    pub fn eg_path(&self, rg: &str, rest: &str) -> String {
        format!(
            "{}/providers/Microsoft.EventGrid/{rest}",
            self.group_path(rg)
        )
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{path}", self.info().admin_url))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.info().admin_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Registers Event Grid (zero delay in tests), creates `rg`, authorizes Auth0 there.
    /// The Event Grid provider's register action in the seeded subscription.
    pub fn register_path(&self) -> String {
        format!(
            "{}/providers/Microsoft.EventGrid/register?{RM}",
            self.sub_path()
        )
    }

    /// Registers the Event Grid provider in the seeded subscription; the answer is the caller's to check.
    pub async fn register_event_grid(&self, token: &str) -> Response {
        self.arm(Method::POST, &self.register_path(), token, None)
            .await
    }

    /// Creates (or updates) the resource group `rg` in `location`; the answer is the caller's to check.
    pub async fn create_group(&self, token: &str, rg: &str, location: &str) -> Response {
        self.arm(
            Method::PUT,
            &format!("{}?{RM}", self.group_path(rg)),
            token,
            Some(json!({ "location": location })),
        )
        .await
    }

    /// The partner topics of the group `rg`: the status and the list.
    pub async fn partner_topics(&self, token: &str, rg: &str) -> (StatusCode, Value) {
        json_of(
            self.arm(
                Method::GET,
                &format!("{}?{EG}", self.eg_path(rg, "partnerTopics")),
                token,
                None,
            )
            .await,
        )
        .await
    }

    pub async fn prepare_azure(&self, token: &str, rg: &str) {
        let r = self.register_event_grid(token).await;
        assert_eq!(r.status(), 200);
        let r = self.create_group(token, rg, "westeurope").await;
        assert!(r.status().is_success());
        let r = self
            .arm(
                Method::POST,
                &format!("{}?{EG}", self.eg_path(rg, "partnerConfigurations/default/authorizePartner")),
                token,
                Some(json!({"partnerName": "Auth0", "partnerRegistrationImmutableId": "804a11ca-ce9b-4158-8e94-3c8dc7a072ec"})),
            )
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    pub fn eventgrid_stream(&self, rg: &str) -> Value {
        json!({
            "name": "azure-events",
            "type": "eventgrid",
            "sink": {
                "azureSubscriptionId": self.info().subscription_id,
                "azureRegion": "westeurope",
                "azureResourceGroup": rg,
            },
        })
    }

    /// Creates an eventgrid stream and returns (stream as last read, partner topic name). The create answer
    /// lacks `sink.azurePartnerTopic` (Auth0 reports it later), so the stream is read until it has it.
    pub async fn create_stream(
        &self,
        auth0: &str,
        rg: &str,
        filters: Option<Value>,
    ) -> (Value, String) {
        let mut body = self.eventgrid_stream(rg);
        if let Some(filters) = filters {
            body["filters"] = filters;
        }
        let r = self
            .auth0(Method::POST, "/log-streams", auth0, Some(body))
            .await;
        assert_eq!(r.status(), 200);
        let created: Value = r.json().await.unwrap();
        assert!(
            created["sink"].get("azurePartnerTopic").is_none(),
            "not in the create answer: {created}"
        );
        let id = created["id"].as_str().unwrap().to_owned();
        for _ in 0..10 {
            let r = self
                .auth0(Method::GET, &format!("/log-streams/{id}"), auth0, None)
                .await;
            assert_eq!(r.status(), 200);
            let stream: Value = r.json().await.unwrap();
            if let Some(topic) = stream["sink"]["azurePartnerTopic"].as_str() {
                let topic = topic.to_owned();
                return (stream, topic);
            }
        }
        panic!("the stream {id} never reported its partner topic");
    }

    pub async fn activate(&self, token: &str, rg: &str, topic: &str) {
        let r = self
            .arm(
                Method::POST,
                &format!(
                    "{}?{EG}",
                    self.eg_path(rg, &format!("partnerTopics/{topic}/activate"))
                ),
                token,
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
    }

    /// PUTs a WebHook event subscription and waits for a terminal provisioning state.
    pub async fn subscribe(
        &self,
        token: &str,
        rg: &str,
        topic: &str,
        name: &str,
        url: &str,
        extra: Value,
    ) -> Value {
        let mut properties = json!({
            "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": url}},
            "eventDeliverySchema": "CloudEventSchemaV1_0",
        });
        if let Value::Object(more) = extra {
            properties.as_object_mut().unwrap().extend(more);
        }
        let path = format!(
            "{}?{EG}",
            self.eg_path(
                rg,
                &format!("partnerTopics/{topic}/eventSubscriptions/{name}")
            )
        );
        let r = self
            .arm(
                Method::PUT,
                &path,
                token,
                Some(json!({"properties": properties})),
            )
            .await;
        assert!(r.status() == 201 || r.status() == 200, "{}", r.status());
        let operation = async_operation(&r);
        self.wait_operation(token, &operation).await
    }

    pub async fn wait_operation(&self, token: &str, url: &str) -> Value {
        poll(|| async {
            let body: Value = self
                .http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (body["status"] != "InProgress").then_some(body)
        })
        .await
    }

    pub async fn wait_idle(&self) {
        assert!(
            self.sandbox
                .handle()
                .wait_for_pipeline_idle(Duration::from_secs(20))
                .await,
            "pipeline did not go idle"
        );
    }
}

/// Polls `check` with a short, growing pause until it yields, for at most 20 seconds.
pub async fn poll<F, Fut, T>(mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not reached within 20 s"
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// The `Azure-AsyncOperation` URL a long-running request answered with.
pub fn async_operation(response: &Response) -> String {
    response.headers()["azure-asyncoperation"]
        .to_str()
        .unwrap()
        .to_owned()
}

pub async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// A local webhook receiver that answers the CloudEvents handshake (or not) and records deliveries; can
/// be told to fail the first N deliveries with a status.
pub mod webhook {
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::any;
    use serde_json::Value;

    #[derive(Default)]
    pub struct Hook {
        pub received: Mutex<Vec<(HeaderMap, Value)>>,
        /// The headers of every handshake (OPTIONS) request.
        pub handshakes: Mutex<Vec<HeaderMap>>,
        pub fail_first: Mutex<(u32, u16)>,
        pub answer_handshake: bool,
    }

    pub struct Running {
        pub url: String,
        pub hook: Arc<Hook>,
    }

    impl Running {
        pub fn count(&self) -> usize {
            self.hook.received.lock().unwrap().len()
        }
        pub fn fail_first(&self, n: u32, status: u16) {
            *self.hook.fail_first.lock().unwrap() = (n, status);
        }
    }

    async fn handle(
        State(hook): State<Arc<Hook>>,
        method: axum::http::Method,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        if method == axum::http::Method::OPTIONS {
            hook.handshakes.lock().unwrap().push(headers.clone());
            if !hook.answer_handshake {
                return StatusCode::NOT_FOUND.into_response();
            }
            let origin = headers.get("webhook-request-origin").cloned().unwrap();
            return (StatusCode::OK, [("webhook-allowed-origin", origin)]).into_response();
        }
        {
            let mut fail = hook.fail_first.lock().unwrap();
            if fail.0 > 0 {
                fail.0 -= 1;
                return StatusCode::from_u16(fail.1).unwrap().into_response();
            }
        }
        let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        hook.received.lock().unwrap().push((headers, event));
        StatusCode::OK.into_response()
    }

    pub async fn start(answer_handshake: bool) -> Running {
        let hook = Arc::new(Hook {
            answer_handshake,
            ..Hook::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/events?code=secret",
            listener.local_addr().unwrap()
        );
        let app = Router::new()
            .route("/events", any(handle))
            .with_state(hook.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Running { url, hook }
    }
}
