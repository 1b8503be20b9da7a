//! How an embedded or command-line sandbox is set up: where it listens, how the emulated clouds behave
//! (registration delay, stream limit, rate limiting), which faults are on, and what extra data is seeded.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::faults::Faults;

/// Everything [`crate::Sandbox::start`] needs. `Default` gives a fast, in-memory sandbox on loopback with
/// ephemeral ports. Fields are public; the `with_*` methods are shorthands for chaining.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Address to listen on. Each emulated host gets its own port; port 0 picks free ports, a fixed port `P`
    /// gives the Auth0 tenant `P`, the identity platform `P+1`, Resource Manager `P+2` and the Auth0 tenant's
    /// custom domain `P+3`.
    pub listen_ip: IpAddr,
    /// Port of the Auth0 tenant (0 = any free port; the other hosts follow, see `listen_ip`).
    pub port: u16,
    /// How long (sandbox time) `Microsoft.EventGrid` stays `Registering` after a register call.
    pub registration_delay: Duration,
    /// File the state is loaded from at start and saved to after every change. `None` keeps it in memory.
    pub state_file: Option<PathBuf>,
    /// Maximum number of Auth0 log streams (409 beyond it).
    pub stream_limit: usize,
    /// Auth0 Management API rate limiting (`x-ratelimit-*` headers and 429); `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Faults switched on from the start (the admin API and [`crate::SandboxHandle`] change them later).
    pub faults: Faults,
    /// Factor by which real waiting is shortened: Event Grid's retry schedule (10 s, 30 s, 1 min, ...) and
    /// Auth0's publish retries sleep `delay / time_compression` of real time. The sandbox clock still
    /// advances by the full delay for time-to-live checks.
    pub time_compression: u32,
    /// Start with a frozen clock that moves only when advanced (tests), instead of following wall time.
    pub frozen_clock: bool,
    /// How long an Auth0 stream may keep failing to publish before Auth0 suspends it (Auth0: 7 days),
    /// divided by `time_compression` and measured on the sandbox clock.
    pub suspend_stream_after: Duration,
    /// How long (sandbox time) a new partner topic may stay `NeverActivated` before Azure deletes it.
    pub partner_topic_activation_window: Duration,
    /// How long (sandbox time) an event subscription stays `Deleting` after a DELETE (answered 202) before it
    /// is gone and its name free again.
    pub event_subscription_delete_time: Duration,
    /// How long (sandbox time) after its expiration time a `NeverActivated` partner topic is still listed
    /// before Azure deletes it (Azure deletes such topics, documenting no delay); activating it in between
    /// is refused. Default 0: deleted at once.
    pub partner_topic_deletion_delay: Duration,
    /// Whether the partner topics Auth0 creates carry `partnerRegistrationImmutableId` (Auth0's). Azure's
    /// schema makes it optional and its own examples of a partner topic omit it, so by default it is absent.
    pub partner_topic_immutable_id: bool,
    /// How many reads of a new `eventgrid` stream (`GET /api/v2/log-streams[/{id}]`) still lack
    /// `sink.azurePartnerTopic`: the create answer never has it, then the first N reads do not either, and
    /// every read after that does. Default 1 (the create answer and the first read lack it).
    pub partner_topic_name_hidden_reads: u32,
    /// Lifetime of issued access tokens (Auth0 Management API tokens are 24 h, Azure tokens about 1 h).
    pub auth0_token_lifetime: Duration,
    /// Lifetime of Azure access tokens.
    pub azure_token_lifetime: Duration,
    /// Interactive users seeded in addition to the defaults.
    pub extra_users: Vec<SeedUser>,
    /// Azure subscriptions seeded in addition to the default one (display names).
    pub extra_subscriptions: Vec<String>,
    /// Resource groups seeded in the default subscription (name, location).
    pub extra_resource_groups: Vec<(String, String)>,
    /// Seed a second Azure directory ("Fabrikam Partners", with a subscription of its own) where the default
    /// users are guests, so switching directories can be tried. On by default.
    pub guest_directory: bool,
    /// Seed destinations to choose from (Event Hubs, storage queues, Service Bus queues and topics, function
    /// apps) in a resource group of each directory's subscription: `contoso-integration` at home,
    /// `fabrikam-shared` in the second directory. On by default, off in `for_tests()` (tests that count
    /// resource groups start from none); `with_destination_resources` turns it on.
    pub destination_resources: bool,
    /// How long a new tenant log entry takes to show in log searches (`GET /api/v2/logs?q=...`), in sandbox
    /// time: Auth0's search is not real time (zero: at once).
    pub log_search_lag: Duration,
}

