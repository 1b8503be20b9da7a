//! The session a front end works in: the built-in sandbox, started in this process, with the engine signed in
//! with its seeded application and service principal; or the user's own clouds, where [`cloud_session`] turns
//! [`CloudAccounts`]' sign-ins into one. Only who signed in is returned to the front end; secrets go straight
//! into the engine.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use azure_client::{AzureClient, AzureEndpoints, service_principal_credential};
use cloud_http::{RetryPolicy, SystemClock, Transport, system_jitter};
use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use serde::{Deserialize, Serialize};
use setup_engine::{
    Auth0Credentials, AzureCloud, AzureCloudKind, AzureSignIn, Connection, Engine, EngineOptions,
    ErrorCode, PollSchedule, ProgressStore, Secret, SetupError,
};
use ts_rs::TS;

use crate::CloudAccounts;

/// The name of the sandbox's built-in receiver the wizard offers as a destination.
pub const SANDBOX_INBOX: &str = "wizard";

/// The resource groups a new sandbox world starts with (name, location).
const SANDBOX_RESOURCE_GROUPS: [(&str, &str); 2] =
    [("legacy-apps", "westus3"), ("analytics", "northeurope")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The built-in sandbox, in this process.
    Sandbox,
    /// The user's own Auth0 tenant and Azure subscription.
    Cloud,
}

/// Who is signed in, and the values the wizard can fill in from that. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub mode: Mode,
    /// The Auth0 tenant where the setup uses the Management API (`acme.eu.auth0.com`, or the sandbox's
    /// `127.0.0.1:port`): the tenant's own domain, also when the person signed in with a custom domain.
    pub auth0_domain: String,
    /// The Auth0 application signed in with (its client id, never its secret).
    pub auth0_identity: String,
    /// The Azure identity signed in with (a service principal's client id).
    pub azure_identity: String,
    pub azure_tenant_id: String,
    /// The subscription to offer first, when known.
    pub subscription_id: Option<String>,
    /// The sandbox's built-in webhook receiver, offered first as the destination in sandbox mode.
    pub sandbox_inbox_url: Option<String>,
    /// The Azure cloud signed in to. Auth0 delivers only to the public one (step 1 says so otherwise); the
    /// sandbox is a custom cloud.
    #[serde(default)]
    pub azure_cloud: AzureCloudKind,
}

/// The sandbox's hosts, each on its own port from the base up: the Auth0 tenant, the identity platform,
/// Resource Manager (where the webhook inbox is) and the tenant's custom domain.
const SANDBOX_PORTS: u16 = 4;

/// How many fresh bases to try when another program takes a probed one before the sandbox binds it.
const FRESH_BASE_ATTEMPTS: usize = 20;

/// Starts the sandbox with its world kept in `folder` and on the ports it used last time: all four hosts on
/// consecutive ports from the base kept in `sandbox/port`, so a restarted app finds what an earlier run created
/// at the same addresses, the webhook its event subscription delivers to included. When another program holds
/// one of those ports, the sandbox moves to free ones and its world's own addresses move with it (a webhook
/// pointing at its old inbox then points at the new one); a warning names both.
pub async fn start_sandbox(folder: &Path) -> Result<RunningSandbox, SetupError> {
    let dir = folder.join("sandbox");
    private_file::create_private_dir(&dir).map_err(|e| folder_error(&dir, e))?;
    let port_file = dir.join("port");
    let world = dir.join("world.json");
    let last_port = std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .filter(|port| port.checked_add(SANDBOX_PORTS - 1).is_some());
    let config = |port: u16| {
        let mut config = SandboxConfig::default()
            .with_state_file(world.clone())
            .with_listen(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        // Groups to pick from in step 1, one of them where Auth0 cannot deliver (westus3).
        config.extra_resource_groups = SANDBOX_RESOURCE_GROUPS
            .iter()
            .map(|&(name, location)| (name.to_owned(), location.to_owned()))
            .collect();
        config
    };
    let mut restarted = None;
    if let Some(port) = last_port {
        // The app that used these ports last may still be letting go of them: ask again a few times.
        for attempt in 0..5 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            if let Ok(sandbox) = Sandbox::start(config(port)).await {
                restarted = Some(sandbox);
                break;
            }
        }
    }
    let sandbox = match restarted {
        Some(sandbox) => sandbox,
        None => start_on_free_ports(config, &world, last_port).await?,
    };
    let port = sandbox
        .info()
        .auth0_domain
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    private_file::write_private(&port_file, port.as_bytes())
        .map_err(|e| folder_error(&port_file, e))?;
    Ok(sandbox)
}

