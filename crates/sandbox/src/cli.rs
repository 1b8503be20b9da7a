//! The command line of the sandbox, shared by the `cloud-sandbox` binary and `auth0-eventgrid sandbox`:
//! parse [`Args`], then [`run`] starts the sandbox, prints exactly one JSON line ([`crate::SandboxInfo`]) on
//! stdout once listening, and serves until Ctrl-C (or SIGTERM), saving `--state` on the way out.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::config::{RateLimit, SandboxConfig, SeedUser};
use crate::error::Error;
use crate::faults::{FaultKind, FaultRule, Faults};
use crate::server::Sandbox;

/// A local Auth0 tenant and Azure for trying the setup without accounts.
#[derive(Debug, Clone, Parser)]
#[command(name = "cloud-sandbox", version, about)]
pub struct Args {
    /// Address to listen on; the Auth0 tenant, the identity platform, Resource Manager and the tenant's custom
    /// domain get ports P, P+1, P+2, P+3 (port 0: any free ports).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Load the state from FILE at start and save it there after every change.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Seconds (sandbox time) Microsoft.EventGrid stays Registering after a register call.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub registration_delay: f64,
    /// Maximum number of Auth0 log streams (409 beyond).
    #[arg(long, default_value_t = 10)]
    pub stream_limit: usize,
    /// Turn on Management API rate limiting at this many requests per second (Auth0 free tier: 2).
    #[arg(long, value_name = "PER_SECOND")]
    pub rate_limit: Option<u32>,
    /// Divide real waiting (delivery retries, publish retries) by this factor.
    #[arg(long, default_value_t = 600)]
    pub time_compression: u32,
    /// Seconds an Auth0 stream may keep failing before it is suspended (divided by --time-compression).
    #[arg(long, value_name = "SECONDS", default_value_t = 7 * 86_400)]
    pub suspend_stream_after: u64,
    /// Start with a frozen clock that only moves through POST /_sandbox/clock/advance.
    #[arg(long)]
    pub frozen_clock: bool,
    /// Add this latency (milliseconds) to emulated-API answers.
    #[arg(long, value_name = "MS")]
    pub fault_latency_ms: Option<u64>,
    /// Answer this fraction (0-1] of emulated-API requests with 429 and Retry-After.
    #[arg(long, value_name = "RATE")]
    pub fault_429_rate: Option<f64>,
    /// Retry-After seconds on injected 429s.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub fault_retry_after: u64,
    /// Answer this fraction (0-1] of emulated-API requests with 503.
    #[arg(long, value_name = "RATE")]
    pub fault_5xx_rate: Option<f64>,
    /// Close the connection of this fraction (0-1] of emulated-API requests without an answer, half of them
    /// after handling the request (its effect stays, its answer is lost).
    #[arg(long, value_name = "RATE")]
    pub fault_drop_rate: Option<f64>,
    /// Fire the rates above on pseudo-random draws from this seed (reproducible) instead of every k-th request.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
    /// Limit the HTTP faults above to paths containing this text (e.g. /log-streams).
    #[arg(long, value_name = "TEXT")]
    pub fault_route: Option<String>,
    /// Limit the HTTP faults above to one host: auth0, login or management.
    #[arg(long, value_name = "CLOUD")]
    pub fault_cloud: Option<String>,
    /// Make the next N long-running operations (event subscription PUTs) fail.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_failing_operations: u32,
    /// Stop accepting access tokens this many seconds after issue (tokens that expire early).
    #[arg(long, value_name = "SECONDS")]
    pub fault_token_lifetime: Option<u64>,
    /// Refuse every refresh token, as if revoked.
    #[arg(long)]
    pub fault_revoke_refresh_tokens: bool,
    /// Make the next N reads of a registering resource provider answer NotRegistered (a lagging replica).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_stale_registration_reads: u32,
    /// Answer long-running operations with an empty 202 and a Location header only.
    #[arg(long)]
    pub fault_location_only_operations: bool,
    #[arg(
        long = "seed-user",
        value_name = "NAME:PASSWORD[:ROLE]",
        help = "Seed another interactive user: NAME:PASSWORD[:ROLE] (role Owner, Contributor or Reader)"
    )]
    pub seed_users: Vec<String>,
    /// Seed another Azure subscription with this display name.
    #[arg(long = "seed-subscription", value_name = "NAME")]
    pub seed_subscriptions: Vec<String>,
    #[arg(
        long = "seed-resource-group",
        value_name = "NAME[:LOCATION]",
        help = "Seed a resource group in the default subscription: NAME[:LOCATION]"
    )]
    pub seed_resource_groups: Vec<String>,
    /// Do not seed the second Azure directory ("Fabrikam Partners", where the seeded users are guests).
    #[arg(long)]
    pub no_guest_directory: bool,
    /// Do not seed the destinations to choose from (Event Hubs, storage queues, Service Bus, function apps).
    #[arg(long)]
    pub no_destination_resources: bool,
    /// Give the partner topics Auth0 creates Auth0's partnerRegistrationImmutableId (absent by default, as in
    /// Azure's own examples).
    #[arg(long)]
    pub partner_topic_immutable_id: bool,
    /// Reads of a new Event Grid stream that still lack sink.azurePartnerTopic (the create answer always does).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub partner_topic_name_hidden_reads: u32,
}

