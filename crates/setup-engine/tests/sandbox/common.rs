//! A sandbox per test, an engine wired to it, and readers for the sandbox's request log.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_sandbox::testing::Arm;
use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig, SandboxInfo};
use setup_engine::{
    Auth0Credentials, AzureCloud, AzureSignIn, Clock, Connection, DestinationInput,
    DestinationKind, Engine, EngineOptions, PollSchedule, ProgressStore, RetryPolicy, Secret,
    SetupEvent, SetupInputs, SetupObserver, SetupReport, StepId, Unobserved,
};
use time::OffsetDateTime;

/// Virtual time shared by the engine and the sandbox: the engine reads the sandbox's (frozen) clock, so
/// expiry decisions agree with it, and every wait the engine asks for moves that clock forward by the
/// same amount after a token real pause. Retries and polls therefore happen in order and registration
/// delays elapse, without tests sitting out real seconds. Requested waits are kept for assertions.
#[derive(Debug, Clone)]
pub struct SandboxTime {
    clock: cloud_sandbox::Clock,
    pub requested: Arc<Mutex<Vec<Duration>>>,
    /// How far this machine's clock runs ahead of the sandbox's (Azure's); zero unless a test skews it.
    pub ahead: Duration,
}

impl Clock for SandboxTime {
    fn now(&self) -> OffsetDateTime {
        self.clock.now() + self.ahead
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.requested.lock().unwrap().push(duration);
        self.clock.advance(duration);
        Box::pin(tokio::time::sleep(duration.min(Duration::from_millis(2))))
    }
}

pub struct World {
    pub sandbox: RunningSandbox,
    pub info: SandboxInfo,
    pub time: SandboxTime,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> World {
    start_with(SandboxConfig::for_tests()).await
}

pub async fn start_with(config: SandboxConfig) -> World {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let info = sandbox.info().clone();
    let time = SandboxTime {
        clock: sandbox.handle().clock(),
        requested: Arc::default(),
        ahead: Duration::ZERO,
    };
    World {
        sandbox,
        info,
        time,
        dir: tempfile::tempdir().unwrap(),
    }
}

impl World {
    pub fn progress(&self) -> ProgressStore {
        ProgressStore::at(self.dir.path().join("progress.json"))
    }

    /// A fresh engine's run up to and including `step`; panics if the run fails.
    pub async fn run_until(&self, inputs: &SetupInputs, step: StepId) -> SetupReport {
        self.engine()
            .run_until(inputs, &Unobserved, step)
            .await
            .unwrap()
    }

    /// Whether a fresh engine's whole run completes; panics if the run fails.
    pub async fn run_completes(&self, inputs: &SetupInputs) -> bool {
        self.engine()
            .run(inputs, &Unobserved)
            .await
            .unwrap()
            .complete
    }

    pub fn engine(&self) -> Engine {
        self.engine_with(
            Auth0Credentials::ClientCredentials {
                client_id: self.info.auth0_client_id.clone(),
                client_secret: Secret::new(self.info.auth0_client_secret.clone()),
            },
            &self.info.azure_client_id,
            &self.info.azure_client_secret,
        )
    }

    /// An engine on a machine whose clock runs `ahead` of Azure's.
    pub fn engine_with_skew(&self, ahead: Duration) -> Engine {
        let time = SandboxTime {
            ahead,
            ..self.time.clone()
        };
        self.engine_at(
            Auth0Credentials::ClientCredentials {
                client_id: self.info.auth0_client_id.clone(),
                client_secret: Secret::new(self.info.auth0_client_secret.clone()),
            },
            &self.info.azure_client_id,
            &self.info.azure_client_secret,
            time,
        )
    }

    pub fn engine_with(
        &self,
        auth0: Auth0Credentials,
        azure_client_id: &str,
        azure_secret: &str,
    ) -> Engine {
        self.engine_at(auth0, azure_client_id, azure_secret, self.time.clone())
    }

    fn engine_at(
        &self,
        auth0: Auth0Credentials,
        azure_client_id: &str,
        azure_secret: &str,
        time: SandboxTime,
    ) -> Engine {
        let connection = Connection {
            auth0,
            auth0_audience: None,
            azure_cloud: AzureCloud::Custom {
                authority: self.info.azure_authority.clone(),
                management: self.info.azure_management.clone(),
            },
            azure: AzureSignIn::ServicePrincipal {
                tenant_id: self.info.azure_tenant_id.clone(),
                client_id: azure_client_id.to_owned(),
                client_secret: Secret::new(azure_secret.to_owned()),
            },
        };
        let mut options = EngineOptions::new(self.progress());
        options.clock = Arc::new(time);
        options.jitter = Arc::new(|| 0.5);
        options.retry = RetryPolicy {
            max_attempts: 8,
            ..RetryPolicy::default()
        };
        // Sandbox time stands still in tests, so a wait is a handful of quick looks.
        options.topic_wait = PollSchedule {
            first: Duration::from_millis(25),
            ceiling: Duration::from_millis(100),
            deadline: Duration::from_secs(1),
        };
        Engine::connect(connection, options).expect("engine connects")
    }

