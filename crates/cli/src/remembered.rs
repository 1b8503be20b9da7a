//! The sign-ins the desktop app remembered (its account list and the system keychain), used when the
//! environment holds no credentials and no flag chooses how to sign in: what a person signed in with in the
//! window works on the command line too. Only who is used is printed (on stderr), never a secret.

use setup_engine::{Connection, SetupError};
use sign_in::{AccountFile, CloudAccounts, SignInSetup, SignedInConnection};

use crate::args::Settings;
use crate::saved::Identities;
use crate::settings::{self, Env};

/// The environment variables that sign in on the command line: any of them set means the environment is used.
const CREDENTIAL_VARIABLES: [&str; 6] = [
    "AUTH0_MANAGEMENT_TOKEN",
    "AUTH0_CLIENT_ID",
    "AUTH0_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
];

/// The remembered sign-ins as a connection, when nothing in the environment or the flags signs in and the
/// app remembered both clouds; `None` otherwise (the caller then names what to set).
pub async fn connection(
    s: &Settings,
    env: Env<'_>,
) -> Result<Option<(Connection, Identities)>, SetupError> {
    let from_environment = CREDENTIAL_VARIABLES
        .iter()
        .any(|name| env(name).is_some_and(|v| !v.trim().is_empty()));
    if from_environment || s.azure_cli || s.azure_client_certificate.is_some() {
        return Ok(None);
    }
    let Some(signed_in) = signed_in(settings::azure_cloud(s)?, env).await? else {
        return Ok(None);
    };
    eprintln!("{}", using(&signed_in));
    let who = identities(&signed_in);
    let mut connection = signed_in.connection;
    connection.auth0_audience = s.auth0_audience.clone();
    Ok(Some((connection, who)))
}

/// Who the remembered sign-ins are.
pub fn identities(signed_in: &SignedInConnection) -> Identities {
    Identities {
        auth0_domain: Some(signed_in.auth0_domain.clone()),
        auth0_identity: signed_in.auth0_identity.clone(),
        azure_tenant_id: signed_in.azure_tenant_id.clone(),
        azure_identity: signed_in.azure_identity.clone(),
    }
}

/// The window's remembered sign-ins in `azure_cloud`, restored from the keychain, when it remembered both
/// clouds.
pub async fn signed_in(
    azure_cloud: setup_engine::AzureCloud,
    env: Env<'_>,
) -> Result<Option<SignedInConnection>, SetupError> {
    let Some(folder) = sign_in::app_folder() else {
        return Ok(None);
    };
    // The keychain is asked only when the app remembered someone: most runs without credentials are a
    // person who forgot them, and should hear only what to set.
    let remembered = AccountFile::at(folder.join("accounts.json")).load().await;
    if !remembered.is_ok_and(|accounts| accounts.azure.is_some() && accounts.auth0.is_some()) {
        return Ok(None);
    }
    let mut setup =
        SignInSetup::without_window(keychain::Keychain::open_system().await, azure_cloud);
    setup.azure_client_id = sign_in::client_id_preset(env);
    let accounts = CloudAccounts::in_folder(setup, &folder);
    accounts.restore().await;
    accounts.connection()
}

/// Which accounts are used, in one line.
fn using(signed_in: &SignedInConnection) -> String {
    let auth0 = match signed_in.auth0_identity.as_str() {
        "" => signed_in.auth0_domain.clone(),
        application => format!("{} (application {application})", signed_in.auth0_domain),
    };
    format!(
        "Using the sign-ins remembered by the desktop app: Auth0 {auth0}, Azure {} (directory {}).",
        signed_in.azure_identity, signed_in.azure_tenant_id
    )
}
