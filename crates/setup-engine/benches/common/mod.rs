//! What the benchmarks share: an engine signed in to a sandbox with its seeded credentials, on the production
//! clock and polling.

use std::path::Path;
use std::sync::Arc;

use cloud_sandbox::SandboxInfo;
use setup_engine::{
    Auth0Credentials, AzureCloud, AzureSignIn, Connection, Engine, EngineOptions, ProgressStore,
    Secret, SystemClock,
};

/// The engine for `info`'s sandbox, its progress file in `dir`.
pub fn sandbox_engine(info: &SandboxInfo, dir: &Path) -> Engine {
    let mut options = EngineOptions::new(ProgressStore::at(dir.join("progress.json")));
    options.clock = Arc::new(SystemClock);
    Engine::connect(
        Connection {
            auth0: Auth0Credentials::ClientCredentials {
                client_id: info.auth0_client_id.clone(),
                client_secret: Secret::new(info.auth0_client_secret.clone()),
            },
            auth0_audience: None,
            azure_cloud: AzureCloud::Custom {
                authority: info.azure_authority.clone(),
                management: info.azure_management.clone(),
            },
            azure: AzureSignIn::ServicePrincipal {
                tenant_id: info.azure_tenant_id.clone(),
                client_id: info.azure_client_id.clone(),
                client_secret: Secret::new(info.azure_client_secret.clone()),
            },
        },
        options,
    )
    .expect("engine")
}
