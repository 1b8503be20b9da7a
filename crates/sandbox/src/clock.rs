//! The sandbox's notion of "now": wall time plus an offset tests can advance, optionally frozen, so expiry,
//! provider registration, topic expiration and stream suspension can be driven without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// A shared, advanceable clock. Cloning shares the same time.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    offset_ms: AtomicI64,
    frozen: AtomicBool,
    frozen_at_ms: AtomicI64,
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Clock {
    /// A clock that follows wall time until advanced.
    pub fn running() -> Self {
        Self {
            inner: Arc::new(ClockInner {
                offset_ms: AtomicI64::new(0),
                frozen: AtomicBool::new(false),
                frozen_at_ms: AtomicI64::new(0),
            }),
        }
    }

    /// A clock that stands still at the current wall time and only moves with [`Clock::advance`].
    pub fn frozen() -> Self {
        let clock = Self::running();
        clock.inner.frozen_at_ms.store(wall_ms(), Ordering::SeqCst);
        clock.inner.frozen.store(true, Ordering::SeqCst);
        clock
    }

    /// Milliseconds since the Unix epoch, as the sandbox sees them.
    pub fn now_ms(&self) -> i64 {
        let base = if self.inner.frozen.load(Ordering::SeqCst) {
            self.inner.frozen_at_ms.load(Ordering::SeqCst)
        } else {
            wall_ms()
        };
        base + self.inner.offset_ms.load(Ordering::SeqCst)
    }

    /// Seconds since the Unix epoch, as the sandbox sees them.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// The current sandbox time as a date.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.now_ms() as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Moves sandbox time forward.
    pub fn advance(&self, by: Duration) {
        self.inner
            .offset_ms
            .fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }

    /// Whether time only moves through [`Clock::advance`].
    pub fn is_frozen(&self) -> bool {
        self.inner.frozen.load(Ordering::SeqCst)
    }
}

/// Formats milliseconds since the epoch as RFC 3339 with milliseconds and `Z`, as both clouds write dates.
pub fn rfc3339_ms(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses an RFC 3339 date into milliseconds since the epoch.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// A moment as an HTTP `Date` header writes it (RFC 9110 §5.6.7 IMF-fixdate, whole seconds, GMT):
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdate() {
        assert_eq!(http_date(784_111_777_999), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn frozen_clock_moves_only_when_advanced() {
        let clock = Clock::frozen();
        let start = clock.now_ms();
        assert_eq!(clock.now_ms(), start);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), start + 90_000);
    }

    #[test]
    fn dates_round_trip() {
        let ms = 1_764_000_000_123;
        let text = rfc3339_ms(ms);
        assert!(text.ends_with(".123Z"), "{text}");
        assert_eq!(parse_rfc3339_ms(&text), Some(ms));
    }
}
