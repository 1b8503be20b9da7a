//! Pacing the Management API per tenant. Auth0 limits each tenant's Management API (a free tenant: two requests
//! a second) and says where a caller stands in every answer: `x-ratelimit-limit`, `x-ratelimit-remaining` and
//! `x-ratelimit-reset` (the Unix second the window starts again). Every client of one tenant in this process
//! shares one [`Pacer`]: once the tenant says nothing remains, the next requests wait for the reset instead of
//! being refused with a 429 and retried. Different tenants have different pacers, so they never wait for each
//! other; a tenant that sends no such headers (rate limiting off) is never paced.
//!
//! Source: Auth0, "Rate Limit Policy" and "Management API Endpoint Rate Limits"
//! (auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use cloud_http::Clock;
use reqwest::header::HeaderMap;

/// Where one tenant's rate limit stands, as its last answers said, minus the requests sent since.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Window {
    /// Requests per window (`x-ratelimit-limit`).
    limit: Option<u32>,
    /// Requests left in this window (`x-ratelimit-remaining`), less those sent since it was read.
    remaining: Option<u32>,
    /// Unix second at which the window starts again (`x-ratelimit-reset`).
    reset: Option<i64>,
}

/// One tenant's pacing, shared by every client of that tenant in the process.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    window: Mutex<Window>,
}

/// The pacers of every tenant this process talks to, by host and port.
static PACERS: LazyLock<Mutex<HashMap<String, Arc<Pacer>>>> = LazyLock::new(Default::default);

/// The pacer of the tenant at `host_and_port`.
pub(crate) fn pacer_for(host_and_port: &str) -> Arc<Pacer> {
    let mut pacers = PACERS.lock().unwrap_or_else(|e| e.into_inner());
    pacers
        .entry(host_and_port.to_ascii_lowercase())
        .or_default()
        .clone()
}

/// What to do before a request, given the window and the time.
#[derive(Debug, PartialEq, Eq)]
enum Turn {
    Go,
    /// Wait this long, then ask again.
    Wait(Duration),
}

impl Window {
    /// Takes a request's place in the window, or says how long to wait for the next one. A window whose reset
    /// has passed starts again full (its new reset guessed one second on, until an answer says).
    fn take(&mut self, now_ms: i128) -> Turn {
        let (Some(remaining), Some(reset)) = (self.remaining, self.reset) else {
            return Turn::Go;
        };
        let reset_ms = i128::from(reset) * 1000;
        if remaining > 0 {
            self.remaining = Some(remaining - 1);
            return Turn::Go;
        }
        if now_ms < reset_ms {
            // A little past the reset, so the tenant's clock has turned too.
            let wait = (reset_ms - now_ms + 50).clamp(1, 60_000) as u64;
            return Turn::Wait(Duration::from_millis(wait));
        }
        let limit = self.limit.unwrap_or(1).max(1);
        self.remaining = Some(limit - 1);
        self.reset = Some((now_ms / 1000) as i64 + 1);
        Turn::Go
    }

    /// Learns from an answer's headers. A later window replaces the one known; within the same window the lower
    /// count wins (answers to concurrent requests arrive in any order).
    fn observe(&mut self, limit: Option<u32>, remaining: Option<u32>, reset: Option<i64>) {
        let (Some(remaining), Some(reset)) = (remaining, reset) else {
            return;
        };
        self.limit = limit.or(self.limit);
        match self.reset {
            Some(known) if known > reset => {}
            Some(known) if known == reset => {
                self.remaining = Some(self.remaining.map_or(remaining, |r| r.min(remaining)));
            }
            _ => {
                self.reset = Some(reset);
                self.remaining = Some(remaining);
            }
        }
    }
}

impl Pacer {
    /// Waits, on `clock`, until the tenant has room for one more request, and takes it.
    pub(crate) async fn wait_turn(&self, clock: &dyn Clock) {
        loop {
            let now_ms = clock.now().unix_timestamp_nanos() / 1_000_000;
            let turn = self
                .window
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(now_ms);
            match turn {
                Turn::Go => return,
                Turn::Wait(wait) => {
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "auth0 rate limit: pacing"
                    );
                    clock.sleep(wait).await;
                }
            }
        }
    }

    /// Reads the rate-limit headers of an answer.
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        let small = |name: &str| number(name).and_then(|n| u32::try_from(n).ok());
        self.window
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .observe(
                small("x-ratelimit-limit"),
                small("x-ratelimit-remaining"),
                number("x-ratelimit-reset"),
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_that_says_nothing_is_never_paced() {
        let mut window = Window::default();
        for _ in 0..100 {
            assert_eq!(window.take(1_000), Turn::Go);
        }
        window.observe(None, None, None);
        assert_eq!(window.take(1_000), Turn::Go);
    }

    #[test]
    fn what_remains_is_spent_then_the_reset_is_awaited() {
        let mut window = Window::default();
        window.observe(Some(2), Some(1), Some(10));
        assert_eq!(window.take(9_000), Turn::Go);
        assert_eq!(window.take(9_200), Turn::Wait(Duration::from_millis(850)));
        // Past the reset: a full window again, the next reset guessed a second on.
        assert_eq!(window.take(10_100), Turn::Go);
        assert_eq!(window.take(10_200), Turn::Go);
        assert_eq!(window.take(10_300), Turn::Wait(Duration::from_millis(750)));
    }

    #[test]
    fn answers_out_of_order_keep_the_lowest_count_of_a_window_and_a_later_window_wins() {
        let mut window = Window::default();
        window.observe(Some(2), Some(0), Some(10));
        window.observe(Some(2), Some(1), Some(10));
        assert_eq!(window.remaining, Some(0));
        window.observe(Some(2), Some(1), Some(9));
        assert_eq!((window.remaining, window.reset), (Some(0), Some(10)));
        window.observe(Some(2), Some(1), Some(11));
        assert_eq!((window.remaining, window.reset), (Some(1), Some(11)));
    }

    #[test]
    fn tenants_have_pacers_of_their_own() {
        let a = pacer_for("a.auth0.com");
        assert!(Arc::ptr_eq(&a, &pacer_for("A.auth0.com")));
        assert!(!Arc::ptr_eq(&a, &pacer_for("b.auth0.com")));
    }
}
