//! The IPC commands the front end invokes. Each is thin: it delegates to the engine, the sandbox or the
//! small modules beside it, and every failure is the engine's one error type, `SetupError`. What crosses
//! IPC is exported to TypeScript by `bindings`; no reply carries a secret.

use std::sync::Arc;
use std::time::Duration;

use cloud_sandbox::SimulationKind;
use serde::Serialize;
use setup_engine::{
    ArrivalWait, EndpointCheck, Engine, ErrorCode, SetupError, SetupEvent, SetupInputs,
    SetupObserver, SetupReport, StageReport, StepId, TestEventResult,
};
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::draft::{self, Draft};
use crate::state::{AppState, Session};
use sign_in::{
    Auth0AccountInfo, Auth0PrivateKeyRequest, Auth0SignInRequest, Auth0TokenRequest,
    AzureAccountInfo, AzureCertificateRequest, AzureServicePrincipalRequest, AzureSignInMethod,
    AzureSignInPrompt, AzureTenants, ChosenKeyFile, CloudName, KeyFileKind, KeychainStatus,
    LinkTarget, SANDBOX_INBOX, SessionInfo, Settings, SettingsOverview, SignedIn,
};

/// What the app says about itself: shown on the welcome page and copied into diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The product's name as users see it.
    pub product_name: String,
    /// The app's semantic version, from the crate manifest.
    pub version: String,
    /// The Tauri version the app was built with, for bug reports.
    pub tauri_version: String,
}

impl AppInfo {
    pub fn from_package_info(package: &tauri::PackageInfo) -> Self {
        Self {
            product_name: package.name.clone(),
            version: package.version.to_string(),
            tauri_version: tauri::VERSION.to_owned(),
        }
    }
}

#[tauri::command]
pub fn app_info<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> AppInfo {
    AppInfo::from_package_info(app.package_info())
}

/// Starts the built-in sandbox in this process (or reuses the running one, also when only checks of saved
/// setups started it) and signs in with its seeded application and service principal.
#[tauri::command]
pub async fn start_sandbox(state: State<'_, AppState>) -> Result<SessionInfo, SetupError> {
    if let Some(session) = state.session().as_ref().filter(|s| s.sandbox.is_some()) {
        return Ok(session.info.clone());
    }
    let session = state.sandbox_session().await?;
    let info = session.info.clone();
    tracing::info!(auth0 = %info.auth0_domain, "signed in to the built-in sandbox");
    *state.session() = Some(session);
    Ok(info)
}

/// Whether sign-ins are kept in the keychain, or for this session only (why, and what to do).
#[tauri::command]
pub async fn keychain_status(state: State<'_, AppState>) -> Result<KeychainStatus, SetupError> {
    Ok(state.accounts.keychain_status().await)
}

/// Starts an Azure sign-in and says what the user must do: a link (opened in the system browser when it can
/// be) or a device code. `finish_azure_sign_in` waits for it.
#[tauri::command]
pub async fn start_azure_sign_in(
    state: State<'_, AppState>,
    method: AzureSignInMethod,
) -> Result<AzureSignInPrompt, SetupError> {
    let open_url = state.accounts.setup.open_url.clone();
    state
        .accounts
        .start_azure(method, |url| open_url(url))
        .await
}

/// Waits until the pending Azure sign-in finishes, and starts the session when Auth0 is signed in too.
#[tauri::command]
pub async fn finish_azure_sign_in(
    state: State<'_, AppState>,
) -> Result<AzureAccountInfo, SetupError> {
    let account = state.accounts.finish_azure().await?;
    start_cloud_session(&state)?;
    Ok(account)
}

/// Cancels the pending Azure sign-in; `finish_azure_sign_in` then answers that it was cancelled.
#[tauri::command]
pub async fn cancel_azure_sign_in(state: State<'_, AppState>) -> Result<bool, SetupError> {
    Ok(state.accounts.cancel_azure())
}

