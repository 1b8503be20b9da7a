//! The command line's shape: `setup`, `status`, `test-event`, `check-endpoint`, `sandbox`, and over the saved
//! setups `setups`, `verify`, `fix` and `export`; and the settings `setup`, `status`, `test-event` and `verify` share.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Deserialize;
use setup_engine::DestinationKind;

#[derive(Debug, Parser)]
#[command(
    name = "auth0-eventgrid",
    version,
    about = "Connect an Auth0 tenant to Azure Event Grid"
)]
pub struct Cli {
    /// Log more on stderr: -v what the steps do, -vv every HTTP request too (RUST_LOG, when set, wins).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The log level `-v`s ask for: warnings only by default, info with `-v`, debug with `-vv` or more.
    pub fn log_level(&self) -> &'static str {
        match self.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the four setup steps (prepare Azure, create the stream, activate the topic, subscribe).
    Setup {
        #[command(flatten)]
        settings: Settings,
        /// Print the plan and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The name the setup is saved under (the window's home shows it) [default: the stream's name].
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        output: Output,
    },
    /// List the saved setups (the window's and the command line's), their last state and when it was checked.
    Setups {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        output: Output,
    },
    /// Check that setups still work: one from the setup flags or --config, a saved one (--setup NAME), or every
    /// saved one (--all). Exit 0 when every check is green or amber, 1 when one is red or could not be checked,
    /// 2 for bad input. Only the result goes to stdout.
    Verify {
        /// The saved setup of this name (ignoring case).
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        setup: Option<String>,
        /// Every saved setup, concurrently.
        #[arg(long)]
        all: bool,
        /// Also send the test event and follow it (a sign-in attempt with a wrong secret, as `test-event`).
        #[arg(long)]
        send_test_event: bool,
        /// Also write each check's state and the delivery counts to FILE in Prometheus' text format (atomically,
        /// for node_exporter's textfile collector: name it *.prom).
        #[arg(long, value_name = "FILE")]
        prometheus: Option<PathBuf>,
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        limits: StageLimits,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        output: Output,
    },
    /// Apply the fixes a saved setup's checks offer, saying what each will do first.
    Fix {
        /// The saved setup (its name, ignoring case).
        #[arg(long, value_name = "NAME")]
        setup: String,
        /// Only this check's fix (log_stream, provider, partner_authorization, partner_topic,
        /// event_subscription, ...).
        #[arg(long, value_name = "ID", value_parser = parse_check_id)]
        check: Option<setup_engine::CheckId>,
        /// Apply without asking (needed when not on a terminal).
        #[arg(long)]
        yes: bool,
        /// Credentials from the environment may use this certificate, as for `setup`.
        #[arg(long, value_name = "PATH")]
        azure_client_certificate: Option<PathBuf>,
        /// Where progress is kept [default: the platform's data folder].
        #[arg(long, value_name = "FILE")]
        progress_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        output: Output,
    },
    /// Write a saved setup as a JSON setup document, Terraform or a shell script (stdout, or -o FILE). Nothing
    /// secret is written: a webhook URL's key is left out, and the export says so.
    Export {
        /// The saved setup (its name, ignoring case).
        #[arg(long, value_name = "NAME")]
        setup: String,
        #[arg(long, value_enum)]
        format: crate::export::Format,
        /// Write to FILE (atomically, readable by you only) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Remove what a saved setup created, in reverse order, after showing the plan (what is removed, what is
    /// kept and why) and asking; then forget the setup. Exit 0 done, 1 a delete failed (run it again to
    /// resume), 2 bad input or no --yes without a terminal.
    Teardown {
        /// The saved setup (its name, ignoring case).
        #[arg(long, value_name = "NAME")]
        setup: String,
        /// Remove without asking (needed when not on a terminal).
        #[arg(long)]
        yes: bool,
        /// Credentials from the environment may use this certificate, as for `setup`.
        #[arg(long, value_name = "PATH")]
        azure_client_certificate: Option<PathBuf>,
        /// Where progress is kept [default: the platform's data folder].
        #[arg(long, value_name = "FILE")]
        progress_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        output: Output,
    },
    /// Show what exists and in which state, per step. Read only.
    Status {
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        output: Output,
    },
    /// Send a test event and follow it: a sign-in attempt with a wrong secret, which Auth0 logs as a failed
    /// exchange (feccft; no user is affected), then recorded by Auth0, received by Event Grid, delivered.
    /// Needs a finished setup (the same settings as `status`).
    TestEvent {
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        limits: StageLimits,
        #[command(flatten)]
        output: Output,
    },
    /// Check that a webhook grants Event Grid's CloudEvents validation handshake (one OPTIONS request).
    CheckEndpoint {
        /// The webhook's https address (plain http only on this computer).
        #[arg(long)]
        webhook_url: String,
        #[command(flatten)]
        output: Output,
    },
    /// Start the local cloud sandbox (same output as `cloud-sandbox`).
    Sandbox(cloud_sandbox::cli::Args),
}

/// Where the saved setups are.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArgs {
    /// The saved setups' file [default: $AUTH0_EVENTGRID_STORE, else setups.db in the desktop app's folder].
    #[arg(long = "store", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

/// A check's id as the JSON and the window name it (`log_stream`).
fn parse_check_id(text: &str) -> Result<setup_engine::CheckId, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned())).map_err(|_| {
        "not a check: use auth0_sign_in, log_stream, provider, partner_authorization, partner_topic, \
         event_subscription, delivery or test_event"
            .to_owned()
    })
}

