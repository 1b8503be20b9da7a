//! What an administrator may preset for everyone on a machine, through the environment: which Azure cloud
//! (public, US Government, China, or custom endpoints such as a proxy or a sandbox) and the app registration's
//! client id. The names match the command line's flags; the Settings screen's client id still wins.
//!
//! | Variable                                 | Values                                   |
//! |------------------------------------------|------------------------------------------|
//! | `AUTH0_EVENTGRID_AZURE_CLOUD`            | `public` (default), `usgov`, `china`, `custom` |
//! | `AUTH0_EVENTGRID_AZURE_AUTHORITY_URL`    | Entra ID authority, with `custom` only   |
//! | `AUTH0_EVENTGRID_AZURE_MANAGEMENT_URL`   | Resource Manager, with `custom` only     |
//! | `AUTH0_EVENTGRID_AZURE_CLIENT_ID`        | the app registration's client id         |

use azure_client::AzureEndpoints;
use setup_engine::{AzureCloud, SetupError};

pub const CLOUD: &str = "AUTH0_EVENTGRID_AZURE_CLOUD";
pub const AUTHORITY_URL: &str = "AUTH0_EVENTGRID_AZURE_AUTHORITY_URL";
pub const MANAGEMENT_URL: &str = "AUTH0_EVENTGRID_AZURE_MANAGEMENT_URL";
pub const CLIENT_ID: &str = "AUTH0_EVENTGRID_AZURE_CLIENT_ID";

/// The presets read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presets {
    pub azure_cloud: AzureCloud,
    pub azure_client_id: Option<String>,
}

impl Presets {
    /// Reads the presets through `var` (the process environment in the app, a table in tests). A variable
    /// set wrongly is an error naming it, so a misconfigured machine says so instead of signing in elsewhere.
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Result<Self, SetupError> {
        let value = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let authority = value(AUTHORITY_URL);
        let management = value(MANAGEMENT_URL);
        let cloud = value(CLOUD).map(|v| v.to_ascii_lowercase());
        let azure_cloud = match cloud.as_deref() {
            None | Some("public") => AzureCloud::Public,
            Some("usgov") => AzureCloud::UsGovernment,
            Some("china") => AzureCloud::China,
            Some("custom") => {
                let (Some(authority), Some(management)) = (authority.clone(), management.clone())
                else {
                    return Err(SetupError::invalid(
                        CLOUD,
                        format!("custom needs both {AUTHORITY_URL} and {MANAGEMENT_URL}"),
                    ));
                };
                AzureCloud::Custom {
                    authority,
                    management,
                }
            }
            Some(other) => {
                return Err(SetupError::invalid(
                    CLOUD,
                    format!("must be public, usgov, china or custom, not \"{other}\""),
                ));
            }
        };
        if !matches!(azure_cloud, AzureCloud::Custom { .. })
            && (authority.is_some() || management.is_some())
        {
            return Err(SetupError::invalid(
                CLOUD,
                format!("must be custom when {AUTHORITY_URL} or {MANAGEMENT_URL} is set"),
            ));
        }
        // The URLs are checked now (https, or http on a loopback host), not at the first sign-in.
        AzureEndpoints::for_cloud(&azure_cloud)?;
        Ok(Self {
            azure_cloud,
            azure_client_id: value(CLIENT_ID),
        })
    }

    pub fn from_process() -> Result<Self, SetupError> {
        Self::read(|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<Presets, SetupError> {
        Presets::read(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn nothing_set_means_the_public_cloud_and_the_builds_client_id() {
        let presets = read(&[]).unwrap();
        assert_eq!(presets.azure_cloud, AzureCloud::Public);
        assert_eq!(presets.azure_client_id, None);
    }

    #[test]
    fn named_clouds_and_a_client_id() {
        let presets = read(&[
            (CLOUD, "USGov"),
            (CLIENT_ID, " 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab "),
        ])
        .unwrap();
        assert_eq!(presets.azure_cloud, AzureCloud::UsGovernment);
        assert_eq!(
            presets.azure_client_id.as_deref(),
            Some("5d3c1a2b-7e4f-4a10-9b8c-0123456789ab")
        );
        assert_eq!(
            read(&[(CLOUD, "china")]).unwrap().azure_cloud,
            AzureCloud::China
        );
    }

    #[test]
    fn a_custom_cloud_takes_both_urls() {
        let presets = read(&[
            (CLOUD, "custom"),
            (AUTHORITY_URL, "http://127.0.0.1:4001"),
            (MANAGEMENT_URL, "http://127.0.0.1:4002"),
        ])
        .unwrap();
        assert_eq!(
            presets.azure_cloud,
            AzureCloud::Custom {
                authority: "http://127.0.0.1:4001".into(),
                management: "http://127.0.0.1:4002".into(),
            }
        );
    }

    /// The variables set, then the field and the words the error must name.
    type Mistake<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

    #[test]
    fn mistakes_name_the_variable_and_the_rule() {
        let cases: &[Mistake] = &[
            (
                &[(CLOUD, "mars")],
                CLOUD,
                "must be public, usgov, china or custom",
            ),
            (
                &[(CLOUD, "custom"), (AUTHORITY_URL, "http://127.0.0.1:1")],
                CLOUD,
                "custom needs both",
            ),
            (
                &[(MANAGEMENT_URL, "https://arm.example.com")],
                CLOUD,
                "must be custom when",
            ),
            (
                &[
                    (CLOUD, "custom"),
                    (AUTHORITY_URL, "http://login.example.com"),
                    (MANAGEMENT_URL, "https://arm.example.com"),
                ],
                "azure_authority_url",
                "https",
            ),
        ];
        for (pairs, field, rule) in cases {
            let error = read(pairs).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(*field), "{pairs:?}: {error:?}");
            assert!(error.message.contains(rule), "{pairs:?}: {}", error.message);
        }
    }
}
