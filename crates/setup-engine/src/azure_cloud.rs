//! Which Azure clouds Auth0 can deliver to. An Event Grid log stream names one of the public Azure regions
//! Auth0 lists (`LogStreamEventGridRegionEnum` in Auth0's Management API: no US Government or China region),
//! and Auth0 creates its partner topic there, so a setup in Azure Government or Azure China can never receive
//! an event. That is said before anything is created. A `custom` cloud (the sandbox, or a proxy in front of
//! the public cloud) is not refused: its endpoints say nothing about where Auth0 delivers.

use azure_client::AzureCloud;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, SetupError};

/// The Azure cloud a session signs in to, as the front ends name it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AzureCloudKind {
    /// Azure's public cloud (portal.azure.com): where Auth0 delivers.
    #[default]
    Public,
    /// Azure Government (portal.azure.us).
    UsGovernment,
    /// Azure China, operated by 21Vianet (portal.azure.cn).
    China,
    /// Endpoints of its own: the sandbox, or a proxy.
    Custom,
}

impl AzureCloudKind {
    pub fn of(cloud: &AzureCloud) -> Self {
        match cloud {
            AzureCloud::Public => Self::Public,
            AzureCloud::UsGovernment => Self::UsGovernment,
            AzureCloud::China => Self::China,
            AzureCloud::Custom { .. } => Self::Custom,
        }
    }

    /// Whether Auth0 can deliver events to this cloud (`custom` is given the benefit of the doubt).
    pub fn auth0_delivers(self) -> bool {
        matches!(self, Self::Public | Self::Custom)
    }
}

/// Fails with [`ErrorCode::AzureCloudUnsupported`] when Auth0 cannot deliver to `cloud`.
pub fn check_auth0_delivers(cloud: &AzureCloud) -> Result<(), SetupError> {
    let name = match AzureCloudKind::of(cloud) {
        AzureCloudKind::UsGovernment => "Azure Government",
        AzureCloudKind::China => "Azure China",
        AzureCloudKind::Public | AzureCloudKind::Custom => return Ok(()),
    };
    Err(SetupError {
        code: ErrorCode::AzureCloudUnsupported,
        message: format!(
            "Auth0 delivers its logs to Event Grid only in the public Azure regions it lists, and this setup \
             signs in to {name}: Auth0 could never create its partner topic there, so nothing was created."
        ),
        remedy: "Use a subscription in Azure's public cloud for the partner topic (forward the events to your own \
                 cloud from there if you need them there), or send Auth0's logs to your cloud another way, such \
                 as an Auth0 custom webhook (HTTP) log stream to an endpoint there."
            .into(),
        field: Some("azure_cloud".into()),
        correlation_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_delivers_to_the_public_cloud_and_custom_endpoints_only() {
        assert!(check_auth0_delivers(&AzureCloud::Public).is_ok());
        let custom = AzureCloud::Custom {
            authority: "http://127.0.0.1:1".into(),
            management: "http://127.0.0.1:2".into(),
        };
        assert!(check_auth0_delivers(&custom).is_ok());
        for (cloud, name) in [
            (AzureCloud::UsGovernment, "Azure Government"),
            (AzureCloud::China, "Azure China"),
        ] {
            let error = check_auth0_delivers(&cloud).unwrap_err();
            assert_eq!(error.code, ErrorCode::AzureCloudUnsupported);
            assert_eq!(error.field.as_deref(), Some("azure_cloud"));
            assert!(error.message.contains(name), "{}", error.message);
            assert!(error.remedy.contains("public cloud"), "{}", error.remedy);
            assert!(!AzureCloudKind::of(&cloud).auth0_delivers());
        }
    }
}