/// Never started here, or another program took one of the ports: a base whose four ports are free, with the
/// world's addresses moved from `previous` (if any) to it before the sandbox loads them.
async fn start_on_free_ports(
    config: impl Fn(u16) -> SandboxConfig,
    world: &Path,
    previous: Option<u16>,
) -> Result<RunningSandbox, SetupError> {
    let mut written = previous;
    let mut last_error = None;
    for _ in 0..FRESH_BASE_ATTEMPTS {
        let Some(base) = free_ports(SANDBOX_PORTS) else {
            continue;
        };
        if let Some(old) = written.filter(|old| *old != base) {
            move_addresses(world, old, base)?;
            written = Some(base);
        }
        match Sandbox::start(config(base)).await {
            Ok(sandbox) => {
                if let Some(old) = previous {
                    tracing::warn!(
                        old_ports = %format!("{old}-{}", old + SANDBOX_PORTS - 1),
                        new_ports = %format!("{base}-{}", base + SANDBOX_PORTS - 1),
                        "another program holds the sandbox's ports: it moved, and its webhooks with it"
                    );
                }
                return Ok(sandbox);
            }
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) => sandbox_error(error),
        None => SetupError::new(
            ErrorCode::NetworkUnreachable,
            "The built-in sandbox could not start: no four free ports in a row were found on 127.0.0.1.",
            "Close other copies of the app and try again.",
        ),
    })
}

/// A base port whose next `count - 1` ports are free as well, from the system's ephemeral range (the probes
/// are closed again before the sandbox binds them).
fn free_ports(count: u16) -> Option<u16> {
    let first = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ok()?;
    let base = first.local_addr().ok()?.port();
    base.checked_add(count - 1)?;
    let mut probes = vec![first];
    for offset in 1..count {
        probes.push(std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, base + offset)).ok()?);
    }
    Some(base)
}

/// Rewrites the sandbox's own addresses in its world file (event subscriptions' webhooks into its inbox)
/// from the ports at `old` to those at `new`. A world never saved has none.
fn move_addresses(world: &Path, old: u16, new: u16) -> Result<(), SetupError> {
    let Ok(text) = std::fs::read_to_string(world) else {
        return Ok(());
    };
    let moved = moved_addresses(&text, old, new);
    if moved != text {
        private_file::write_private(world, moved.as_bytes()).map_err(|e| folder_error(world, e))?;
    }
    Ok(())
}

/// `text` with every `://127.0.0.1:P` of the sandbox's ports (ended by `/`, `"` or `?`) on the new base.
fn moved_addresses(text: &str, old: u16, new: u16) -> String {
    let mut moved = text.to_owned();
    // Placeholders first, so a new port equal to another old one is not moved twice.
    for offset in 0..SANDBOX_PORTS {
        for end in ['/', '"', '?'] {
            moved = moved.replace(
                &format!("://127.0.0.1:{}{end}", old + offset),
                &format!("://127.0.0.1:~{offset}{end}"),
            );
        }
    }
    for offset in 0..SANDBOX_PORTS {
        moved = moved.replace(
            &format!("://127.0.0.1:~{offset}"),
            &format!("://127.0.0.1:{}", new + offset),
        );
    }
    moved
}

/// The engine and session for the user's own clouds, once both are signed in (and the Auth0 token may do
/// everything the setup needs).
pub fn cloud_session(
    accounts: &CloudAccounts,
    folder: &Path,
) -> Result<Option<(Engine, AzureClient, SessionInfo)>, SetupError> {
    let Some(signed_in) = accounts.connection()? else {
        return Ok(None);
    };
    let azure_cloud = AzureCloudKind::of(&signed_in.connection.azure_cloud);
    let progress = ProgressStore::at(folder.join("progress.json"));
    let engine = Engine::connect(signed_in.connection, EngineOptions::new(progress))?;
    let info = SessionInfo {
        mode: Mode::Cloud,
        auth0_domain: signed_in.auth0_domain,
        auth0_identity: signed_in.auth0_identity,
        azure_identity: signed_in.azure_identity,
        azure_tenant_id: signed_in.azure_tenant_id,
        subscription_id: None,
        sandbox_inbox_url: None,
        azure_cloud,
    };
    Ok(Some((engine, signed_in.azure, info)))
}

