//! A setup document imported into the wizard: chosen in the open dialog, read by `setup-export` (too large,
//! not JSON, another version, unknown fields or a secret are refused with the field and the rule, before
//! anything is sent), and made the wizard's draft as a new setup. The wizard opens at the first step that still
//! needs something: sign-in when nobody is signed in or the document is for another Auth0 tenant (the session's
//! tenant is never put in its place silently: the window says so and the person chooses), the step of the first
//! field that breaks a rule (the same rules and messages as typing it), step 1 when the subscription is not one
//! the signed-in account sees, and otherwise the first step not done yet.

use std::io::Read;
use std::path::Path;

use setup_engine::{
    STEPS, SetupError, SetupInputs, StepId, StepState, ValidationContext, validate_step,
};
use sign_in::{FileChoice, Mode, folder_error};
use tauri::State;

use crate::draft::{self, Draft, Screen};
use crate::state::AppState;

/// More than any setup document needs; `read_import` refuses a file over its own, smaller limit, so a huge
/// file is never read whole.
const READ_AT_MOST: u64 = 8 * 1024 * 1024;

/// Asks for a setup document (the open dialog), reads it, and makes it the wizard's draft at the step that
/// needs something first. `None` when the dialog was closed.
#[tauri::command]
pub async fn import_setup(state: State<'_, AppState>) -> Result<Option<Draft>, SetupError> {
    let choice = FileChoice {
        title: "Import a setup".into(),
        filter_name: "Setup document",
        extensions: &["json"],
    };
    let Some(path) = (state.accounts.setup.choose_file)(choice).await else {
        return Ok(None);
    };
    let bytes = read_capped(&path)?;
    let document = setup_export::read_import(&bytes)?;
    let draft = draft_for(&state, document.inputs).await;
    draft::save(&state.folder, &state.setups.webhook_keys, &draft).await?;
    // A new setup: the wizard's next save does not replace the one it saved before.
    *state.wizard_setup() = None;
    tracing::info!(screen = ?draft.screen, "imported a setup document");
    Ok(Some(draft))
}

fn read_capped(path: &Path) -> Result<Vec<u8>, SetupError> {
    let file = std::fs::File::open(path).map_err(|e| folder_error(path, e))?;
    let mut bytes = Vec::new();
    file.take(READ_AT_MOST + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| folder_error(path, e))?;
    Ok(bytes)
}

/// What the signed-in session says about the imported inputs.
#[derive(Debug, Clone)]
struct Environment {
    auth0_domain: String,
    /// The document's subscription is one the signed-in Azure account lists.
    subscription_visible: bool,
    context: ValidationContext,
    /// The steps already done for these inputs (read only); empty when they could not be read.
    done: Vec<StepId>,
}

async fn draft_for(state: &AppState, inputs: SetupInputs) -> Draft {
    let session = state.session().as_ref().map(|session| {
        (
            session.engine.clone(),
            session.azure.clone(),
            session.info.clone(),
        )
    });
    let Some((engine, azure, info)) = session else {
        return Draft {
            mode: Mode::Cloud,
            screen: Screen::SignIn,
            inputs,
        };
    };
    let subscription_visible = match azure.list_subscriptions().await {
        Ok(subscriptions) => subscriptions.iter().any(|s| {
            s.subscription_id
                .eq_ignore_ascii_case(inputs.subscription_id.trim())
        }),
        Err(error) => {
            tracing::warn!(%error, "the subscriptions could not be listed for an import");
            false
        }
    };
    let done = match engine.status_so_far(&inputs).await {
        Ok(report) => report
            .steps
            .iter()
            .filter(|step| step.state == StepState::Done)
            .map(|step| step.step)
            .collect(),
        Err(error) => {
            tracing::warn!(error = %error.message, "what exists could not be read for an import");
            Vec::new()
        }
    };
    let environment = Environment {
        auth0_domain: info.auth0_domain.clone(),
        subscription_visible,
        context: engine.validation_context(),
        done,
    };
    Draft {
        mode: info.mode,
        screen: first_screen(&inputs, Some(&environment)),
        inputs,
    }
}