/// Signs in to Auth0 with a machine-to-machine application, checking its token and naming missing scopes.
#[tauri::command]
pub async fn sign_in_auth0(
    state: State<'_, AppState>,
    request: Auth0SignInRequest,
) -> Result<Auth0AccountInfo, SetupError> {
    let account = state.accounts.sign_in_auth0(request).await?;
    if account.missing_scopes.is_empty() {
        start_cloud_session(&state)?;
    }
    Ok(account)
}

/// Signs in to Auth0 with a private-key JWT, the key file named by the handle `choose_key_file` gave (its path
/// is kept, never the key), naming missing scopes.
#[tauri::command]
pub async fn sign_in_auth0_private_key(
    state: State<'_, AppState>,
    request: Auth0PrivateKeyRequest,
) -> Result<Auth0AccountInfo, SetupError> {
    let account = state.accounts.sign_in_auth0_private_key(request).await?;
    if account.missing_scopes.is_empty() {
        start_cloud_session(&state)?;
    }
    Ok(account)
}

/// Signs in to Auth0 with a pasted Management API token, kept in the keychain only when asked.
#[tauri::command]
pub async fn sign_in_auth0_token(
    state: State<'_, AppState>,
    request: Auth0TokenRequest,
) -> Result<Auth0AccountInfo, SetupError> {
    let account = state.accounts.sign_in_auth0_token(request).await?;
    if account.missing_scopes.is_empty() {
        start_cloud_session(&state)?;
    }
    Ok(account)
}

/// Signs in to Azure with the Azure CLI's own sign-in (`az login`).
#[tauri::command]
pub async fn sign_in_azure_cli(state: State<'_, AppState>) -> Result<AzureAccountInfo, SetupError> {
    let account = state.accounts.sign_in_azure_cli().await?;
    start_cloud_session(&state)?;
    Ok(account)
}

/// Signs in to Azure as a service principal, its secret checked at once and kept in the keychain.
#[tauri::command]
pub async fn sign_in_azure_service_principal(
    state: State<'_, AppState>,
    request: AzureServicePrincipalRequest,
) -> Result<AzureAccountInfo, SetupError> {
    let account = state
        .accounts
        .sign_in_azure_service_principal(request)
        .await?;
    start_cloud_session(&state)?;
    Ok(account)
}

/// Signs in to Azure as a service principal with a certificate file; its password (if any) goes to the keychain.
#[tauri::command]
pub async fn sign_in_azure_certificate(
    state: State<'_, AppState>,
    request: AzureCertificateRequest,
) -> Result<AzureAccountInfo, SetupError> {
    let account = state.accounts.sign_in_azure_certificate(request).await?;
    start_cloud_session(&state)?;
    Ok(account)
}

/// The directories the signed-in Azure identity can reach.
#[tauri::command]
pub async fn azure_tenants(state: State<'_, AppState>) -> Result<AzureTenants, SetupError> {
    state.accounts.azure_tenants().await
}

