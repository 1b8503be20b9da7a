//! The front door both the desktop app and the command line call: connect once, then `status` (read only),
//! `plan` (read only, what a run would write) and `run` (detect, apply, verify each step in order, saving
//! progress after each). Inputs are validated before the first request.

use std::sync::Arc;

use auth0_client::{Auth0Client, Auth0Credentials, REQUIRED_SCOPES};
use azure_client::{
    AzureClient, AzureCloud, AzureEndpoints, PollSchedule, azure_cli_credential,
    service_principal_credential,
};
use azure_core::credentials::TokenCredential;
use cloud_http::{
    Clock, HttpStatsSnapshot, Jitter, RetryPolicy, Secret, SystemClock, Transport, system_jitter,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, SetupError};
use crate::inputs::SetupInputs;
use crate::progress::{ProgressStore, SetupProgress, setup_key};
use crate::steps::{
    Context, Facts, STEPS, StepId, StepState, StepStatus, activate_topic, create_stream,
    prepare_azure, rfc3339, subscribe,
};
use crate::validate::{ValidationContext, validate};

/// What happens during a run, for a progress display (the CLI's stderr, the app's wizard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SetupEvent {
    StepStarted {
        step: StepId,
    },
    /// A write is being made.
    Applying {
        step: StepId,
        action: String,
    },
    /// Waiting for something to finish elsewhere.
    Waiting {
        step: StepId,
        what: String,
    },
    StepFinished {
        status: StepStatus,
    },
    StepFailed {
        step: StepId,
        error: SetupError,
    },
}

pub trait SetupObserver: Send + Sync {
    fn on_event(&self, event: &SetupEvent);
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl SetupObserver for Unobserved {
    fn on_event(&self, _event: &SetupEvent) {}
}

/// The result of `status`, `plan` and `run`: every step's state, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SetupReport {
    pub steps: Vec<StepStatus>,
    /// Every step done.
    pub complete: bool,
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
    /// What the progress file recorded of earlier runs of this setup (steps finished, when).
    pub last_run: Option<SetupProgress>,
}

/// How to sign in to Azure.
#[derive(Clone)]
pub enum AzureSignIn {
    ServicePrincipal {
        tenant_id: String,
        client_id: String,
        client_secret: Secret,
    },
    /// Reuse `az login`.
    AzureCli,
    /// Any other credential (the app's interactive sign-in).
    Credential(Arc<dyn TokenCredential>),
}

pub struct Connection {
    pub auth0: Auth0Credentials,
    /// Management API audience, when the domain is a custom one (defaults to `https://{domain}/api/v2/`).
    pub auth0_audience: Option<String>,
    pub azure_cloud: AzureCloud,
    pub azure: AzureSignIn,
}

pub struct EngineOptions {
    pub retry: RetryPolicy,
    pub poll: PollSchedule,
    /// Looking for the partner topic Auth0 creates after the stream.
    pub topic_wait: PollSchedule,
    pub clock: Arc<dyn Clock>,
    pub jitter: Jitter,
    pub progress: ProgressStore,
}

impl EngineOptions {
    pub fn new(progress: ProgressStore) -> Self {
        Self {
            retry: RetryPolicy::default(),
            poll: PollSchedule::default(),
            topic_wait: PollSchedule {
                deadline: std::time::Duration::from_secs(180),
                ..PollSchedule::default()
            },
            clock: Arc::new(SystemClock),
            jitter: system_jitter(),
            progress,
        }
    }
}

pub struct Engine {
    auth0_credentials: Auth0Credentials,
    auth0_audience: Option<String>,
    azure: AzureClient,
    transport: Transport,
    clock: Arc<dyn Clock>,
    topic_wait: PollSchedule,
    progress: ProgressStore,
}

impl Engine {
    /// Builds the clients; sends nothing.
    pub fn connect(connection: Connection, options: EngineOptions) -> Result<Self, SetupError> {
        let transport = Transport::new(options.retry, options.clock.clone(), options.jitter)?;
        let endpoints = AzureEndpoints::for_cloud(&connection.azure_cloud)?;
        let credential = match connection.azure {
            AzureSignIn::ServicePrincipal {
                tenant_id,
                client_id,
                client_secret,
            } => service_principal_credential(&endpoints, &tenant_id, &client_id, &client_secret)?,
            AzureSignIn::AzureCli => azure_cli_credential()?,
            AzureSignIn::Credential(credential) => credential,
        };
        let azure = AzureClient::new(endpoints, credential, transport.clone())
            .with_poll_schedule(options.poll);
        Ok(Self {
            auth0_credentials: connection.auth0,
            auth0_audience: connection.auth0_audience,
            azure,
            transport,
            clock: options.clock,
            topic_wait: options.topic_wait,
            progress: options.progress,
        })
    }

