//! Auth0 tenants behind a custom domain (`login.acme.com`). The Management API's audience is the tenant's
//! canonical domain (`https://acme.eu.auth0.com/api/v2/`) whatever domain a token is requested at, and a token
//! is accepted only by the Management API at the domain that issued it (Auth0, "Get Access Tokens": "Custom
//! domains and the Auth0 Management API", <https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens>).
//! The canonical domain cannot be derived from the custom one, so a person who types a custom domain is asked
//! for it too; the app then requests tokens and calls the Management API there.

use cloud_http::{is_loopback, parse_endpoint};

use crate::error::SignInError;

/// The field a missing or malformed canonical domain is reported against.
pub const CANONICAL_DOMAIN_FIELD: &str = "auth0_canonical_domain";

/// Where the Auth0 Dashboard shows a tenant's canonical domain: an application's settings name it under
/// "Domain" ("Your Auth0 tenant name", <https://auth0.com/docs/get-started/applications/application-settings>).
const WHERE_TO_FIND: &str = "the Auth0 Dashboard shows it under Applications > Applications > (your \
                             application) > Settings > Domain";

/// The domain the Management API is reached at for a tenant typed as `domain`, with the canonical domain
/// the person gave (empty or absent: none). `None`: the typed domain is itself the tenant's own (an
/// `*.auth0.com` domain, or the sandbox on this machine). Every rule is checked before anything is sent.
pub fn canonical_domain(
    domain: &str,
    canonical: Option<&str>,
) -> Result<Option<String>, SignInError> {
    let typed = parse_endpoint("auth0_domain", domain).map_err(auth0_client::Auth0Error::from)?;
    let canonical = canonical.map(str::trim).filter(|c| !c.is_empty());
    let Some(canonical) = canonical else {
        if is_loopback(&typed) || auth0_host(typed.host_str().unwrap_or_default()).is_some() {
            return Ok(None);
        }
        return Err(SignInError::invalid(
            CANONICAL_DOMAIN_FIELD,
            format!(
                "is needed because {} is a custom domain: give the tenant's own domain, such as \
                 acme.eu.auth0.com ({WHERE_TO_FIND})",
                typed.host_str().unwrap_or(domain)
            ),
        ));
    };
    // The sandbox's tenant on this machine plays the canonical domain of its custom one.
    if canonical.starts_with("http://")
        && let Ok(url) = parse_endpoint(CANONICAL_DOMAIN_FIELD, canonical)
        && is_loopback(&url)
    {
        return Ok(Some(url.as_str().trim_end_matches('/').to_owned()));
    }
    let host = canonical
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .trim_end_matches("/api/v2")
        .to_ascii_lowercase();
    auth0_host(&host).map(|host| Some(host.to_owned())).ok_or_else(|| {
        SignInError::invalid(
            CANONICAL_DOMAIN_FIELD,
            format!(
                "must be the tenant's own Auth0 domain, TENANT.auth0.com or TENANT.REGION.auth0.com such as \
                 acme.eu.auth0.com, not \"{canonical}\" ({WHERE_TO_FIND})"
            ),
        )
    })
}

/// `host` when it is a tenant's own domain: `{tenant}.auth0.com` (the oldest US tenants) or
/// `{tenant}.{region}.auth0.com`, each label letters, digits and hyphens.
fn auth0_host(host: &str) -> Option<&str> {
    let name = host.strip_suffix(".auth0.com")?;
    let labels: Vec<&str> = name.split('.').collect();
    let valid = |label: &&str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    (matches!(labels.len(), 1 | 2) && labels.iter().all(valid)).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: SignInError) -> Option<String> {
        error.problem().field
    }

    #[test]
    fn a_tenants_own_domain_or_the_sandbox_needs_no_canonical_domain() {
        for domain in [
            "acme.eu.auth0.com",
            "https://acme.auth0.com/",
            "http://127.0.0.1:4000",
        ] {
            assert_eq!(canonical_domain(domain, None).unwrap(), None, "{domain}");
            assert_eq!(
                canonical_domain(domain, Some("  ")).unwrap(),
                None,
                "{domain}"
            );
        }
    }

    #[test]
    fn a_custom_domain_asks_for_the_canonical_one_and_says_where_to_find_it() {
        let error = canonical_domain("login.acme.com", None).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("login.acme.com is a custom domain"), "{text}");
        assert!(text.contains("Settings > Domain"), "{text}");
        assert_eq!(field_of(error).as_deref(), Some(CANONICAL_DOMAIN_FIELD));
    }

    #[test]
    fn the_canonical_domain_is_taken_as_a_host_or_the_management_api_identifier() {
        for typed in [
            "acme.eu.auth0.com",
            "https://acme.eu.auth0.com",
            "https://ACME.eu.auth0.com/api/v2/",
            " acme.eu.auth0.com/ ",
        ] {
            assert_eq!(
                canonical_domain("login.acme.com", Some(typed))
                    .unwrap()
                    .as_deref(),
                Some("acme.eu.auth0.com"),
                "{typed}"
            );
        }
        assert_eq!(
            canonical_domain("login.acme.com", Some("dev-xyz.auth0.com"))
                .unwrap()
                .as_deref(),
            Some("dev-xyz.auth0.com")
        );
        assert_eq!(
            canonical_domain("http://127.0.0.1:4003", Some("http://127.0.0.1:4000/"))
                .unwrap()
                .as_deref(),
            Some("http://127.0.0.1:4000")
        );
    }

    #[test]
    fn anything_but_a_tenants_own_domain_is_refused_naming_the_rule() {
        for wrong in [
            "login.acme.com",
            "auth0.com",
            "a.b.c.auth0.com",
            "-acme.auth0.com",
            "acme.eu.auth0.com.evil.example",
            "http://acme.eu.auth0.com",
        ] {
            let error = canonical_domain("login.acme.com", Some(wrong)).unwrap_err();
            assert!(
                error.to_string().contains("TENANT.REGION.auth0.com"),
                "{wrong}: {error}"
            );
            assert_eq!(
                field_of(error).as_deref(),
                Some(CANONICAL_DOMAIN_FIELD),
                "{wrong}"
            );
        }
    }
}
