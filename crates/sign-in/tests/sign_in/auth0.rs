//! Auth0 sign-in against the sandbox tenant: client credentials of the seeded machine-to-machine application,
//! a pasted Management API token with scopes missing, wrong secrets, and what is kept in the keychain.

use cloud_http::Secret;
use sign_in::{Auth0Account, Auth0Method, Auth0SignIn, LOG_STREAM_SCOPES};

use crate::common::World;

fn auth0(world: &World) -> Auth0SignIn {
    Auth0SignIn::new(world.keychain.clone(), world.transport())
}

/// `account` restores from the keychain to a client the Management API answers; once signed out, the keychain
/// is empty and the account restores to nothing.
async fn assert_restores_until_sign_out(world: &World, account: &Auth0Account) {
    let restored = auth0(world).restore(account).await.unwrap().unwrap();
    restored.client.list_log_streams().await.unwrap();
    auth0(world).sign_out(account).await.unwrap();
    assert!(world.store.names().is_empty(), "{:?}", world.store.names());
    assert!(auth0(world).restore(account).await.unwrap().is_none());
}

/// A Management API token with only `scope`, as the dashboard's API Explorer would give one.
async fn token_with(world: &World, scope: &str) -> String {
    let info = world.sandbox.info();
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", info.auth0_domain))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", info.auth0_client_id.as_str()),
            ("client_secret", info.auth0_client_secret.as_str()),
            ("audience", &format!("{}/api/v2/", info.auth0_domain)),
            ("scope", scope),
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
async fn client_credentials_sign_in_reads_the_scopes_and_keeps_the_secret_in_the_keychain() {
    let world = World::start().await;
    let info = world.sandbox.info();
    let session = auth0(&world)
        .with_client_secret(
            &info.auth0_domain,
            None,
            &info.auth0_client_id,
            Secret::new(info.auth0_client_secret.clone()),
        )
        .await
        .unwrap();
    let account = &session.account;
    assert_eq!(account.method, Auth0Method::ClientSecret);
    assert!(
        account.missing_scopes.is_empty(),
        "{:?}",
        account.missing_scopes
    );
    let granted = account.granted_scopes.clone().unwrap();
    assert!(
        LOG_STREAM_SCOPES
            .iter()
            .all(|s| granted.iter().any(|g| g == s))
    );
    session.require_all_scopes().unwrap();
    session.client.list_log_streams().await.unwrap();
    assert!(
        !serde_json::to_string(account)
            .unwrap()
            .contains(&info.auth0_client_secret)
    );

    // Restored after a restart from the keychain alone.
    assert_restores_until_sign_out(&world, account).await;
}

