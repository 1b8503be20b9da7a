//! "Remove this setup": the plan (what would be deleted, with names, and what is kept and why) read on the
//! session of the setup's own accounts, then, once the person confirmed that plan, the teardown itself. After a
//! complete teardown the setup is forgotten and its webhook key removed; one that kept something it meant to
//! remove (it changed since the plan) keeps the setup, so the person can look and try again.

use std::sync::Arc;

use setup_engine::{
    Engine, ErrorCode, KnownResources, SetupError, SetupInputs, TeardownPlan, TeardownReport,
    TeardownScope,
};
use tauri::State;

use crate::setups::{Checker, blocking, checker, saved};
use crate::state::AppState;

/// What removing saved setup `id` would delete and keep. Read only.
#[tauri::command]
pub async fn plan_teardown(
    state: State<'_, AppState>,
    id: i64,
) -> Result<TeardownPlan, SetupError> {
    let (engine, inputs, scope) = prepare(&state, id).await?;
    engine.plan_teardown(&inputs, &scope).await
}

/// Removes what the confirmed `plan` lists, in its order; forgets the setup when everything it meant to remove
/// is gone.
#[tauri::command]
pub async fn teardown_setup(
    state: State<'_, AppState>,
    id: i64,
    plan: TeardownPlan,
) -> Result<TeardownReport, SetupError> {
    let (engine, inputs, scope) = prepare(&state, id).await?;
    let report = engine.teardown(&inputs, &scope, &plan).await?;
    if !complete(&plan, &report) {
        tracing::warn!(
            setup = id,
            "a teardown kept what it meant to remove; the setup stays saved"
        );
        return Ok(report);
    }
    let store = state.setups.store()?;
    blocking(move || store.forget(id)).await?;
    state.setups.webhook_keys.forget(id).await?;
    let mut wizard = state.wizard_setup();
    if *wizard == Some(id) {
        *wizard = None;
    }
    tracing::info!(
        setup = id,
        removed = report.removed.len(),
        "a setup was torn down and forgotten"
    );
    Ok(report)
}

/// The engine signed in as the setup's accounts, its inputs with the webhook URL whole, and what it created.
async fn prepare(
    state: &AppState,
    id: i64,
) -> Result<(Arc<Engine>, SetupInputs, TeardownScope), SetupError> {
    let setup = saved(&state.setups.store()?, id).await?;
    let engine = match checker(state, &setup.accounts).await? {
        Checker::Ready(engine) => engine,
        Checker::SignIn(account) => return Err(sign_in_first(&account)),
    };
    let inputs = state.setups.webhook_keys.restore(&setup).await?;
    let scope = TeardownScope {
        known: KnownResources {
            stream_id: setup.created.stream_id.clone(),
            partner_topic: setup.created.partner_topic.clone(),
        },
        resource_group_created: setup.created.resource_group_created,
    };
    Ok((engine, inputs, scope))
}

/// Nothing the plan meant to remove was kept (what the plan kept from the start is not the setup's).
fn complete(plan: &TeardownPlan, report: &TeardownReport) -> bool {
    !report.kept.iter().any(|kept| {
        plan.remove
            .iter()
            .any(|item| item.kind == kept.kind && item.name == kept.name)
    })
}

fn sign_in_first(account: &str) -> SetupError {
    SetupError::new(
        ErrorCode::AzureCredentialsFailed,
        format!(
            "To remove this setup, the app must be signed in to {account}, where its resources are."
        ),
        "Open Settings and sign in to that account, then try again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use setup_engine::{KeptResource, TeardownItem, TeardownKind};

    fn item(kind: TeardownKind, name: &str) -> TeardownItem {
        TeardownItem {
            kind,
            name: name.into(),
            id: format!("/ids/{name}"),
            action: format!("Delete {name}"),
        }
    }

    fn kept(kind: TeardownKind, name: &str) -> KeptResource {
        KeptResource {
            kind,
            name: name.into(),
            reason: "not the setup's".into(),
        }
    }

    #[test]
    fn a_teardown_is_complete_unless_it_kept_what_it_meant_to_remove() {
        let plan = TeardownPlan {
            remove: vec![
                item(TeardownKind::EventSubscription, "auth0-logs"),
                item(TeardownKind::LogStream, "Security logs"),
            ],
            keep: vec![kept(TeardownKind::ResourceGroup, "rg-shared")],
        };
        let done = TeardownReport {
            removed: plan.remove.clone(),
            kept: plan.keep.clone(),
        };
        assert!(complete(&plan, &done));
        let changed = TeardownReport {
            removed: vec![plan.remove[1].clone()],
            kept: vec![kept(TeardownKind::EventSubscription, "auth0-logs")],
        };
        assert!(!complete(&plan, &changed));
    }
}
