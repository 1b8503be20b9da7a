//! Replace means remove: a new sign-in to a cloud that replaces the current one (another method, application,
//! user or service principal) removes every keychain entry the previous sign-in wrote, once the new one has
//! succeeded; a failed new sign-in leaves the previous one, and its entries, working.

use std::path::Path;

use azure_client::AzureCloud;
use cloud_sandbox::testing::KeyPair;
use sign_in::{
    Auth0AccountMethod, Auth0PrivateKeyRequest, Auth0SignInRequest, Auth0TokenRequest,
    AzureAccountMethod, AzureCertificateRequest, AzureServicePrincipalRequest, AzureSignInMethod,
    AzureSignInPrompt, CloudAccounts, KeyAlgorithm, KeyFileKind, SignInSetup, SignedIn,
};

use crate::common::{Browser, PUBLIC_CLIENT_ID, World};

/// The app's sign-ins over the world's keychain and sandbox, with their account list in `folder`.
fn accounts(world: &World, folder: &Path) -> CloudAccounts {
    let info = world.sandbox.info();
    let mut setup = SignInSetup::without_window(
        world.keychain.clone(),
        AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        },
    );
    setup.azure_client_id = Some(PUBLIC_CLIENT_ID.into());
    CloudAccounts::in_folder(setup, folder)
}

/// What a restart restores from the account list in `folder` and the keychain alone.
async fn restored(world: &World, folder: &Path) -> SignedIn {
    accounts(world, folder).restore().await
}

/// The keychain entries filed under `account`.
fn entries_of(world: &World, account: &str) -> Vec<String> {
    let prefix = format!("{account}/");
    world
        .store
        .names()
        .into_iter()
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

/// Every keychain entry is filed under `account` (and there is at least one).
fn only_entries_of(world: &World, account: &str) {
    let names = world.store.names();
    assert!(!names.is_empty(), "nothing stored");
    assert_eq!(entries_of(world, account), names, "left over: {names:?}");
}

fn secret_request(world: &World, client_secret: &str) -> Auth0SignInRequest {
    let info = world.sandbox.info();
    Auth0SignInRequest {
        domain: info.auth0_domain.clone(),
        canonical_domain: None,
        client_id: info.auth0_client_id.clone(),
        client_secret: client_secret.into(),
    }
}

/// A private-key application registered in the sandbox; its client id, and the request naming its key file in
/// `dir` by the handle `app` gave for it (as the file dialog would).
fn key_request(
    world: &World,
    app: &CloudAccounts,
    dir: &Path,
    name: &str,
) -> (String, Auth0PrivateKeyRequest) {
    let pair = KeyPair::new();
    let registered = world
        .handle()
        .register_auth0_application(
            "Event Grid setup",
            &sign_in::LOG_STREAM_SCOPES,
            &pair.public_pem(),
            "RS256",
        )
        .unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pair.private_pem()).unwrap();
    let request = Auth0PrivateKeyRequest {
        domain: world.sandbox.info().auth0_domain.clone(),
        canonical_domain: None,
        client_id: registered.client_id.clone(),
        key_file: app
            .keep_key_file(KeyFileKind::Auth0PrivateKey, path)
            .unwrap()
            .handle,
        algorithm: KeyAlgorithm::RS256,
    };
    (registered.client_id, request)
}

