//! The signed-in accounts as the engine's connection, once both clouds are signed in: what the window's
//! session and the command line's remembered sign-ins both start from.

use azure_client::AzureClient;
use setup_engine::{Connection, SetupError};

use super::{CloudAccounts, transport};

/// Both sign-ins as the engine needs them, and who they are (no secret).
pub struct SignedInConnection {
    pub connection: Connection,
    /// The same Azure sign-in, for what a front end lists (subscriptions) outside the engine's steps.
    pub azure: AzureClient,
    /// Behind a custom domain, the tenant's own domain (the Management API's): where the setup talks to.
    pub auth0_domain: String,
    /// The Auth0 application signed in with; empty for a pasted token.
    pub auth0_identity: String,
    pub azure_identity: String,
    pub azure_tenant_id: String,
}

impl CloudAccounts {
    /// The connection, once both clouds are signed in and the Auth0 token may do everything the setup needs
    /// (an Azure sign-in finishing after an Auth0 one with missing scopes is still a successful Azure sign-in).
    pub fn connection(&self) -> Result<Option<SignedInConnection>, SetupError> {
        let inner = self.inner();
        let (Some(azure), Some(auth0)) = (&inner.azure, &inner.auth0) else {
            return Ok(None);
        };
        // The Sign in screen names the missing scopes; the steps wait until the application has them all.
        if !auth0.account.missing_scopes.is_empty() {
            return Ok(None);
        }
        let connection = Connection {
            auth0: auth0.credentials.clone(),
            auth0_audience: None,
            azure_cloud: self.setup.azure_cloud.clone(),
            azure: setup_engine::AzureSignIn::Credential(azure.credential()),
        };
        let account = azure.account();
        Ok(Some(SignedInConnection {
            connection,
            azure: azure.azure_client(transport()?),
            auth0_domain: auth0.account.management_domain().to_owned(),
            auth0_identity: auth0.account.client_id.clone().unwrap_or_default(),
            azure_identity: account.username.clone(),
            azure_tenant_id: account.tenant_id.clone(),
        }))
    }
}
