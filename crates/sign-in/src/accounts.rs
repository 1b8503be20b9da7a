//! Who was signed in, remembered across restarts in the platform's config folder as plain JSON. Only
//! [`AzureAccount`] and [`Auth0Account`] go there, and neither type can hold a secret: the credentials
//! themselves are in the keychain.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::auth0::Auth0Account;
use crate::azure::AzureAccount;
use crate::error::SignInError;

const FILE_NAME: &str = "accounts.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInAccounts {
    pub azure: Option<AzureAccount>,
    pub auth0: Option<Auth0Account>,
}

#[derive(Debug, Clone)]
pub struct AccountFile {
    path: PathBuf,
}

impl AccountFile {
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `accounts.json` in the app's config folder (`$XDG_CONFIG_HOME/auth0-eventgrid` on Linux, Application
    /// Support on macOS, `%APPDATA%` on Windows): the same project folders as the setup engine's progress file.
    pub fn default_location() -> Result<Self, SignInError> {
        let dirs = directories::ProjectDirs::from("com", "Auth0 Event Grid", "auth0-eventgrid")
            .ok_or_else(|| SignInError::AccountFile {
                path: "(config folder)".into(),
                detail: "no home folder is known for this user".into(),
            })?;
        Ok(Self::at(dirs.config_dir().join(FILE_NAME)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved accounts; nothing saved yet is an empty list.
    pub async fn load(&self) -> Result<SignedInAccounts, SignInError> {
        match tokio::fs::read(&self.path).await {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| self.error(e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SignedInAccounts::default()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Writes the list whole and atomically, so a crash never leaves half a file; the owner's only (0600 in a 0700
    /// folder).
    pub async fn save(&self, accounts: &SignedInAccounts) -> Result<(), SignInError> {
        let json = serde_json::to_vec_pretty(accounts).map_err(|e| self.error(e))?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(folder) = path.parent() {
                private_file::create_private_dir(folder)?;
            }
            private_file::write_private(&path, &json)
        })
        .await
        .map_err(|e| self.error(e))?
        .map_err(|e| self.error(e))
    }

    fn error(&self, detail: impl std::fmt::Display) -> SignInError {
        SignInError::AccountFile {
            path: self.path.display().to_string(),
            detail: detail.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::Auth0Method;

    #[tokio::test]
    async fn accounts_round_trip_and_start_empty() {
        let folder = tempfile::tempdir().unwrap();
        let file = AccountFile::at(folder.path().join("nested/accounts.json"));
        assert_eq!(file.load().await.unwrap(), SignedInAccounts::default());
        let accounts = SignedInAccounts {
            azure: None,
            auth0: Some(Auth0Account {
                domain: "acme.eu.auth0.com".into(),
                canonical_domain: None,
                client_id: Some("m2m".into()),
                token_client_id: None,
                method: Auth0Method::ClientSecret,
                assertion_algorithm: None,
                granted_scopes: Some(vec!["read:logs".into()]),
                missing_scopes: vec![],
                remembered: true,
                keychain_account: "auth0:m2m@acme.eu.auth0.com".into(),
            }),
        };
        file.save(&accounts).await.unwrap();
        assert_eq!(file.load().await.unwrap(), accounts);
    }
}
