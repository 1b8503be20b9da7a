//! Time and randomness as injected capabilities: production uses the wall clock and tokio timers, tests
//! pass a clock that records each wait and returns at once, so backoff and polling are deterministic.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A source of uniform numbers in `[0, 1)` used to spread retries.
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

pub fn system_jitter() -> Jitter {
    Arc::new(fastrand::f64)
}
