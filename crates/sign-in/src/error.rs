//! What can go wrong while signing in, each with a stable code for the UI, a plain message and a remedy.
//! No variant carries a token, a code or a secret: messages come from error codes and descriptions only.

use auth0_client::Auth0Error;
use azure_client::AzureError;
use keychain::KeychainError;
use serde::Serialize;
use setup_engine::{ErrorCode, SetupError};

use crate::registration::registration_remedy;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// An input breaks a rule, found before anything was sent.
    #[error("{field}: {rule}")]
    InvalidInput { field: &'static str, rule: String },
    /// Browser and device sign-in need the app registration's client id, and none is configured.
    #[error(
        "no Azure app registration (client id) is configured for signing in with a Microsoft account"
    )]
    ClientIdMissing,
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("the sign-in was not completed within {waited_secs} s")]
    TimedOut { waited_secs: u64 },
    /// The browser came back with a `state` that this sign-in did not send: possibly a forged request.
    #[error(
        "the browser returned to the app with a sign-in answer that does not belong to this sign-in"
    )]
    StateMismatch,
    #[error("the browser returned to the app without an authorization code")]
    MissingCode,
    /// The identity provider refused at the authorize page, or the user declined.
    #[error("the sign-in was refused: {error}{}", describe(.description))]
    Refused {
        error: String,
        description: Option<String>,
    },
    /// The device code expired before anyone approved it.
    #[error("the sign-in code expired before the sign-in was approved")]
    DeviceCodeExpired,
    /// The account may not act in the directory it asked to switch to (not a member or guest there).
    #[error("your account cannot act in the directory {tenant}{}", describe(.detail))]
    NotInDirectory {
        tenant: String,
        detail: Option<String>,
    },
    /// The stored refresh token is expired or revoked: only an interactive sign-in helps.
    #[error("your Azure sign-in has expired or was revoked{}", describe(.detail))]
    SignInAgain { detail: Option<String> },
    #[error("could not listen for the browser's answer on this computer: {detail}")]
    Listener { detail: String },
    #[error("could not reach the sign-in service: {detail}")]
    Network { detail: String },
    #[error("unexpected answer from the sign-in service: {detail}")]
    Unexpected { detail: String },
    #[error("the account list at {path} could not be used: {detail}")]
    AccountFile { path: String, detail: String },
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Auth0(#[from] Auth0Error),
    #[error(transparent)]
    Azure(#[from] AzureError),
}

fn describe(detail: &Option<String>) -> String {
    detail
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

impl SignInError {
    /// A stable code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "InvalidInput",
            Self::ClientIdMissing => "AzureAppNotRegistered",
            Self::Cancelled => "SignInCancelled",
            Self::TimedOut { .. } => "SignInTimedOut",
            Self::StateMismatch => "SignInStateMismatch",
            Self::MissingCode => "SignInNoCode",
            Self::Refused { .. } => "SignInRefused",
            Self::DeviceCodeExpired => "DeviceCodeExpired",
            Self::NotInDirectory { .. } => "SignInNotInDirectory",
            Self::SignInAgain { .. } => "SignInAgain",
            Self::Listener { .. } => "LoopbackUnavailable",
            Self::Network { .. } => "NetworkUnreachable",
            Self::Unexpected { .. } => "UnexpectedResponse",
            Self::AccountFile { .. } => "AccountFile",
            Self::Keychain(e) => e.code(),
            Self::Auth0(Auth0Error::InvalidCredentials { .. }) => "Auth0CredentialsRejected",
            Self::Auth0(Auth0Error::Unauthorized { .. }) => "Auth0Unauthorized",
            Self::Auth0(Auth0Error::MissingScope { .. }) => "Auth0MissingScope",
            Self::Auth0(Auth0Error::Endpoint(_)) | Self::Azure(AzureError::Endpoint(_)) => {
                "InsecureEndpoint"
            }
            Self::Auth0(Auth0Error::Transport(_)) | Self::Azure(AzureError::Transport(_)) => {
                "NetworkUnreachable"
            }
            Self::Auth0(_) => "Auth0RequestFailed",
            Self::Azure(AzureError::Credential { .. }) => "AzureCredentialsFailed",
            Self::Azure(_) => "AzureRequestFailed",
        }
    }

    /// What the user can do about it, in plain words.
    pub fn remedy(&self) -> String {
        match self {
            Self::InvalidInput { field, .. } => format!("Correct {field} and try again."),
            Self::ClientIdMissing => registration_remedy(),
            Self::Cancelled => "Start the sign-in again when you are ready.".into(),
            Self::TimedOut { .. } => {
                "Start the sign-in again and finish it in the browser window that opens (or open the link shown \
                 in the app)."
                    .into()
            }
            Self::StateMismatch | Self::MissingCode => {
                "Start the sign-in again from the app, and use only the newest sign-in link.".into()
            }
            Self::Refused { .. } => {
                "Check that you signed in with the right account and accepted the permissions, then try again. \
                 If your organization requires admin consent, ask an administrator to approve the app."
                    .into()
            }
            Self::DeviceCodeExpired => {
                "Start the sign-in again and enter the new code within 15 minutes.".into()
            }
            Self::NotInDirectory { .. } => {
                "Stay in your current directory, or ask an administrator of that directory to invite your account \
                 as a guest, then switch again."
                    .into()
            }
            Self::SignInAgain { .. } => "Sign in to Azure again.".into(),
            Self::Listener { .. } => {
                "Another program may be blocking local connections; use the device-code sign-in instead.".into()
            }
            Self::Network { .. } => {
                "Check your internet connection (and proxy settings), then try again.".into()
            }
            Self::Unexpected { .. } => "Try again; if it keeps happening, copy the diagnostics and report it.".into(),
            Self::AccountFile { .. } => {
                "Check that the app may write to its settings folder, or sign out and in again.".into()
            }
            Self::Keychain(e) => e.remedy().into(),
            Self::Auth0(Auth0Error::InvalidCredentials { .. }) => {
                "Check the domain, client id and client secret of the machine-to-machine application in the Auth0 \
                 Dashboard (Applications > your application > Settings)."
                    .into()
            }
            Self::Auth0(Auth0Error::MissingScope { scope }) => format!(
                "In the Auth0 Dashboard, open Applications > APIs > Auth0 Management API > Machine to Machine \
                 Applications, and grant your application the scope {scope}."
            ),
            Self::Auth0(Auth0Error::Unauthorized { .. }) => {
                "The token is not accepted (expired, revoked or for another tenant): sign in to Auth0 again.".into()
            }
            Self::Auth0(_) | Self::Azure(_) => {
                "Check the details you entered and your connection, then try again.".into()
            }
        }
    }

    /// The error as the UI and the command line show it.
    pub fn problem(&self) -> SignInProblem {
        SignInProblem {
            code: self.code().to_owned(),
            message: self.to_string(),
            remedy: self.remedy(),
            field: match self {
                Self::InvalidInput { field, .. } => Some((*field).to_owned()),
                _ => None,
            },
        }
    }

    pub(crate) fn invalid(field: &'static str, rule: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            rule: rule.into(),
        }
    }
}