/// Moves the Azure sign-in to another directory; the session (and so the subscriptions) follow it.
#[tauri::command]
pub async fn switch_azure_tenant(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<AzureAccountInfo, SetupError> {
    let account = state.accounts.switch_azure_tenant(&tenant_id).await?;
    start_cloud_session(&state)?;
    Ok(account)
}

/// Signs one cloud out (its keychain entries removed); the wizard's session ends with it.
#[tauri::command]
pub async fn sign_out_cloud(
    state: State<'_, AppState>,
    cloud: CloudName,
) -> Result<(), SetupError> {
    if let Some(run) = state.run().take() {
        run.abort();
    }
    let cloud_session = state
        .session()
        .as_ref()
        .is_some_and(|s| s.sandbox.is_none());
    if cloud_session {
        state.session().take();
    }
    state.accounts.sign_out_cloud(cloud).await
}

/// What the Settings screen shows: the app registration, the keychain and who is signed in.
#[tauri::command]
pub async fn settings_overview(state: State<'_, AppState>) -> Result<SettingsOverview, SetupError> {
    let overview = state.accounts.overview().await?;
    if state.session().is_none() {
        start_cloud_session(&state)?;
    }
    Ok(overview)
}

/// Opens the system's file dialog (from Rust: the window is granted no dialog permission) and keeps the chosen
/// file's path in Rust: the window gets only a random handle to name it by when signing in, and the file's name
/// to show; nothing when the user closed the dialog.
#[tauri::command]
pub async fn choose_key_file(
    state: State<'_, AppState>,
    kind: KeyFileKind,
    title: String,
) -> Result<Option<ChosenKeyFile>, SetupError> {
    state.accounts.choose_key_file(kind, title).await
}

/// Opens a page in the system browser; the window names it, Rust builds its address. Answers whether a
/// browser opened (the window shows the link either way where it has one).
#[tauri::command]
pub async fn open_link(state: State<'_, AppState>, target: LinkTarget) -> Result<bool, SetupError> {
    let url = match target {
        LinkTarget::SetupCheck { setup_id, check } => {
            crate::setups::check_link(&state, setup_id, check).await?
        }
        target => state.accounts.link(&target)?,
    };
    Ok((state.accounts.setup.open_url)(&url))
}

/// Why the app cannot work on this computer (a wrong preset), or nothing: the window shows it in place of its
/// screens.
#[tauri::command]
pub fn startup_problem(problem: State<'_, crate::StartupProblem>) -> Option<SetupError> {
    problem.0.clone()
}

/// Done's "Close": closes the window that asked, as its close button would (the app ends with its last window).
#[tauri::command]
pub fn close_window<R: tauri::Runtime>(window: tauri::WebviewWindow<R>) -> Result<(), SetupError> {
    tracing::info!("the window closes from Done");
    window.close().map_err(|e| {
        tracing::warn!(error = %e, "the window could not close");
        SetupError::new(
            ErrorCode::OperationFailed,
            "The window could not close.",
            "Close it with its own close button.",
        )
    })
}

#[tauri::command]
pub async fn load_settings(state: State<'_, AppState>) -> Result<Settings, SetupError> {
    state.accounts.settings().await
}

/// Checks and saves the settings (the Azure app registration's client id, how often saved setups are
/// checked) in the app's folder; the schedule follows a new interval at once.
#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, SetupError> {
    let saved = state.accounts.save_settings(settings).await?;
    state.schedule_changed.notify_waiters();
    Ok(saved)
}

/// Who was signed in when the app last ran, restored from the keychain (once per run), with the session
/// started when both clouds are back.
#[tauri::command]
pub async fn restore_sign_in(state: State<'_, AppState>) -> Result<SignedIn, SetupError> {
    let signed_in = state.accounts.restore().await;
    if state.session().is_none() {
        start_cloud_session(&state)?;
    }
    Ok(signed_in)
}

/// Once both clouds are signed in, the engine the wizard's steps run on.
fn start_cloud_session(state: &AppState) -> Result<(), SetupError> {
    if let Some((engine, azure, info)) = sign_in::cloud_session(&state.accounts, &state.folder)? {
        *state.session() = Some(Session {
            engine: Arc::new(engine),
            azure,
            info,
            sandbox: None,
        });
    }
    Ok(())
}

/// Who is signed in, if anyone.
#[tauri::command]
pub async fn current_session(
    state: State<'_, AppState>,
) -> Result<Option<SessionInfo>, SetupError> {
    Ok(state.session().as_ref().map(|s| s.info.clone()))
}

/// Forgets the session (and stops the sandbox, whose world stays in the app's folder), and removes every
/// keychain entry of the accounts signed in to.
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), SetupError> {
    if let Some(run) = state.run().take() {
        run.abort();
    }
    state.session().take();
    state.stop_sandbox().await;
    state.accounts.sign_out().await
}

#[tauri::command]
pub async fn load_draft(state: State<'_, AppState>) -> Result<Option<Draft>, SetupError> {
    draft::load(&state.folder, &state.setups.webhook_keys).await
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, draft: Draft) -> Result<(), SetupError> {
    draft::save(&state.folder, &state.setups.webhook_keys, &draft).await
}

