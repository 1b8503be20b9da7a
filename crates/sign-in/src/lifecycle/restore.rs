//! Restoring, once per run, the sign-ins the account file names from the keychain.

use super::types::SignedIn;
use super::{CloudAccounts, auth0_info, azure_info, transport};
use crate::Auth0SignIn;

impl CloudAccounts {
    /// Restores, once per run, the sign-ins the account file names from the keychain. A sign-in whose
    /// credential is gone (or that fails) is simply not restored: the user signs in again.
    pub async fn restore(&self) -> SignedIn {
        if std::mem::replace(&mut self.inner().restored, true) {
            return self.signed_in();
        }
        let Ok(saved) = self.accounts.load().await else {
            return SignedIn::default();
        };
        if let Some(account) = &saved.azure
            && let Ok(azure) = self.azure_sign_in().await
            && let Ok(Some(session)) = azure.restore(account).await
        {
            self.inner().set_azure(Some(session));
        }
        if let Some(account) = &saved.auth0
            && let Ok(transport) = transport()
            && let Ok(Some(session)) = Auth0SignIn::new(self.setup.keychain.clone(), transport)
                .restore(account)
                .await
        {
            self.inner().set_auth0(Some(session));
        }
        self.signed_in()
    }

    fn signed_in(&self) -> SignedIn {
        let inner = self.inner();
        SignedIn {
            azure: inner.azure.as_ref().map(|s| azure_info(s.account())),
            auth0: inner.auth0.as_ref().map(|s| auth0_info(&s.account)),
        }
    }
}
