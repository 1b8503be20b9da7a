//! The saved setups as the window sees them: listed, checked (one, or all at once), fixed, renamed and
//! forgotten, through the store and the engine's checks. Each check runs on the session that matches the
//! setup's accounts (the built-in sandbox, started when needed, or the signed-in clouds) and is recorded; a
//! check that turns red raises a desktop notification and an alert the home shows. The wizard's setup is saved
//! here after every step it runs.

use std::sync::Arc;

use serde::Serialize;
use setup_engine::{
    ArrivalWait, AzureCloud, CheckId, Engine, ErrorCode, FixId, HealthOptions, HealthReport,
    KnownResources, SetupError, SetupEvent, SetupInputs, SetupObserver, SetupReport, StepState,
};
use setup_store::{CreatedResources, NewSetup, SavedSetup, SetupAccounts, SetupStore};
use sign_in::{Mode, SessionInfo};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

use crate::commands::not_signed_in;
use crate::state::{AppState, CloudChecks};

/// The saved setups, and what the person must hear about the store once (a damaged file was moved aside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupList {
    pub setups: Vec<SavedSetup>,
    pub notice: Option<String>,
}

/// A check that turned red, as its desktop notification said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthAlert {
    #[ts(type = "number")]
    pub setup_id: i64,
    pub setup_name: String,
    pub check: CheckId,
    pub check_title: String,
    /// When the check that found it red was read (RFC 3339).
    pub at: String,
}

/// Every saved setup, by name. The store's notice comes with the first answer only.
#[tauri::command]
pub async fn list_setups(state: State<'_, AppState>) -> Result<SetupList, SetupError> {
    let store = state.setups.store()?;
    let setups = blocking(move || store.list()).await?;
    Ok(SetupList {
        setups,
        notice: state.setups.take_notice(),
    })
}

/// Checks one saved setup now (with the test event when asked), records the report, and answers the setup
/// with it and since when each check has been in its state.
#[tauri::command]
pub async fn check_setup<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    test_event: bool,
) -> Result<SavedSetup, SetupError> {
    act(&app, id, Action::Check { test_event }).await
}

/// Checks every saved setup at once (each cloud paces its own requests) and answers them all.
#[tauri::command]
pub async fn check_all_setups<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Vec<SavedSetup>, SetupError> {
    check_all(&app).await
}

/// Applies one fix a check offered (only what it needs), then records the checks that follow.
#[tauri::command]
pub async fn apply_fix<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    fix: FixId,
) -> Result<SavedSetup, SetupError> {
    act(&app, id, Action::Fix(fix)).await
}

