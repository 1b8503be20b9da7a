//! Injected misbehaviour: per-route or global latency, 429 with `Retry-After`, 5xx at a rate, plus the
//! non-HTTP faults (long-running operations that fail, tokens that expire early, refresh tokens revoked).
//! Rates are applied deterministically (every k-th matching request), so tests see the same sequence
//! every run.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// All faults currently switched on.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Faults {
    /// HTTP faults on the emulated APIs, checked in order; the first that fires answers the request.
    pub rules: Vec<FaultRule>,
    /// The next this-many long-running operations (event subscription PUTs) end `Failed`.
    pub failing_operations: u32,
    /// When set, access tokens stop being accepted this many seconds after issue, whatever `exp` says.
    pub token_lifetime_secs: Option<u64>,
    /// Refresh tokens are refused (`invalid_grant`) as if an administrator revoked them.
    pub revoke_refresh_tokens: bool,
    /// The next this-many reads of a resource provider that is registering answer `NotRegistered`, as a
    /// Resource Manager replica that has not yet seen the register call would.
    pub stale_registration_reads: u32,
    /// Long-running operations answer as older resource providers do: `202 Accepted` with no body and only
    /// a `Location` to poll (no `Azure-AsyncOperation`), event subscription PUTs included.
    pub location_only_operations: bool,
}

/// One HTTP fault and where it applies.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    pub kind: FaultKind,
    /// `auth0`, `login` (identity platform) or `management` (Resource Manager); `None` = all.
    #[serde(default)]
    pub cloud: Option<String>,
    /// Only requests with this method (e.g. `PUT`).
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path contains this text (case-insensitive), e.g. `/log-streams`.
    #[serde(default)]
    pub path_contains: Option<String>,
    /// Fraction of matching requests affected, 0 < rate <= 1 (default 1 = all).
    #[serde(default = "one")]
    pub rate: f64,
    /// Stop after firing this many times (`None` = forever).
    #[serde(default)]
    pub times: Option<u32>,
    /// Let this many matching requests through untouched first (the fault hits the next ones: "the third
    /// DELETE fails").
    #[serde(default)]
    pub after: u32,
    /// Matching requests let through because of `after` so far.
    #[serde(default)]
    pub passed: u32,
    /// Matching requests seen so far (drives `rate` deterministically).
    #[serde(default)]
    pub seen: u64,
    /// Times fired so far.
    #[serde(default)]
    pub fired: u32,
}

fn one() -> f64 {
    1.0
}

/// What a fault does to a request.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer normally, after this delay.
    Latency { millis: u64 },
    /// Answer 429 with `Retry-After: retry_after_secs`.
    TooManyRequests { retry_after_secs: u64 },
    /// Answer with this 5xx status.
    ServerError { status: u16 },
}

impl FaultRule {
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            cloud: None,
            method: None,
            path_contains: None,
            rate: 1.0,
            times: None,
            after: 0,
            passed: 0,
            seen: 0,
            fired: 0,
        }
    }

    pub fn on_cloud(mut self, cloud: &str) -> Self {
        self.cloud = Some(cloud.to_owned());
        self
    }

    pub fn on_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    pub fn on_path(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_owned());
        self
    }

    pub fn at_rate(mut self, rate: f64) -> Self {
        self.rate = rate;
        self
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets the first `n` matching requests through; the fault applies from the next one on.
    pub fn after(mut self, n: u32) -> Self {
        self.after = n;
        self
    }

    fn matches(&self, cloud: &str, method: &str, path: &str) -> bool {
        if self.cloud.as_deref().is_some_and(|c| c != cloud) {
            return false;
        }
        if self
            .method
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(method))
        {
            return false;
        }
        if let Some(fragment) = &self.path_contains {
            return path
                .to_ascii_lowercase()
                .contains(&fragment.to_ascii_lowercase());
        }
        true
    }

    /// Counts the request and says whether the fault fires for it: with rate r, the n-th matching
    /// request fires when floor(n*r) moves, so 0.5 fires on every second request.
    fn fires(&mut self) -> bool {
        if self.times.is_some_and(|t| self.fired >= t) {
            return false;
        }
        if self.passed < self.after {
            self.passed += 1;
            return false;
        }
        self.seen += 1;
        let rate = self.rate.clamp(0.0, 1.0);
        let before = ((self.seen - 1) as f64 * rate).floor();
        let after = (self.seen as f64 * rate).floor();
        let fires = after > before;
        if fires {
            self.fired += 1;
        }
        fires
    }
}

/// The HTTP fault decided for one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Delay(Duration),
    TooManyRequests(u64),
    ServerError(u16),
}

impl Faults {
    /// Decides what (if anything) to inject for a request; latencies accumulate, the first error wins.
    pub fn decide(&mut self, cloud: &str, method: &str, path: &str) -> Vec<Decision> {
        let mut decisions = Vec::new();
        for rule in self.rules.iter_mut() {
            if !rule.matches(cloud, method, path) || !rule.fires() {
                continue;
            }
            match rule.kind {
                FaultKind::Latency { millis } => {
                    decisions.push(Decision::Delay(Duration::from_millis(millis)))
                }
                FaultKind::TooManyRequests { retry_after_secs } => {
                    decisions.push(Decision::TooManyRequests(retry_after_secs));
                    break;
                }
                FaultKind::ServerError { status } => {
                    decisions.push(Decision::ServerError(status));
                    break;
                }
            }
        }
        decisions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_rate_fires_every_second_request() {
        let mut faults = Faults {
            rules: vec![FaultRule::new(FaultKind::ServerError { status: 503 }).at_rate(0.5)],
            ..Faults::default()
        };
        let fired: Vec<bool> = (0..4)
            .map(|_| !faults.decide("auth0", "GET", "/x").is_empty())
            .collect();
        assert_eq!(fired, vec![false, true, false, true]);
    }

    #[test]
    fn after_lets_the_first_matching_requests_through() {
        let mut faults = Faults {
            rules: vec![
                FaultRule::new(FaultKind::ServerError { status: 500 })
                    .on_method("DELETE")
                    .after(2),
            ],
            ..Faults::default()
        };
        let fired: Vec<bool> = ["DELETE", "GET", "DELETE", "DELETE", "DELETE"]
            .into_iter()
            .map(|m| !faults.decide("management", m, "/x").is_empty())
            .collect();
        assert_eq!(fired, vec![false, false, false, true, true]);
    }

    #[test]
    fn route_filter_and_times_limit_apply() {
        let mut faults = Faults {
            rules: vec![
                FaultRule::new(FaultKind::TooManyRequests {
                    retry_after_secs: 3,
                })
                .on_cloud("management")
                .on_path("/partnerTopics")
                .times(1),
            ],
            ..Faults::default()
        };
        assert!(faults.decide("auth0", "GET", "/partnerTopics").is_empty());
        assert!(
            faults
                .decide("management", "GET", "/resourcegroups")
                .is_empty()
        );
        assert_eq!(
            faults.decide("management", "GET", "/x/partnertopics/y"),
            vec![Decision::TooManyRequests(3)]
        );
        assert!(
            faults
                .decide("management", "GET", "/partnerTopics")
                .is_empty()
        );
    }
}
