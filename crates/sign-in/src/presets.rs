//! Which Azure cloud to sign in to (public, US Government, China, or custom endpoints such as a proxy or a
//! sandbox) and the app registration's client id: one set of rules for the window, which reads them from the
//! environment an administrator presets, and the command line, which takes them as flags. An error names
//! what the person set: the variable or the flag.
//!
//! | Variable                                 | Flag                     | Values                              |
//! |------------------------------------------|--------------------------|-------------------------------------|
//! | `AUTH0_EVENTGRID_AZURE_CLOUD`            | `--azure-cloud`          | `public` (default), `usgov`, `china`, `custom` |
//! | `AUTH0_EVENTGRID_AZURE_AUTHORITY_URL`    | `--azure-authority-url`  | Entra ID authority, with `custom` only |
//! | `AUTH0_EVENTGRID_AZURE_MANAGEMENT_URL`   | `--azure-management-url` | Resource Manager, with `custom` only |
//! | `AUTH0_EVENTGRID_AZURE_CLIENT_ID`        |                          | the app registration's client id    |

use azure_client::AzureEndpoints;
use setup_engine::{AzureCloud, SetupError};

pub const CLOUD_VARIABLE: &str = "AUTH0_EVENTGRID_AZURE_CLOUD";
pub const AUTHORITY_URL_VARIABLE: &str = "AUTH0_EVENTGRID_AZURE_AUTHORITY_URL";
pub const MANAGEMENT_URL_VARIABLE: &str = "AUTH0_EVENTGRID_AZURE_MANAGEMENT_URL";
pub const CLIENT_ID_VARIABLE: &str = "AUTH0_EVENTGRID_AZURE_CLIENT_ID";

/// How a front end names the cloud settings: the field an error carries and the words it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudSettingNames {
    /// The field an error about the cloud itself names.
    pub cloud_field: &'static str,
    pub authority: &'static str,
    pub management: &'static str,
}

impl CloudSettingNames {
    /// The window: the variables an administrator sets.
    pub const ENVIRONMENT: Self = Self {
        cloud_field: CLOUD_VARIABLE,
        authority: AUTHORITY_URL_VARIABLE,
        management: MANAGEMENT_URL_VARIABLE,
    };
    /// The command line: its flags (the field keeps the `--config` file's key).
    pub const FLAGS: Self = Self {
        cloud_field: "azure_cloud",
        authority: "--azure-authority-url",
        management: "--azure-management-url",
    };
}

/// The cloud as a person gave it, before the rules: each value trimmed, empty meaning not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudSettings {
    /// `public`, `usgov`, `china` or `custom` (any case); absent means public.
    pub cloud: Option<String>,
    pub authority_url: Option<String>,
    pub management_url: Option<String>,
}

impl CloudSettings {
    /// The cloud these settings name. A setting given wrongly is an error naming it, so a misconfigured
    /// machine says so instead of signing in elsewhere; the URLs are checked now (https, or http on a loopback
    /// host), not at the first sign-in.
    pub fn azure_cloud(&self, names: CloudSettingNames) -> Result<AzureCloud, SetupError> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (authority, management) = (given(&self.authority_url), given(&self.management_url));
        let cloud = given(&self.cloud).map(|v| v.to_ascii_lowercase());
        let azure_cloud = match cloud.as_deref() {
            None | Some("public") => AzureCloud::Public,
            Some("usgov") => AzureCloud::UsGovernment,
            Some("china") => AzureCloud::China,
            Some("custom") => {
                let (Some(authority), Some(management)) = (authority.clone(), management.clone())
                else {
                    return Err(SetupError::invalid(
                        names.cloud_field,
                        format!(
                            "custom needs both {} and {}",
                            names.authority, names.management
                        ),
                    ));
                };
                AzureCloud::Custom {
                    authority,
                    management,
                }
            }
            Some(other) => {
                return Err(SetupError::invalid(
                    names.cloud_field,
                    format!("must be public, usgov, china or custom, not \"{other}\""),
                ));
            }
        };
        if !matches!(azure_cloud, AzureCloud::Custom { .. })
            && (authority.is_some() || management.is_some())
        {
            return Err(SetupError::invalid(
                names.cloud_field,
                format!(
                    "must be custom when {} or {} is set",
                    names.authority, names.management
                ),
            ));
        }
        AzureEndpoints::for_cloud(&azure_cloud)?;
        Ok(azure_cloud)
    }
}