/// The engine and session for a started sandbox, signed in with its seeded credentials.
pub fn sandbox_session(
    sandbox: &RunningSandbox,
    folder: &Path,
) -> Result<(Engine, AzureClient, SessionInfo), SetupError> {
    let info = sandbox.info();
    let azure_cloud = AzureCloud::Custom {
        authority: info.azure_authority.clone(),
        management: info.azure_management.clone(),
    };
    let (azure, azure_client) = azure_sign_in(
        &azure_cloud,
        &info.azure_tenant_id,
        &info.azure_client_id,
        Secret::new(info.azure_client_secret.clone()),
    )?;
    let connection = Connection {
        auth0: Auth0Credentials::ClientCredentials {
            client_id: info.auth0_client_id.clone(),
            client_secret: Secret::new(info.auth0_client_secret.clone()),
        },
        auth0_audience: None,
        azure_cloud,
        azure,
    };
    let mut options = EngineOptions::new(ProgressStore::at(folder.join("progress.json")));
    // The sandbox creates the partner topic within seconds; a minute is plenty.
    options.topic_wait = PollSchedule {
        first: Duration::from_millis(200),
        ceiling: Duration::from_secs(2),
        deadline: Duration::from_secs(60),
    };
    let engine = Engine::connect(connection, options)?;
    let session = SessionInfo {
        mode: Mode::Sandbox,
        auth0_domain: info.auth0_domain.clone(),
        auth0_identity: info.auth0_client_id.clone(),
        azure_identity: info.azure_client_id.clone(),
        azure_tenant_id: info.azure_tenant_id.clone(),
        subscription_id: Some(info.subscription_id.clone()),
        azure_cloud: AzureCloudKind::Custom,
        sandbox_inbox_url: Some(format!(
            "{}/_sandbox/inbox/{SANDBOX_INBOX}",
            info.azure_management
        )),
    };
    Ok((engine, azure_client, session))
}

/// One service-principal credential shared by the engine and the client the wizard lists subscriptions with.
fn azure_sign_in(
    cloud: &AzureCloud,
    tenant_id: &str,
    client_id: &str,
    client_secret: Secret,
) -> Result<(AzureSignIn, AzureClient), SetupError> {
    let endpoints = AzureEndpoints::for_cloud(cloud)?;
    let credential =
        service_principal_credential(&endpoints, tenant_id, client_id, &client_secret)?;
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        system_jitter(),
    )?;
    let client = AzureClient::new(endpoints, credential.clone(), transport);
    Ok((AzureSignIn::Credential(credential), client))
}

fn sandbox_error(error: cloud_sandbox::Error) -> SetupError {
    SetupError::new(
        ErrorCode::NetworkUnreachable,
        format!("The built-in sandbox could not start: {error}"),
        "Close other copies of the app and try again.",
    )
}

pub fn folder_error(path: &Path, error: std::io::Error) -> SetupError {
    SetupError::new(
        ErrorCode::ProgressFile,
        format!("Could not write {}: {error}", path.display()),
        "Check that the app's folder is writable and has free space, then try again.",
    )
}

#[cfg(test)]
mod tests {
    use super::moved_addresses;

    #[test]
    fn moved_addresses_move_each_host_once_and_nothing_else() {
        let world = r#"{"url":"http://127.0.0.1:40002/_sandbox/inbox/wizard","auth0":"http://127.0.0.1:40000","q":"http://127.0.0.1:40003?x","other":"http://127.0.0.1:400021/x","port":40001}"#;
        // The new base overlaps the old ports: each address moves by the same offset, once.
        assert_eq!(
            moved_addresses(world, 40000, 40002),
            r#"{"url":"http://127.0.0.1:40004/_sandbox/inbox/wizard","auth0":"http://127.0.0.1:40002","q":"http://127.0.0.1:40005?x","other":"http://127.0.0.1:400021/x","port":40001}"#
        );
    }
}
