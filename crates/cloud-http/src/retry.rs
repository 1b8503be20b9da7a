//! One sender for every cloud call. A 429 waits for `Retry-After` (or Auth0's `x-ratelimit-reset`), any
//! method, because a throttled request was not processed. A 5xx, timeout or dropped connection is retried
//! only when the request is idempotent (a connection that never opened is always safe to retry). Waits are
//! capped and jittered so that many clients do not retry in lockstep.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Response, StatusCode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::clock::{Clock, Jitter};

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Ceiling on a server-requested wait (`Retry-After`, `x-ratelimit-reset`).
    pub max_rate_limit_wait: Duration,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Repeating the request cannot create a second resource (GET, PUT, DELETE, and POST actions that are
    /// idempotent by contract such as `register` or `activate`).
    Idempotent,
    /// Repeating could duplicate (Auth0's `POST /log-streams`): only throttled or unsent requests are retried.
    NotIdempotent,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("could not reach {host} ({method} {path}): {reason}")]
    Unreachable {
        method: Method,
        host: String,
        path: String,
        reason: String,
    },
    #[error("could not build the HTTP client: {0}")]
    Client(String),
}

/// Exponential backoff with "equal jitter": half the step is fixed, half is random, so waits never
/// collapse to zero yet still spread out. `retry` counts from zero; `unit` is in `[0, 1)`.
pub fn backoff_delay(policy: &RetryPolicy, retry: u32, unit: f64) -> Duration {
    let factor = 2u32.saturating_pow(retry.min(20));
    let step = policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay);
    let half = step / 2;
    half + half.mul_f64(unit.clamp(0.0, 1.0))
}

/// How long the server asked us to wait: `Retry-After` (seconds or an HTTP date), else `x-ratelimit-reset`
/// (Unix seconds), clamped to `cap`. `None` when the response says nothing usable.
pub fn rate_limit_delay(
    headers: &HeaderMap,
    now: OffsetDateTime,
    cap: Duration,
) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let until = |instant: OffsetDateTime| {
        let seconds = (instant - now).as_seconds_f64().max(0.0);
        Duration::from_secs_f64(seconds)
    };
    let asked = if let Some(value) = header("retry-after") {
        match value.parse::<f64>() {
            Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => {
                Some(Duration::from_secs_f64(seconds))
            }
            _ => OffsetDateTime::parse(value, &Rfc2822).ok().map(until),
        }
    } else {
        header("x-ratelimit-reset")
            .and_then(|v| v.parse::<i64>().ok())
            .and_then(|unix| OffsetDateTime::from_unix_timestamp(unix).ok())
            .map(until)
    };
    asked.map(|wait| wait.min(cap))
}

fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 500 | 502 | 503 | 504)
}

/// Counters a benchmark or a test reads after a run: how many requests, how many of them writes, how long
/// we slept before retries and while polling long-running operations.
#[derive(Debug, Clone, Default)]
pub struct HttpStats(Arc<StatsInner>);

#[derive(Debug, Default)]
struct StatsInner {
    requests: AtomicU64,
    writes: AtomicU64,
    retries: AtomicU64,
    retry_wait_micros: AtomicU64,
    poll_wait_micros: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HttpStatsSnapshot {
    pub requests: u64,
    pub writes: u64,
    pub retries: u64,
    pub retry_wait: Duration,
    pub poll_wait: Duration,
}

impl HttpStats {
    pub fn snapshot(&self) -> HttpStatsSnapshot {
        let micros = |a: &AtomicU64| Duration::from_micros(a.load(Ordering::Relaxed));
        HttpStatsSnapshot {
            requests: self.0.requests.load(Ordering::Relaxed),
            writes: self.0.writes.load(Ordering::Relaxed),
            retries: self.0.retries.load(Ordering::Relaxed),
            retry_wait: micros(&self.0.retry_wait_micros),
            poll_wait: micros(&self.0.poll_wait_micros),
        }
    }

    pub fn record_poll_wait(&self, waited: Duration) {
        self.0
            .poll_wait_micros
            .fetch_add(waited.as_micros() as u64, Ordering::Relaxed);
    }