/// Starts over: the draft is removed (what exists in the clouds is untouched).
#[tauri::command]
pub async fn clear_draft(state: State<'_, AppState>) -> Result<(), SetupError> {
    // The next wizard is another setup.
    *state.wizard_setup() = None;
    draft::clear(&state.folder, &state.setups.webhook_keys).await
}

/// Every step's state, read only. The form may be half filled: a step whose inputs are not there yet is
/// reported blocked with the field it waits for, rather than failing the whole check.
#[tauri::command]
pub async fn detect(
    state: State<'_, AppState>,
    inputs: SetupInputs,
) -> Result<SetupReport, SetupError> {
    let engine = signed_in_engine(&state)?;
    engine.status_so_far(&inputs).await
}

/// Runs the steps up to and including `step`, streaming progress to `on_event`. Finished steps are only
/// checked again, so running step 3 after steps 1 and 2 writes nothing for them. The setup is then saved
/// (the same one updated by later steps), so the home lists it.
#[tauri::command]
pub async fn run_step(
    state: State<'_, AppState>,
    inputs: SetupInputs,
    step: StepId,
    on_event: Channel<SetupEvent>,
) -> Result<SetupReport, SetupError> {
    let report = run_steps(&state, inputs.clone(), step, on_event).await?;
    // The steps ran: a store that cannot be written is logged (the home says what is wrong with it), not a
    // failed step.
    if let Err(error) = crate::setups::save_wizard_setup(&state, &inputs, &report).await {
        tracing::warn!(error = %error.message, "the setup could not be saved");
    }
    Ok(report)
}

async fn run_steps(
    state: &AppState,
    inputs: SetupInputs,
    step: StepId,
    on_event: Channel<SetupEvent>,
) -> Result<SetupReport, SetupError> {
    let engine = signed_in_engine(state)?;
    let task = tokio::spawn(async move {
        let observer = ChannelObserver(on_event);
        engine.run_until(&inputs, &observer, step).await
    });
    if let Some(previous) = state.run().replace(task.abort_handle()) {
        previous.abort();
    }
    let outcome = task.await;
    state.run().take();
    match outcome {
        Ok(result) => result,
        Err(error) if error.is_cancelled() => Err(SetupError::new(
            ErrorCode::Cancelled,
            "Stopped: you cancelled the step.",
            "Run the step again when you are ready; what was finished is kept.",
        )),
        Err(error) => Err(SetupError::new(
            ErrorCode::OperationFailed,
            format!("The step stopped unexpectedly: {error}"),
            "Run the step again; if it keeps failing, copy the diagnostics and report it.",
        )),
    }
}

/// Stops the step in progress, if any.
#[tauri::command]
pub async fn cancel_run(state: State<'_, AppState>) -> Result<bool, SetupError> {
    let run = state.run().take();
    Ok(run.map(|run| run.abort()).is_some())
}

/// In the sandbox: makes the tenant log a successful login and waits (bounded) for it to reach the
/// sandbox's built-in receiver. In the user's own clouds: a sign-in attempt with a wrong secret for the app
/// itself, which Auth0 records as a failed exchange (no user is affected), followed through Auth0's logs
/// and Event Grid's metrics; each stage's state streams to `on_progress`. `cancel_run` stops it.
#[tauri::command]
pub async fn send_test_event(
    state: State<'_, AppState>,
    inputs: SetupInputs,
    on_progress: Channel<StageReport>,
) -> Result<TestEventResult, SetupError> {
    let (engine, sandbox) = {
        let session = state.session();
        let session = session.as_ref().ok_or_else(not_signed_in)?;
        (session.engine.clone(), session.sandbox.clone())
    };
    if let Some(handle) = sandbox {
        return Ok(sandbox_test_event(handle).await);
    }
    let application = state.accounts.auth0_application();
    let task = tokio::spawn(async move {
        let progress = move |report: &StageReport| {
            if let Err(error) = on_progress.send(report.clone()) {
                tracing::debug!(%error, "test event progress channel closed");
            }
        };
        let wait = ArrivalWait::default();
        engine
            .send_test_event(&inputs, application.as_deref(), wait, &progress)
            .await
    });
    if let Some(previous) = state.run().replace(task.abort_handle()) {
        previous.abort();
    }
    let outcome = task.await;
    state.run().take();
    match outcome {
        Ok(result) => result,
        Err(error) if error.is_cancelled() => Err(SetupError::new(
            ErrorCode::Cancelled,
            "Stopped watching for the test event.",
            "Send another test event when you are ready.",
        )),
        Err(error) => Err(SetupError::new(
            ErrorCode::OperationFailed,
            format!("The test event stopped unexpectedly: {error}"),
            "Try again; if it keeps failing, copy the diagnostics and report it.",
        )),
    }
}