/// What an administrator may preset for everyone on a machine: the cloud and the app registration's client
/// id (the Settings screen's client id still wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzurePresets {
    pub azure_cloud: AzureCloud,
    pub azure_client_id: Option<String>,
}

impl AzurePresets {
    /// Reads the presets through `var` (the process environment in the app, a table in tests); errors name
    /// the variable.
    pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Result<Self, SetupError> {
        let settings = CloudSettings {
            cloud: var(CLOUD_VARIABLE),
            authority_url: var(AUTHORITY_URL_VARIABLE),
            management_url: var(MANAGEMENT_URL_VARIABLE),
        };
        Ok(Self {
            azure_cloud: settings.azure_cloud(CloudSettingNames::ENVIRONMENT)?,
            azure_client_id: client_id_preset(var),
        })
    }

    pub fn from_process() -> Result<Self, SetupError> {
        Self::from_environment(|name| std::env::var(name).ok())
    }

    /// A preset `error` (from `from_environment` with the same `var`) as the window words it: which preset
    /// is wrong, in plain words, and who can correct it. The variable it names stays in `error`, for the log
    /// and the command line: a person in the window cannot set it.
    pub fn window_error(var: impl Fn(&str) -> Option<String>, error: &SetupError) -> SetupError {
        let given = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let cloud = given(CLOUD_VARIABLE);
        let urls =
            given(AUTHORITY_URL_VARIABLE).is_some() || given(MANAGEMENT_URL_VARIABLE).is_some();
        let known = |c: &str| {
            ["public", "usgov", "china", "custom"].contains(&c.to_ascii_lowercase().as_str())
        };
        let message = match cloud.as_deref() {
            Some(other) if !known(other) => format!(
                "This computer's preset Azure cloud, \"{other}\", is not one the app knows."
            ),
            Some(c) if c.eq_ignore_ascii_case("custom") && error.field.as_deref() == Some(CLOUD_VARIABLE) => {
                "This computer's preset Azure cloud is a custom one, but its sign-in and management addresses \
                 are not both preset."
                    .to_owned()
            }
            _ if urls && error.field.as_deref() == Some(CLOUD_VARIABLE) => {
                "This computer presets Azure addresses for a custom cloud, but not a custom Azure cloud."
                    .to_owned()
            }
            _ => "This computer's preset Azure addresses are not ones the app can use.".to_owned(),
        };
        SetupError::new(
            setup_engine::ErrorCode::InvalidInput,
            message,
            "Ask whoever set up this computer to correct it.",
        )
    }
}

