//! The errors embedding code can see: starting the servers and loading or saving the state file.

use std::path::PathBuf;

/// Why the sandbox could not start or persist its state.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot read the state file {path}: {source}")]
    StateRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the state file {path} is not a sandbox state: {source}")]
    StateParse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write the state file {path}: {source}")]
    StateWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no secure random numbers available: {0}")]
    Random(String),
    /// A credential (public key, certificate) or application could not be registered; names the field.
    #[error("cannot register: {0}")]
    Registration(String),
    /// A resource could not be seeded through the admin API or [`crate::SandboxHandle`]; says why.
    #[error("cannot seed: {0}")]
    Seed(String),
    #[error("cannot set up the HTTP client for webhook deliveries: {0}")]
    HttpClient(String),
}
