//! Which Azure app registration and authority the interactive sign-ins use. The client id is configuration: a
//! build-time default (`AUTH0_EVENTGRID_AZURE_CLIENT_ID`) that the settings screen may override. The app never
//! borrows another product's client id; without one, the browser and device options explain the one-time
//! registration instead.

use std::time::Duration;

use azure_client::AzureEndpoints;

use crate::error::SignInError;

/// The client id baked in at build time, if the build set one.
pub const BUILD_CLIENT_ID: Option<&str> = option_env!("AUTH0_EVENTGRID_AZURE_CLIENT_ID");

/// The host of the browser sign-in's loopback redirect URI: `localhost` unless the build sets
/// `AUTH0_EVENTGRID_AZURE_REDIRECT_HOST=127.0.0.1`, for a distributor whose app registration lists
/// `http://127.0.0.1` (added through its manifest: the portal's box refuses it). RFC 8252 §8.3 prefers the IP
/// literal, and so does Microsoft's reply-URL page; registrations made as the README says list
/// `http://localhost`, so that stays the default. Any other value stops the build.
pub const REDIRECT_HOST: &str = redirect_host(option_env!("AUTH0_EVENTGRID_AZURE_REDIRECT_HOST"));

const fn redirect_host(chosen: Option<&str>) -> &str {
    match chosen {
        None => "localhost",
        Some(host) if same(host, "localhost") => "localhost",
        Some(host) if same(host, "127.0.0.1") => "127.0.0.1",
        Some(_) => panic!("AUTH0_EVENTGRID_AZURE_REDIRECT_HOST must be localhost or 127.0.0.1"),
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Azure Service Management (Resource Manager) and its delegated `user_impersonation` permission.
#[derive(Debug, Clone)]
pub struct AzureSignInConfig {
    pub endpoints: AzureEndpoints,
    /// The app registration's client id; `None` when neither the build nor the settings set one.
    pub client_id: Option<String>,
    /// `organizations` signs in work and school accounts of any tenant; a tenant id pins one.
    pub tenant: String,
    /// How long the browser sign-in waits for the user.
    pub browser_timeout: Duration,
    /// Access tokens are renewed this long before they expire.
    pub renew_margin: Duration,
}

impl AzureSignInConfig {
    pub fn new(endpoints: AzureEndpoints) -> Self {
        Self {
            endpoints,
            client_id: BUILD_CLIENT_ID
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            tenant: "organizations".into(),
            browser_timeout: Duration::from_secs(300),
            renew_margin: Duration::from_secs(120),
        }
    }

    /// The client id from the settings screen, replacing the build's default; an empty value keeps the default.
    pub fn with_client_id(mut self, client_id: Option<String>) -> Self {
        if let Some(id) = client_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
        {
            self.client_id = Some(id);
        }
        self
    }

    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    pub fn with_browser_timeout(mut self, timeout: Duration) -> Self {
        self.browser_timeout = timeout;
        self
    }

    pub fn with_renew_margin(mut self, margin: Duration) -> Self {
        self.renew_margin = margin;
        self
    }

    /// The configured client id, checked to be a GUID as Entra ID issues them.
    pub fn client_id(&self) -> Result<&str, SignInError> {
        let id = self
            .client_id
            .as_deref()
            .ok_or(SignInError::ClientIdMissing)?;
        if !is_guid(id) {
            return Err(SignInError::invalid(
                "azure_client_id",
                format!(
                    "\"{id}\" is not an application (client) id: expect a GUID such as 00000000-0000-0000-0000-000000000000"
                ),
            ));
        }
        Ok(id)
    }

    pub(crate) fn check_tenant(tenant: &str) -> Result<(), SignInError> {
        let ok = !tenant.is_empty()
            && tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c));
        if ok {
            Ok(())
        } else {
            Err(SignInError::invalid(
                "azure_tenant",
                format!("\"{tenant}\" is not a tenant id, domain, 'organizations' or 'common'"),
            ))
        }
    }

    /// Resource Manager's `.default` scope (from the cloud's endpoints), plus the OpenID scopes and a refresh token.
    pub fn sign_in_scopes(&self) -> Vec<String> {
        vec![
            self.endpoints.scope.clone(),
            "offline_access".into(),
            "openid".into(),
            "profile".into(),
        ]
    }
}

pub(crate) fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use azure_client::AzureCloud;

    use super::*;

    #[test]
    fn the_redirect_host_is_localhost_unless_the_build_names_the_ip_literal() {
        assert_eq!(redirect_host(None), "localhost");
        assert_eq!(redirect_host(Some("localhost")), "localhost");
        assert_eq!(redirect_host(Some("127.0.0.1")), "127.0.0.1");
        for wrong in ["[::1]", "127.0.0.2", "example.com", ""] {
            let refused = std::panic::catch_unwind(|| redirect_host(Some(wrong)));
            assert!(refused.is_err(), "{wrong} was accepted");
        }
    }

    fn config() -> AzureSignInConfig {
        AzureSignInConfig::new(AzureEndpoints::for_cloud(&AzureCloud::Public).unwrap())
    }

    #[test]
    fn the_settings_override_the_build_default_and_are_checked() {
        let mut config = config();
        config.client_id = None;
        assert!(matches!(
            config.client_id(),
            Err(SignInError::ClientIdMissing)
        ));
        let config = config.with_client_id(Some("not-a-guid".into()));
        let err = config.client_id().unwrap_err();
        assert_eq!(err.problem().field.as_deref(), Some("azure_client_id"));
        let config = config.with_client_id(Some(" 3f1c2a4e-0b6d-4c8e-9f00-1a2b3c4d5e6f ".into()));
        assert_eq!(
            config.client_id().unwrap(),
            "3f1c2a4e-0b6d-4c8e-9f00-1a2b3c4d5e6f"
        );
        let config = config.with_client_id(Some("  ".into()));
        assert!(
            config.client_id().is_ok(),
            "an empty setting keeps the earlier id"
        );
    }

    #[test]
    fn scopes_ask_for_resource_manager_and_a_refresh_token() {
        assert_eq!(
            config().sign_in_scopes().join(" "),
            "https://management.azure.com/.default offline_access openid profile"
        );
    }

    #[test]
    fn tenants_are_checked() {
        assert!(AzureSignInConfig::check_tenant("organizations").is_ok());
        assert!(AzureSignInConfig::check_tenant("contoso.onmicrosoft.com").is_ok());
        assert!(AzureSignInConfig::check_tenant("a/b").is_err());
        assert!(AzureSignInConfig::check_tenant("").is_err());
    }
}