    /// Requests, writes and waiting so far (benchmarks, tests).
    pub fn stats(&self) -> HttpStatsSnapshot {
        self.transport.stats().snapshot()
    }

    pub fn validation_context(&self) -> ValidationContext {
        ValidationContext {
            azure_is_loopback: self.azure.endpoints().is_loopback(),
        }
    }

    pub fn progress_store(&self) -> &ProgressStore {
        &self.progress
    }

    /// What exists, per step. Read only.
    pub async fn status(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        self.detect_all(inputs).await
    }

    /// What a run would do (`--dry-run`). Read only; same shape as `status`, with each step's actions.
    pub async fn plan(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        self.detect_all(inputs).await
    }

    /// Runs every step.
    pub async fn run(
        &self,
        inputs: &SetupInputs,
        observer: &dyn SetupObserver,
    ) -> Result<SetupReport, SetupError> {
        self.run_until(inputs, observer, StepId::Subscribe).await
    }

    /// Runs the steps up to and including `last` (a run stopped there, as after a kill).
    pub async fn run_until(
        &self,
        inputs: &SetupInputs,
        observer: &dyn SetupObserver,
        last: StepId,
    ) -> Result<SetupReport, SetupError> {
        validate(inputs, self.validation_context())?;
        let auth0 = self.auth0_client(inputs)?;
        // A missing scope is named before anything is written.
        auth0.require_scopes(&REQUIRED_SCOPES).await?;
        let key = setup_key(inputs);
        let mut progress = self.progress.get(&key)?.unwrap_or_else(|| SetupProgress {
            auth0_domain: inputs.auth0_domain.clone(),
            stream_name: inputs.stream_name.clone(),
            subscription_id: inputs.subscription_id.clone(),
            resource_group: inputs.resource_group.clone(),
            event_subscription_name: inputs.event_subscription_name.clone(),
            ..SetupProgress::default()
        });
        let ctx = self.context(&auth0, inputs, observer);
        let mut facts = Facts::default();
        let mut steps = Vec::new();
        for step in STEPS.into_iter().filter(|s| *s <= last) {
            observer.on_event(&SetupEvent::StepStarted { step });
            tracing::info!(?step, "step started");
            let outcome = run_step(step, &ctx, &mut facts).await;
            match &outcome {
                Ok(status) => tracing::info!(?step, summary = %status.summary, "step done"),
                Err(error) => {
                    tracing::warn!(?step, code = ?error.code, message = %error.message, "step failed")
                }
            }
            progress.stream_id = facts
                .stream
                .as_ref()
                .map(|s| s.id.clone())
                .or(progress.stream_id);
            progress.partner_topic = facts
                .topic
                .as_ref()
                .map(|t| t.name.clone())
                .or(progress.partner_topic);
            progress.updated_at = rfc3339(self.clock.now());
            match outcome {
                Ok(status) => {
                    if !progress.completed.contains(&step) {
                        progress.completed.push(step);
                    }
                    self.progress.put(&key, progress.clone())?;
                    observer.on_event(&SetupEvent::StepFinished {
                        status: status.clone(),
                    });
                    steps.push(status);
                }
                Err(error) => {
                    progress.completed.retain(|s| *s < step);
                    self.progress.put(&key, progress.clone())?;
                    observer.on_event(&SetupEvent::StepFailed {
                        step,
                        error: error.clone(),
                    });
                    return Err(error);
                }
            }
        }
        let mut report = report(steps, &facts);
        report.last_run = Some(progress);
        Ok(report)
    }

    fn auth0_client(&self, inputs: &SetupInputs) -> Result<Auth0Client, SetupError> {
        Ok(Auth0Client::new(
            &inputs.auth0_domain,
            self.auth0_audience.clone(),
            self.auth0_credentials.clone(),
            self.transport.clone(),
        )?)
    }

