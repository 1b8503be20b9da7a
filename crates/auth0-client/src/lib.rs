//! Auth0 Management API client for what the Event Grid integration needs: a client-credentials token (or a
//! pasted Management API token), log streams, and log search. Written from Auth0's published OpenAPI
//! document; shares no types with the sandbox.

mod client;
mod error;
mod model;
mod pacing;
mod token;

pub use client::{Auth0Client, Auth0Credentials, REQUIRED_SCOPES};
pub use error::Auth0Error;
pub use model::{
    EVENT_CATEGORIES, EVENT_GRID_REGIONS, EventGridSink, LogDate, LogEntry, LogStream,
    LogStreamFilter, LogStreamStatus, LogStreamUpdate, NewEventGridSink, NewEventGridStream,
    PiiConfig, PiiLogField, PiiMethod,
};
pub use token::granted_scopes;
