//! The pages the app opens and the files it asks for: the window names a page or a kind of file, Rust builds
//! the address or asks the file dialog.

use setup_engine::{ErrorCode, SetupError};

use super::types::{KeyFileKind, LinkTarget};
use super::{CloudAccounts, FileChoice};

/// Event Grid partner topics across the user's subscriptions.
const AZURE_PORTAL_PARTNER_TOPICS: &str =
    "https://portal.azure.com/#browse/Microsoft.EventGrid%2FpartnerTopics";

impl CloudAccounts {
    /// The address of `target`, built here so the window can only name a page, not give a link.
    pub fn link(&self, target: &LinkTarget) -> Result<String, SetupError> {
        let unavailable = |what: &str| {
            SetupError::new(
                ErrorCode::InvalidInput,
                format!("There is no {what} to open."),
                "Sign in first; the sandbox has no dashboard or portal of its own.",
            )
        };
        match target {
            LinkTarget::Auth0Applications { domain } => crate::dashboard_applications_url(domain)
                .ok_or_else(|| {
                    SetupError::invalid(
                        "auth0_domain",
                        "must be your tenant's Auth0 domain, such as acme.eu.auth0.com",
                    )
                }),
            LinkTarget::Auth0Dashboard => self
                .inner()
                .auth0
                .as_ref()
                .and_then(|s| crate::dashboard_applications_url(s.account.management_domain()))
                .map(|url| format!("{}log-streams", url.trim_end_matches("applications")))
                .ok_or_else(|| unavailable("Auth0 Dashboard")),
            LinkTarget::AzurePortal => Ok(AZURE_PORTAL_PARTNER_TOPICS.to_owned()),
            LinkTarget::AzureSignIn => self
                .inner()
                .pending_url
                .clone()
                .ok_or_else(|| unavailable("sign-in link")),
            LinkTarget::SetupCheck { .. } => Err(SetupError::new(
                ErrorCode::InvalidInput,
                "A saved setup's check links to its page from the app's home.",
                "Open it from the setup's checks.",
            )),
        }
    }

    /// Asks for a key or certificate file; only its path comes back (the file is read when signing in).
    pub async fn choose_key_file(
        &self,
        kind: KeyFileKind,
        title: String,
    ) -> Result<Option<String>, SetupError> {
        let (filter_name, extensions): (&'static str, &'static [&'static str]) = match kind {
            KeyFileKind::Auth0PrivateKey => ("PEM (*.pem, *.key)", &["pem", "key"]),
            KeyFileKind::AzureCertificate => {
                ("PEM, PKCS#12 (*.pem, *.pfx, *.p12)", &["pem", "pfx", "p12"])
            }
        };
        let choice = FileChoice {
            title,
            filter_name,
            extensions,
        };
        let Some(path) = (self.setup.choose_file)(choice).await else {
            return Ok(None);
        };
        let field = match kind {
            KeyFileKind::Auth0PrivateKey => "auth0_private_key_path",
            KeyFileKind::AzureCertificate => "azure_certificate_path",
        };
        path.to_str().map(|path| Some(path.to_owned())).ok_or_else(|| {
            SetupError::invalid(
                field,
                "the chosen file's path has characters this app cannot pass on: move or rename the file",
            )
        })
    }
}
