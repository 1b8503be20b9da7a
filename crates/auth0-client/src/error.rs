//! What can go wrong talking to Auth0, with enough detail for the engine to name the fix.

use cloud_http::{EndpointError, TransportError};

#[derive(Debug, thiserror::Error)]
pub enum Auth0Error {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The token endpoint refused the client id / secret.
    #[error("Auth0 refused the client credentials: {message}")]
    InvalidCredentials { message: String },
    /// The token lacks a scope the call needs (from the token's `scope` claim or a 403 naming it).
    #[error("the Auth0 token is missing the scope {scope}")]
    MissingScope { scope: String },
    /// 401 after a fresh token: the token is not accepted at all (wrong audience, revoked, pasted and expired).
    #[error("Auth0 rejected the token: {message}")]
    Unauthorized { message: String },
    #[error("Auth0 rate limit still exceeded after retries")]
    RateLimited,
    #[error("Auth0 answered {status} {error}: {message}")]
    Api {
        status: u16,
        error: String,
        message: String,
        error_code: Option<String>,
        /// Auth0's id of the request (its `X-Auth0-RequestId` answer header), for Auth0 support.
        request_id: Option<String>,
    },
    #[error("unexpected answer from Auth0 ({context}): {detail}")]
    Decode {
        context: &'static str,
        detail: String,
    },
}

impl Auth0Error {
    /// Auth0's id of the refused request, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}