/// Why the command line is not usable.
fn usage(message: String) -> Error {
    Error::Usage(message)
}

impl Args {
    /// The configuration these flags describe; names the flag and the rule when one is wrong.
    pub fn to_config(&self) -> Result<SandboxConfig, Error> {
        if !(self.registration_delay.is_finite() && self.registration_delay >= 0.0) {
            return Err(usage(
                "--registration-delay must be a non-negative number of seconds".into(),
            ));
        }
        let mut rules = Vec::new();
        let scoped = |rule: FaultRule| {
            let rule = match &self.fault_route {
                Some(route) => rule.on_path(route),
                None => rule,
            };
            match &self.fault_cloud {
                Some(cloud) => rule.on_cloud(cloud),
                None => rule,
            }
        };
        if let Some(cloud) = &self.fault_cloud
            && !matches!(cloud.as_str(), "auth0" | "login" | "management" | "publish")
        {
            return Err(usage(format!(
                "--fault-cloud must be auth0, login, management or publish, not '{cloud}'"
            )));
        }
        if let Some(rate) = self.fault_drop_rate
            && !(rate > 0.0 && rate <= 1.0)
        {
            return Err(usage(format!(
                "--fault-drop-rate must be greater than 0 and at most 1, not {rate}"
            )));
        }
        if let Some(ms) = self.fault_latency_ms {
            rules.push(scoped(FaultRule::new(FaultKind::Latency { millis: ms })));
        }
        for (flag, rate, kind) in [
            (
                "--fault-429-rate",
                self.fault_429_rate,
                FaultKind::TooManyRequests {
                    retry_after_secs: self.fault_retry_after,
                },
            ),
            (
                "--fault-5xx-rate",
                self.fault_5xx_rate,
                FaultKind::ServerError { status: 503 },
            ),
            (
                "--fault-drop-rate",
                self.fault_drop_rate.map(|r| r / 2.0),
                FaultKind::DropConnection {
                    handled: false,
                    delay_millis: 0,
                },
            ),
            (
                "--fault-drop-rate",
                self.fault_drop_rate.map(|r| r / 2.0),
                FaultKind::DropConnection {
                    handled: true,
                    delay_millis: 0,
                },
            ),
        ] {
            if let Some(rate) = rate {
                if !(rate > 0.0 && rate <= 1.0) {
                    return Err(usage(format!(
                        "{flag} must be greater than 0 and at most 1, not {rate}"
                    )));
                }
                rules.push(scoped(FaultRule::new(kind).at_rate(rate)));
            }
        }
        let mut extra_users = Vec::new();
        for spec in &self.seed_users {
            let mut parts = spec.splitn(3, ':');
            let (Some(name), Some(password)) = (parts.next(), parts.next()) else {
                return Err(usage(format!(
                    "--seed-user '{spec}' must be NAME:PASSWORD[:ROLE]"
                )));
            };
            let role = parts.next().unwrap_or("Contributor");
            if !matches!(role, "Owner" | "Contributor" | "Reader")
                || name.is_empty()
                || password.is_empty()
            {
                return Err(usage(format!(
                    "--seed-user '{spec}': name and password must be non-empty and ROLE one of Owner, Contributor, Reader"
                )));
            }
            extra_users.push(SeedUser {
                name: name.into(),
                password: password.into(),
                azure_role: role.into(),
            });
        }
        let extra_resource_groups = self
            .seed_resource_groups
            .iter()
            .map(|spec| match spec.split_once(':') {
                Some((name, location)) => (name.to_owned(), location.to_owned()),
                None => (spec.clone(), "eastus".to_owned()),
            })
            .collect();
        Ok(SandboxConfig {
            listen_ip: self.listen.ip(),
            port: self.listen.port(),
            registration_delay: Duration::from_secs_f64(self.registration_delay),
            state_file: self.state.clone(),
            stream_limit: self.stream_limit,
            rate_limit: self.rate_limit.map(|limit| RateLimit {
                limit,
                window: Duration::from_secs(1),
            }),
            faults: Faults {
                rules,
                failing_operations: self.fault_failing_operations,
                token_lifetime_secs: self.fault_token_lifetime,
                revoke_refresh_tokens: self.fault_revoke_refresh_tokens,
                stale_registration_reads: self.fault_stale_registration_reads,
                location_only_operations: self.fault_location_only_operations,
                seed: self.fault_seed,
                draws: 0,
            },
            time_compression: self.time_compression.max(1),
            frozen_clock: self.frozen_clock,
            suspend_stream_after: Duration::from_secs(self.suspend_stream_after),
            extra_users,
            extra_subscriptions: self.seed_subscriptions.clone(),
            extra_resource_groups,
            guest_directory: !self.no_guest_directory,
            destination_resources: !self.no_destination_resources,
            partner_topic_immutable_id: self.partner_topic_immutable_id,
            partner_topic_name_hidden_reads: self.partner_topic_name_hidden_reads,
            ..SandboxConfig::default()
        })
    }
}

