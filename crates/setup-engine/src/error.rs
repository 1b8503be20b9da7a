//! The one error type the desktop app and the command line show. `code` is stable (the UI branches on it),
//! `message` says what happened in plain words, `remedy` says what to do; `field` names the bad input and
//! `correlation_id` is what Microsoft support asks for. Every client error is converted here, at the boundary.

use auth0_client::Auth0Error;
use azure_client::AzureError;
use cloud_http::{EndpointError, TransportError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An input breaks a rule; `field` names it.
    InvalidInput,
    /// An endpoint is not https (plain http is for this machine only).
    InsecureEndpoint,
    Auth0CredentialsRejected,
    Auth0MissingScope,
    Auth0Unauthorized,
    Auth0RateLimited,
    Auth0StreamLimit,
    Auth0RequestFailed,
    /// A stream with this name exists with another Event Grid sink (or is not an Event Grid stream).
    StreamSinkMismatch,
    AzureCredentialsFailed,
    AzureAuthorizationFailed,
    AzureSubscriptionNotFound,
    ResourceGroupNotFound,
    ProviderNotRegistered,
    ProviderRegistrationTimeout,
    PartnerTopicNotFound,
    PartnerTopicExpired,
    OperationFailed,
    OperationTimedOut,
    AzureRequestFailed,
    NetworkUnreachable,
    UnexpectedResponse,
    ProgressFile,
    /// The user stopped a sign-in or a step; nothing is lost, it can be started again.
    Cancelled,
    /// No Azure app registration (client id) is configured for browser or device-code sign-in.
    AzureAppNotRegistered,
    /// The browser sign-in was not completed in time.
    SignInTimedOut,
    /// The sign-in answer was refused: the identity provider said no, or the answer did not belong to this
    /// sign-in (wrong `state`, no code).
    SignInRejected,
    DeviceCodeExpired,
    /// A stored sign-in is no longer accepted (refresh token revoked or expired): sign in again.
    SignInAgain,
    /// The loopback listener that receives the browser's answer could not be opened.
    LoopbackUnavailable,
    /// No system keychain answered; credentials are kept for this session only.
    KeychainUnavailable,
    /// The keychain refused a value or holds a damaged one.
    KeychainFailed,
    /// Auth0 cannot deliver to the chosen Azure cloud (US Government, China): only to the public regions it
    /// lists.
    AzureCloudUnsupported,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct SetupError {
    pub code: ErrorCode,
    pub message: String,
    pub remedy: String,
    pub field: Option<String>,
    pub correlation_id: Option<String>,
}

impl SetupError {
    pub fn new(code: ErrorCode, message: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            remedy: remedy.into(),
            field: None,
            correlation_id: None,
        }
    }

    pub fn invalid(field: &str, rule: impl Into<String>) -> Self {
        let rule = rule.into();
        Self {
            code: ErrorCode::InvalidInput,
            message: format!("{field}: {rule}"),
            remedy: format!("Correct {field} and try again."),
            field: Some(field.to_owned()),
            correlation_id: None,
        }
    }

    pub fn with_correlation_id(mut self, id: Option<String>) -> Self {
        self.correlation_id = id;
        self
    }
}

/// Which front end shows an error, for the few remedies whose words differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontEnd {
    /// The desktop app's window: its screens and controls, never a flag or an environment variable.
    Window,
    /// The `auth0-eventgrid` command line: its flags and environment variables.
    CommandLine,
}

/// A remedy that names how a front end does something: the window's controls or the command line's flags and
/// environment variables. Errors carry the window's words (the window has many ways in, the command line one
/// way out); [`SetupError::for_front_end`] rewords them for the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontEndRemedy {
    /// Step 1 found no resource group and was not asked to create one.
    CreateResourceGroup,
    /// Azure answered `ResourceGroupNotFound`.
    ResourceGroupNotFound,
    /// Auth0 refused the machine-to-machine application's credentials.
    Auth0ClientCredentials,
    /// The Azure credential could not get a token.
    AzureCredentials,
}

impl FrontEndRemedy {
    pub const ALL: [Self; 4] = [
        Self::CreateResourceGroup,
        Self::ResourceGroupNotFound,
        Self::Auth0ClientCredentials,
        Self::AzureCredentials,
    ];

