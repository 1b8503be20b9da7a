//! Event Grid's retry schedule for a delivery that failed.

use std::time::Duration;

/// Event Grid's retry schedule (sandbox time); after the listed steps it keeps retrying every 3 hours.
const RETRY_SCHEDULE_SECS: &[u64] = &[10, 30, 60, 300, 600, 1800, 3600];

pub fn retry_delay(attempt: u32) -> Duration {
    let secs = RETRY_SCHEDULE_SECS
        .get(attempt as usize - 1)
        .copied()
        .unwrap_or(3 * 3600);
    Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_schedule_follows_event_grid() {
        assert_eq!(retry_delay(1), Duration::from_secs(10));
        assert_eq!(retry_delay(7), Duration::from_secs(3600));
        assert_eq!(retry_delay(12), Duration::from_secs(3 * 3600));
    }
}
