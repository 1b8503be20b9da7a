//! The front door both the desktop app and the command line call: connect once, then `status` (read only),
//! `plan` (read only, what a run would write) and `run` (detect, apply, verify each step in order, saving
//! progress after each). Inputs are validated before the first request: all of them for `status`, `plan` and
//! `run`, those of steps 1 to N for `status_through` and `run_until` (a wizard filled in up to step N).

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

use crate::azure_cloud::check_auth0_delivers;
use crate::error::{ErrorCode, SetupError};
// The events live in their own module so the steps can report without importing their caller; they stay
// reachable here as they always were.
pub use crate::events::{ProviderRegistration, SetupEvent, SetupObserver, Unobserved};
use crate::inputs::SetupInputs;
use crate::progress::{ProgressStore, SetupProgress, setup_key};
use crate::steps::{
    Context, Facts, STEPS, StepId, StepState, StepStatus, activate_topic, create_stream,
    prepare_azure, rfc3339, subscribe,
};
use crate::validate::{ValidationContext, validate, validate_step, validate_through};

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
    azure_cloud: AzureCloud,
    azure: AzureClient,
    transport: Transport,
    clock: Arc<dyn Clock>,
    topic_wait: PollSchedule,
    progress: ProgressStore,
    /// One Management API client per tenant domain, kept so its token is reused: a health check every
    /// 15 minutes must not ask Auth0 for a new machine-to-machine token each time (Auth0 counts and caps them).
    auth0_clients: std::sync::Mutex<std::collections::HashMap<String, Auth0Client>>,
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
            azure_cloud: connection.azure_cloud,
            azure,
            transport,
            clock: options.clock,
            topic_wait: options.topic_wait,
            progress: options.progress,
            auth0_clients: Default::default(),
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

    /// The Azure client the steps use (the test event reads Event Grid's metrics with it).
    pub(crate) fn azure(&self) -> &AzureClient {
        &self.azure
    }

    /// The Auth0 application the engine signs in as (None for a pasted token).
    pub(crate) fn auth0_client_id(&self) -> Option<&str> {
        match &self.auth0_credentials {
            Auth0Credentials::ClientCredentials { client_id, .. } => Some(client_id),
            Auth0Credentials::ManagementToken(_) => None,
        }
    }

    /// The clock the engine waits and tells time with.
    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// What exists, per step. Read only. Every input is validated first (as for a full run).
    pub async fn status(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        self.status_through(inputs, StepId::Subscribe).await
    }

    /// What exists, per step, for a form filled in up to step `last`. Read only. The inputs steps 1 to
    /// `last` need are validated before any request (an `invalid_input` error names the field). A later
    /// step whose inputs are incomplete or invalid is reported `blocked`, its summary naming the field and
    /// the rule, and nothing is sent for it or the steps after it; a later step whose inputs are valid is
    /// detected as usual (a resumed setup shows everything that exists).
    pub async fn status_through(
        &self,
        inputs: &SetupInputs,
        last: StepId,
    ) -> Result<SetupReport, SetupError> {
        validate_through(inputs, self.validation_context(), last)?;
        self.detect_all(inputs).await
    }

    /// Read only, like [`Engine::status`], but never refuses incomplete inputs: the first step whose inputs
    /// are missing or invalid, and every step after it, is reported `blocked` naming the field, and nothing is
    /// asked about them; the steps before it are detected. What a wizard calls while the form is half filled.
    pub async fn status_so_far(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        self.detect_all(inputs).await
    }

    /// What a run would do (`--dry-run`). Read only; same shape as `status`, with each step's actions.
    /// Every input is validated first: a plan is for a full run.
    pub async fn plan(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        check_auth0_delivers(&self.azure_cloud)?;
        validate(inputs, self.validation_context())?;
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

    /// Runs the steps up to and including `last` (a run stopped there, as after a kill). Only the inputs
    /// steps 1 to `last` need are validated, all of them before the first request.
    pub async fn run_until(
        &self,
        inputs: &SetupInputs,
        observer: &dyn SetupObserver,
        last: StepId,
    ) -> Result<SetupReport, SetupError> {
        // Auth0 cannot deliver to Azure Government or China: said first, before anything is sent.
        check_auth0_delivers(&self.azure_cloud)?;
        validate_through(inputs, self.validation_context(), last)?;
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
            progress.resource_group_created |= facts.resource_group_created;
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

    /// The Management API client for `inputs.auth0_domain`, signed in as the engine is (the Done screen reads
    /// logs with it).
    /// One client per domain for the engine's life, sharing its token between runs and checks.
    pub fn auth0_client(&self, inputs: &SetupInputs) -> Result<Auth0Client, SetupError> {
        let domain = inputs.auth0_domain.trim().to_ascii_lowercase();
        let mut clients = self.auth0_clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(&domain) {
            return Ok(client.clone());
        }
        let client = Auth0Client::new(
            &inputs.auth0_domain,
            self.auth0_audience.clone(),
            self.auth0_credentials.clone(),
            self.transport.clone(),
        )?;
        clients.insert(domain, client.clone());
        Ok(client)
    }

    pub(crate) fn context<'a>(
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

    /// Detects each step in order, the caller having validated at least step 1's inputs. From the first
    /// step whose own inputs fail validation on, steps are reported blocked without a request.
    async fn detect_all(&self, inputs: &SetupInputs) -> Result<SetupReport, SetupError> {
        let auth0 = self.auth0_client(inputs)?;
        let ctx = self.context(&auth0, inputs, &Unobserved);
        let mut facts = Facts::default();
        let mut steps = Vec::new();
        let mut missing: Option<(StepId, SetupError)> = None;
        for step in STEPS {
            if missing.is_none()
                && let Some(error) = validate_step(inputs, self.validation_context(), step)
                    .into_iter()
                    .next()
            {
                missing = Some((step, error));
            }
            let status = match &missing {
                Some((owner, error)) => awaiting_input(step, *owner, error),
                None => detect_step(step, &ctx, &mut facts).await?,
            };
            steps.push(status);
        }
        let mut report = report(steps, &facts);
        report.last_run = self.progress.get(&setup_key(inputs))?;
        Ok(report)
    }
}

async fn detect_step(
    step: StepId,
    ctx: &Context<'_>,
    facts: &mut Facts,
) -> Result<StepStatus, SetupError> {
    Ok(match step {
        StepId::PrepareAzure => prepare_azure::detect(ctx, facts).await?.status,
        StepId::CreateStream => create_stream::detect(ctx, facts).await?.status,
        StepId::ActivateTopic => activate_topic::detect(ctx, facts).await?.status,
        StepId::Subscribe => subscribe::detect(ctx, facts).await?.status,
    })
}

/// A step that cannot be detected yet: its own inputs, or an earlier step's (`owner`), are not valid.
fn awaiting_input(step: StepId, owner: StepId, error: &SetupError) -> StepStatus {
    let summary = if step == owner {
        format!("Waiting for input: {}", error.message)
    } else {
        format!(
            "Waiting for the inputs of \"{}\": {}",
            owner.title(),
            error.message
        )
    };
    StepStatus::new(step, StepState::Blocked, summary)
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
        let dir = tempfile::tempdir().unwrap();
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
            EngineOptions::new(ProgressStore::at(dir.path().join("p.json"))),
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
        assert_send(engine.status_through(&inputs, StepId::PrepareAzure));
        assert!(!engine.validation_context().azure_is_loopback);
    }
}
