//! The settings the app keeps between runs (the Azure app registration's client id), and the overview the
//! Settings screen shows.

use azure_client::AzureEndpoints;
use setup_engine::SetupError;

use super::types::{CHECK_INTERVAL_RANGE, Settings, SettingsOverview};
use super::{CloudAccounts, folder_error};
use crate::AzureSignInConfig;

impl CloudAccounts {
    /// The settings, read from the app's folder the first time.
    pub async fn settings(&self) -> Result<Settings, SetupError> {
        if let Some(settings) = self.inner().settings.clone() {
            return Ok(settings);
        }
        let settings = match tokio::fs::read_to_string(&self.settings_file).await {
            Ok(text) => serde_json::from_str(&text).unwrap_or_default(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => return Err(folder_error(&self.settings_file, e)),
        };
        self.inner().settings = Some(settings.clone());
        Ok(settings)
    }

    /// Checks and saves the settings; an Azure client id must be a GUID, as Entra ID issues them.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings, SetupError> {
        let azure_client_id = settings
            .azure_client_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        if let Some(id) = &azure_client_id {
            let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
            AzureSignInConfig::new(endpoints)
                .with_client_id(Some(id.clone()))
                .client_id()
                .map_err(|_| {
                    SetupError::invalid(
                        "azure_client_id",
                        "must be an application (client) ID such as 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab",
                    )
                })?;
        }
        if let Some(minutes) = settings.check_interval_minutes
            && minutes != 0
            && !CHECK_INTERVAL_RANGE.contains(&minutes)
        {
            return Err(SetupError::invalid(
                "check_interval_minutes",
                format!(
                    "must be 0 (never) or from {} to {} minutes",
                    CHECK_INTERVAL_RANGE.start(),
                    CHECK_INTERVAL_RANGE.end()
                ),
            ));
        }
        let settings = Settings {
            azure_client_id,
            check_interval_minutes: settings.check_interval_minutes,
        };
        let text = serde_json::to_string_pretty(&settings).unwrap_or_default();
        if let Some(parent) = self.settings_file.parent() {
            private_file::create_private_dir(parent).map_err(|e| folder_error(parent, e))?;
        }
        private_file::write_private(&self.settings_file, text.as_bytes())
            .map_err(|e| folder_error(&self.settings_file, e))?;
        self.inner().settings = Some(settings.clone());
        Ok(settings)
    }

    /// Everything the Settings screen shows, with the sign-ins of the last run restored first.
    pub async fn overview(&self) -> Result<SettingsOverview, SetupError> {
        let signed_in = self.restore().await;
        let endpoints = AzureEndpoints::for_cloud(&self.setup.azure_cloud)?;
        let default_azure_client_id = AzureSignInConfig::new(endpoints)
            .with_client_id(self.setup.azure_client_id.clone())
            .client_id()
            .ok()
            .map(str::to_owned);
        Ok(SettingsOverview {
            settings: self.settings().await?,
            default_azure_client_id,
            registration_command: crate::registration_command(),
            keychain: self.keychain_status().await,
            signed_in,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use keychain::{Keychain, MemoryEntries, Persistence};
    use setup_engine::AzureCloud;

    use super::*;
    use crate::SignInSetup;

    fn accounts_in(folder: &std::path::Path) -> CloudAccounts {
        let keychain =
            Keychain::with_store(Arc::new(MemoryEntries::default()), Persistence::Keychain);
        CloudAccounts::in_folder(
            SignInSetup::without_window(keychain, AzureCloud::Public),
            folder,
        )
    }

    fn every(minutes: Option<u32>) -> Settings {
        Settings {
            azure_client_id: None,
            check_interval_minutes: minutes,
        }
    }

    #[tokio::test]
    async fn the_check_interval_is_never_or_five_minutes_to_a_day() {
        let folder = tempfile::tempdir().unwrap();
        let accounts = accounts_in(folder.path());
        for allowed in [None, Some(0), Some(5), Some(60), Some(1440)] {
            let saved = accounts.save_settings(every(allowed)).await.unwrap();
            assert_eq!(saved.check_interval_minutes, allowed);
        }
        for refused in [1, 4, 1441, u32::MAX] {
            let error = accounts
                .save_settings(every(Some(refused)))
                .await
                .unwrap_err();
            assert_eq!(
                error.field.as_deref(),
                Some("check_interval_minutes"),
                "{refused}"
            );
            assert!(error.message.contains("1440"), "{}", error.message);
        }
        // The last accepted value stays, on disk too.
        let again = accounts_in(folder.path());
        assert_eq!(again.settings().await.unwrap(), every(Some(1440)));
    }

    /// The settings file and the app folder made for it are the owner's only; so is the account list.
    #[cfg(unix)]
    #[tokio::test]
    async fn the_settings_and_the_account_list_are_the_owners_only() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("auth0-eventgrid");
        let accounts = accounts_in(&folder);
        accounts.save_settings(every(Some(30))).await.unwrap();
        accounts.remember().await.unwrap();
        assert_eq!(private_file::mode_of(&folder).unwrap(), 0o700);
        for file in ["settings.json", "accounts.json"] {
            assert_eq!(
                private_file::mode_of(&folder.join(file)).unwrap(),
                0o600,
                "{file}"
            );
        }
    }

    #[test]
    fn the_interval_defaults_to_fifteen_minutes_and_zero_is_never() {
        use std::time::Duration;
        assert_eq!(
            every(None).check_interval(),
            Some(Duration::from_secs(15 * 60))
        );
        assert_eq!(every(Some(0)).check_interval(), None);
        assert_eq!(
            every(Some(5)).check_interval(),
            Some(Duration::from_secs(300))
        );
    }

    /// Settings written before the interval existed still read, with the default interval.
    #[test]
    fn settings_without_an_interval_read_as_the_default() {
        let settings: Settings = serde_json::from_str(r#"{"azureClientId": null}"#).unwrap();
        assert_eq!(settings, every(None));
    }
}
