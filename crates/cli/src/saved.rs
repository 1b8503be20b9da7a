//! The saved setups on the command line: the store `--store` (or `$AUTH0_EVENTGRID_STORE`, or the desktop
//! app's) names, who a command line run signs in as (a saved setup remembers it, never a secret), and the
//! setup a `setup` run leaves behind, so the window's home shows it.

use std::path::PathBuf;

use setup_engine::{
    AzureCloud, AzureCloudKind, Connection, ErrorCode, ProgressStore, SetupError, SetupInputs,
    SetupReport, StepState, setup_key,
};
use setup_store::{CreatedResources, NewSetup, SavedSetup, SetupAccounts, SetupStore, WebhookKeys};
use sign_in::Mode;

use crate::args::StoreArgs;
use crate::settings::Env;

/// Who a run signs in as: what a saved setup compares with its own accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identities {
    /// The Management API's domain, when the sign-in knows it (behind a custom domain it differs from the
    /// setup's).
    pub auth0_domain: Option<String>,
    /// The Auth0 application's client id; empty for a pasted Management API token.
    pub auth0_identity: String,
    pub azure_tenant_id: String,
    /// The service principal's client id (or the person, for the window's sign-ins).
    pub azure_identity: String,
}

impl Identities {
    /// The credentials the environment holds (`settings::connection` reads the same variables).
    pub fn from_env(env: Env<'_>) -> Self {
        let read = |name: &str| env(name).map(|v| v.trim().to_owned()).unwrap_or_default();
        let token = !read("AUTH0_MANAGEMENT_TOKEN").is_empty();
        Self {
            auth0_domain: None,
            auth0_identity: if token {
                String::new()
            } else {
                read("AUTH0_CLIENT_ID")
            },
            azure_tenant_id: read("AZURE_TENANT_ID"),
            azure_identity: read("AZURE_CLIENT_ID"),
        }
    }
}

/// The store the flags name, opened (created or migrated); a damaged file moved aside is said on stderr.
pub fn open_store(args: &StoreArgs) -> Result<SetupStore, SetupError> {
    let path = match args.path.clone().or_else(SetupStore::default_path) {
        Some(path) => path,
        None => {
            return Err(SetupError::new(
                ErrorCode::InvalidInput,
                "There is no folder for the saved setups (no home folder).",
                "Pass --store FILE or set AUTH0_EVENTGRID_STORE.",
            ));
        }
    };
    let opened = SetupStore::open(path)?;
    if let Some(notice) = opened.notice {
        eprintln!("{notice}");
    }
    Ok(opened.store)
}

/// Who the setup signs in as, from the run's connection and identities.
pub fn accounts(inputs: &SetupInputs, connection: &Connection, who: &Identities) -> SetupAccounts {
    let (authority, management) = match &connection.azure_cloud {
        AzureCloud::Custom {
            authority,
            management,
        } => (Some(authority.clone()), Some(management.clone())),
        _ => (None, None),
    };
    SetupAccounts {
        mode: Mode::Cloud,
        auth0_domain: who
            .auth0_domain
            .clone()
            .unwrap_or_else(|| inputs.auth0_domain.trim().to_owned()),
        auth0_identity: who.auth0_identity.clone(),
        auth0_audience: connection.auth0_audience.clone(),
        azure_tenant_id: who.azure_tenant_id.clone(),
        azure_identity: who.azure_identity.clone(),
        azure_cloud: AzureCloudKind::of(&connection.azure_cloud),
        azure_authority_url: authority,
        azure_management_url: management,
    }
}

/// What a run created: from its report when it finished, else from the progress file (the steps that
/// finished before it stopped).
pub fn created(
    inputs: &SetupInputs,
    report: Option<&SetupReport>,
    progress: &ProgressStore,
) -> CreatedResources {
    if let Some(report) = report {
        return CreatedResources {
            completed: report
                .steps
                .iter()
                .filter(|s| s.state == StepState::Done)
                .map(|s| s.step)
                .collect(),
            stream_id: report.stream_id.clone(),
            partner_topic: report.partner_topic.clone(),
            resource_group_created: report
                .last_run
                .as_ref()
                .is_some_and(|run| run.resource_group_created),
        };
    }
    match progress.get(&setup_key(inputs)) {
        Ok(Some(progress)) => CreatedResources {
            completed: progress.completed,
            stream_id: progress.stream_id,
            partner_topic: progress.partner_topic,
            resource_group_created: progress.resource_group_created,
        },
        _ => CreatedResources::default(),
    }
}

/// Saves the setup a `setup` run worked on (its webhook key to the keychain), saying where on stderr. A
/// failure to save is said, not fatal: the clouds were set up either way.
pub async fn save_setup(store: &StoreArgs, name: Option<String>, setup: NewSetup) {
    let key = setup_key(&setup.inputs);
    let mut had_key = false;
    let saved = open_store(store).and_then(|store| {
        // A key kept for an earlier URL of this setup is removed when the URL has none now.
        had_key = store
            .list()?
            .iter()
            .any(|s| setup_key(&s.inputs) == key && s.webhook_key_in_keychain);
        store.save(setup)
    });
    let saved = match saved {
        Ok(saved) => saved,
        Err(error) => {
            eprintln!(
                "The setup was not saved: {} {}",
                error.message, error.remedy
            );
            return;
        }
    };
    if saved.webhook_query.is_some() || had_key {
        let keys = WebhookKeys::new(keychain::Keychain::open_system().await);
        if let Err(error) = keys
            .keep(saved.setup.id, saved.webhook_query.as_ref())
            .await
        {
            eprintln!(
                "The webhook address's key was not kept: {} {}",
                error.message, error.remedy
            );
        }
    }
    let renamed = name.is_some_and(|n| !n.trim().eq_ignore_ascii_case(&saved.setup.name));
    eprintln!(
        "Saved as \u{201c}{}\u{201d}{}.",
        saved.setup.name,
        if renamed { " (the name was taken)" } else { "" }
    );
}

/// The saved setup of `name`, or bad input naming the saved ones.
pub fn find(store: &SetupStore, name: &str) -> Result<SavedSetup, SetupError> {
    if let Some(found) = store.find(name)? {
        return Ok(found);
    }
    let names: Vec<String> = store.list()?.into_iter().map(|s| s.name).collect();
    let mut error = SetupError::invalid(
        "setup",
        format!("no saved setup is called \u{201c}{name}\u{201d}"),
    );
    error.remedy = if names.is_empty() {
        "No setup is saved yet: run `auth0-eventgrid setup` (or the desktop app) first.".into()
    } else {
        format!(
            "Saved setups: {}. (`auth0-eventgrid setups` lists them.)",
            names.join(", ")
        )
    };
    Err(error)
}

/// The path a saved setup's engine keeps progress in: the flag's, else the platform's.
pub fn progress_store(path: Option<PathBuf>) -> Result<ProgressStore, SetupError> {
    match path {
        Some(path) => Ok(ProgressStore::at(path)),
        None => ProgressStore::default_location(),
    }
}
