//! A service principal with a certificate (PEM with an encrypted key, or PKCS#12): checked by getting a token,
//! the path kept in the account and the password in the keychain, restored after a restart, removed on
//! sign-out; wrong certificates and missing passwords refused naming the field.

use std::path::Path;

use cloud_http::Secret;
use cloud_sandbox::SandboxInfo;
use cloud_sandbox::testing::KeyPair;
use sign_in::{AzureMethod, AzureSession, AzureSignIn, SignInError};

use crate::common::World;

/// The sandbox with a new certificate uploaded to its service principal, and that certificate's key pair.
async fn world_with_certificate() -> (World, SandboxInfo, KeyPair) {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let pair = KeyPair::new();
    world
        .handle()
        .add_azure_certificate(&info.azure_client_id, &pair.certificate_pem())
        .unwrap();
    (world, info, pair)
}

/// Signs in as the sandbox's service principal with the certificate file at `path`.
async fn sign_in_with(
    azure: &AzureSignIn,
    info: &SandboxInfo,
    path: &Path,
    password: Option<&str>,
) -> Result<AzureSession, SignInError> {
    azure
        .with_service_principal_certificate(
            &info.azure_tenant_id,
            &info.azure_client_id,
            path,
            password.map(Secret::new),
        )
        .await
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_certificate_signs_in_calls_resource_manager_and_is_restored_after_a_restart() {
    let (world, info, pair) = world_with_certificate().await;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "sp.pem", &pair.combined_pem(Some("pem-password")));

    let azure = world.azure(world.azure_config());
    let session = sign_in_with(&azure, &info, &path, Some("pem-password"))
        .await
        .unwrap();
    let account = session.account().clone();
    assert_eq!(account.method, AzureMethod::ServicePrincipalCertificate);
    assert_eq!(account.username, info.azure_client_id);
    assert_eq!(account.certificate_path.as_deref(), path.to_str());
    let saved = serde_json::to_string(&account).unwrap();
    assert!(!saved.contains("pem-password"), "{saved}");
    world.assert_sees_the_subscription(&session).await;

    // After a restart: a new sign-in object over the same keychain re-reads the file with the stored password.
    let restarted = world.azure(world.azure_config());
    let account: sign_in::AzureAccount = serde_json::from_str(&saved).unwrap();
    world
        .assert_restores_until_sign_out(&restarted, &account, session)
        .await;
}

#[tokio::test]
async fn a_pkcs12_file_without_a_password_in_the_keychain_restores_too() {
    let (world, info, pair) = world_with_certificate().await;
    let dir = tempfile::tempdir().unwrap();
    let pfx = write(&dir, "sp.pfx", &pair.pkcs12("pfx-password"));
    let azure = world.azure(world.azure_config());
    sign_in_with(&azure, &info, &pfx, Some("pfx-password"))
        .await
        .unwrap();
    // The same principal with an unprotected PEM file: the earlier password is not kept.
    let pem = write(&dir, "sp.pem", &pair.combined_pem(None));
    let session = sign_in_with(&azure, &info, &pem, None).await.unwrap();
    let names = world.store.names();
    assert!(
        names.iter().any(|n| n.ends_with("/azure-certificate-path"))
            && !names.iter().any(|n| n.contains("password")),
        "{names:?}"
    );
    let restored = azure.restore(session.account()).await.unwrap().unwrap();
    restored
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_certificates_and_missing_passwords_are_refused_and_nothing_is_stored() {
    let (world, info, uploaded) = world_with_certificate().await;
    let azure = world.azure(world.azure_config());
    let dir = tempfile::tempdir().unwrap();

    // A certificate Azure does not know for this application.
    let other = write(&dir, "other.pem", &KeyPair::new().combined_pem(None));
    let error = sign_in_with(&azure, &info, &other, None).await.unwrap_err();
    assert_eq!(error.code(), "AzureCredentialsFailed", "{error:?}");
    assert!(error.to_string().contains("700027"), "{error}");

    // Problems with the file are named before anything is sent.
    let before = world.handle().requests().len();
    let encrypted = write(&dir, "sp.pem", &uploaded.combined_pem(Some("right")));
    let pfx = write(&dir, "sp.pfx", &uploaded.pkcs12("right"));
    let cert_only = write(&dir, "cert.pem", uploaded.certificate_pem().as_bytes());
    let garbage = write(&dir, "notes.txt", b"not a certificate");
    let missing = dir.path().join("absent.pem");
    let large = write(&dir, "large.pem", &vec![b'a'; 65 * 1024]);
    let folder = dir.path().to_path_buf();
    let device = std::path::PathBuf::from("/dev/zero");
    for (path, password, expected) in [
        (&large, None, "larger than 64 KiB"),
        (&folder, None, "a folder, not a regular file"),
        (&device, None, "not a regular file"),
    ]
    .into_iter()
    // `/dev/zero` is a device on Unix only.
    .filter(|(path, ..)| cfg!(unix) || *path != &device)
    .chain([
        (&encrypted, None, "protected by a password"),
        (&encrypted, Some("wrong"), "password does not open it"),
        (&pfx, None, "protected by a password"),
        (&pfx, Some("wrong"), "password does not open it"),
        (&cert_only, None, "no private key"),
        (&garbage, None, "neither PEM"),
        (&missing, None, "no such file"),
    ]) {
        let error = sign_in_with(&azure, &info, path, password)
            .await
            .unwrap_err();
        let problem = error.problem();
        assert_eq!(
            problem.field.as_deref(),
            Some("azure_certificate_path"),
            "{error:?}"
        );
        assert!(error.to_string().contains(expected), "{expected}: {error}");
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );
    }
    for (tenant, client, field) in [
        ("common", info.azure_client_id.as_str(), "azure_tenant_id"),
        (
            info.azure_tenant_id.as_str(),
            "not-a-guid",
            "azure_client_id",
        ),
    ] {
        let error = azure
            .with_service_principal_certificate(tenant, client, &encrypted, None)
            .await
            .unwrap_err();
        assert_eq!(error.problem().field.as_deref(), Some(field), "{error:?}");
    }
    assert_eq!(world.handle().requests().len(), before, "nothing was sent");
    assert!(world.store.names().is_empty(), "{:?}", world.store.names());
}