/// Starts the sandbox, prints its [`crate::SandboxInfo`] as one JSON line, serves until interrupted.
pub async fn run(args: Args) -> Result<(), Error> {
    let sandbox = Sandbox::start(args.to_config()?).await?;
    let line = serde_json::to_string(sandbox.info()).expect("SandboxInfo serialises");
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    }
    wait_for_interrupt().await;
    sandbox.shutdown().await;
    Ok(())
}

async fn wait_for_interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("cloud-sandbox").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn a_drop_rate_and_a_seed_become_two_seeded_drop_rules() {
        let config = parse(&["--fault-drop-rate", "0.5", "--fault-seed", "7"])
            .to_config()
            .unwrap();
        assert_eq!(config.faults.seed, Some(7));
        let rules: Vec<_> = config
            .faults
            .rules
            .iter()
            .map(|rule| (rule.kind.clone(), rule.rate))
            .collect();
        // Half the rate drops before the request is handled, half after (its effect stays, its answer is lost).
        assert_eq!(
            rules,
            [false, true].map(|handled| (
                FaultKind::DropConnection {
                    handled,
                    delay_millis: 0
                },
                0.25
            ))
        );
    }

    #[test]
    fn a_drop_rate_outside_zero_to_one_is_refused_naming_the_flag() {
        for rate in ["0", "1.5", "-0.1", "NaN"] {
            let error = parse(&[&format!("--fault-drop-rate={rate}")])
                .to_config()
                .unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("--fault-drop-rate must be greater than 0 and at most 1"),
                "{rate}: {error}"
            );
        }
    }

    #[test]
    fn a_seed_that_is_not_a_whole_number_is_refused_naming_the_flag() {
        for seed in ["x", "-1", "1.5"] {
            let error = Args::try_parse_from(["cloud-sandbox", &format!("--fault-seed={seed}")])
                .unwrap_err()
                .to_string();
            assert!(error.contains("--fault-seed"), "{seed}: {error}");
        }
    }

    #[test]
    fn flags_become_configuration() {
        let config = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--registration-delay",
            "0.5",
            "--fault-5xx-rate",
            "0.25",
            "--fault-route",
            "/log-streams",
            "--seed-user",
            "bob@x.test:pw:Reader",
            "--rate-limit",
            "2",
        ])
        .to_config()
        .unwrap();
        assert_eq!(config.registration_delay, Duration::from_millis(500));
        assert_eq!(config.faults.rules.len(), 1);
        assert_eq!(
            config.faults.rules[0].path_contains.as_deref(),
            Some("/log-streams")
        );
        assert_eq!(config.extra_users[0].azure_role, "Reader");
        assert_eq!(config.rate_limit.unwrap().limit, 2);
        assert!(
            config.guest_directory,
            "the second directory is seeded by default"
        );
        assert!(
            config.destination_resources,
            "destinations are seeded by default"
        );
        assert!(
            !parse(&["--no-destination-resources"])
                .to_config()
                .unwrap()
                .destination_resources
        );
        assert!(
            !parse(&["--no-guest-directory"])
                .to_config()
                .unwrap()
                .guest_directory
        );
    }

    #[test]
    fn bad_flags_name_the_flag_and_rule() {
        let e = parse(&["--fault-429-rate", "2"]).to_config().unwrap_err();
        assert!(
            e.to_string()
                .contains("--fault-429-rate must be greater than 0"),
            "{e}"
        );
        let e = parse(&["--seed-user", "nopassword"])
            .to_config()
            .unwrap_err();
        assert!(e.to_string().contains("--seed-user"), "{e}");
    }
}
