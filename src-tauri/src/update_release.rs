//! Where a build looks for updates, decided once from the two build-time variables: a public key to verify
//! releases with and the release endpoint to ask. Both given: the updater is compiled in; neither: there is no
//! updater at all. Plain Rust, so `build.rs` runs the same rules and a misconfigured build fails to compile.

/// The variable holding the updater's public key (the `.pub` file `tauri signer generate` writes).
pub const PUBKEY_VARIABLE: &str = "AUTH0_EVENTGRID_UPDATER_PUBKEY";
/// The variable holding the release endpoint (an https URL; Tauri's `{{target}}`, `{{arch}}` and
/// `{{current_version}}` placeholders allowed).
pub const ENDPOINT_VARIABLE: &str = "AUTH0_EVENTGRID_UPDATER_ENDPOINT";

/// The release a build checks for updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRelease {
    pub pubkey: String,
    pub endpoint: String,
}

/// The release named by the build's variables: `None` when neither is set (or both are empty), an error naming
/// the variable when only one is, or when a value cannot be right.
pub fn from_build(
    pubkey: Option<&str>,
    endpoint: Option<&str>,
) -> Result<Option<UpdateRelease>, String> {
    let pubkey = pubkey.map(str::trim).filter(|value| !value.is_empty());
    let endpoint = endpoint.map(str::trim).filter(|value| !value.is_empty());
    let (pubkey, endpoint) = match (pubkey, endpoint) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(format!(
                "{PUBKEY_VARIABLE} is set but {ENDPOINT_VARIABLE} is not: the updater needs both"
            ));
        }
        (None, Some(_)) => {
            return Err(format!(
                "{ENDPOINT_VARIABLE} is set but {PUBKEY_VARIABLE} is not: the updater needs both"
            ));
        }
        (Some(pubkey), Some(endpoint)) => (pubkey, endpoint),
    };
    let is_base64 = pubkey
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'='));
    if !is_base64 {
        return Err(format!(
            "{PUBKEY_VARIABLE} must be the content of the .pub file `tauri signer generate` wrote (one base64 line)"
        ));
    }
    let host = endpoint.strip_prefix("https://").unwrap_or_default();
    if host.is_empty() || host.starts_with('/') || endpoint.contains(char::is_whitespace) {
        return Err(format!(
            "{ENDPOINT_VARIABLE} must be an https URL, such as https://releases.example.com/latest.json"
        ));
    }
    Ok(Some(UpdateRelease {
        pubkey: pubkey.to_owned(),
        endpoint: endpoint.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IEFCQ0QK";
    const URL: &str = "https://releases.example.com/{{target}}/{{arch}}/{{current_version}}";

    #[test]
    fn neither_variable_means_no_updater() {
        assert_eq!(from_build(None, None), Ok(None));
        assert_eq!(from_build(Some(""), Some("  ")), Ok(None));
    }

    #[test]
    fn both_variables_name_the_release() {
        assert_eq!(
            from_build(Some(KEY), Some(URL)),
            Ok(Some(UpdateRelease {
                pubkey: KEY.into(),
                endpoint: URL.into()
            }))
        );
    }

    #[test]
    fn one_without_the_other_is_refused_naming_the_missing_one() {
        let error = from_build(Some(KEY), None).unwrap_err();
        assert!(
            error.contains(ENDPOINT_VARIABLE) && error.ends_with("needs both"),
            "{error}"
        );
        let error = from_build(None, Some(URL)).unwrap_err();
        assert!(error.starts_with(ENDPOINT_VARIABLE), "{error}");
    }

    #[test]
    fn only_an_https_endpoint_and_a_base64_key_are_accepted() {
        for endpoint in [
            "http://releases.example.com/latest.json",
            "https://",
            "https:///latest.json",
            "releases.example.com",
            "https://releases.example.com/a b",
        ] {
            assert!(from_build(Some(KEY), Some(endpoint)).is_err(), "{endpoint}");
        }
        let error = from_build(Some("not a key!"), Some(URL)).unwrap_err();
        assert!(error.starts_with(PUBKEY_VARIABLE), "{error}");
    }
}
