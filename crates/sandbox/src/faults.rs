//! Injected misbehaviour: per-route or global latency, 429 with or without `Retry-After`, 5xx and dropped
//! connections at a rate, plus the non-HTTP faults (long-running operations that fail, tokens that expire
//! early, refresh tokens revoked). Rates are applied deterministically: every k-th matching request, or,
//! with a `seed`, by a seeded pseudo-random draw, so the same seed and the same requests give the same
//! faults every run.

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
    /// When set, a rule's `rate` fires on a pseudo-random draw from this seed instead of on every k-th
    /// matching request: faults spread irregularly, and a run is reproduced from its seed.
    pub seed: Option<u64>,
    /// Draws taken from `seed` so far (the position in its sequence).
    pub draws: u64,
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
    /// Only writes: requests the request log marks `write` (any method but GET, HEAD and OPTIONS).
    #[serde(default)]
    pub writes_only: bool,
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
    /// Answer 429 with no `Retry-After` (and, on Auth0, no `x-ratelimit-*`): the client picks its own wait.
    TooManyRequestsWithoutRetryAfter,
    /// Close the connection without an answer, after `delay_millis`. With `handled` the request is handled
    /// first, so its effect stays and only its answer is lost; without, it never reaches the emulated API.
    DropConnection {
        #[serde(default)]
        handled: bool,
        #[serde(default)]
        delay_millis: u64,
    },
}

impl FaultRule {
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            cloud: None,
            method: None,
            path_contains: None,
            writes_only: false,
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

    /// Only writes (any method but GET, HEAD and OPTIONS), token requests included.
    pub fn on_writes(mut self) -> Self {
        self.writes_only = true;
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
        if self.writes_only && is_read(method) {
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
    /// request fires when floor(n*r) moves, so 0.5 fires on every second request; with a `draw` (a
    /// seeded number in [0, 1)), it fires when the draw is below r.
    fn fires(&mut self, draw: Option<&mut dyn FnMut() -> f64>) -> bool {
        if self.times.is_some_and(|t| self.fired >= t) {
            return false;
        }
        if self.passed < self.after {
            self.passed += 1;
            return false;
        }
        self.seen += 1;
        let rate = self.rate.clamp(0.0, 1.0);
        let fires = match draw {
            Some(draw) if rate < 1.0 => draw() < rate,
            _ => {
                let before = ((self.seen - 1) as f64 * rate).floor();
                let after = (self.seen as f64 * rate).floor();
                after > before
            }
        };
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
    TooManyRequestsWithoutRetryAfter,
    ServerError(u16),
    DropConnection { handled: bool, delay: Duration },
}

fn is_read(method: &str) -> bool {
    ["GET", "HEAD", "OPTIONS"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// The `n`-th number in [0, 1) of the sequence `seed` names (SplitMix64), so a draw depends only on the
/// seed and its position.
fn seeded_unit(seed: u64, n: u64) -> f64 {
    let mut z = seed.wrapping_add(n.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    /// Decides what (if anything) to inject for a request; latencies accumulate, the first error wins.
    pub fn decide(&mut self, cloud: &str, method: &str, path: &str) -> Vec<Decision> {
        let mut decisions = Vec::new();
        let seed = self.seed;
        let draws = &mut self.draws;
        let mut draw = || {
            let unit = seeded_unit(seed.unwrap_or_default(), *draws);
            *draws += 1;
            unit
        };
        for rule in self.rules.iter_mut() {
            let draw: Option<&mut dyn FnMut() -> f64> = match seed {
                Some(_) => Some(&mut draw),
                None => None,
            };
            if !rule.matches(cloud, method, path) || !rule.fires(draw) {
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
                FaultKind::TooManyRequestsWithoutRetryAfter => {
                    decisions.push(Decision::TooManyRequestsWithoutRetryAfter);
                    break;
                }
                FaultKind::DropConnection {
                    handled,
                    delay_millis,
                } => {
                    decisions.push(Decision::DropConnection {
                        handled,
                        delay: Duration::from_millis(delay_millis),
                    });
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
    fn a_seed_spreads_faults_and_the_same_seed_repeats_them() {
        let run = |seed| {
            let mut faults = Faults {
                rules: vec![FaultRule::new(FaultKind::ServerError { status: 503 }).at_rate(0.3)],
                seed: Some(seed),
                ..Faults::default()
            };
            (0..200)
                .map(|_| !faults.decide("auth0", "GET", "/x").is_empty())
                .collect::<Vec<bool>>()
        };
        let first = run(7);
        assert_eq!(first, run(7), "reproducible from the seed");
        assert_ne!(first, run(8), "another seed, other faults");
        let fired = first.iter().filter(|f| **f).count();
        assert!((30..90).contains(&fired), "about 30% of 200: {fired}");
        let every_third: Vec<bool> = (1..=200u32)
            .map(|n| n * 3 / 10 > (n - 1) * 3 / 10)
            .collect();
        assert_ne!(first, every_third, "not the unseeded every-k-th pattern");
    }

    #[test]
    fn writes_only_skips_reads_and_the_n_th_write_is_reachable() {
        let mut faults = Faults {
            rules: vec![
                FaultRule::new(FaultKind::DropConnection {
                    handled: true,
                    delay_millis: 0,
                })
                .on_writes()
                .after(2)
                .times(1),
            ],
            ..Faults::default()
        };
        let fired: Vec<bool> = ["POST", "GET", "PUT", "HEAD", "DELETE", "PATCH"]
            .into_iter()
            .map(|m| !faults.decide("management", m, "/x").is_empty())
            .collect();
        assert_eq!(fired, vec![false, false, false, false, true, false]);
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
