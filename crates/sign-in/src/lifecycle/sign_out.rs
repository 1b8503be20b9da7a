//! Signing out of both clouds or of one, removing every keychain entry of its account.

use setup_engine::SetupError;

use super::types::CloudName;
use super::{CloudAccounts, transport};
use crate::Auth0SignIn;

impl CloudAccounts {
    /// Signs both clouds out, removing every keychain entry of their accounts and the account summary.
    pub async fn sign_out(&self) -> Result<(), SetupError> {
        self.cancel_azure();
        let (azure, auth0) = {
            let mut inner = self.inner();
            (inner.set_azure(None), inner.set_auth0(None))
        };
        if let Some(azure) = azure {
            azure.sign_out().await?;
        }
        if let Some(auth0) = auth0 {
            Auth0SignIn::new(self.setup.keychain.clone(), transport()?)
                .sign_out(&auth0.account)
                .await?;
        }
        self.remember().await
    }

    /// Signs one cloud out, removing its keychain entries; the other stays signed in.
    pub async fn sign_out_cloud(&self, cloud: CloudName) -> Result<(), SetupError> {
        match cloud {
            CloudName::Azure => {
                self.cancel_azure();
                let azure = self.inner().set_azure(None);
                if let Some(azure) = azure {
                    azure.sign_out().await?;
                }
            }
            CloudName::Auth0 => {
                let auth0 = self.inner().set_auth0(None);
                if let Some(auth0) = auth0 {
                    self.auth0_sign_in()?.sign_out(&auth0.account).await?;
                }
            }
        }
        self.remember().await
    }
}