/// The in-process sandbox's test event: a simulated login, shown at its built-in receiver once its pipeline
/// has delivered (within 30 s). It arrived only when the receiver holds that login's own event (its CloudEvents
/// `id` is the log entry's id): events already there from earlier tests or runs do not count.
async fn sandbox_test_event(handle: cloud_sandbox::SandboxHandle) -> TestEventResult {
    let entries = handle.simulate(SimulationKind::Login, 1);
    let entry = entries.first();
    let user = entry
        .and_then(|entry| entry["user_name"].as_str())
        .unwrap_or_default()
        .to_owned();
    let log_id = entry
        .and_then(|entry| entry["log_id"].as_str())
        .map(str::to_owned);
    handle.wait_for_pipeline_idle(Duration::from_secs(30)).await;
    let state_now = handle.state();
    let inbox = state_now["inboxes"][SANDBOX_INBOX]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let arrived_type = log_id.and_then(|id| {
        inbox
            .iter()
            .find(|event| event["id"].as_str() == Some(id.as_str()))
            .and_then(|event| event["type"].as_str())
            .map(str::to_owned)
    });
    let received = u32::try_from(inbox.len()).unwrap_or(u32::MAX);
    TestEventResult::simulated_login(user, received, arrived_type)
}

/// A subscription the signed-in Azure identity can see, for the searchable picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionChoice {
    pub id: String,
    pub name: String,
    pub enabled: bool,
}

/// The subscriptions the signed-in Azure identity can see.
#[tauri::command]
pub async fn list_subscriptions(
    state: State<'_, AppState>,
) -> Result<Vec<SubscriptionChoice>, SetupError> {
    let azure = state
        .session()
        .as_ref()
        .map(|s| s.azure.clone())
        .ok_or_else(not_signed_in)?;
    let subscriptions = azure.list_subscriptions().await?;
    Ok(subscriptions
        .into_iter()
        .map(|s| SubscriptionChoice {
            enabled: s.is_enabled(),
            name: s.display_name.unwrap_or_else(|| s.subscription_id.clone()),
            id: s.subscription_id,
        })
        .collect())
}

/// Performs the CloudEvents webhook handshake from Rust, so the webview itself never reaches the network.
/// Plain http is refused except on this computer.
#[tauri::command]
pub async fn test_endpoint(url: String) -> Result<EndpointCheck, SetupError> {
    setup_engine::check_endpoint(&url).await
}

pub(crate) fn not_signed_in() -> SetupError {
    SetupError::new(
        ErrorCode::AzureCredentialsFailed,
        "You are not signed in.",
        "Go back to Sign in, or choose the built-in sandbox on the first page.",
    )
}

fn signed_in_engine(state: &AppState) -> Result<Arc<Engine>, SetupError> {
    state
        .session()
        .as_ref()
        .map(|s| s.engine.clone())
        .ok_or_else(not_signed_in)
}

/// Forwards the engine's progress to the window; a closed window just stops listening.
struct ChannelObserver(Channel<SetupEvent>);

impl SetupObserver for ChannelObserver {
    fn on_event(&self, event: &SetupEvent) {
        if let Err(error) = self.0.send(event.clone()) {
            tracing::debug!(%error, "progress channel closed");
        }
    }
}
