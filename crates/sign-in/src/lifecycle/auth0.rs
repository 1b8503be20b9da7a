//! Signing in to Auth0: a machine-to-machine application with its client secret or private key, or a pasted
//! Management API token.

use setup_engine::SetupError;

use super::types::{
    Auth0AccountInfo, Auth0PrivateKeyRequest, Auth0SignInRequest, Auth0TokenRequest, KeyAlgorithm,
    KeyFileKind,
};
use super::{CloudAccounts, auth0_info};
use crate::{AssertionAlgorithm, Auth0Session};

impl CloudAccounts {
    /// Checks the application's credentials by getting a token at once and reading its scopes.
    pub async fn sign_in_auth0(
        &self,
        request: Auth0SignInRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let session = self
            .auth0_sign_in()?
            .with_client_secret(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                request.client_id.trim(),
                request.client_secret,
            )
            .await?;
        self.adopt_auth0(session).await
    }

    /// Gets a token with a client assertion signed by the key in the file chosen in the dialog (the request
    /// names it by its handle); the key file's path (not the key) is kept in the keychain so that a restart can
    /// sign in again.
    pub async fn sign_in_auth0_private_key(
        &self,
        request: Auth0PrivateKeyRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let key_file = self.chosen_key_file(KeyFileKind::Auth0PrivateKey, &request.key_file)?;
        let algorithm = match request.algorithm {
            KeyAlgorithm::RS256 => AssertionAlgorithm::RS256,
            KeyAlgorithm::PS256 => AssertionAlgorithm::PS256,
        };
        let session = self
            .auth0_sign_in()?
            .with_private_key(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                request.client_id.trim(),
                &key_file,
                algorithm,
            )
            .await?;
        self.adopt_auth0(session).await
    }

    /// Uses a Management API token pasted from the Auth0 Dashboard, checked at once; it is kept in the
    /// keychain only when the user asked for that.
    pub async fn sign_in_auth0_token(
        &self,
        request: Auth0TokenRequest,
    ) -> Result<Auth0AccountInfo, SetupError> {
        let session = self
            .auth0_sign_in()?
            .with_management_token(
                request.domain.trim(),
                request.canonical_domain.as_deref(),
                request.token,
                request.remember,
            )
            .await?;
        self.adopt_auth0(session).await
    }

    async fn adopt_auth0(&self, session: Auth0Session) -> Result<Auth0AccountInfo, SetupError> {
        let account = session.account.clone();
        let previous = self.inner().set_auth0(Some(session));
        self.remember().await?;
        // Replace means remove: the previous sign-in's secrets go once this one has succeeded.
        if let Some(previous) = previous
            && let Err(error) = self
                .auth0_sign_in()?
                .remove_replaced(&previous.account, &account)
                .await
        {
            tracing::warn!(
                code = error.code(),
                "could not remove the replaced Auth0 sign-in's keychain entries"
            );
        }
        tracing::info!(method = ?account.method, missing = account.missing_scopes.len(), "signed in to Auth0");
        Ok(auth0_info(&account))
    }

    /// The application the tenant knows the Auth0 sign-in by: the one signed in with, or the one a pasted token
    /// was issued to. The test event names it.
    pub fn auth0_application(&self) -> Option<String> {
        let inner = self.inner();
        let account = &inner.auth0.as_ref()?.account;
        account.application().map(str::to_owned)
    }
}