    /// The remedy as `front_end` words it.
    pub fn words(self, front_end: FrontEnd) -> &'static str {
        match (self, front_end) {
            (Self::CreateResourceGroup, FrontEnd::Window) => {
                "Create it in the Azure portal, or choose \u{201c}Create a new one\u{201d} under Resource group in \
                 step 1."
            }
            (Self::CreateResourceGroup, FrontEnd::CommandLine) => {
                "Create it in the Azure portal, or run the setup with --create-resource-group to create it."
            }
            (Self::ResourceGroupNotFound, FrontEnd::Window) => {
                "Create the resource group in the Azure portal, or choose \u{201c}Create a new one\u{201d} under \
                 Resource group in step 1."
            }
            (Self::ResourceGroupNotFound, FrontEnd::CommandLine) => {
                "Create the resource group, or run the setup with --create-resource-group."
            }
            (Self::Auth0ClientCredentials, FrontEnd::Window) => {
                "Check the client id and client secret of the Machine to Machine application in the Auth0 Dashboard \
                 (Applications > your application > Settings): it must belong to this tenant and be authorized for \
                 the Auth0 Management API. Then sign in to Auth0 again."
            }
            (Self::Auth0ClientCredentials, FrontEnd::CommandLine) => {
                "Check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET: they must belong to a Machine to Machine application \
                 of this tenant that is authorized for the Auth0 Management API."
            }
            (Self::AzureCredentials, FrontEnd::Window) => {
                "Sign in to Azure again; if it keeps failing, check with whoever set up this computer that its Azure \
                 cloud (public, usgov, china) is the right one."
            }
            (Self::AzureCredentials, FrontEnd::CommandLine) => {
                "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or run `az login` when using \
                 --azure-cli), and that the cloud (public, usgov, china) is the right one."
            }
        }
    }

    /// The remedy `words` wrote for some front end, if it is one of these.
    fn of(remedy: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|hint| {
            [FrontEnd::Window, FrontEnd::CommandLine]
                .into_iter()
                .any(|front_end| hint.words(front_end) == remedy)
        })
    }
}

impl SetupError {
    /// The error as `front_end` shows it: a remedy worded for another front end is reworded; any other
    /// remedy is already plain.
    pub fn for_front_end(mut self, front_end: FrontEnd) -> Self {
        if let Some(hint) = FrontEndRemedy::of(&self.remedy) {
            self.remedy = hint.words(front_end).to_owned();
        }
        self
    }
}

impl From<EndpointError> for SetupError {
    fn from(error: EndpointError) -> Self {
        let code = match error {
            EndpointError::InsecureScheme { .. } | EndpointError::UnsupportedScheme { .. } => {
                ErrorCode::InsecureEndpoint
            }
            _ => ErrorCode::InvalidInput,
        };
        Self {
            code,
            field: Some(error.field().to_owned()),
            message: error.to_string(),
            remedy: "Use an https address; plain http is only accepted for 127.0.0.1, ::1 or localhost (the sandbox)."
                .into(),
            correlation_id: None,
        }
    }
}

impl From<TransportError> for SetupError {
    fn from(error: TransportError) -> Self {
        Self::new(
            ErrorCode::NetworkUnreachable,
            error.to_string(),
            "Check the network connection (and proxy settings), then run the setup again; finished steps are kept.",
        )
    }
}

impl From<Auth0Error> for SetupError {
    fn from(error: Auth0Error) -> Self {
        // Auth0's request id stands where Azure's correlation id does: what its support asks for.
        let request_id = error.request_id().map(str::to_owned);
        auth0_error(error).with_correlation_id(request_id)
    }
}

fn auth0_error(error: Auth0Error) -> SetupError {
    let message = error.to_string();
    match error {
        Auth0Error::Endpoint(e) => e.into(),
        Auth0Error::Transport(e) => e.into(),
        Auth0Error::InvalidCredentials { .. } => SetupError::new(
            ErrorCode::Auth0CredentialsRejected,
            message,
            FrontEndRemedy::Auth0ClientCredentials.words(FrontEnd::Window),
        ),
        Auth0Error::MissingScope { scope } => SetupError::new(
            ErrorCode::Auth0MissingScope,
            format!("The Auth0 application is not allowed to use the scope {scope}."),
            format!(
                "In the Auth0 dashboard open Applications > APIs > Auth0 Management API > Machine to Machine \
                     Applications, expand this application and tick {scope}, then run the setup again."
            ),
        ),
        Auth0Error::Unauthorized { .. } => SetupError::new(
            ErrorCode::Auth0Unauthorized,
            message,
            "Auth0 did not accept the token. Check that the domain is the tenant's and the application is authorized \
                 for the Management API; a pasted token may have expired (they last 24 hours).",
        ),
        Auth0Error::RateLimited => SetupError::new(
            ErrorCode::Auth0RateLimited,
            message,
            "Auth0 is rate limiting this tenant. Wait a minute and run the setup again; finished steps are kept.",
        ),
        Auth0Error::Api { status: 409, .. } => SetupError::new(
            ErrorCode::Auth0StreamLimit,
            message,
            "The tenant has reached its maximum number of log streams. Delete one you no longer use \
                 (Monitoring > Streams in the Auth0 dashboard), then run the setup again.",
        ),
        Auth0Error::Api { status: 403, .. } => SetupError::new(
            ErrorCode::Auth0MissingScope,
            message,
            "The application lacks a Management API permission. Grant read:log_streams and create:log_streams under \
                 Applications > APIs > Auth0 Management API > Machine to Machine Applications.",
        ),
        Auth0Error::Api { .. } => SetupError::new(
            ErrorCode::Auth0RequestFailed,
            message,
            "Auth0 refused the request. Check the values named in the message; if it persists, try again later.",
        ),
        Auth0Error::Decode { .. } => SetupError::new(
            ErrorCode::UnexpectedResponse,
            message,
            "Auth0 answered in an unexpected way. Try again; if it persists, report it with this message.",
        ),
    }
}

