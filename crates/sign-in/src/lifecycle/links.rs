//! The pages the app opens and the files it asks for: the window names a page or a kind of file, Rust builds
//! the address or asks the file dialog (and keeps the chosen file's path, see `key_files`).

use std::path::PathBuf;

use setup_engine::{ErrorCode, SetupError};

use super::types::{ChosenKeyFile, KeyFileKind, LinkTarget};
use super::{CloudAccounts, FileChoice, key_files};

/// Event Grid partner topics across the user's subscriptions.
const AZURE_PORTAL_PARTNER_TOPICS: &str =
    "https://portal.azure.com/#browse/Microsoft.EventGrid%2FpartnerTopics";

/// The Azure resource id a portal link names, from parts each checked against Azure's naming rules (so the
/// window names a resource, never gives a link).
fn resource_id(target: &LinkTarget) -> Result<String, SetupError> {
    let subscription = |id: &str| {
        let ok = id.len() == 36
            && id.chars().enumerate().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        if ok {
            Ok(format!("/subscriptions/{id}"))
        } else {
            Err(SetupError::invalid(
                "subscription_id",
                "must be a subscription ID such as 11111111-2222-3333-4444-555555555555",
            ))
        }
    };
    let name = |field: &str, value: &str| {
        let ok = !value.is_empty()
            && value.len() <= 90
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c));
        if ok {
            Ok(value.to_owned())
        } else {
            Err(SetupError::invalid(
                field,
                "must be 1 to 90 letters, digits, dashes, underscores, dots or brackets",
            ))
        }
    };
    match target {
        LinkTarget::AzureSubscription { subscription_id } => subscription(subscription_id),
        LinkTarget::AzureResourceGroup {
            subscription_id,
            resource_group,
        } => Ok(format!(
            "{}/resourceGroups/{}",
            subscription(subscription_id)?,
            name("resource_group", resource_group)?
        )),
        LinkTarget::AzureEventSubscription {
            subscription_id,
            resource_group,
            partner_topic,
            name: event_subscription,
        } => Ok(format!(
            "{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{}/eventSubscriptions/{}",
            subscription(subscription_id)?,
            name("resource_group", resource_group)?,
            name("partner_topic", partner_topic)?,
            name("event_subscription_name", event_subscription)?
        )),
        _ => Err(SetupError::new(
            ErrorCode::InvalidInput,
            "This page is not an Azure resource.",
            "Open it from where the app offers it.",
        )),
    }
}

/// A resource's page in the Azure portal, in the form the portal's own links take:
/// `https://portal.azure.com/#@{tenant}/resource{resource id}`.
fn portal_resource_url(tenant: &str, id: &str) -> Result<String, SetupError> {
    if tenant.is_empty()
        || !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
    {
        return Err(SetupError::new(
            ErrorCode::InvalidInput,
            "The signed-in Azure directory has an unexpected ID.",
            "Sign in to Azure again.",
        ));
    }
    Ok(format!("https://portal.azure.com/#@{tenant}/resource{id}"))
}

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
            LinkTarget::AzureSubscription { .. }
            | LinkTarget::AzureResourceGroup { .. }
            | LinkTarget::AzureEventSubscription { .. } => {
                let tenant = self
                    .inner()
                    .azure
                    .as_ref()
                    .map(|s| s.account().tenant_id.clone())
                    .ok_or_else(|| unavailable("Azure portal page"))?;
                portal_resource_url(&tenant, &resource_id(target)?)
            }
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

    /// Asks for a key or certificate file and keeps its path here: the window gets only a random handle for
    /// it (to send back when signing in) and the file's name, or nothing when the dialog was closed. The file
    /// is read when signing in.
    pub async fn choose_key_file(
        &self,
        kind: KeyFileKind,
        title: String,
    ) -> Result<Option<ChosenKeyFile>, SetupError> {
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
        self.keep_key_file(kind, path).map(Some)
    }

    /// Keeps `path` as the file chosen for `kind` (what the file dialog does; Rust callers such as tests give
    /// the path themselves) and answers the handle a sign-in request names it by, with the file's name. A
    /// path that is not valid Unicode is refused: the keychain keeps the path as text for the next start.
    pub fn keep_key_file(
        &self,
        kind: KeyFileKind,
        path: PathBuf,
    ) -> Result<ChosenKeyFile, SetupError> {
        if path.to_str().is_none() {
            return Err(SetupError::invalid(
                key_files::field(kind),
                "the chosen file's path has characters this app cannot keep: move or rename the file",
            ));
        }
        self.inner().key_files.keep(kind, path)
    }

    /// The path of the file chosen for `kind` that `handle` names; any other handle is refused naming the field.
    pub(super) fn chosen_key_file(
        &self,
        kind: KeyFileKind,
        handle: &str,
    ) -> Result<PathBuf, SetupError> {
        key_files::resolve(&self.inner().key_files, kind, handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBSCRIPTION: &str = "11111111-2222-3333-4444-555555555555";

    #[test]
    fn an_event_subscription_opens_at_its_resource_id_in_the_signed_in_directory() {
        let target = LinkTarget::AzureEventSubscription {
            subscription_id: SUBSCRIPTION.into(),
            resource_group: "auth0-events".into(),
            partner_topic: "auth0-logs-1".into(),
            name: "auth0-logs".into(),
        };
        let url =
            portal_resource_url("contoso.onmicrosoft.com", &resource_id(&target).unwrap()).unwrap();
        assert_eq!(
            url,
            "https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/\
             11111111-2222-3333-4444-555555555555/resourceGroups/auth0-events/providers/Microsoft.EventGrid/\
             partnerTopics/auth0-logs-1/eventSubscriptions/auth0-logs"
        );
    }

    #[test]
    fn a_resource_group_and_a_subscription_open_at_their_ids() {
        let group = LinkTarget::AzureResourceGroup {
            subscription_id: SUBSCRIPTION.into(),
            resource_group: "security(logs).eu".into(),
        };
        assert_eq!(
            resource_id(&group).unwrap(),
            format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/security(logs).eu")
        );
        let subscription = LinkTarget::AzureSubscription {
            subscription_id: SUBSCRIPTION.into(),
        };
        assert_eq!(
            resource_id(&subscription).unwrap(),
            format!("/subscriptions/{SUBSCRIPTION}")
        );
    }

    #[test]
    fn a_part_that_could_change_the_address_is_refused_and_named() {
        let sneaky = LinkTarget::AzureResourceGroup {
            subscription_id: SUBSCRIPTION.into(),
            resource_group: "g/../../evil#x".into(),
        };
        assert_eq!(
            resource_id(&sneaky).unwrap_err().field.as_deref(),
            Some("resource_group")
        );
        let bad = LinkTarget::AzureSubscription {
            subscription_id: "not-a-subscription".into(),
        };
        assert_eq!(
            resource_id(&bad).unwrap_err().field.as_deref(),
            Some("subscription_id")
        );
        assert!(portal_resource_url("evil.com/x#", "/subscriptions/s").is_err());
    }
}