#[tokio::test]
async fn a_wrong_client_secret_is_rejected_and_not_stored() {
    let world = World::start().await;
    let info = world.sandbox.info();
    let error = auth0(&world)
        .with_client_secret(
            &info.auth0_domain,
            None,
            &info.auth0_client_id,
            Secret::new("wrong"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "Auth0CredentialsRejected", "{error:?}");
    assert!(world.store.names().is_empty());
}

#[tokio::test]
async fn bad_input_is_named_before_anything_is_sent() {
    let world = World::start().await;
    let info = world.sandbox.info();
    let cases = [
        ("", "id", "secret", "auth0_domain"),
        (info.auth0_domain.as_str(), " ", "secret", "auth0_client_id"),
        (info.auth0_domain.as_str(), "id", " ", "auth0_client_secret"),
    ];
    for (domain, id, secret, field) in cases {
        let error = auth0(&world)
            .with_client_secret(domain, None, id, Secret::new(secret))
            .await
            .unwrap_err();
        assert_eq!(error.problem().field.as_deref(), Some(field));
    }
    let error = auth0(&world)
        .with_client_secret("http://auth0.example.com", None, "id", Secret::new("s"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InsecureEndpoint");
    assert!(world.handle().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_token_missing_scopes_names_them() {
    let world = World::start().await;
    let info = world.sandbox.info();
    let token = token_with(&world, "read:log_streams read:logs").await;
    let session = auth0(&world)
        .with_management_token(&info.auth0_domain, None, Secret::new(token), false)
        .await
        .unwrap();
    assert_eq!(
        session.account.missing_scopes,
        [
            "create:log_streams",
            "update:log_streams",
            "delete:log_streams"
        ]
    );
    let error = session.require_all_scopes().unwrap_err();
    assert_eq!(error.code(), "Auth0MissingScope");
    assert!(error.to_string().contains("create:log_streams"));
    assert!(error.remedy().contains("create:log_streams"));
    assert!(!session.account.remembered);
    assert!(
        world.store.names().is_empty(),
        "a pasted token stays in memory"
    );
    // The token names the application Auth0 issued it to; the account keeps it (the test event uses it).
    assert_eq!(session.account.client_id, None);
    assert_eq!(
        session.account.token_client_id.as_deref(),
        Some(info.auth0_client_id.as_str())
    );
    assert_eq!(
        session.account.application(),
        Some(info.auth0_client_id.as_str())
    );
}

#[tokio::test]
async fn a_pasted_token_is_kept_only_when_the_user_opts_in() {
    let world = World::start().await;
    let info = world.sandbox.info();
    let token = token_with(&world, &LOG_STREAM_SCOPES.join(" ")).await;
    let session = auth0(&world)
        .with_management_token(&info.auth0_domain, None, Secret::new(token.clone()), true)
        .await
        .unwrap();
    assert!(session.account.missing_scopes.is_empty());
    assert!(session.account.remembered);
    assert_restores_until_sign_out(&world, &session.account).await;
}

/// A private-key JWT application registered in the sandbox with `scopes`; returns its client id and key file.
fn private_key_application(
    world: &World,
    scopes: &[&str],
    alg: &str,
) -> (String, tempfile::TempDir, std::path::PathBuf) {
    let pair = cloud_sandbox::testing::KeyPair::new();
    let registered = world
        .handle()
        .register_auth0_application("Event Grid setup", scopes, &pair.public_pem(), alg)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auth0-key.pem");
    std::fs::write(&path, pair.private_pem()).unwrap();
    (registered.client_id, dir, path)
}

#[tokio::test]
async fn a_private_key_signs_in_names_missing_scopes_and_restores_with_a_new_assertion() {
    let world = World::start().await;
    let domain = world.sandbox.info().auth0_domain.clone();
    for (alg, algorithm) in [
        ("RS256", sign_in::AssertionAlgorithm::RS256),
        ("PS256", sign_in::AssertionAlgorithm::PS256),
    ] {
        let (client_id, _dir, key) =
            private_key_application(&world, &["read:log_streams", "read:logs"], alg);
        let session = auth0(&world)
            .with_private_key(&domain, None, &client_id, &key, algorithm)
            .await
            .unwrap();
        assert_eq!(session.account.method, Auth0Method::PrivateKeyJwt);
        assert_eq!(
            session.account.missing_scopes,
            vec![
                "create:log_streams",
                "update:log_streams",
                "delete:log_streams"
            ]
        );
        let error = session.require_all_scopes().unwrap_err();
        assert!(error.to_string().contains("create:log_streams"), "{error}");
        session.client.list_log_streams().await.unwrap();

        // Restoring signs a new assertion (a replayed jti would be refused).
        assert_restores_until_sign_out(&world, &session.account).await;
    }
}

/// Signs in as `client_id` with an RS256 assertion from the key in `key`, which Auth0 is expected to refuse.
async fn refused_private_key(
    world: &World,
    client_id: &str,
    key: &std::path::Path,
) -> sign_in::SignInError {
    let domain = &world.sandbox.info().auth0_domain;
    auth0(world)
        .with_private_key(
            domain,
            None,
            client_id,
            key,
            sign_in::AssertionAlgorithm::RS256,
        )
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_private_key_assertion_from_the_wrong_key_or_expired_on_arrival_is_refused() {
    let world = World::start().await;
    let (client_id, _dir, _key) = private_key_application(&world, &["read:logs"], "RS256");
    let (_, _other_dir, other_key) = private_key_application(&world, &["read:logs"], "RS256");
    let error = refused_private_key(&world, &client_id, &other_key).await;
    assert_eq!(error.code(), "Auth0CredentialsRejected", "{error:?}");
    assert!(error.to_string().contains("signature"), "{error}");

    // The sandbox's clock is two minutes ahead of the app's: the one-minute assertion arrives expired.
    let (client_id, _dir, key) = private_key_application(&world, &["read:logs"], "RS256");
    world.handle().advance(std::time::Duration::from_secs(120));
    let error = refused_private_key(&world, &client_id, &key).await;
    assert_eq!(error.code(), "Auth0CredentialsRejected", "{error:?}");
    assert!(error.to_string().contains("expired"), "{error}");
    assert!(world.store.names().is_empty());
}

/// The canonical domain as the sign-in keeps it: the sandbox's base URL without its trailing slash.
fn canonical(world: &World) -> String {
    world
        .sandbox
        .info()
        .auth0_domain
        .trim_end_matches('/')
        .to_owned()
}

#[tokio::test]
async fn behind_a_custom_domain_the_management_api_is_used_at_the_canonical_domain() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let custom = info.auth0_custom_domain.as_str();
    let secret = || Secret::new(info.auth0_client_secret.clone());

    // The audience derived from the custom domain is not the Management API's: Auth0 refuses the token.
    let error = auth0(&world)
        .with_client_secret(custom, None, &info.auth0_client_id, secret())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "Auth0CredentialsRejected", "{error:?}");
    assert!(error.to_string().contains("Service not enabled"), "{error}");

    let session = auth0(&world)
        .with_client_secret(
            custom,
            Some(&canonical(&world)),
            &info.auth0_client_id,
            secret(),
        )
        .await
        .unwrap();
    assert_eq!(
        session.account.domain, custom,
        "the domain as typed is kept"
    );
    assert_eq!(
        session.account.canonical_domain.as_deref(),
        Some(canonical(&world).as_str())
    );
    assert_eq!(session.account.management_domain(), canonical(&world));
    assert_eq!(
        session.client.audience(),
        format!("{}/api/v2/", canonical(&world))
    );
    session.client.list_log_streams().await.unwrap();
    let json = serde_json::to_string(&session.account).unwrap();
    assert!(
        json.contains("canonical_domain"),
        "remembered with the sign-in: {json}"
    );
    assert!(!json.contains(&info.auth0_client_secret));

    // A restart restores it at the canonical domain too.
    assert_restores_until_sign_out(&world, &session.account).await;
}

#[tokio::test]
async fn behind_a_custom_domain_a_private_key_or_a_pasted_token_use_the_canonical_domain() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let custom = info.auth0_custom_domain.as_str();
    let (client_id, _dir, key) = private_key_application(&world, &LOG_STREAM_SCOPES, "RS256");
    let session = auth0(&world)
        .with_private_key(
            custom,
            Some(&canonical(&world)),
            &client_id,
            &key,
            sign_in::AssertionAlgorithm::RS256,
        )
        .await
        .unwrap();
    assert_eq!(session.account.management_domain(), canonical(&world));
    session.client.list_log_streams().await.unwrap();
    assert_restores_until_sign_out(&world, &session.account).await;

    // The dashboard's API Explorer issues tokens at the canonical domain.
    let token = token_with(&world, &LOG_STREAM_SCOPES.join(" ")).await;
    let session = auth0(&world)
        .with_management_token(custom, Some(&canonical(&world)), Secret::new(token), false)
        .await
        .unwrap();
    assert!(session.account.missing_scopes.is_empty());
    session.client.list_log_streams().await.unwrap();
}

#[tokio::test]
async fn a_custom_domain_without_its_canonical_domain_is_named_before_anything_is_sent() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let error = auth0(&world)
        .with_client_secret(
            "login.acme.com",
            None,
            &info.auth0_client_id,
            Secret::new("secret"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.problem().field.as_deref(),
        Some(sign_in::CANONICAL_DOMAIN_FIELD)
    );
    assert!(error.to_string().contains("custom domain"), "{error}");
    let error = auth0(&world)
        .with_management_token(
            "login.acme.com",
            Some("login.acme.com"),
            Secret::new("t"),
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.problem().field.as_deref(),
        Some(sign_in::CANONICAL_DOMAIN_FIELD)
    );
    assert!(world.handle().requests().is_empty(), "nothing was sent");
}