impl From<AzureError> for SetupError {
    fn from(error: AzureError) -> Self {
        let correlation_id = error.correlation_id().map(str::to_owned);
        let message = error.to_string();
        let mapped = match error {
            AzureError::Endpoint(e) => return e.into(),
            AzureError::Transport(e) => return e.into(),
            AzureError::Credential { .. } => Self::new(
                ErrorCode::AzureCredentialsFailed,
                message,
                FrontEndRemedy::AzureCredentials.words(FrontEnd::Window),
            ),
            AzureError::Arm(e) => arm_error(&e.code, message, e.status),
            AzureError::OperationFailed { .. } => Self::new(
                ErrorCode::OperationFailed,
                message,
                "Azure could not finish the operation. Run the setup again (it resumes); if it fails again, give \
                 Microsoft support the correlation id.",
            ),
            AzureError::OperationTimedOut { .. } => Self::new(
                ErrorCode::OperationTimedOut,
                message,
                "Azure is taking unusually long. Run the setup again later; it resumes where it stopped.",
            ),
            AzureError::Decode { .. } | AzureError::ForeignUrl { .. } => Self::new(
                ErrorCode::UnexpectedResponse,
                message,
                "Azure answered in an unexpected way. Try again; if it persists, report it with this message.",
            ),
        };
        mapped.with_correlation_id(correlation_id)
    }
}

