//! How often to ask whether a long-running operation (provider registration, an event subscription PUT) has
//! finished: fast at first, since most finish in well under a second, then backing off to a ceiling, never
//! past a deadline. A server's `Retry-After` is honoured up to the ceiling from the second poll on: the first
//! look comes quickly, because ARM suggests a generic interval even for operations done in milliseconds.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    pub first: Duration,
    pub ceiling: Duration,
    /// Total waiting after which the operation is reported as timed out.
    pub deadline: Duration,
}

impl Default for PollSchedule {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(25),
            ceiling: Duration::from_secs(5),
            deadline: Duration::from_secs(600),
        }
    }
}

/// The wait before poll number `poll` (from zero): doubling from `first` up to `ceiling`; after the first
/// poll a server's `Retry-After` replaces it, clamped to the ceiling.
pub fn poll_delay(schedule: &PollSchedule, poll: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(asked) = retry_after.filter(|_| poll > 0) {
        return asked.min(schedule.ceiling);
    }
    let factor = 2u32.saturating_pow(poll.min(20));
    schedule.first.saturating_mul(factor).min(schedule.ceiling)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_fast_then_backs_off_to_the_ceiling() {
        let s = PollSchedule::default();
        let waits: Vec<u128> = (0..10)
            .map(|p| poll_delay(&s, p, None).as_millis())
            .collect();
        assert_eq!(
            waits,
            vec![25, 50, 100, 200, 400, 800, 1600, 3200, 5000, 5000]
        );
        assert_eq!(poll_delay(&s, 99, None), s.ceiling);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_ceiling_after_a_fast_first_look() {
        let s = PollSchedule::default();
        assert_eq!(poll_delay(&s, 0, Some(Duration::from_secs(2))), s.first);
        assert_eq!(
            poll_delay(&s, 1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(poll_delay(&s, 1, Some(Duration::from_secs(60))), s.ceiling);
        assert_eq!(poll_delay(&s, 3, Some(Duration::ZERO)), Duration::ZERO);
    }
}
