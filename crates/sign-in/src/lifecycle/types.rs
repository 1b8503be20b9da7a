//! What crosses IPC about signing in: the requests the window sends, the prompts and accounts it gets back.
//! None holds a secret in a reply; a request's secret is decoded straight into a `Secret` (redacted when
//! printed, wiped when dropped), and the requests that carry one are not `Debug` all the same.

use cloud_http::Secret;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How to sign in to Azure as a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AzureSignInMethod {
    /// The system browser, back to this app on a local address.
    Browser,
    /// A code typed on another device's browser, for machines where no browser can reach this app.
    DeviceCode,
}

/// What the user must do to finish an Azure sign-in that has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AzureSignInPrompt {
    /// Sign in in the browser; the link is shown too, to copy when no browser opened.
    #[serde(rename_all = "camelCase")]
    Browser { url: String, browser_opened: bool },
    /// Open `verification_uri` anywhere and type `user_code` (meant to be shown; it is not a credential).
    #[serde(rename_all = "camelCase")]
    DeviceCode {
        user_code: String,
        verification_uri: String,
        expires_in_minutes: u32,
    },
}

/// How an Azure identity signed in; decides what it may do afterwards (only a person switches directory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AzureAccountMethod {
    Browser,
    DeviceCode,
    /// An app registration's client id and secret.
    ServicePrincipal,
    /// An app registration's client id and a certificate file with its private key.
    Certificate,
    /// The Azure CLI's own sign-in (`az login`), borrowed; nothing is stored by this app.
    AzureCli,
}

/// Who is signed in to Azure. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureAccountInfo {
    pub username: String,
    pub display_name: String,
    /// The directory (tenant) the sign-in acts in now.
    pub tenant_id: String,
    pub method: AzureAccountMethod,
}

/// How the Auth0 side signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Auth0AccountMethod {
    ClientSecret,
    PrivateKey,
    ManagementToken,
}

/// Who is signed in to Auth0 and which of the scopes the setup needs the token lacks. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0AccountInfo {
    /// The domain as typed (a custom domain stays a custom domain).
    pub domain: String,
    /// Behind a custom domain: the tenant's own domain, where the Management API is used.
    pub canonical_domain: Option<String>,
    pub client_id: Option<String>,
    pub missing_scopes: Vec<String>,
    /// The tenant's Applications page in the Auth0 Dashboard.
    pub dashboard_applications_url: Option<String>,
    pub method: Auth0AccountMethod,
    /// Whether the credential outlives the app (a pasted token only when the user asked).
    pub remembered: bool,
}

/// The Auth0 machine-to-machine application typed into the Sign in screen. Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0SignInRequest {
    pub domain: String,
    /// The tenant's own domain (`acme.eu.auth0.com`) when `domain` is a custom one; empty or absent otherwise.
    #[serde(default)]
    pub canonical_domain: Option<String>,
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// An Auth0 application that proves who it is with a private key (private-key JWT). The window sends the
/// handle [`ChosenKeyFile`] gave it for the key file, never a path or the key: Rust looks the path up, and
/// keeps it in the keychain so a restart can sign a new assertion.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0PrivateKeyRequest {
    pub domain: String,
    /// As in [`Auth0SignInRequest`].
    #[serde(default)]
    pub canonical_domain: Option<String>,
    pub client_id: String,
    /// The handle `choose_key_file` answered for the key file (kind `auth0_private_key`).
    pub key_file: String,
    pub algorithm: KeyAlgorithm,
}

/// How the client assertion is signed: what the application's credential in Auth0 was registered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
pub enum KeyAlgorithm {
    RS256,
    PS256,
}

/// A Management API token pasted from the Auth0 Dashboard. Kept in memory unless `remember` is set. Not
/// `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Auth0TokenRequest {
    pub domain: String,
    /// As in [`Auth0SignInRequest`].
    #[serde(default)]
    pub canonical_domain: Option<String>,
    #[ts(type = "string")]
    pub token: Secret,
    pub remember: bool,
}

/// An Azure app registration signing in as itself (a service principal). Not `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureServicePrincipalRequest {
    pub tenant_id: String,
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// An Azure app registration signing in with a certificate: the handle [`ChosenKeyFile`] gave the window for
/// the file (PEM with the private key, or PKCS#12; the path stays in Rust) and its password if it has one. Not
/// `Debug`: it carries a secret.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureCertificateRequest {
    pub tenant_id: String,
    pub client_id: String,
    /// The handle `choose_key_file` answered for the certificate file (kind `azure_certificate`).
    pub certificate_file: String,
    /// Empty or absent: the file has no password.
    #[ts(type = "string | null")]
    pub password: Option<Secret>,
}

