//! Resource Manager errors keep ARM's `code` and the correlation id the user must quote to Microsoft.

use cloud_http::{EndpointError, TransportError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmError {
    pub status: u16,
    /// ARM's error code, e.g. `AuthorizationFailed`, `ResourceGroupNotFound`.
    pub code: String,
    pub message: String,
    pub correlation_id: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("could not get an Azure token: {message}")]
    Credential { message: String },
    #[error("Azure answered {} {}: {}", .0.status, .0.code, .0.message)]
    Arm(ArmError),
    #[error("the long-running operation {operation} ended {status}: {code}: {message}")]
    OperationFailed {
        operation: String,
        status: String,
        code: String,
        message: String,
        correlation_id: Option<String>,
    },
    #[error("gave up waiting for {operation} after {waited_secs} s")]
    OperationTimedOut { operation: String, waited_secs: u64 },
    #[error("unexpected answer from Azure ({context}): {detail}")]
    Decode {
        context: &'static str,
        detail: String,
    },
    #[error("refused to follow {url}: it is not on the configured Resource Manager host")]
    ForeignUrl { url: String },
}

impl AzureError {
    pub fn arm_code(&self) -> Option<&str> {
        match self {
            Self::Arm(e) => Some(&e.code),
            _ => None,
        }
    }

    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Self::Arm(e) => e.correlation_id.as_deref(),
            Self::OperationFailed { correlation_id, .. } => correlation_id.as_deref(),
            _ => None,
        }
    }
}