    fn record_request(&self, method: &Method) {
        self.0.requests.fetch_add(1, Ordering::Relaxed);
        if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.0.writes.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn record_retry(&self, waited: Duration) {
        self.0.retries.fetch_add(1, Ordering::Relaxed);
        self.0
            .retry_wait_micros
            .fetch_add(waited.as_micros() as u64, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    policy: RetryPolicy,
    clock: Arc<dyn Clock>,
    jitter: Jitter,
    stats: HttpStats,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub fn new(
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
        jitter: Jitter,
    ) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.request_timeout)
            // No cloud API this client calls answers with a redirect, and following one would re-send a
            // token request's secret or assertion (307/308 keep the body) to whatever host it names.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("auth0-eventgrid/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Client(crate::redact::error_text(e)))?;
        Ok(Self {
            client,
            policy,
            clock,
            jitter,
            stats: HttpStats::default(),
        })
    }

    /// Shares counters with another transport, so two clients report one total.
    pub fn with_stats(mut self, stats: HttpStats) -> Self {
        self.stats = stats;
        self
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub fn stats(&self) -> &HttpStats {
        &self.stats
    }

    pub fn jitter_unit(&self) -> f64 {
        (self.jitter)()
    }

    /// Sends the request built by `make` (called again for every attempt), retrying as the module explains.
    /// The last response is returned as is once retries are spent, so callers map its status to an error.
    pub async fn send(
        &self,
        make: &(dyn Fn() -> reqwest::RequestBuilder + Send + Sync),
        idempotency: Idempotency,
    ) -> Result<Response, TransportError> {
        let mut retry = 0u32;
        loop {
            let request = make()
                .build()
                .map_err(|e| TransportError::Client(crate::redact::error_text(e)))?;
            let method = request.method().clone();
            let url = request.url().clone();
            self.stats.record_request(&method);
            let last_attempt = retry + 1 >= self.policy.max_attempts;
            let outcome = self.client.execute(request).await;
            let wait = match outcome {
                Ok(response) => {
                    let status = response.status();
                    tracing::debug!(%method, path = url.path(), status = status.as_u16(), "http");
                    let server_wait = rate_limit_delay(
                        response.headers(),
                        self.clock.now(),
                        self.policy.max_rate_limit_wait,
                    );
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || (is_transient(status) && idempotency == Idempotency::Idempotent);
                    if !retryable || last_attempt {
                        return Ok(response);
                    }
                    // A little jitter on top of the server's figure avoids a thundering herd at the reset.
                    let spread = self.policy.base_delay.mul_f64(self.jitter_unit());
                    server_wait
                        .map(|w| w + spread)
                        .unwrap_or_else(|| backoff_delay(&self.policy, retry, self.jitter_unit()))
                }
                Err(error) => {
                    let unsent = error.is_connect();
                    let retryable = unsent || idempotency == Idempotency::Idempotent;
                    if !retryable || last_attempt {
                        return Err(TransportError::Unreachable {
                            method,
                            host: url.host_str().unwrap_or_default().to_owned(),
                            path: url.path().to_owned(),
                            reason: describe(error),
                        });
                    }
                    backoff_delay(&self.policy, retry, self.jitter_unit())
                }
            };
            self.stats.record_retry(wait);
            self.clock.sleep(wait).await;
            retry += 1;
        }
    }

    /// Sleeps on the injected clock while polling a long-running operation, and counts the time.
    pub async fn poll_wait(&self, wait: Duration) {
        self.stats.record_poll_wait(wait);
        self.clock.sleep(wait).await;
    }
}

fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        "the request timed out".to_owned()
    } else if error.is_connect() {
        "the connection could not be opened".to_owned()
    } else {
        crate::redact::error_text(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use time::macros::datetime;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_doubles_until_the_cap_and_stays_within_its_jitter_band() {
        let p = policy();
        let low: Vec<u128> = (0..6)
            .map(|r| backoff_delay(&p, r, 0.0).as_millis())
            .collect();
        let high: Vec<u128> = (0..6)
            .map(|r| backoff_delay(&p, r, 0.999_999).as_millis())
            .collect();
        assert_eq!(low, vec![50, 100, 200, 400, 500, 500]);
        assert_eq!(high, vec![99, 199, 399, 799, 999, 999]);
        assert_eq!(backoff_delay(&p, 60, 0.5), Duration::from_millis(750));
    }

    #[test]
    fn retry_after_seconds_wins_over_the_reset_header() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000100"));
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(
            rate_limit_delay(&headers, now, Duration::from_secs(10)),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn reset_header_counts_from_now_and_is_capped() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000002"));
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(
            rate_limit_delay(&headers, now, Duration::from_secs(10)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            rate_limit_delay(&headers, now, Duration::from_secs(1)),
            Some(Duration::from_secs(1))
        );
        let past = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        assert_eq!(
            rate_limit_delay(&headers, past, Duration::from_secs(9)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_http_date() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:05 GMT"),
        );
        let now = datetime!(2015-10-21 07:28:00 UTC);
        assert_eq!(
            rate_limit_delay(&headers, now, Duration::from_secs(10)),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn nothing_usable_means_none() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            rate_limit_delay(&headers, OffsetDateTime::UNIX_EPOCH, Duration::MAX),
            None
        );
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(
            rate_limit_delay(&headers, OffsetDateTime::UNIX_EPOCH, Duration::MAX),
            None
        );
    }
}