/// A file the user picks in the system's file dialog; decides the dialog's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyFileKind {
    /// A PEM private key (`.pem`, `.key`).
    Auth0PrivateKey,
    /// A certificate with its private key (`.pem`, `.pfx`, `.p12`).
    AzureCertificate,
}

/// A key or certificate file chosen in the file dialog, as the window knows it: a random handle to send back
/// in the sign-in request, and the file's name without its folder, to show. The path stays in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChosenKeyFile {
    pub handle: String,
    /// Such as `auth0-private.pem`.
    pub name: String,
}

/// One cloud, for signing out of it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CloudName {
    Azure,
    Auth0,
}

/// A directory (tenant) the signed-in Azure identity belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TenantChoice {
    pub tenant_id: String,
    pub display_name: Option<String>,
    pub default_domain: Option<String>,
}

/// The directories the Azure identity can reach, the one it acts in, and whether it may switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AzureTenants {
    pub current: String,
    pub tenants: Vec<TenantChoice>,
    /// Subscriptions the identity can see in the current directory.
    pub subscription_count: u32,
    /// Only a person's sign-in (browser or device code) moves between directories.
    pub can_switch: bool,
}

/// What the Settings screen shows: the app registration, the keychain, who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsOverview {
    pub settings: Settings,
    /// The client id this build (or its environment) uses when the settings name none.
    pub default_azure_client_id: Option<String>,
    /// The one command an administrator runs to register the app in Microsoft Entra ID.
    pub registration_command: String,
    pub keychain: KeychainStatus,
    pub signed_in: SignedIn,
}

/// Whether sign-ins outlive the app: kept in the keychain, or for this session only (with why and what to do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub persistent: bool,
    pub reason: Option<String>,
    pub remedy: Option<String>,
}

/// What the app remembers between runs that is not a secret: the Azure app registration's client id and how
/// often the window checks the saved setups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Empty or absent: the build's default, if it has one.
    pub azure_client_id: Option<String>,
    /// Minutes between the window's checks of every saved setup: absent for the default (every 15), 0 for
    /// never, else 5 to 1440 (a day).
    #[serde(default)]
    pub check_interval_minutes: Option<u32>,
}

/// How often the window checks the saved setups when the settings do not say.
pub const DEFAULT_CHECK_INTERVAL_MINUTES: u32 = 15;

/// The intervals the settings accept besides 0 (never): not more often than every 5 minutes (each round reads
/// every setup from both clouds), not less often than daily.
pub const CHECK_INTERVAL_RANGE: std::ops::RangeInclusive<u32> = 5..=1440;

impl Settings {
    /// How often the window checks the saved setups; `None` when it never does.
    pub fn check_interval(&self) -> Option<std::time::Duration> {
        match self
            .check_interval_minutes
            .unwrap_or(DEFAULT_CHECK_INTERVAL_MINUTES)
        {
            0 => None,
            minutes => Some(std::time::Duration::from_secs(u64::from(minutes) * 60)),
        }
    }
}

/// A page the app opens in the system browser. The window names the page; Rust builds the address, so the
/// window cannot open arbitrary links.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkTarget {
    /// The Applications page of the tenant at `domain`, for the "create the Auth0 application" guide.
    Auth0Applications { domain: String },
    /// The signed-in tenant's log streams in the Auth0 Dashboard.
    Auth0Dashboard,
    /// Event Grid partner topics in the Azure Portal.
    AzurePortal,
    /// The pending browser sign-in's link, again.
    AzureSignIn,
    /// A subscription in the Azure portal (where an administrator grants a role on it).
    AzureSubscription { subscription_id: String },
    /// A resource group in the Azure portal (where an administrator grants a role on it).
    AzureResourceGroup {
        subscription_id: String,
        resource_group: String,
    },
    /// An event subscription on a partner topic in the Azure portal (Done's "Open in Azure").
    AzureEventSubscription {
        subscription_id: String,
        resource_group: String,
        partner_topic: String,
        name: String,
    },
    /// The page a saved setup's check links to (Auth0's Health tab has no API), from its last report. The
    /// desktop app resolves it from its saved setups; the sign-ins alone cannot.
    SetupCheck {
        #[ts(type = "number")]
        setup_id: i64,
        check: setup_engine::CheckId,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub azure: Option<AzureAccountInfo>,
    pub auth0: Option<Auth0AccountInfo>,
}
