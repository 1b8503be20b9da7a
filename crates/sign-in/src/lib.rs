//! Signing in to Auth0 and Azure, for the desktop app and the command line alike (no Tauri here).
//!
//! - Azure: [`AzureSignIn::start_browser`] (authorization code + PKCE S256, RFC 8252 loopback redirect) or
//!   [`AzureSignIn::start_device_code`], ending in an [`AzureSession`] whose `TokenCredential` renews access
//!   tokens from a refresh token kept in the keychain.
//! - Auth0: [`Auth0SignIn`] with a machine-to-machine application's client secret or private key (private-key
//!   JWT), or a pasted Management API token; the missing log-stream scopes are named. Behind a custom domain
//!   the tenant's canonical domain is asked for too ([`canonical_domain`]) and the Management API used there.
//! - The lifecycle a front end drives ([`CloudAccounts`]): start, finish and cancel a sign-in, restore the
//!   last run's from the keychain, remember, switch directory, sign out; errors are the engine's
//!   [`setup_engine::SetupError`] (a [`SignInError`] converts with `From`).
//! - Which Azure cloud ([`AzurePresets`] from the environment, [`CloudSettings`] from flags): one set of rules.
//! - What is remembered: refresh tokens and client secrets in the keychain only; who signed in (no secret) in
//!   [`AccountFile`]. Access tokens live in memory.

mod accounts;
mod auth0;
mod azure;
mod config;
mod credential;
mod custom_domain;
mod error;
mod key_file;
mod lifecycle;
mod loopback;
mod oauth;
mod presets;
mod registration;
mod session;

pub use accounts::{AccountFile, SignedInAccounts};
pub use auth0::{
    AssertionAlgorithm, Auth0Account, Auth0Method, Auth0Session, Auth0SignIn, LOG_STREAM_SCOPES,
    dashboard_applications_url,
};
pub use azure::{
    AzureAccount, AzureMethod, AzureSession, AzureSignIn, BrowserSignIn, DeviceSignIn,
};
pub use config::{AzureSignInConfig, BUILD_CLIENT_ID};
pub use credential::{REFRESH_TOKEN_KEY, RefreshTokenCredential};
pub use custom_domain::{CANONICAL_DOMAIN_FIELD, canonical_domain};
pub use error::{SignInError, SignInProblem};
pub use key_file::{MAX_KEY_FILE_BYTES, read_key_file_blocking};
pub use lifecycle::{
    APP_IDENTIFIER, Auth0AccountInfo, Auth0AccountMethod, Auth0PrivateKeyRequest,
    Auth0SignInRequest, Auth0TokenRequest, AzureAccountInfo, AzureAccountMethod,
    AzureCertificateRequest, AzureServicePrincipalRequest, AzureSignInMethod, AzureSignInPrompt,
    AzureTenants, CHECK_INTERVAL_RANGE, ChooseFile, ChosenKeyFile, CloudAccounts, CloudName,
    DEFAULT_CHECK_INTERVAL_MINUTES, FileChoice, KeyAlgorithm, KeyFileKind, KeychainStatus,
    LinkTarget, OpenUrl, Settings, SettingsOverview, SignInSetup, SignedIn, SignedInConnection,
    TenantChoice, app_folder,
};
pub use loopback::{BrowserCallback, CallbackPage, CallbackReply, LoopbackListener, SignInCancel};
pub use presets::{
    AUTHORITY_URL_VARIABLE, AzurePresets, CLIENT_ID_VARIABLE, CLOUD_VARIABLE, CloudSettingNames,
    CloudSettings, MANAGEMENT_URL_VARIABLE, client_id_preset,
};
pub use registration::{registration_command, registration_remedy};
pub use session::{
    Mode, SANDBOX_INBOX, SessionInfo, cloud_session, folder_error, sandbox_session, start_sandbox,
};