/// The first screen that still needs something for `inputs` in `environment` (none: nobody is signed in).
fn first_screen(inputs: &SetupInputs, environment: Option<&Environment>) -> Screen {
    let Some(environment) = environment else {
        return Screen::SignIn;
    };
    let same_tenant = inputs
        .auth0_domain
        .trim()
        .eq_ignore_ascii_case(environment.auth0_domain.trim());
    if !same_tenant {
        return Screen::SignIn;
    }
    if !environment.subscription_visible {
        return Screen::PrepareAzure;
    }
    let needs = STEPS.iter().copied().find(|step| {
        !validate_step(inputs, environment.context, *step).is_empty()
            || !environment.done.contains(step)
    });
    match needs {
        Some(step) => screen_of(step),
        None => Screen::Done,
    }
}

fn screen_of(step: StepId) -> Screen {
    match step {
        StepId::PrepareAzure => Screen::PrepareAzure,
        StepId::CreateStream => Screen::CreateStream,
        StepId::ActivateTopic => Screen::ActivateTopic,
        StepId::Subscribe => Screen::Subscribe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> SetupInputs {
        let mut inputs = setup_engine::default_inputs();
        inputs.auth0_domain = "acme.eu.auth0.com".into();
        inputs.subscription_id = "00000000-0000-0000-0000-0000000000aa".into();
        inputs.destination.webhook_url = Some("https://hooks.example.com/auth0".into());
        inputs
    }

    fn signed_in_to(domain: &str) -> Environment {
        Environment {
            auth0_domain: domain.into(),
            subscription_visible: true,
            context: ValidationContext::default(),
            done: Vec::new(),
        }
    }

    #[test]
    fn nobody_signed_in_opens_sign_in() {
        assert_eq!(first_screen(&inputs(), None), Screen::SignIn);
    }

    /// The session's tenant is not put in the document's place without asking.
    #[test]
    fn another_tenant_opens_sign_in() {
        let other = signed_in_to("other.us.auth0.com");
        assert_eq!(first_screen(&inputs(), Some(&other)), Screen::SignIn);
        let same = signed_in_to("ACME.eu.auth0.com");
        assert_eq!(first_screen(&inputs(), Some(&same)), Screen::PrepareAzure);
    }

    #[test]
    fn a_subscription_the_account_does_not_see_opens_step_1() {
        let mut environment = signed_in_to("acme.eu.auth0.com");
        environment.done = STEPS.to_vec();
        environment.subscription_visible = false;
        assert_eq!(
            first_screen(&inputs(), Some(&environment)),
            Screen::PrepareAzure
        );
    }

    /// A field that breaks a rule is where the wizard opens, even when earlier steps are done.
    #[test]
    fn the_step_of_the_first_field_that_breaks_a_rule() {
        let mut environment = signed_in_to("acme.eu.auth0.com");
        environment.done = vec![
            StepId::PrepareAzure,
            StepId::CreateStream,
            StepId::ActivateTopic,
        ];
        let mut broken = inputs();
        broken.event_subscription_name = "no spaces allowed".into();
        assert_eq!(first_screen(&broken, Some(&environment)), Screen::Subscribe);
        broken.stream_name = String::new();
        assert_eq!(
            first_screen(&broken, Some(&environment)),
            Screen::CreateStream
        );
    }

    #[test]
    fn the_first_step_not_done_and_done_when_all_are() {
        let mut environment = signed_in_to("acme.eu.auth0.com");
        environment.done = vec![StepId::PrepareAzure];
        assert_eq!(
            first_screen(&inputs(), Some(&environment)),
            Screen::CreateStream
        );
        environment.done = STEPS.to_vec();
        assert_eq!(first_screen(&inputs(), Some(&environment)), Screen::Done);
    }
}
