//! Which Azure: public, US Government, China, or custom authority and management URLs (the sandbox, or a
//! proxy). Plain http is accepted only for loopback hosts.

use cloud_http::{EndpointError, is_loopback, parse_endpoint};
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureCloud {
    Public,
    UsGovernment,
    China,
    Custom {
        authority: String,
        management: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureEndpoints {
    /// Entra ID authority host, e.g. `https://login.microsoftonline.com/`.
    pub authority: Url,
    /// Resource Manager, e.g. `https://management.azure.com/`.
    pub management: Url,
    /// The scope tokens are requested for (`{audience}/.default`).
    pub scope: String,
}

impl AzureEndpoints {
    pub fn for_cloud(cloud: &AzureCloud) -> Result<Self, EndpointError> {
        let (authority, management) = match cloud {
            AzureCloud::Public => (
                "https://login.microsoftonline.com",
                "https://management.azure.com",
            ),
            AzureCloud::UsGovernment => (
                "https://login.microsoftonline.us",
                "https://management.usgovcloudapi.net",
            ),
            AzureCloud::China => (
                "https://login.chinacloudapi.cn",
                "https://management.chinacloudapi.cn",
            ),
            AzureCloud::Custom {
                authority,
                management,
            } => (authority.as_str(), management.as_str()),
        };
        let authority = parse_endpoint("azure_authority_url", authority)?;
        let management = parse_endpoint("azure_management_url", management)?;
        // A loopback Resource Manager stands in for the public cloud and expects its audience; any other
        // custom host is its own audience.
        let scope = if is_loopback(&management) {
            "https://management.azure.com/.default".to_owned()
        } else {
            format!("{management}.default")
        };
        Ok(Self {
            authority,
            management,
            scope,
        })
    }

    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.management)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sovereign_clouds_have_their_own_hosts_and_audiences() {
        let gov = AzureEndpoints::for_cloud(&AzureCloud::UsGovernment).unwrap();
        assert_eq!(gov.authority.as_str(), "https://login.microsoftonline.us/");
        assert_eq!(gov.scope, "https://management.usgovcloudapi.net/.default");
        let china = AzureEndpoints::for_cloud(&AzureCloud::China).unwrap();
        assert_eq!(
            china.management.as_str(),
            "https://management.chinacloudapi.cn/"
        );
        let public = AzureEndpoints::for_cloud(&AzureCloud::Public).unwrap();
        assert_eq!(public.scope, "https://management.azure.com/.default");
        assert!(!public.is_loopback());
    }

    #[test]
    fn custom_endpoints_allow_http_only_on_loopback() {
        let sandbox = AzureEndpoints::for_cloud(&AzureCloud::Custom {
            authority: "http://127.0.0.1:4001".into(),
            management: "http://127.0.0.1:4002".into(),
        })
        .unwrap();
        assert!(sandbox.is_loopback());
        assert_eq!(sandbox.scope, "https://management.azure.com/.default");
        let err = AzureEndpoints::for_cloud(&AzureCloud::Custom {
            authority: "https://login.example.com".into(),
            management: "http://arm.example.com".into(),
        })
        .unwrap_err();
        assert_eq!(err.field(), "azure_management_url");
    }
}
