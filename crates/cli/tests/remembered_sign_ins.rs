//! The command line uses the sign-ins the desktop app remembered when its environment holds no credentials:
//! signed in through the sign-in crate's lifecycle (what the window drives), then `auth0-eventgrid status`
//! run with the same config folder and nothing in its environment but where to look.

use std::path::Path;
use std::sync::Arc;

use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};
use sign_in::{
    APP_IDENTIFIER, Auth0SignInRequest, AzureServicePrincipalRequest, CloudAccounts, SignInSetup,
};
use tokio::process::Command;

/// `auth0-eventgrid status` against the sandbox's clouds with `config_home` as the platform's config folder
/// and no credential in the environment; `keep` names variables passed through (the keychain's session).
async fn status_without_credentials(
    info: &SandboxInfo,
    config_home: &Path,
    keep: &[&str],
) -> (i32, String, String) {
    let progress = config_home.join("progress.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth0-eventgrid"));
    command
        .args([
            "status",
            "--auth0-domain",
            &info.auth0_domain,
            "--subscription-id",
            &info.subscription_id,
            "--resource-group",
            "remembered-rg",
            "--region",
            "westeurope",
            "--webhook-url",
            &format!("{}/_sandbox/inbox/cli", info.azure_management),
            "--azure-cloud",
            "custom",
            "--azure-authority-url",
            &info.azure_authority,
            "--azure-management-url",
            &info.azure_management,
            "--progress-file",
            progress.to_str().unwrap(),
        ])
        .env_clear()
        .env("HOME", config_home)
        .env("XDG_CONFIG_HOME", config_home);
    for name in keep {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let out = command.output().await.expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The window's sign-ins, in the sandbox's clouds, with the account list in `folder`.
fn window_accounts(
    info: &SandboxInfo,
    folder: &Path,
    keychain: keychain::Keychain,
) -> CloudAccounts {
    let setup = SignInSetup::without_window(
        keychain,
        setup_engine::AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        },
    );
    CloudAccounts::in_folder(setup, folder)
}

/// Signs in to both of the sandbox's clouds through the lifecycle, as the window does, keeping the account list
/// in `folder` and the credentials in `keychain`.
async fn sign_in_as_the_window(info: &SandboxInfo, folder: &Path, keychain: keychain::Keychain) {
    let accounts = window_accounts(info, folder, keychain);
    accounts
        .sign_in_auth0(Auth0SignInRequest {
            domain: info.auth0_domain.clone(),
            canonical_domain: None,
            client_id: info.auth0_client_id.clone(),
            client_secret: info.auth0_client_secret.clone().into(),
        })
        .await
        .expect("the sandbox's application signs in");
    accounts
        .sign_in_azure_service_principal(AzureServicePrincipalRequest {
            tenant_id: info.azure_tenant_id.clone(),
            client_id: info.azure_client_id.clone(),
            client_secret: info.azure_client_secret.clone().into(),
        })
        .await
        .expect("the sandbox's service principal signs in");
}

#[tokio::test]
async fn with_nothing_remembered_the_environment_is_still_asked_for() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let home = tempfile::tempdir().unwrap();
    let (code, _, stderr) = status_without_credentials(&info, home.path(), &[]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("AUTH0_CLIENT_ID"), "{stderr}");
    assert!(!stderr.contains("remembered"), "{stderr}");
    sandbox.shutdown().await;
}

/// An account list without its credentials (here: no keychain reachable from the binary) is not a sign-in:
/// the command line says what to set, as before.
#[tokio::test]
async fn an_account_list_whose_credentials_are_not_in_the_keychain_is_not_used() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let home = tempfile::tempdir().unwrap();
    let memory = keychain::Keychain::with_store(
        Arc::new(keychain::MemoryEntries::default()),
        keychain::Persistence::Keychain,
    );
    let folder = home.path().join(APP_IDENTIFIER);
    sign_in_as_the_window(&info, &folder, memory).await;
    assert!(folder.join("accounts.json").is_file());
    let (code, _, stderr) = status_without_credentials(&info, home.path(), &[]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("AUTH0_CLIENT_ID"), "{stderr}");
    sandbox.shutdown().await;
}

/// Needs a Secret Service both this test and the binary reach: run with `make test-keychain`.
#[tokio::test]
#[ignore = "needs a Secret Service (make test-keychain)"]
async fn status_uses_the_sign_ins_the_window_remembered() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let home = tempfile::tempdir().unwrap();
    let keychain = keychain::Keychain::open_system().await;
    assert_eq!(
        keychain.persistence().await,
        &keychain::Persistence::Keychain,
        "this test needs a Secret Service"
    );
    let folder = home.path().join(APP_IDENTIFIER);
    sign_in_as_the_window(&info, &folder, keychain.clone()).await;
    let session = ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"];
    let (code, stdout, stderr) = status_without_credentials(&info, home.path(), &session).await;
    // Signed in and read: the resource group does not exist yet, so the status is incomplete (1), not bad input.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("Using the sign-ins remembered by the desktop app")
            && stderr.contains(&info.auth0_client_id)
            && stderr.contains(&info.azure_tenant_id),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&info.auth0_client_secret) && !stdout.contains(&info.azure_client_secret)
    );
    // The window signs out afterwards; its keychain entries go with it.
    let accounts = window_accounts(&info, &folder, keychain);
    accounts.restore().await;
    accounts.sign_out().await.unwrap();
    let (code, _, stderr) = status_without_credentials(&info, home.path(), &session).await;
    assert_eq!(
        code, 2,
        "signed out, the environment is asked for again: {stderr}"
    );
    sandbox.shutdown().await;
}
