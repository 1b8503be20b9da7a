//! The device-code sign-in: approval on the sandbox's device page, `slow_down`, and expiry. The test clock's
//! waits move the sandbox's clock by the same amount, so polling runs at full speed yet by the server's rules.

use std::sync::Arc;
use std::time::Duration;

use sign_in::{AzureMethod, DeviceSignIn, SignInCancel, SignInError};

use crate::common::World;

/// Approves (or denies) `user_code` on the sandbox's device page, as the user would in a browser.
pub async fn decide(world: &World, user_code: &str, decision: &str) {
    let (name, password) = world.user();
    let page = format!("{}/devicelogin", world.sandbox.info().azure_authority);
    let response = reqwest::Client::new()
        .post(page)
        .form(&[
            ("user_code", user_code),
            ("username", name.as_str()),
            ("password", password.as_str()),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains("You have signed in"), "{html}");
}

pub async fn start(world: &World) -> DeviceSignIn {
    let device = world
        .azure(world.azure_config())
        .start_device_code()
        .await
        .unwrap();
    assert!(device.verification_uri().ends_with("/devicelogin"));
    assert!(!device.user_code().is_empty());
    device
}

#[tokio::test]
async fn a_device_code_approved_on_the_device_page_signs_in() {
    let world = World::start().await;
    let device = start(&world).await;
    decide(&world, device.user_code(), "allow").await;
    let session = device.finish(&SignInCancel::new()).await.unwrap();
    assert_eq!(session.account().method, AzureMethod::DeviceCode);
    assert_eq!(session.account().username, world.user().0);
    assert!(
        world.clock.sleeps().is_empty(),
        "approved on the first poll"
    );
    let (_, subscriptions) = session
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();
    assert!(!subscriptions.is_empty());
}

#[tokio::test]
async fn polling_waits_the_interval_and_backs_off_on_slow_down() {
    let world = World::start().await;
    let device = start(&world).await;
    let handle = world.handle();
    let user_code = device.user_code().to_owned();
    let (name, password) = world.user();
    let authority = world.sandbox.info().azure_authority.clone();
    world.clock.on_sleep(Arc::new(move |count, wait| {
        let handle = handle.clone();
        let (user_code, name, password, authority) = (
            user_code.clone(),
            name.clone(),
            password.clone(),
            authority.clone(),
        );
        Box::pin(async move {
            if count == 1 {
                // Poll again too early (sandbox time) so the server answers slow_down.
                handle.advance(Duration::from_secs(1));
                return;
            }
            handle.advance(wait);
            reqwest::Client::new()
                .post(format!("{authority}/devicelogin"))
                .form(&[
                    ("user_code", user_code.as_str()),
                    ("username", name.as_str()),
                    ("password", password.as_str()),
                    ("decision", "allow"),
                ])
                .send()
                .await
                .unwrap();
        })
    }));
    let session = device.finish(&SignInCancel::new()).await.unwrap();
    assert_eq!(session.account().method, AzureMethod::DeviceCode);
    assert_eq!(
        world.clock.sleeps(),
        [Duration::from_secs(5), Duration::from_secs(10)],
        "the server's 5 s interval, then 5 s more after slow_down"
    );
}

#[tokio::test]
async fn an_expired_device_code_says_so() {
    let world = World::start().await;
    let device = start(&world).await;
    let handle = world.handle();
    world.clock.on_sleep(Arc::new(move |_, _| {
        handle.advance(Duration::from_secs(16 * 60));
        Box::pin(async {})
    }));
    let error = device.finish(&SignInCancel::new()).await.unwrap_err();
    assert!(matches!(error, SignInError::DeviceCodeExpired), "{error:?}");
    assert_eq!(world.clock.sleeps().len(), 1);
}

#[tokio::test]
async fn a_declined_device_code_is_refused_and_stores_nothing() {
    let world = World::start().await;
    let device = start(&world).await;
    decide(&world, device.user_code(), "deny").await;
    let error = device.finish(&SignInCancel::new()).await.unwrap_err();
    assert_eq!(error.code(), "SignInRefused", "{error:?}");
    assert!(world.store.names().is_empty());
}

#[tokio::test]
async fn a_device_sign_in_can_be_cancelled_while_polling() {
    let world = World::start().await;
    let device = start(&world).await;
    let cancel = SignInCancel::new();
    let button = cancel.clone();
    world.clock.on_sleep(Arc::new(move |_, _| {
        button.cancel();
        Box::pin(std::future::pending())
    }));
    let error = device.finish(&cancel).await.unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error:?}");
}
