//! A local cloud: an HTTP server that behaves like the parts of Auth0 and Azure the setup wizard drives,
//! closely enough that clients written against the real services work against it unchanged.
//!
//! It serves three emulated hosts on separate loopback ports (the Auth0 tenant, the Microsoft identity
//! platform, and Azure Resource Manager) plus an admin surface under `/_sandbox/` on each of them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloud_sandbox::Error> {
//! use cloud_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! println!("Auth0 tenant at {}", sandbox.info().auth0_domain);
//! sandbox.handle().clock().advance(std::time::Duration::from_secs(60));
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Public API: [`SandboxConfig`], [`Sandbox::start`], [`RunningSandbox`] ([`RunningSandbox::info`],
//! [`RunningSandbox::handle`], [`RunningSandbox::shutdown`]), [`SandboxInfo`], [`SandboxHandle`]
//! (clock, faults, simulations), [`cli`] (the command line shared with `auth0-eventgrid sandbox`) and
//! [`testing`] (keys and certificates made at test time, tokens and Resource Manager calls by hand, for the
//! other crates' tests).

// Handlers return `Result<_, Response>` so an early `?` answers the client; the large error variant is the
// point, not an accident.
#![allow(clippy::result_large_err)]

mod admin;
mod auth0;
mod azure;
pub mod cli;
mod client_assertion;
mod clock;
mod config;
mod credentials;
mod error;
mod faults;
mod http_util;
mod persist;
mod pipeline;
mod server;
mod shared;
mod signin;
mod state;
pub mod testing;
mod tokens;

pub use admin::ADMIN_TOKEN_HEADER;
pub use azure::eventgrid::PartnerTopicSeed;
pub use clock::Clock;
pub use config::{RateLimit, SandboxConfig, SeedUser};
pub use credentials::{Auth0ApplicationInfo, CertificateInfo};
pub use error::Error;
pub use faults::{FaultKind, FaultRule, Faults};
pub use server::{
    GuestDirectoryInfo, RunningSandbox, Sandbox, SandboxHandle, SandboxInfo, SeededUserInfo,
};
pub use shared::SimulationKind;
