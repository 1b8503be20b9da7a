//! Which credentials check a saved setup: the environment's, only when they are the setup's own accounts;
//! else the sign-ins the desktop app remembered, when they are; else none, and the setup's report says whom
//! to sign in to. A setup is never checked with another tenant's or another directory's credentials.

use setup_engine::{AzureCloudKind, Connection, SetupError};
use setup_store::SetupAccounts;

use crate::args::{Cloud, Settings};
use crate::remembered;
use crate::saved::Identities;
use crate::settings::{self, Env};

/// A connection for the setup's accounts, or the accounts to sign in to (for `needs_sign_in`).
pub enum Credentials {
    Ready(Box<Connection>),
    SignIn(String),
}

/// `flags` may add how to sign in (a certificate); the cloud and its URLs are the setup's own.
pub async fn for_setup(
    accounts: &SetupAccounts,
    flags: &Settings,
    env: Env<'_>,
) -> Result<Credentials, SetupError> {
    let settings = settings_of(accounts, flags);
    let from_env = Identities::from_env(env);
    if matches(accounts, &from_env) && !from_env.azure_tenant_id.is_empty() {
        return Ok(Credentials::Ready(Box::new(settings::connection(
            &settings, env,
        )?)));
    }
    let cloud = settings::azure_cloud(&settings)?;
    if let Some(signed_in) = remembered::signed_in(cloud, env).await?
        && matches(accounts, &remembered::identities(&signed_in))
    {
        let mut connection = signed_in.connection;
        connection.auth0_audience = accounts.auth0_audience.clone();
        return Ok(Credentials::Ready(Box::new(connection)));
    }
    Ok(Credentials::SignIn(missing(accounts, &from_env)))
}

/// The setup's cloud as the flags would give it, with the caller's way of signing in.
fn settings_of(accounts: &SetupAccounts, flags: &Settings) -> Settings {
    let cloud = match accounts.azure_cloud {
        AzureCloudKind::Public => Cloud::Public,
        AzureCloudKind::UsGovernment => Cloud::Usgov,
        AzureCloudKind::China => Cloud::China,
        AzureCloudKind::Custom => Cloud::Custom,
    };
    Settings {
        auth0_audience: accounts.auth0_audience.clone(),
        azure_cloud: Some(cloud),
        azure_authority_url: accounts.azure_authority_url.clone(),
        azure_management_url: accounts.azure_management_url.clone(),
        azure_client_certificate: flags.azure_client_certificate.clone(),
        progress_file: flags.progress_file.clone(),
        ..Settings::default()
    }
}

/// The same Auth0 application (or a pasted token for a setup saved with one) and the same Azure identity in
/// the same directory. Ids compare without case (GUIDs); the domain is the setup's, not compared, when the
/// identities do not know it.
fn matches(accounts: &SetupAccounts, who: &Identities) -> bool {
    let domain = who
        .auth0_domain
        .as_ref()
        .is_none_or(|d| d.eq_ignore_ascii_case(&accounts.auth0_domain));
    domain
        && who.auth0_identity == accounts.auth0_identity
        && who
            .azure_tenant_id
            .eq_ignore_ascii_case(&accounts.azure_tenant_id)
        && who
            .azure_identity
            .eq_ignore_ascii_case(&accounts.azure_identity)
}

/// Whom to sign in as, in the words of "Sign in to <account> to check it".
fn missing(accounts: &SetupAccounts, env: &Identities) -> String {
    let auth0 = match accounts.auth0_identity.as_str() {
        "" => format!("Auth0 {}", accounts.auth0_domain),
        client => format!("Auth0 {} (application {client})", accounts.auth0_domain),
    };
    let azure = format!(
        "Azure as {} (directory {})",
        accounts.azure_identity, accounts.azure_tenant_id
    );
    let auth0_ok = env.auth0_identity == accounts.auth0_identity;
    let azure_ok = env
        .azure_tenant_id
        .eq_ignore_ascii_case(&accounts.azure_tenant_id)
        && env
            .azure_identity
            .eq_ignore_ascii_case(&accounts.azure_identity);
    match (auth0_ok, azure_ok) {
        (true, false) => azure,
        (false, true) => auth0,
        _ => format!("{auth0} and {azure}"),
    }
}

#[cfg(test)]
mod tests {
    use sign_in::Mode;

    use super::*;

    fn accounts() -> SetupAccounts {
        SetupAccounts {
            mode: Mode::Cloud,
            auth0_domain: "acme.eu.auth0.com".into(),
            auth0_identity: "app-1".into(),
            auth0_audience: None,
            azure_tenant_id: "AAAA-1".into(),
            azure_identity: "sp-1".into(),
            azure_cloud: AzureCloudKind::Public,
            azure_authority_url: None,
            azure_management_url: None,
        }
    }

    fn who(auth0: &str, tenant: &str, azure: &str) -> Identities {
        Identities {
            auth0_domain: None,
            auth0_identity: auth0.into(),
            azure_tenant_id: tenant.into(),
            azure_identity: azure.into(),
        }
    }

    #[test]
    fn only_the_setup_s_own_accounts_match() {
        assert!(matches(&accounts(), &who("app-1", "aaaa-1", "SP-1")));
        assert!(!matches(&accounts(), &who("app-2", "aaaa-1", "sp-1")));
        assert!(!matches(&accounts(), &who("app-1", "bbbb-2", "sp-1")));
        assert!(!matches(&accounts(), &who("app-1", "aaaa-1", "sp-2")));
        let mut elsewhere = who("app-1", "aaaa-1", "sp-1");
        elsewhere.auth0_domain = Some("other.us.auth0.com".into());
        assert!(!matches(&accounts(), &elsewhere));
    }

    #[test]
    fn the_sentence_names_the_account_that_is_missing() {
        assert_eq!(
            missing(&accounts(), &who("app-1", "x", "y")),
            "Azure as sp-1 (directory AAAA-1)"
        );
        assert_eq!(
            missing(&accounts(), &who("app-9", "aaaa-1", "sp-1")),
            "Auth0 acme.eu.auth0.com (application app-1)"
        );
        assert!(missing(&accounts(), &who("", "", "")).contains(" and "));
    }
}