/// Renames a setup; an empty name or one another setup has is refused (field `name`).
#[tauri::command]
pub async fn rename_setup(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> Result<SavedSetup, SetupError> {
    let store = state.setups.store()?;
    blocking(move || store.rename(id, &name)).await
}

/// Forgets a setup, its history and its webhook key; nothing in the clouds is touched. `false` when there
/// was no such setup.
#[tauri::command]
pub async fn forget_setup(state: State<'_, AppState>, id: i64) -> Result<bool, SetupError> {
    let store = state.setups.store()?;
    let forgotten = blocking(move || store.forget(id)).await?;
    if forgotten {
        state.setups.webhook_keys.forget(id).await?;
    }
    Ok(forgotten)
}

/// The alerts raised since the app started, newest first.
#[tauri::command]
pub async fn health_alerts(state: State<'_, AppState>) -> Result<Vec<HealthAlert>, SetupError> {
    Ok(state.setups.alerts())
}

/// The address a saved setup's check links to, from its last report.
pub async fn check_link(state: &AppState, id: i64, check: CheckId) -> Result<String, SetupError> {
    let store = state.setups.store()?;
    let setup = saved(&store, id).await?;
    setup
        .last_report
        .as_ref()
        .and_then(|report| report.check(check))
        .and_then(|check| check.link.as_ref())
        .map(|link| link.url.clone())
        .ok_or_else(|| {
            SetupError::new(
                ErrorCode::InvalidInput,
                "This check has no page to open.",
                "Check the setup again; a check that links to a page shows the link.",
            )
        })
}

/// Every saved setup checked concurrently; a setup whose check could not run is logged and keeps its last
/// report.
pub async fn check_all<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<SavedSetup>, SetupError> {
    let store = app.state::<AppState>().setups.store()?;
    let setups = {
        let store = store.clone();
        blocking(move || store.list()).await?
    };
    let mut checks = tokio::task::JoinSet::new();
    for setup in setups {
        let app = app.clone();
        checks.spawn(async move {
            let outcome = act(&app, setup.id, Action::Check { test_event: false }).await;
            (setup.name, outcome)
        });
    }
    while let Some(finished) = checks.join_next().await {
        match finished {
            Ok((_, Ok(_))) => {}
            Ok((name, Err(error))) => {
                tracing::warn!(setup = %name, error = %error.message, "a saved setup could not be checked");
            }
            Err(error) => tracing::error!(%error, "a check of a saved setup stopped unexpectedly"),
        }
    }
    blocking(move || store.list()).await
}

#[derive(Debug, Clone, Copy)]
enum Action {
    Check { test_event: bool },
    Fix(FixId),
}

/// Checks or fixes one setup on the session its accounts need, and records what the checks found.
async fn act<R: Runtime>(
    app: &AppHandle<R>,
    id: i64,
    action: Action,
) -> Result<SavedSetup, SetupError> {
    let state = app.state::<AppState>();
    let store = state.setups.store()?;
    let setup = saved(&store, id).await?;
    let report = match checker(&state, &setup.accounts).await? {
        Checker::SignIn(account) => {
            HealthReport::needs_sign_in(&account, time::OffsetDateTime::now_utc())
        }
        Checker::Ready(engine) => {
            let inputs = state.setups.webhook_keys.restore(&setup).await?;
            let known = KnownResources {
                stream_id: setup.created.stream_id.clone(),
                partner_topic: setup.created.partner_topic.clone(),
            };
            match action {
                Action::Check { test_event } => {
                    let options = HealthOptions {
                        test_event: test_event.then(ArrivalWait::default),
                    };
                    engine.check_health(&inputs, &known, &options).await?
                }
                Action::Fix(fix) => {
                    let observer = LoggedFix(&setup.name);
                    engine.apply_fix(&inputs, &known, fix, &observer).await?
                }
            }
        }
    };
    record(app, &store, &setup, &report).await
}

/// Who checks a setup: an engine signed in as its accounts, or the account to sign in to first.
pub(crate) enum Checker {
    Ready(Arc<Engine>),
    SignIn(String),
}

/// A sandbox setup is checked by the built-in sandbox (started when it is not running); a cloud setup by the
/// wizard's cloud session, or else the window's remembered sign-ins, when they are the setup's accounts.
pub(crate) async fn checker(
    state: &AppState,
    accounts: &SetupAccounts,
) -> Result<Checker, SetupError> {
    if accounts.mode == Mode::Sandbox {
        return Ok(Checker::Ready(state.sandbox_session().await?.engine));
    }
    let current = state
        .session()
        .as_ref()
        .filter(|session| session.info.mode == Mode::Cloud)
        .map(|session| (session.engine.clone(), session.info.clone()));
    if let Some((engine, info)) = current
        && account_to_sign_in(accounts, Some(&info)).is_none()
    {
        return Ok(Checker::Ready(engine));
    }
    state.accounts.restore().await;
    let generation = state.accounts.sign_in_generation();
    let cached = state
        .cloud_checks()
        .as_ref()
        .filter(|cached| cached.generation == generation)
        .map(|cached| (cached.engine.clone(), cached.info.clone()));
    let (engine, info) = match cached {
        Some(cached) => cached,
        None => {
            let Some((engine, _, info)) = sign_in::cloud_session(&state.accounts, &state.folder)?
            else {
                return Ok(Checker::SignIn(
                    account_to_sign_in(accounts, None).unwrap_or_default(),
                ));
            };
            let engine = Arc::new(engine);
            *state.cloud_checks() = Some(CloudChecks {
                generation,
                engine: engine.clone(),
                info: info.clone(),
            });
            (engine, info)
        }
    };
    Ok(match account_to_sign_in(accounts, Some(&info)) {
        None => Checker::Ready(engine),
        Some(account) => Checker::SignIn(account),
    })
}

/// The account to sign in to before `setup` can be checked, when `signed_in` is not it (Auth0 first, the
/// chain's first link); `None` when it is.
fn account_to_sign_in(setup: &SetupAccounts, signed_in: Option<&SessionInfo>) -> Option<String> {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    let auth0 = || setup.auth0_domain.clone();
    let azure = || match setup.azure_identity.trim() {
        "" => format!("the Azure directory {}", setup.azure_tenant_id),
        identity => format!("Azure as {identity}"),
    };
    let Some(info) = signed_in else {
        return Some(auth0());
    };
    if !same(&setup.auth0_domain, &info.auth0_domain) || setup.auth0_identity != info.auth0_identity
    {
        return Some(auth0());
    }
    if !same(&setup.azure_tenant_id, &info.azure_tenant_id)
        || !same(&setup.azure_identity, &info.azure_identity)
        || setup.azure_cloud != info.azure_cloud
    {
        return Some(azure());
    }
    None
}

/// Records the report, raises an alert for each check that turned red, and answers the setup as saved now.
async fn record<R: Runtime>(
    app: &AppHandle<R>,
    store: &SetupStore,
    setup: &SavedSetup,
    report: &HealthReport,
) -> Result<SavedSetup, SetupError> {
    let id = setup.id;
    let change = {
        let (store, report) = (store.clone(), report.clone());
        blocking(move || store.record_health(id, &report)).await?
    };
    for check in change.turned_red {
        let Some(found) = report.check(check) else {
            continue;
        };
        raise_alert(
            app,
            HealthAlert {
                setup_id: id,
                setup_name: setup.name.clone(),
                check,
                check_title: found.title.clone(),
                at: found.read_at.clone(),
            },
            &found.sentence,
        );
    }
    let store = store.clone();
    blocking(move || store.get(id))
        .await?
        .ok_or_else(|| missing(id))
}

/// A desktop notification naming the setup and the check, and the alert the home lists. A notification the
/// system cannot show (no notification service) is logged; the alert is kept all the same.
fn raise_alert<R: Runtime>(app: &AppHandle<R>, alert: HealthAlert, sentence: &str) {
    tracing::warn!(setup = %alert.setup_name, check = ?alert.check, "a check turned red");
    let shown = app
        .notification()
        .builder()
        .title(format!("{} is failing", alert.setup_name))
        .body(format!("{}: {sentence}", alert.check_title))
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, setup = %alert.setup_name, "the desktop notification could not be shown");
    }
    app.state::<AppState>().setups.raise(alert);
}