    fn context<'a>(
        &'a self,
        auth0: &'a Auth0Client,
        inputs: &'a SetupInputs,
        observer: &'a dyn SetupObserver,
    ) -> Context<'a> {
        Context {
            auth0,
            azure: &self.azure,
            inputs,
            clock: self.clock.as_ref(),
            observer,
            topic_wait: self.topic_wait,
        }
    }

    async fn detect_all(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        validate(inputs, self.validation_context())?;
        let auth0 = self.auth0_client(inputs)?;
        let ctx = self.context(&auth0, inputs, &Unobserved);
        let mut facts = Facts::default();
        let steps = vec![
            prepare_azure::detect(&ctx, &mut facts).await?.status,
            create_stream::detect(&ctx, &mut facts).await?.status,
            activate_topic::detect(&ctx, &mut facts).await?.status,
            subscribe::detect(&ctx, &mut facts).await?.status,
        ];
        let mut report = report(steps, &facts);
        report.last_run = self.progress.get(&setup_key(inputs))?;
        Ok(report)
    }
}

async fn run_step(
    step: StepId,
    ctx: &Context<'_>,
    facts: &mut Facts,
) -> Result<StepStatus, SetupError> {
    match step {
        StepId::PrepareAzure => {
            let found = prepare_azure::detect(ctx, facts).await?;
            if found.status.state == StepState::Done {
                return Ok(found.status);
            }
            prepare_azure::apply(ctx, facts, found).await
        }
        StepId::CreateStream => {
            let found = create_stream::detect(ctx, facts).await?;
            create_stream::apply(ctx, facts, found).await
        }
        StepId::ActivateTopic => {
            let found = activate_topic::detect(ctx, facts).await?;
            activate_topic::apply(ctx, facts, found).await
        }
        StepId::Subscribe => {
            let found = subscribe::detect(ctx, facts).await?;
            subscribe::apply(ctx, facts, found).await
        }
    }
}

fn report(steps: Vec<StepStatus>, facts: &Facts) -> SetupReport {
    SetupReport {
        complete: steps.len() == STEPS.len() && steps.iter().all(|s| s.state == StepState::Done),
        steps,
        stream_id: facts.stream.as_ref().map(|s| s.id.clone()),
        partner_topic: facts.topic.as_ref().map(|t| t.name.clone()),
        last_run: None,
    }
}

/// Fails when the report is not complete, naming the first unfinished step (for exit codes).
pub fn require_complete(report: &SetupReport) -> Result<(), SetupError> {
    match report.steps.iter().find(|s| s.state != StepState::Done) {
        None if report.complete => Ok(()),
        Some(step) => Err(SetupError::new(
            ErrorCode::OperationFailed,
            format!("{}: {}", step.step.title(), step.summary),
            "Run `auth0-eventgrid setup` to finish the remaining steps.",
        )),
        None => Err(SetupError::new(
            ErrorCode::OperationFailed,
            "The setup stopped before its last step.",
            "Run `auth0-eventgrid setup` again.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: T) {}

    /// The desktop app keeps one engine in its state and awaits it from async commands, which must be Send.
    #[test]
    fn the_engine_and_its_futures_can_live_in_a_multithreaded_app() {
        let dir = std::env::temp_dir().join("setup-engine-send-check");
        let engine = Engine::connect(
            Connection {
                auth0: Auth0Credentials::ManagementToken(Secret::new("t")),
                auth0_audience: None,
                azure_cloud: AzureCloud::Public,
                azure: AzureSignIn::ServicePrincipal {
                    tenant_id: "00000000-0000-0000-0000-000000000001".into(),
                    client_id: "c".into(),
                    client_secret: Secret::new("s"),
                },
            },
            EngineOptions::new(ProgressStore::at(dir.join("p.json"))),
        )
        .unwrap();
        assert_send_sync(&engine);
        let inputs: SetupInputs = serde_json::from_value(serde_json::json!({
            "auth0_domain": "acme.auth0.com", "stream_name": "s",
            "subscription_id": "11111111-2222-3333-4444-555555555555", "resource_group": "rg",
            "region": "westeurope", "event_subscription_name": "auth0-logs",
            "destination": {"kind": "webhook", "webhook_url": "https://hooks.example.com/x"}
        }))
        .unwrap();
        assert_send(engine.run(&inputs, &Unobserved));
        assert_send(engine.status(&inputs));
        assert!(!engine.validation_context().azure_is_loopback);
    }
}
