//! The state every handler works on: the emulated world, the clock, faults, the request log, rate limits
//! and the pipeline's queue, behind one `Arc`. Its own module so the handlers and the server that mounts
//! them both import it, and the handlers never import the server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use crate::clock::{Clock, rfc3339_ms};
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::pipeline::work::{BatchQueue, PipelineJob};
use crate::state::World;
use crate::tokens::TokenSigner;

/// One request to an emulated API, as listed by `GET /_sandbox/requests`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestRecord {
    pub seq: u64,
    pub at: String,
    /// `auth0`, `login` or `management`.
    pub cloud: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    /// Whether the method can change state (anything but GET, HEAD and OPTIONS).
    pub write: bool,
}

/// What an admin simulation produces in the Auth0 tenant log.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SimulationKind {
    /// Successful logins (`s`).
    Login,
    /// Failed logins (`f`).
    LoginFailure,
    /// Successful sign-ups (`ss`).
    Signup,
}

/// Base URLs of the emulated hosts.
#[derive(Clone, Debug)]
pub(crate) struct Urls {
    pub auth0: String,
    /// The tenant's custom domain: the same tenant on a port of its own.
    pub auth0_custom_domain: String,
    pub login: String,
    pub management: String,
}

impl Urls {
    /// The Auth0 tenant's domain as clients write it (host and port).
    pub fn auth0_host(&self) -> &str {
        self.auth0.trim_start_matches("http://")
    }

    /// The custom domain as clients write it (host and port).
    pub fn auth0_custom_domain_host(&self) -> &str {
        self.auth0_custom_domain.trim_start_matches("http://")
    }
}

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub clock: Clock,
    pub signer: TokenSigner,
    pub urls: Urls,
    /// This run's admin token, new at every start: every write to the admin surface carries it
    /// (`admin::ADMIN_TOKEN_HEADER`).
    pub admin_token: String,
    world: Mutex<World>,
    faults: Mutex<Faults>,
    requests: Mutex<Vec<RequestRecord>>,
    rate_window: Mutex<(i64, u32)>,
    /// Management API rate limiting; starts from the configuration, switchable at run time.
    rate_limit: Mutex<Option<crate::config::RateLimit>>,
    pub pipeline: mpsc::UnboundedSender<PipelineJob>,
    pub http: reqwest::Client,
    /// Bounds concurrent webhook deliveries (Event Grid also limits concurrency per destination), so a
    /// burst of events does not open thousands of connections at once.
    pub delivery_slots: tokio::sync::Semaphore,
    /// Per batched event subscription, the events waiting to go out together.
    pub batches: Mutex<std::collections::HashMap<String, BatchQueue>>,
    pub dirty: Notify,
    /// Log entries, publishes and deliveries not yet finished.
    pub in_flight: AtomicUsize,
    /// Woken whenever the pipeline finishes work (tests and the benchmark wait on it).
    pub progress: Notify,
}

impl Shared {
    pub fn new(
        config: SandboxConfig,
        clock: Clock,
        signer: TokenSigner,
        urls: Urls,
        world: World,
        pipeline: mpsc::UnboundedSender<PipelineJob>,
        http: reqwest::Client,
    ) -> Result<Self, crate::error::Error> {
        Ok(Self {
            faults: Mutex::new(config.faults.clone()),
            signer,
            clock,
            urls,
            admin_token: crate::tokens::admin_token()?,
            world: Mutex::new(world),
            requests: Mutex::new(Vec::new()),
            rate_window: Mutex::new((0, 0)),
            rate_limit: Mutex::new(config.rate_limit),
            pipeline,
            http,
            delivery_slots: tokio::sync::Semaphore::new(64),
            batches: Mutex::new(std::collections::HashMap::new()),
            dirty: Notify::new(),
            in_flight: AtomicUsize::new(0),
            progress: Notify::new(),
            config,
        })
    }

    /// The world, with time-driven changes (registrations, topic expiry) applied.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let mut world = self.world.lock().unwrap_or_else(|e| e.into_inner());
        world.settle(self.clock.now_ms());
        world
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn requests(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks the saver to write the state file (coalesced; a no-op without `--state`).
    pub fn mark_dirty(&self) {
        if self.config.state_file.is_some() {
            self.dirty.notify_one();
        }
    }

    /// Appends a tenant log entry and hands it to the pipeline.
    pub fn append_log(&self, entry: Value) -> Value {
        let (seq, entry) = {
            let mut world = self.world();
            self.record_log(&mut world, entry)
        };
        self.publish_log(seq, entry.clone());
        entry
    }

    /// Writes a log entry while the caller holds the world (so it lands in order with the caller's
    /// change); hand the result to [`Shared::publish_log`] once the world is released.
    pub fn record_log(&self, world: &mut World, mut entry: Value) -> (u64, Value) {
        let now = self.clock.now_ms();
        let seq = world.next_id();
        entry["log_id"] = json!(format!("900{:020}{:017}", now.max(0), seq));
        // Auth0's schema (`LogDate`) allows the date as a string or an object; an object given through the
        // admin API is kept, as an entry written by another part of Auth0 might carry one.
        if !entry["date"].is_object() {
            entry["date"] = json!(rfc3339_ms(now));
        }
        world.auth0.logs.push(entry.clone());
        (seq, entry)
    }

    /// Hands a recorded log entry to the pipeline.
    pub fn publish_log(&self, seq: u64, entry: Value) {
        self.enqueue(seq, entry);
        self.mark_dirty();
    }

    /// Marks a log entry as entering the pipeline (called before it is queued).
    fn enqueue(&self, seq: u64, entry: Value) {
        self.start_one();
        if self.pipeline.send(PipelineJob::Log { seq, entry }).is_err() {
            self.finish_one();
        }
    }

    /// One more log entry, publish or delivery in flight.
    pub fn start_one(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
    }

    /// One fewer in flight; wakes whoever waits for the pipeline.
    pub fn finish_one(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.progress.notify_waiters();
    }

    /// Auth0 rate limiting: fixed windows on the sandbox clock. Returns (limit, remaining, reset, allowed).
    pub fn take_rate_token(&self) -> Option<(u32, u32, i64, bool)> {
        let limit = (*self.rate_limit.lock().unwrap_or_else(|e| e.into_inner()))?;
        let window_ms = limit.window.as_millis().max(1) as i64;
        let now = self.clock.now_ms();
        let start = now - now.rem_euclid(window_ms);
        let mut guard = self.rate_window.lock().unwrap_or_else(|e| e.into_inner());
        if guard.0 != start {
            *guard = (start, 0);
        }
        let allowed = guard.1 < limit.limit;
        if allowed {
            guard.1 += 1;
        }
        let remaining = limit.limit.saturating_sub(guard.1);
        let reset = (start + window_ms).div_euclid(1000);
        Some((limit.limit, remaining, reset, allowed))
    }

    /// Turns Management API rate limiting on (`Some`) or off, starting a fresh window.
    pub fn set_rate_limit(&self, limit: Option<crate::config::RateLimit>) {
        *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = limit;
        *self.rate_window.lock().unwrap_or_else(|e| e.into_inner()) = (0, 0);
    }

    pub fn rate_limit(&self) -> Option<crate::config::RateLimit> {
        *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Real time to wait for a delay expressed in sandbox time.
    pub fn compressed(&self, delay: Duration) -> Duration {
        delay / self.config.time_compression.max(1)
    }
}