async fn management_token(world: &World) -> String {
    let info = world.sandbox.info();
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", info.auth0_domain))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", info.auth0_client_id.as_str()),
            ("client_secret", info.auth0_client_secret.as_str()),
            ("audience", &format!("{}/api/v2/", info.auth0_domain)),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_auth0_sign_in_that_replaces_another_removes_its_keychain_entries() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let folder = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = accounts(&world, folder.path());
    let domain = &info.auth0_domain;

    // Client secret.
    app.sign_in_auth0(secret_request(&world, &info.auth0_client_secret))
        .await
        .unwrap();
    let secret_account = format!("auth0:{}@{domain}", info.auth0_client_id);
    only_entries_of(&world, &secret_account);

    // → a private key (another application): the client secret goes.
    let (first_app, request) = key_request(&world, &app, keys.path(), "first.pem");
    let signed = app.sign_in_auth0_private_key(request).await.unwrap();
    assert_eq!(signed.method, Auth0AccountMethod::PrivateKey);
    only_entries_of(&world, &format!("auth0:{first_app}@{domain}"));
    let back = restored(&world, folder.path()).await.auth0.unwrap();
    assert_eq!(back.client_id.as_deref(), Some(first_app.as_str()));

    // → another application's private key: the first application's key path goes.
    let (second_app, request) = key_request(&world, &app, keys.path(), "second.pem");
    app.sign_in_auth0_private_key(request).await.unwrap();
    only_entries_of(&world, &format!("auth0:{second_app}@{domain}"));
    let back = restored(&world, folder.path()).await.auth0.unwrap();
    assert_eq!(back.client_id.as_deref(), Some(second_app.as_str()));

    // → a pasted token, remembered: the key path goes.
    let token = management_token(&world).await;
    let token_request = |remember| Auth0TokenRequest {
        domain: domain.clone(),
        canonical_domain: None,
        token: token.clone().into(),
        remember,
    };
    app.sign_in_auth0_token(token_request(true)).await.unwrap();
    only_entries_of(&world, &format!("auth0:token@{domain}"));
    let back = restored(&world, folder.path()).await.auth0.unwrap();
    assert_eq!(back.method, Auth0AccountMethod::ManagementToken);

    // → the same token, not remembered: the remembered one goes, nothing is left.
    app.sign_in_auth0_token(token_request(false)).await.unwrap();
    assert!(world.store.names().is_empty(), "{:?}", world.store.names());
    assert!(app.auth0_application().is_some(), "the new sign-in works");

    // → a remembered token again, then the client secret: the token goes.
    app.sign_in_auth0_token(token_request(true)).await.unwrap();
    app.sign_in_auth0(secret_request(&world, &info.auth0_client_secret))
        .await
        .unwrap();
    only_entries_of(&world, &secret_account);
    let back = restored(&world, folder.path()).await.auth0.unwrap();
    assert_eq!(back.method, Auth0AccountMethod::ClientSecret);
}

#[tokio::test]
async fn a_failed_auth0_replacement_keeps_the_previous_sign_in_until_one_succeeds() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let folder = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = accounts(&world, folder.path());
    app.sign_in_auth0(secret_request(&world, &info.auth0_client_secret))
        .await
        .unwrap();
    let before = world.store.names();

    // A wrong secret, and a key the application does not know: refused, the client secret stays and works.
    app.sign_in_auth0(secret_request(&world, "wrong"))
        .await
        .unwrap_err();
    let (_, mut request) = key_request(&world, &app, keys.path(), "key.pem");
    let (_, other) = key_request(&world, &app, keys.path(), "other.pem");
    request.key_file = other.key_file;
    app.sign_in_auth0_private_key(request).await.unwrap_err();
    assert_eq!(world.store.names(), before);
    let back = restored(&world, folder.path()).await.auth0.unwrap();
    assert_eq!(back.method, Auth0AccountMethod::ClientSecret);

    // Then one that succeeds replaces it.
    let (client_id, request) = key_request(&world, &app, keys.path(), "right.pem");
    app.sign_in_auth0_private_key(request).await.unwrap();
    only_entries_of(&world, &format!("auth0:{client_id}@{}", info.auth0_domain));
}

/// A browser sign-in through the app as `name`.
async fn browser_sign_in(app: &CloudAccounts, name: &str, password: &str) -> AzureAccountMethod {
    let prompt = app
        .start_azure(AzureSignInMethod::Browser, |_| false)
        .await
        .unwrap();
    let AzureSignInPrompt::Browser { url, .. } = prompt else {
        panic!("a browser prompt");
    };
    let person = async {
        let callback = Browser::new().sign_in(&url, name, password).await;
        Browser::new().get(&callback).await
    };
    let (signed, page) = tokio::join!(app.finish_azure(), person);
    assert_eq!(page.0, 200, "{}", page.1);
    signed.unwrap().method
}

fn user_entries(world: &World) -> Vec<String> {
    world
        .store
        .names()
        .into_iter()
        .filter(|name| name.starts_with("azure:"))
        .collect()
}