#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Output {
    /// Print one machine-readable JSON result on stdout.
    #[arg(long)]
    pub json: bool,
}

/// How long `test-event` watches each stage before it reports it not seen.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct StageLimits {
    /// Seconds to wait for Auth0's log to show the attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub recorded_limit: u64,
    /// Seconds to wait for Event Grid's metrics to count it received and delivered (they lag minutes).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub event_grid_limit: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Destination {
    Webhook,
    Eventhub,
    Storagequeue,
    Servicebusqueue,
    Servicebustopic,
    Azurefunction,
}

/// The engine's kinds, one to one (the flag's values are the engine's names).
impl From<Destination> for DestinationKind {
    fn from(destination: Destination) -> Self {
        match destination {
            Destination::Webhook => Self::Webhook,
            Destination::Eventhub => Self::Eventhub,
            Destination::Storagequeue => Self::Storagequeue,
            Destination::Servicebusqueue => Self::Servicebusqueue,
            Destination::Servicebustopic => Self::Servicebustopic,
            Destination::Azurefunction => Self::Azurefunction,
        }
    }
}

impl From<DestinationKind> for Destination {
    fn from(kind: DestinationKind) -> Self {
        match kind {
            DestinationKind::Webhook => Self::Webhook,
            DestinationKind::Eventhub => Self::Eventhub,
            DestinationKind::Storagequeue => Self::Storagequeue,
            DestinationKind::Servicebusqueue => Self::Servicebusqueue,
            DestinationKind::Servicebustopic => Self::Servicebustopic,
            DestinationKind::Azurefunction => Self::Azurefunction,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    Public,
    Usgov,
    China,
    Custom,
}

/// Every setting, as a flag; a `--config` file (a setup document, or this shape with snake_case keys as older
/// files have it) may give the same settings, flags win.
#[derive(Debug, Clone, Default, clap::Args, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// A setup document (JSON: {"version": 1, "inputs": {...}}, see the README); flags override it. An older
    /// flat settings file (keys like `auth0_domain`) is still read.
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// The Auth0 tenant's domain, e.g. acme.eu.auth0.com (or a custom domain).
    #[arg(long)]
    pub auth0_domain: Option<String>,
    /// Management API audience when --auth0-domain is a custom domain [default: https://{domain}/api/v2/].
    #[arg(long)]
    pub auth0_audience: Option<String>,
    /// Name of the Auth0 log stream [default: "Azure Event Grid"].
    #[arg(long)]
    pub stream_name: Option<String>,
    /// Azure subscription id (a GUID).
    #[arg(long)]
    pub subscription_id: Option<String>,
    /// Azure resource group that receives Auth0's partner topic.
    #[arg(long)]
    pub resource_group: Option<String>,
    /// Azure region for the partner topic, from Auth0's list (e.g. westeurope).
    #[arg(long)]
    pub region: Option<String>,
    /// Create the resource group (in --region) when it does not exist.
    #[arg(long)]
    #[serde(default)]
    pub create_resource_group: bool,
    /// Days Auth0 stays authorized to create the partner topic, 1-365 [default: 7].
    #[arg(long)]
    pub authorization_days: Option<u32>,
    /// Comma-separated Auth0 event categories (e.g. auth.login.fail,auth.signup.success); none = all.
    #[arg(long, value_delimiter = ',')]
    pub event_categories: Option<Vec<String>>,
    /// Mask or hash these personal fields in the logs (comma list: first_name,last_name,username,email,phone,address)
    /// [default: all of them; personal data is masked unless --no-pii-masking].
    #[arg(long, value_delimiter = ',')]
    pub pii_fields: Option<Vec<String>>,
    /// How to protect the personal fields: mask or hash [default: mask].
    #[arg(long)]
    pub pii_method: Option<String>,
    /// Send personal data in the logs unmasked (by default every personal field is masked).
    #[arg(long, conflicts_with_all = ["pii_fields", "pii_method"])]
    #[serde(default)]
    pub no_pii_masking: bool,
    /// Stream logs from this ISO-8601 instant.
    #[arg(long)]
    pub start_from: Option<String>,
    /// Where the events go [default: webhook].
    #[arg(long, value_enum)]
    pub destination: Option<Destination>,
    /// The https endpoint of a webhook destination.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Azure resource id of the Event Hub, storage account, Service Bus queue or topic, or function.
    #[arg(long)]
    pub destination_resource_id: Option<String>,
    /// Storage queue name (storagequeue destination).
    #[arg(long)]
    pub queue_name: Option<String>,
    /// Maximum events per batch (webhook, azurefunction), 1-5000.
    #[arg(long)]
    pub max_events_per_batch: Option<u32>,
    /// Preferred batch size in kilobytes (webhook, azurefunction), 1-1024.
    #[arg(long)]
    pub preferred_batch_size_kb: Option<u32>,
    /// Name of the Event Grid subscription [default: auth0-logs].
    #[arg(long)]
    pub event_subscription_name: Option<String>,
    /// Deliver only these Auth0 log codes (comma list, e.g. s,f,seccft); none = all.
    #[arg(long, value_delimiter = ',')]
    pub log_codes: Option<Vec<String>>,
    /// Delivery attempts per event, 1-30 [default: 30].
    #[arg(long)]
    pub max_delivery_attempts: Option<u32>,
    /// Event time to live in minutes, 1-1440 [default: 1440].
    #[arg(long)]
    pub event_ttl_minutes: Option<u32>,
    /// Dead-letter undeliverable events to this storage account (resource id).
    #[arg(long)]
    pub dead_letter_storage_account_id: Option<String>,
    /// Blob container for dead letters.
    #[arg(long)]
    pub dead_letter_container: Option<String>,
    /// Which Azure [default: public].
    #[arg(long, value_enum)]
    pub azure_cloud: Option<Cloud>,
    /// Entra ID authority for --azure-cloud custom (http only for loopback).
    #[arg(long)]
    pub azure_authority_url: Option<String>,
    /// Resource Manager URL for --azure-cloud custom (http only for loopback).
    #[arg(long)]
    pub azure_management_url: Option<String>,
    /// Reuse the Azure CLI's sign-in (`az login`) instead of AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET.
    #[arg(long)]
    #[serde(default)]
    pub azure_cli: bool,
    /// Sign the service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID) in with this certificate instead of
    /// AZURE_CLIENT_SECRET: PEM with the certificate and its private key (what `az ad sp create-for-rbac
    /// --create-cert` writes) or PKCS#12 (.pfx/.p12). Its password, if any, only from the environment variable
    /// AZURE_CLIENT_CERTIFICATE_PASSWORD.
    #[arg(long, value_name = "PATH")]
    pub azure_client_certificate: Option<PathBuf>,
    /// Where progress is kept [default: the platform's data folder].
    #[arg(long, value_name = "FILE")]
    pub progress_file: Option<PathBuf>,
}