/// A user who can sign in on the Auth0 `/authorize` page and the Azure sign-in page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SeedUser {
    pub name: String,
    pub password: String,
    /// Azure role on the seeded subscriptions: `Owner`, `Contributor` or `Reader`.
    pub azure_role: String,
}

/// A fixed-window request limit for the Auth0 Management API.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (Auth0's free tier: 2 per second).
    pub limit: u32,
    /// Window length in sandbox time.
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            limit: 2,
            window: Duration::from_secs(1),
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            registration_delay: Duration::from_secs(2),
            state_file: None,
            stream_limit: 10,
            rate_limit: None,
            faults: Faults::default(),
            time_compression: 600,
            frozen_clock: false,
            suspend_stream_after: Duration::from_secs(7 * 24 * 3600),
            partner_topic_activation_window: Duration::from_secs(7 * 24 * 3600),
            event_subscription_delete_time: Duration::from_secs(2),
            partner_topic_deletion_delay: Duration::ZERO,
            partner_topic_immutable_id: false,
            partner_topic_name_hidden_reads: 1,
            auth0_token_lifetime: Duration::from_secs(86_400),
            azure_token_lifetime: Duration::from_secs(3_600),
            extra_users: Vec::new(),
            extra_subscriptions: Vec::new(),
            extra_resource_groups: Vec::new(),
            guest_directory: true,
            destination_resources: true,
            log_search_lag: Duration::ZERO,
        }
    }
}

impl SandboxConfig {
    /// A configuration for tests: frozen clock, no registration or deletion delay unless set, in memory.
    pub fn for_tests() -> Self {
        Self {
            frozen_clock: true,
            registration_delay: Duration::ZERO,
            event_subscription_delete_time: Duration::ZERO,
            time_compression: 100_000,
            destination_resources: false,
            ..Self::default()
        }
    }

    pub fn with_destination_resources(mut self, seed: bool) -> Self {
        self.destination_resources = seed;
        self
    }

    pub fn with_log_search_lag(mut self, lag: Duration) -> Self {
        self.log_search_lag = lag;
        self
    }

    pub fn with_registration_delay(mut self, delay: Duration) -> Self {
        self.registration_delay = delay;
        self
    }

    pub fn with_event_subscription_delete_time(mut self, time: Duration) -> Self {
        self.event_subscription_delete_time = time;
        self
    }

    pub fn with_state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    pub fn with_stream_limit(mut self, limit: usize) -> Self {
        self.stream_limit = limit;
        self
    }

    pub fn with_rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn with_time_compression(mut self, factor: u32) -> Self {
        self.time_compression = factor.max(1);
        self
    }

    pub fn with_frozen_clock(mut self, frozen: bool) -> Self {
        self.frozen_clock = frozen;
        self
    }

    pub fn with_listen(mut self, ip: IpAddr, port: u16) -> Self {
        self.listen_ip = ip;
        self.port = port;
        self
    }

    /// `NeverActivated` partner topics stay listed this long past their expiration time.
    pub fn with_partner_topic_deletion_delay(mut self, delay: Duration) -> Self {
        self.partner_topic_deletion_delay = delay;
        self
    }

    /// Partner topics created for streams carry Auth0's `partnerRegistrationImmutableId` (or not).
    pub fn with_partner_topic_immutable_id(mut self, present: bool) -> Self {
        self.partner_topic_immutable_id = present;
        self
    }

    /// Reads of a new stream that still lack `sink.azurePartnerTopic` (0: only the create answer lacks it).
    pub fn with_partner_topic_name_hidden_reads(mut self, reads: u32) -> Self {
        self.partner_topic_name_hidden_reads = reads;
        self
    }

    pub fn with_user(mut self, user: SeedUser) -> Self {
        self.extra_users.push(user);
        self
    }
}
