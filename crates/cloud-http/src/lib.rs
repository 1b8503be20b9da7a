//! HTTP plumbing shared by the Auth0 and Azure clients: which endpoints may be called, a secret type that
//! cannot leak, and one retrying sender (rate limits, transient failures, capped jittered backoff) whose
//! clock and randomness are injected so tests control time.

mod clock;
mod endpoint;
mod redact;
mod retry;
mod sensitive;

pub use clock::{Clock, Jitter, SystemClock, system_jitter};
pub use endpoint::{EndpointError, is_loopback, parse_endpoint};
pub use redact::{QueryStripping, error_text, strip_url_queries};
pub use retry::{
    HttpStats, HttpStatsSnapshot, Idempotency, RetryPolicy, Transport, TransportError,
    backoff_delay, rate_limit_delay,
};
pub use sensitive::Secret;