#[tokio::test]
async fn each_azure_sign_in_that_replaces_another_removes_its_keychain_entries() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let folder = tempfile::tempdir().unwrap();
    let app = accounts(&world, folder.path());
    let sp_account = format!(
        "azure-app:{}@{}",
        info.azure_client_id, info.azure_tenant_id
    );
    let secret_request = |secret: &str| AzureServicePrincipalRequest {
        tenant_id: info.azure_tenant_id.clone(),
        client_id: info.azure_client_id.clone(),
        client_secret: secret.into(),
    };

    // A service principal's secret.
    app.sign_in_azure_service_principal(secret_request(&info.azure_client_secret))
        .await
        .unwrap();
    only_entries_of(&world, &sp_account);

    // → the same service principal's certificate: the client secret goes (same account, other key).
    let pair = KeyPair::new();
    world
        .handle()
        .add_azure_certificate(&info.azure_client_id, &pair.certificate_pem())
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("sp.pem");
    std::fs::write(&path, pair.combined_pem(Some("pem-password"))).unwrap();
    app.sign_in_azure_certificate(AzureCertificateRequest {
        tenant_id: info.azure_tenant_id.clone(),
        client_id: info.azure_client_id.clone(),
        certificate_file: app
            .keep_key_file(KeyFileKind::AzureCertificate, path)
            .unwrap()
            .handle,
        password: Some("pem-password".into()),
    })
    .await
    .unwrap();
    let names = world.store.names();
    assert!(
        names.iter().all(|n| !n.contains("azure-client-secret")),
        "the client secret is left: {names:?}"
    );
    let back = restored(&world, folder.path()).await.azure.unwrap();
    assert_eq!(back.method, AzureAccountMethod::Certificate);

    // → a person in the browser: the certificate's path and password go.
    let (ada, ada_password) = world.user();
    browser_sign_in(&app, &ada, &ada_password).await;
    let ada_entries = user_entries(&world);
    assert_eq!(ada_entries.len(), 2, "a refresh token and its index");
    assert_eq!(world.store.names(), ada_entries, "left over");

    // Switching directory keeps the same entry: nothing is removed, the refresh token still works.
    let guest = info.azure_guest_directory.clone().unwrap();
    app.switch_azure_tenant(&guest.tenant_id).await.unwrap();
    assert_eq!(world.store.names(), ada_entries);
    let back = restored(&world, folder.path()).await.azure.unwrap();
    assert_eq!(back.tenant_id, guest.tenant_id);

    // → another person: the first one's refresh token goes.
    let rita = info.users[1].clone();
    browser_sign_in(&app, &rita.name, &rita.password).await;
    let rita_entries = user_entries(&world);
    assert_eq!(rita_entries.len(), 2);
    assert!(rita_entries.iter().all(|n| !ada_entries.contains(n)));
    assert_eq!(world.store.names(), rita_entries, "left over");
    let back = restored(&world, folder.path()).await.azure.unwrap();
    assert_eq!(back.username, rita.name);

    // → a service principal again: the person's refresh token goes.
    app.sign_in_azure_service_principal(secret_request(&info.azure_client_secret))
        .await
        .unwrap();
    only_entries_of(&world, &sp_account);
    let back = restored(&world, folder.path()).await.azure.unwrap();
    assert_eq!(back.method, AzureAccountMethod::ServicePrincipal);
}

#[tokio::test]
async fn a_failed_azure_replacement_keeps_the_previous_sign_in_until_one_succeeds() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let folder = tempfile::tempdir().unwrap();
    let app = accounts(&world, folder.path());
    let (ada, password) = world.user();
    browser_sign_in(&app, &ada, &password).await;
    let before = world.store.names();

    // A wrong service principal secret: refused, the person's refresh token stays and works.
    let request = |secret: &str| AzureServicePrincipalRequest {
        tenant_id: info.azure_tenant_id.clone(),
        client_id: info.azure_client_id.clone(),
        client_secret: secret.into(),
    };
    app.sign_in_azure_service_principal(request("wrong"))
        .await
        .unwrap_err();
    assert_eq!(world.store.names(), before);
    app.azure_tenants().await.unwrap();
    let back = restored(&world, folder.path()).await.azure.unwrap();
    assert_eq!(back.username, ada);

    // Then one that succeeds replaces it.
    app.sign_in_azure_service_principal(request(&info.azure_client_secret))
        .await
        .unwrap();
    only_entries_of(
        &world,
        &format!(
            "azure-app:{}@{}",
            info.azure_client_id, info.azure_tenant_id
        ),
    );
}