/// Saves the wizard's setup after a step ran: who it signs in as, what exists now, and its webhook URL's query
/// in the keychain. The same setup is updated by later steps.
pub async fn save_wizard_setup(
    state: &AppState,
    inputs: &SetupInputs,
    report: &SetupReport,
) -> Result<SavedSetup, SetupError> {
    let info = state
        .session()
        .as_ref()
        .map(|session| session.info.clone())
        .ok_or_else(not_signed_in)?;
    let (authority, management) = match info.mode {
        Mode::Sandbox => state
            .sandbox_info()
            .await
            .map(|sandbox| {
                (
                    Some(sandbox.azure_authority),
                    Some(sandbox.azure_management),
                )
            })
            .unwrap_or_default(),
        Mode::Cloud => match &state.accounts.setup.azure_cloud {
            AzureCloud::Custom {
                authority,
                management,
            } => (Some(authority.clone()), Some(management.clone())),
            _ => (None, None),
        },
    };
    let setup = NewSetup {
        name: None,
        inputs: inputs.clone(),
        accounts: SetupAccounts {
            mode: info.mode,
            auth0_domain: info.auth0_domain,
            auth0_identity: info.auth0_identity,
            auth0_audience: None,
            azure_tenant_id: info.azure_tenant_id,
            azure_identity: info.azure_identity,
            azure_cloud: info.azure_cloud,
            azure_authority_url: authority,
            azure_management_url: management,
        },
        created: CreatedResources {
            completed: report
                .steps
                .iter()
                .filter(|step| step.state == StepState::Done)
                .map(|step| step.step)
                .collect(),
            stream_id: report.stream_id.clone(),
            partner_topic: report.partner_topic.clone(),
            resource_group_created: report
                .last_run
                .as_ref()
                .is_some_and(|run| run.resource_group_created),
        },
        // The wizard's earlier save of this setup, followed even when the stream was renamed before creating it.
        replaces: *state.wizard_setup(),
    };
    let store = state.setups.store()?;
    let saved = blocking(move || store.save(setup)).await?;
    *state.wizard_setup() = Some(saved.setup.id);
    state
        .setups
        .webhook_keys
        .keep(saved.setup.id, saved.webhook_query.as_ref())
        .await?;
    Ok(saved.setup)
}