    pub fn inputs(&self) -> SetupInputs {
        SetupInputs {
            auth0_domain: self.info.auth0_domain.clone(),
            stream_name: "Azure Event Grid".into(),
            subscription_id: self.info.subscription_id.clone(),
            resource_group: "auth0-events".into(),
            region: "westeurope".into(),
            create_resource_group: true,
            authorization_days: 7,
            event_categories: vec!["auth.login.success".into(), "auth.login.fail".into()],
            pii: None,
            start_from: None,
            destination: DestinationInput {
                kind: DestinationKind::Webhook,
                webhook_url: Some(format!(
                    "{}/_sandbox/inbox/engine-test",
                    self.info.azure_management
                )),
                resource_id: None,
                queue_name: None,
                max_events_per_batch: None,
                preferred_batch_size_in_kilobytes: None,
            },
            event_subscription_name: "auth0-to-webhook".into(),
            log_codes: vec!["s".into(), "f".into()],
            retry: Default::default(),
            dead_letter: None,
        }
    }

    /// Deletes a partner topic in the inputs' resource group behind the engine's back (as someone in the
    /// Azure portal would), waiting for the delete to finish.
    pub async fn delete_topic(&self, name: &str) {
        let inputs = self.inputs();
        let answer = Arm::sign_in(&self.info)
            .await
            .send(
                reqwest::Method::DELETE,
                &format!(
                    "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{name}?api-version=2025-02-15",
                    inputs.subscription_id, inputs.resource_group
                ),
                None,
            )
            .await;
        assert!(answer.status().is_success(), "{:?}", answer.text().await);
        assert!(
            !self.topics().iter().any(|(n, _)| n == name),
            "{name} deleted"
        );
    }

    /// The partner topics in the inputs' resource group: (name, activation state), by name.
    pub fn topics(&self) -> Vec<(String, String)> {
        let state = self.sandbox.handle().state();
        let mut topics: Vec<(String, String)> = find(&state, "partner_topics")
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["name"].as_str().unwrap_or_default().to_owned(),
                    t["activation_state"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        topics.sort();
        topics
    }

    /// Requests the emulated APIs answered, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.sandbox
            .handle()
            .requests()
            .into_iter()
            .map(|r| Request {
                seq: r.seq,
                method: r.method,
                path: r.path,
                status: r.status,
                write: r.write,
            })
            .collect()
    }

    pub fn writes_since(&self, seq: u64) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.seq > seq && r.write && !is_token_exchange(r))
            .map(|r| format!("{} {} {}", r.method, r.path, r.status))
            .collect()
    }

    pub fn last_seq(&self) -> u64 {
        self.requests().last().map(|r| r.seq).unwrap_or(0)
    }

    /// What exists in the clouds, without ids that differ between sandboxes.
    pub fn summary(&self) -> serde_json::Value {
        let state = self.sandbox.handle().state();
        let pick = |list: &serde_json::Value, keys: &[&str]| -> Vec<serde_json::Value> {
            list.as_array()
                .into_iter()
                .flatten()
                .map(|item| {
                    let mut out = serde_json::Map::new();
                    for key in keys {
                        out.insert(
                            key.trim_start_matches('/').to_owned(),
                            item.pointer(key).cloned().unwrap_or_default(),
                        );
                    }
                    serde_json::Value::Object(out)
                })
                .collect()
        };
        serde_json::json!({
            "streams": pick(find(&state, "streams"), &["/name", "/type", "/status"]),
            "topics": pick(find(&state, "partner_topics"), &["/activation_state", "/resource_group"]),
            "subscriptions": pick(find(&state, "event_subscriptions"), &["/name", "/provisioning_state"]),
        })
    }
}

/// Finds an array by key anywhere in the sandbox state (its layout is the sandbox's business).
pub fn find<'a>(value: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    static NULL: serde_json::Value = serde_json::Value::Null;
    match value {
        serde_json::Value::Object(map) => {
            if let Some(found) = map.get(key).filter(|v| v.is_array()) {
                return found;
            }
            map.values()
                .map(|v| find(v, key))
                .find(|v| !v.is_null())
                .unwrap_or(&NULL)
        }
        _ => &NULL,
    }
}

/// One line of the sandbox's request log (its record type is not exported).
#[derive(Debug, Clone)]
pub struct Request {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub write: bool,
}

pub fn is_token_exchange(record: &Request) -> bool {
    record.path.ends_with("/token")
}

/// Collects events, and can run a callback when one arrives (to change the world mid-run).
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<SetupEvent>>,
    #[allow(clippy::type_complexity)]
    pub hook: Option<Box<dyn Fn(&SetupEvent) + Send + Sync>>,
}

impl SetupObserver for Recorder {
    fn on_event(&self, event: &SetupEvent) {
        if let Some(hook) = &self.hook {
            hook(event);
        }
        self.events.lock().unwrap().push(event.clone());
    }
}
