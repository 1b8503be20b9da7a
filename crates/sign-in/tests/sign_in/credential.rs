//! The refresh-token credential: tokens from memory while fresh, renewal with rotation stored in the keychain,
//! a revoked refresh token turned into "sign in again", restore after restart, sign-out (tenant switching is in
//! `tenants.rs`).

use std::time::Duration;

use sign_in::{REFRESH_TOKEN_KEY, SignInError};

use crate::common::World;

const SCOPE: &str = "https://management.azure.com/.default";

/// Asks the sandbox's token endpoint directly whether a refresh token is still accepted.
async fn still_accepted(world: &World, refresh_token: &str) -> bool {
    let info = world.sandbox.info();
    reqwest::Client::new()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            info.azure_authority, info.azure_tenant_id
        ))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", crate::common::PUBLIC_CLIENT_ID),
            ("refresh_token", refresh_token),
            ("scope", SCOPE),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .is_success()
}

#[tokio::test]
async fn tokens_come_from_memory_until_near_expiry_then_the_rotated_refresh_token_is_stored() {
    let world = World::start().await;
    let session = world.browser_sign_in().await;
    let account = session.account().keychain_account.clone();
    let first_refresh = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    let credential = session.credential();

    let first = credential.get_token(&[SCOPE], None).await.unwrap();
    let another_consumer = session
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap();
    assert_eq!(
        first.token.secret(),
        another_consumer.token.secret(),
        "served from memory"
    );
    assert_eq!(
        world
            .keychain_values(&account, REFRESH_TOKEN_KEY)
            .await
            .unwrap(),
        first_refresh,
        "no refresh while the token is fresh"
    );

    // Inside the renewal margin (two minutes before expiry) the token is renewed.
    let lifetime = first.expires_on - world.clock_now();
    world
        .clock
        .advance(Duration::try_from(lifetime).unwrap() - Duration::from_secs(60));
    let renewed = session
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap();
    assert!(renewed.expires_on > first.expires_on);
    let second_refresh = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    assert_ne!(
        second_refresh, first_refresh,
        "the rotated refresh token replaced the old one"
    );
    assert!(
        !still_accepted(&world, &first_refresh).await,
        "the old one is spent"
    );

    // Newest wins across renewals, and the stored token is the one that works.
    world.clock.advance(Duration::from_secs(2 * 3600));
    session
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap();
    let third_refresh = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    assert_ne!(third_refresh, second_refresh);
    assert!(still_accepted(&world, &third_refresh).await);
}

#[tokio::test]
async fn a_revoked_refresh_token_asks_to_sign_in_again() {
    let world = World::start().await;
    let session = world.browser_sign_in().await;
    let handle = world.handle();
    let mut faults = handle.faults();
    faults.revoke_refresh_tokens = true;
    handle.set_faults(faults);
    world.clock.advance(Duration::from_secs(2 * 3600));

    let error = session
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap_err();
    assert_eq!(*error.kind(), azure_core::error::ErrorKind::Credential);
    let sign_in_error = error
        .downcast_ref::<SignInError>()
        .expect("the sign-in error inside");
    let problem = sign_in_error.problem();
    assert_eq!(problem.code, "SignInAgain");
    assert_eq!(problem.remedy, "Sign in to Azure again.");
    assert!(
        problem.message.contains("AADSTS50173"),
        "{}",
        problem.message
    );
}

#[tokio::test]
async fn a_restored_session_uses_the_stored_refresh_token() {
    let world = World::start().await;
    let session = world.browser_sign_in().await;
    let azure = world.azure(world.azure_config());
    let restored = azure.restore(session.account()).await.unwrap().unwrap();
    let token = restored
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap();
    assert!(!token.token.secret().is_empty());

    session.sign_out().await.unwrap();
    assert!(world.store.names().is_empty(), "{:?}", world.store.names());
    assert!(azure.restore(session.account()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_token_refused_before_its_expiry_is_renewed_when_the_client_asks_again() {
    let world = World::start().await;
    let session = world.browser_sign_in().await;
    let account = session.account().keychain_account.clone();
    let first_refresh = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    // The sandbox stops accepting access tokens a minute after issue, whatever their `exp` says.
    let handle = world.handle();
    let mut faults = handle.faults();
    faults.token_lifetime_secs = Some(60);
    handle.set_faults(faults);
    handle.advance(Duration::from_secs(120));

    // The Resource Manager client gets a 401 with the token from memory, asks again, and gets a renewed one.
    let (_, subscriptions) = session
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();
    assert!(!subscriptions.is_empty());
    let rotated = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    assert_ne!(
        rotated, first_refresh,
        "the renewal rotated the stored refresh token"
    );

    // The same consumer asking again for a token it holds unexpired is renewed; another consumer is not.
    // (The sandbox's frozen clock makes a renewed token look the same: the rotation shows the renewal.)
    let consumer = session.credential();
    consumer.get_token(&[SCOPE], None).await.unwrap();
    let before = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    consumer.get_token(&[SCOPE], None).await.unwrap();
    let after = world
        .keychain_values(&account, REFRESH_TOKEN_KEY)
        .await
        .unwrap();
    assert_ne!(before, after, "renewed for the consumer that asked again");
    session
        .credential()
        .get_token(&[SCOPE], None)
        .await
        .unwrap();
    assert_eq!(
        world
            .keychain_values(&account, REFRESH_TOKEN_KEY)
            .await
            .unwrap(),
        after,
        "another consumer is served from memory"
    );
}