pub(crate) async fn saved(store: &SetupStore, id: i64) -> Result<SavedSetup, SetupError> {
    let store = store.clone();
    blocking(move || store.get(id))
        .await?
        .ok_or_else(|| missing(id))
}

fn missing(id: i64) -> SetupError {
    SetupError::new(
        ErrorCode::InvalidInput,
        format!("There is no saved setup {id}: it may have been forgotten meanwhile."),
        "Go back to the home; it lists the setups saved now.",
    )
}

/// The store is SQLite: each call may wait for the other front end's write, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SetupError> + Send + 'static,
) -> Result<T, SetupError> {
    tokio::task::spawn_blocking(work).await.map_err(|error| {
        SetupError::new(
            ErrorCode::OperationFailed,
            format!("Reading the saved setups stopped unexpectedly: {error}"),
            "Try again; if it keeps failing, copy the diagnostics and report it.",
        )
    })?
}

/// A fix's writes go to the log; the window waits for the checks that follow.
struct LoggedFix<'a>(&'a str);

impl SetupObserver for LoggedFix<'_> {
    fn on_event(&self, event: &SetupEvent) {
        tracing::info!(setup = %self.0, ?event, "fix");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use setup_engine::AzureCloudKind;

    fn accounts() -> SetupAccounts {
        SetupAccounts {
            mode: Mode::Cloud,
            auth0_domain: "acme.eu.auth0.com".into(),
            auth0_identity: "app-1".into(),
            auth0_audience: None,
            azure_tenant_id: "11111111-0000-0000-0000-000000000001".into(),
            azure_identity: "ops@acme.example".into(),
            azure_cloud: AzureCloudKind::Public,
            azure_authority_url: None,
            azure_management_url: None,
        }
    }

    fn session() -> SessionInfo {
        SessionInfo {
            mode: Mode::Cloud,
            auth0_domain: "ACME.eu.auth0.com".into(),
            auth0_identity: "app-1".into(),
            azure_identity: "Ops@acme.example".into(),
            azure_tenant_id: "11111111-0000-0000-0000-000000000001".into(),
            subscription_id: None,
            sandbox_inbox_url: None,
            azure_cloud: AzureCloudKind::Public,
        }
    }

    #[test]
    fn a_setup_is_checked_only_as_its_own_accounts() {
        let setup = accounts();
        assert_eq!(account_to_sign_in(&setup, Some(&session())), None);
        assert_eq!(
            account_to_sign_in(&setup, None).as_deref(),
            Some("acme.eu.auth0.com")
        );

        let other_app = SessionInfo {
            auth0_identity: "app-2".into(),
            ..session()
        };
        assert_eq!(
            account_to_sign_in(&setup, Some(&other_app)).as_deref(),
            Some("acme.eu.auth0.com")
        );
        let other_tenant = SessionInfo {
            azure_tenant_id: "22222222-0000-0000-0000-000000000002".into(),
            ..session()
        };
        assert_eq!(
            account_to_sign_in(&setup, Some(&other_tenant)).as_deref(),
            Some("Azure as ops@acme.example")
        );
        let other_cloud = SessionInfo {
            azure_cloud: AzureCloudKind::UsGovernment,
            ..session()
        };
        assert!(account_to_sign_in(&setup, Some(&other_cloud)).is_some());
    }
}
