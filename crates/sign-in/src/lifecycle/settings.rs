//! The settings the app keeps between runs (the Azure app registration's client id), and the overview the
//! Settings screen shows.

use azure_client::AzureEndpoints;
use setup_engine::SetupError;

use super::types::{Settings, SettingsOverview};
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
        let settings = Settings { azure_client_id };
        let text = serde_json::to_string_pretty(&settings).unwrap_or_default();
        if let Some(parent) = self.settings_file.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| folder_error(parent, e))?;
        }
        tokio::fs::write(&self.settings_file, text)
            .await
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
            keychain: self.keychain_status(),
            signed_in,
        })
    }
}