/// A sign-in error ready to cross IPC: code, message and remedy, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInProblem {
    pub code: String,
    pub message: String,
    pub remedy: String,
    pub field: Option<String>,
}

/// The sign-in crate's problem as the one error type the window and the command line show, each sign-in
/// code with an `ErrorCode` of its own so the UI can branch on it. Lives here, not in the engine: sign-in
/// depends on the engine, never the other way.
impl From<SignInError> for SetupError {
    fn from(error: SignInError) -> Self {
        let problem = error.problem();
        let code = match &error {
            SignInError::InvalidInput { .. } => ErrorCode::InvalidInput,
            SignInError::ClientIdMissing => ErrorCode::AzureAppNotRegistered,
            SignInError::Cancelled => ErrorCode::Cancelled,
            SignInError::TimedOut { .. } => ErrorCode::SignInTimedOut,
            SignInError::StateMismatch
            | SignInError::MissingCode
            | SignInError::Refused { .. }
            | SignInError::NotInDirectory { .. } => ErrorCode::SignInRejected,
            SignInError::DeviceCodeExpired => ErrorCode::DeviceCodeExpired,
            SignInError::SignInAgain { .. } => ErrorCode::SignInAgain,
            SignInError::Listener { .. } => ErrorCode::LoopbackUnavailable,
            SignInError::Network { .. } => ErrorCode::NetworkUnreachable,
            SignInError::Unexpected { .. } => ErrorCode::UnexpectedResponse,
            SignInError::AccountFile { .. } => ErrorCode::ProgressFile,
            SignInError::Keychain(KeychainError::Unavailable { .. }) => {
                ErrorCode::KeychainUnavailable
            }
            SignInError::Keychain(_) => ErrorCode::KeychainFailed,
            SignInError::Auth0(Auth0Error::InvalidCredentials { .. }) => {
                ErrorCode::Auth0CredentialsRejected
            }
            SignInError::Auth0(Auth0Error::Unauthorized { .. }) => ErrorCode::Auth0Unauthorized,
            SignInError::Auth0(Auth0Error::MissingScope { .. }) => ErrorCode::Auth0MissingScope,
            SignInError::Auth0(Auth0Error::Endpoint(_))
            | SignInError::Azure(AzureError::Endpoint(_)) => ErrorCode::InsecureEndpoint,
            SignInError::Auth0(Auth0Error::Transport(_))
            | SignInError::Azure(AzureError::Transport(_)) => ErrorCode::NetworkUnreachable,
            SignInError::Auth0(_) => ErrorCode::Auth0RequestFailed,
            SignInError::Azure(AzureError::Credential { .. }) => ErrorCode::AzureCredentialsFailed,
            SignInError::Azure(_) => ErrorCode::AzureRequestFailed,
        };
        // Where several sign-in codes share one app code, the precise one stays visible for diagnostics.
        let message = match code {
            ErrorCode::SignInRejected
            | ErrorCode::KeychainFailed
            | ErrorCode::AzureCredentialsFailed
            | ErrorCode::ProgressFile => format!("{} [{}]", problem.message, problem.code),
            _ => problem.message,
        };
        SetupError {
            code,
            message,
            remedy: problem.remedy,
            field: problem.field,
            correlation_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_have_a_stable_shape() {
        let problem = SignInError::SignInAgain {
            detail: Some("AADSTS50173".into()),
        }
        .problem();
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["code"], "SignInAgain");
        assert_eq!(json["remedy"], "Sign in to Azure again.");
        assert!(json["message"].as_str().unwrap().contains("AADSTS50173"));
        assert_eq!(json["field"], serde_json::Value::Null);
    }

    #[test]
    fn sign_in_errors_convert_into_the_one_error_type_with_codes_of_their_own() {
        let cases: [(SignInError, ErrorCode); 6] = [
            (SignInError::Cancelled, ErrorCode::Cancelled),
            (
                SignInError::ClientIdMissing,
                ErrorCode::AzureAppNotRegistered,
            ),
            (SignInError::StateMismatch, ErrorCode::SignInRejected),
            (SignInError::DeviceCodeExpired, ErrorCode::DeviceCodeExpired),
            (
                SignInError::Keychain(KeychainError::Unavailable {
                    detail: "no Secret Service".into(),
                }),
                ErrorCode::KeychainUnavailable,
            ),
            (
                SignInError::invalid("azure_tenant", "choose the directory"),
                ErrorCode::InvalidInput,
            ),
        ];
        for (error, code) in cases {
            let remedy = error.remedy();
            let converted = SetupError::from(error);
            assert_eq!(converted.code, code, "{converted:?}");
            assert_eq!(converted.remedy, remedy);
        }
        // Several sign-in codes share SignInRejected: the precise one stays in the message.
        let rejected = SetupError::from(SignInError::MissingCode);
        assert!(
            rejected.message.ends_with("[SignInNoCode]"),
            "{}",
            rejected.message
        );
        let invalid = SetupError::from(SignInError::invalid("azure_tenant", "choose one"));
        assert_eq!(invalid.field.as_deref(), Some("azure_tenant"));
    }

    #[test]
    fn a_missing_client_id_explains_the_registration() {
        let remedy = SignInError::ClientIdMissing.remedy();
        assert!(remedy.contains("user_impersonation"));
        assert!(remedy.contains("http://localhost"));
        assert!(remedy.contains("Settings"));
        // The window shows it: no command line's flag in it (the command is beside it, to copy).
        assert!(!remedy.contains("--"), "{remedy}");
    }
}