/// The app registration's client id preset in `AUTH0_EVENTGRID_AZURE_CLIENT_ID`, if any.
pub fn client_id_preset(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    var(CLIENT_ID_VARIABLE)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<AzurePresets, SetupError> {
        AzurePresets::from_environment(|name| {
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
            (CLOUD_VARIABLE, "USGov"),
            (CLIENT_ID_VARIABLE, " 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab "),
        ])
        .unwrap();
        assert_eq!(presets.azure_cloud, AzureCloud::UsGovernment);
        assert_eq!(
            presets.azure_client_id.as_deref(),
            Some("5d3c1a2b-7e4f-4a10-9b8c-0123456789ab")
        );
        assert_eq!(
            read(&[(CLOUD_VARIABLE, "china")]).unwrap().azure_cloud,
            AzureCloud::China
        );
    }

    #[test]
    fn a_custom_cloud_takes_both_urls() {
        let presets = read(&[
            (CLOUD_VARIABLE, "custom"),
            (AUTHORITY_URL_VARIABLE, "http://127.0.0.1:4001"),
            (MANAGEMENT_URL_VARIABLE, "http://127.0.0.1:4002"),
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
                &[(CLOUD_VARIABLE, "mars")],
                CLOUD_VARIABLE,
                "must be public, usgov, china or custom",
            ),
            (
                &[
                    (CLOUD_VARIABLE, "custom"),
                    (AUTHORITY_URL_VARIABLE, "http://127.0.0.1:1"),
                ],
                CLOUD_VARIABLE,
                "custom needs both",
            ),
            (
                &[(MANAGEMENT_URL_VARIABLE, "https://arm.example.com")],
                CLOUD_VARIABLE,
                "must be custom when",
            ),
            (
                &[
                    (CLOUD_VARIABLE, "custom"),
                    (AUTHORITY_URL_VARIABLE, "http://login.example.com"),
                    (MANAGEMENT_URL_VARIABLE, "https://arm.example.com"),
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

    /// What the window shows of a wrong preset names no variable and no flag (the same rule as the locale's
    /// `no-command-line.test.ts`), says which preset is wrong and who can correct it.
    #[test]
    fn the_window_words_a_wrong_preset_without_its_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[(CLOUD_VARIABLE, "xyz")],
                "This computer's preset Azure cloud, \"xyz\", is not one the app knows.",
            ),
            (
                &[
                    (CLOUD_VARIABLE, "custom"),
                    (AUTHORITY_URL_VARIABLE, "http://127.0.0.1:1"),
                ],
                "custom one",
            ),
            (
                &[(MANAGEMENT_URL_VARIABLE, "https://arm.example.com")],
                "not a custom Azure cloud",
            ),
            (
                &[
                    (CLOUD_VARIABLE, "custom"),
                    (AUTHORITY_URL_VARIABLE, "http://login.example.com"),
                    (MANAGEMENT_URL_VARIABLE, "https://arm.example.com"),
                ],
                "addresses are not ones the app can use",
            ),
        ];
        let variable = |text: &str| {
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| {
                    word.contains('_')
                        && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        && word
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                })
        };
        for (pairs, words) in cases {
            let var = |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            };
            let error = AzurePresets::from_environment(var).unwrap_err();
            let shown = AzurePresets::window_error(var, &error);
            assert!(
                shown.message.contains(words),
                "{pairs:?}: {}",
                shown.message
            );
            assert_eq!(
                shown.remedy,
                "Ask whoever set up this computer to correct it."
            );
            assert_eq!(shown.field, None);
            for text in [&shown.message, &shown.remedy] {
                assert!(!variable(text) && !text.contains("--"), "{pairs:?}: {text}");
            }
        }
    }

    #[test]
    fn the_same_rules_name_the_flags_on_the_command_line() {
        let custom_without_management = CloudSettings {
            cloud: Some("custom".into()),
            authority_url: Some("http://127.0.0.1:1".into()),
            management_url: None,
        };
        let error = custom_without_management
            .azure_cloud(CloudSettingNames::FLAGS)
            .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("azure_cloud"));
        assert!(
            error
                .message
                .contains("--azure-authority-url and --azure-management-url"),
            "{}",
            error.message
        );
        let urls_without_custom = CloudSettings {
            cloud: None,
            authority_url: None,
            management_url: Some("https://arm.example.com".into()),
        };
        let error = urls_without_custom
            .azure_cloud(CloudSettingNames::FLAGS)
            .unwrap_err();
        assert!(
            error
                .message
                .contains("must be custom when --azure-authority-url")
        );
        assert!(
            !error.message.contains("AUTH0_EVENTGRID"),
            "{}",
            error.message
        );
    }
}