fn arm_error(code: &str, message: String, status: u16) -> SetupError {
    match code {
        "AuthorizationFailed" | "LinkedAuthorizationFailed" => SetupError::new(
            ErrorCode::AzureAuthorizationFailed,
            message,
            "The Azure identity lacks a role. Give it Contributor on the resource group (or EventGrid Contributor), \
             and Microsoft.EventGrid/register/action on the subscription (Contributor on the subscription includes it).",
        ),
        "MissingSubscriptionRegistration" => SetupError::new(
            ErrorCode::ProviderNotRegistered,
            message,
            "Register the Microsoft.EventGrid resource provider on the subscription (the setup does it when allowed: \
             it needs Microsoft.EventGrid/register/action).",
        ),
        "ResourceGroupNotFound" => SetupError::new(
            ErrorCode::ResourceGroupNotFound,
            message,
            FrontEndRemedy::ResourceGroupNotFound.words(FrontEnd::Window),
        ),
        "SubscriptionNotFound" | "InvalidSubscriptionId" => SetupError::new(
            ErrorCode::AzureSubscriptionNotFound,
            message,
            "Check the subscription id, and that the signed-in identity can see it (`az account list`).",
        ),
        "InvalidAuthenticationToken"
        | "ExpiredAuthenticationToken"
        | "InvalidAuthenticationTokenAudience" => SetupError::new(
            ErrorCode::AzureCredentialsFailed,
            message,
            "Azure refused the token. Check the cloud setting and the credentials, then try again.",
        ),
        _ if status >= 500 => SetupError::new(
            ErrorCode::AzureRequestFailed,
            message,
            "Azure had a temporary problem. Run the setup again; it resumes where it stopped.",
        ),
        _ => SetupError::new(
            ErrorCode::AzureRequestFailed,
            message,
            "Azure refused the request. The message names the reason; correct it and run the setup again.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_client::ArmError;

    #[test]
    fn json_shape_is_pinned() {
        let error = SetupError {
            code: ErrorCode::OperationFailed,
            message: "m".into(),
            remedy: "r".into(),
            field: None,
            correlation_id: Some("c-1".into()),
        };
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "operation_failed", "message": "m", "remedy": "r", "field": null,
                               "correlation_id": "c-1"})
        );
        let invalid = SetupError::invalid("region", "must be one of Auth0's regions");
        assert_eq!(
            serde_json::to_value(&invalid).unwrap(),
            serde_json::json!({"code": "invalid_input", "message": "region: must be one of Auth0's regions",
                               "remedy": "Correct region and try again.", "field": "region", "correlation_id": null})
        );
        let back: SetupError =
            serde_json::from_value(serde_json::to_value(&invalid).unwrap()).unwrap();
        assert_eq!(back, invalid);
    }

    #[test]
    fn authorization_failed_names_the_role_and_keeps_the_correlation_id() {
        let error: SetupError = AzureError::Arm(ArmError {
            status: 403,
            code: "AuthorizationFailed".into(),
            message: "no access".into(),
            correlation_id: Some("corr-9".into()),
            request_id: None,
        })
        .into();
        assert_eq!(error.code, ErrorCode::AzureAuthorizationFailed);
        assert!(error.remedy.contains("Contributor"));
        assert_eq!(error.correlation_id.as_deref(), Some("corr-9"));
    }

    #[test]
    fn missing_scope_names_the_scope_and_where_to_grant_it() {
        let error: SetupError = Auth0Error::MissingScope {
            scope: "create:log_streams".into(),
        }
        .into();
        assert_eq!(error.code, ErrorCode::Auth0MissingScope);
        assert!(error.message.contains("create:log_streams"));
        assert!(
            error.remedy.contains("create:log_streams")
                && error.remedy.contains("Machine to Machine")
        );
    }

    #[test]
    fn an_auth0_refusal_keeps_auth0s_request_id_as_the_correlation_id() {
        let error: SetupError = Auth0Error::Api {
            status: 409,
            error: "Conflict".into(),
            message: "You have reached the maximum number of log streams".into(),
            error_code: None,
            request_id: Some("c629c3e05e0881e81315".into()),
        }
        .into();
        assert_eq!(error.code, ErrorCode::Auth0StreamLimit);
        assert_eq!(
            error.correlation_id.as_deref(),
            Some("c629c3e05e0881e81315")
        );
    }

    #[test]
    fn failed_operation_keeps_the_correlation_id() {
        let error: SetupError = AzureError::OperationFailed {
            operation: "event subscription".into(),
            status: "Failed".into(),
            code: "Internal".into(),
            message: "boom".into(),
            correlation_id: Some("corr-1".into()),
        }
        .into();
        assert_eq!(error.code, ErrorCode::OperationFailed);
        assert_eq!(error.correlation_id.as_deref(), Some("corr-1"));
    }

    /// What a remedy must not name in the window: the command line's flags and environment variables.
    fn names_a_flag_or_variable(remedy: &str) -> bool {
        remedy.contains("--") || remedy.contains("AUTH0_") || remedy.contains("AZURE_")
    }

    #[test]
    fn the_window_never_hears_of_a_flag_and_the_command_line_still_does() {
        for hint in FrontEndRemedy::ALL {
            let window = hint.words(FrontEnd::Window);
            let command_line = hint.words(FrontEnd::CommandLine);
            assert!(!names_a_flag_or_variable(window), "{hint:?}: {window}");
            assert!(
                names_a_flag_or_variable(command_line),
                "{hint:?}: {command_line}"
            );
        }
        let converted: [SetupError; 3] = [
            Auth0Error::InvalidCredentials {
                message: "access_denied".into(),
            }
            .into(),
            AzureError::Credential {
                message: "AADSTS7000215".into(),
            }
            .into(),
            AzureError::Arm(ArmError {
                status: 404,
                code: "ResourceGroupNotFound".into(),
                message: "no such group".into(),
                correlation_id: None,
                request_id: None,
            })
            .into(),
        ];
        for error in converted {
            assert!(!names_a_flag_or_variable(&error.remedy), "{error:?}");
            let shown = error.clone().for_front_end(FrontEnd::Window);
            assert_eq!(shown, error, "errors carry the window's words");
            let cli = error.for_front_end(FrontEnd::CommandLine);
            assert!(names_a_flag_or_variable(&cli.remedy), "{cli:?}");
        }
        let plain = SetupError::invalid("region", "must be one of Auth0's regions");
        assert_eq!(plain.clone().for_front_end(FrontEnd::CommandLine), plain);
    }

    #[test]
    fn plain_http_endpoint_is_an_insecure_endpoint() {
        let error: SetupError =
            cloud_http::parse_endpoint("azure_management_url", "http://example.com")
                .unwrap_err()
                .into();
        assert_eq!(error.code, ErrorCode::InsecureEndpoint);
        assert_eq!(error.field.as_deref(), Some("azure_management_url"));
    }
}
