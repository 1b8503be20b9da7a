//! Cancel and sign-out against a pending browser sign-in, through the lifecycle the window drives: the pending
//! sign-in is dropped with its loopback listener (the port is freed), and a cancel that races the browser's
//! callback decides the outcome whenever it is accepted: cancelled, nothing remembered, nothing in the keychain.

use std::path::Path;
use std::time::{Duration, Instant};

use azure_client::AzureCloud;
use setup_engine::ErrorCode;
use sign_in::{
    AccountFile, AzureSignInMethod, AzureSignInPrompt, CloudAccounts, CloudName, SignInSetup,
};

use crate::common::{Browser, PUBLIC_CLIENT_ID, World};

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

/// Starts a browser sign-in; its authorize link and the loopback port it listens on.
async fn start_browser(accounts: &CloudAccounts) -> (String, u16) {
    let prompt = accounts
        .start_azure(AzureSignInMethod::Browser, |_| false)
        .await
        .unwrap();
    let AzureSignInPrompt::Browser { url, .. } = prompt else {
        panic!("a browser sign-in prompts with a link");
    };
    let redirect = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "redirect_uri")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    (url, port)
}

/// Whether the port still takes connections, waiting (as a hang guard only) for a closing listener to go.
async fn port_closes(port: u16) -> bool {
    let give_up = Instant::now() + Duration::from_secs(20);
    while Instant::now() < give_up {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Cancel, signing out and signing Azure out each drop a pending browser sign-in: the listener's port is freed
/// (so the browser's real callback, coming late, reaches nothing), and finishing answers "cancelled".
#[tokio::test]
async fn cancel_and_sign_out_drop_a_pending_browser_sign_in_and_free_its_port() {
    let world = World::start().await;
    let (name, password) = world.user();
    for way in ["cancel", "sign out", "sign out of Azure"] {
        let folder = tempfile::tempdir().unwrap();
        let accounts = accounts(&world, folder.path());
        let (url, port) = start_browser(&accounts).await;
        // The person signs in; the identity platform sends the browser back with the code.
        let callback = Browser::new().sign_in(&url, &name, &password).await;
        match way {
            "cancel" => assert!(accounts.cancel_azure(), "{way}: nothing was cancelled"),
            "sign out" => accounts.sign_out().await.unwrap(),
            _ => accounts.sign_out_cloud(CloudName::Azure).await.unwrap(),
        }
        assert!(port_closes(port).await, "{way}: the listener still answers");
        let late = reqwest::Client::new().get(&callback).send().await;
        assert!(late.is_err(), "{way}: a late callback reached {late:?}");
        let error = accounts.finish_azure().await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Cancelled, "{way}: {error:?}");
        assert!(
            world.store.names().is_empty(),
            "{way}: {:?}",
            world.store.names()
        );
        let remembered = AccountFile::at(folder.path().join("accounts.json"))
            .load()
            .await
            .unwrap();
        assert!(remembered.azure.is_none(), "{way}");
    }
}

/// The browser's right callback and a Cancel fired together, many times, with the cancel landing anywhere from
/// before the callback arrives to after the sign-in finished. Whenever the cancel was accepted the sign-in ends
/// cancelled with nothing remembered and nothing in the keychain; a cancel that came too late is refused and
/// the sign-in stands. The outcomes' mix depends on the machine; the rule holds in every one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_racing_the_callback_wins_whenever_it_is_accepted() {
    let world = World::start().await;
    let (name, password) = world.user();
    let (mut won, mut too_late) = (0, 0);
    for round in 0..50 {
        assert!(world.store.names().is_empty(), "round {round}: left over");
        let folder = tempfile::tempdir().unwrap();
        let accounts = std::sync::Arc::new(accounts(&world, folder.path()));
        let (url, port) = start_browser(&accounts).await;
        let callback = Browser::new().sign_in(&url, &name, &password).await;
        let finishing = accounts.clone();
        let finish = tokio::spawn(async move { finishing.finish_azure().await });
        let returning =
            tokio::spawn(async move { reqwest::Client::new().get(&callback).send().await });
        let accepted = match round % 5 {
            // Once the browser has its page, the sign-in has been decided.
            4 => {
                let _ = returning.await.unwrap();
                accounts.cancel_azure()
            }
            delay => {
                for _ in 0..delay * round {
                    tokio::task::yield_now().await;
                }
                let accepted = accounts.cancel_azure();
                let _ = returning.await.unwrap();
                accepted
            }
        };
        let outcome = finish.await.unwrap();
        let remembered = AccountFile::at(folder.path().join("accounts.json"))
            .load()
            .await
            .unwrap();
        if accepted {
            won += 1;
            let error = outcome.expect_err("an accepted cancel ends the sign-in");
            assert_eq!(error.code, ErrorCode::Cancelled, "round {round}: {error:?}");
            assert!(
                world.store.names().is_empty(),
                "round {round}: stored after an accepted cancel: {:?}",
                world.store.names()
            );
            assert!(remembered.azure.is_none(), "round {round}: remembered");
            assert!(port_closes(port).await, "round {round}: still listening");
        } else {
            too_late += 1;
            let account = outcome.expect("a refused cancel leaves the sign-in standing");
            assert_eq!(account.username, name, "round {round}");
            assert!(remembered.azure.is_some(), "round {round}");
            accounts.sign_out().await.unwrap();
        }
    }
    println!("cancel accepted {won} times, too late {too_late} times");
}

/// Sign out (of both clouds, or of Azure alone) fired together with the browser's right callback, many times,
/// landing anywhere from before the callback to after the sign-in finished, including after it committed and
/// while it was storing its tokens. Whatever the order, once both are over nothing is signed in, remembered or
/// left in the keychain: a sign-out the person asked for after starting a sign-in always wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_racing_the_callback_always_wins() {
    let world = World::start().await;
    let (name, password) = world.user();
    let (mut refused, mut removed) = (0, 0);
    for round in 0..50 {
        assert!(world.store.names().is_empty(), "round {round}: left over");
        let folder = tempfile::tempdir().unwrap();
        let accounts = std::sync::Arc::new(accounts(&world, folder.path()));
        let (url, _port) = start_browser(&accounts).await;
        let callback = Browser::new().sign_in(&url, &name, &password).await;
        let finishing = accounts.clone();
        let finish = tokio::spawn(async move { finishing.finish_azure().await });
        let returning =
            tokio::spawn(async move { reqwest::Client::new().get(&callback).send().await });
        if round % 3 == 2 {
            // Just after the commit: the sign-in has put its refresh token in the keychain and may not yet be
            // kept as this run's session.
            let deadline = Instant::now() + Duration::from_secs(10);
            while world.store.names().is_empty() && Instant::now() < deadline {
                tokio::task::yield_now().await;
            }
        } else {
            for _ in 0..(round % 10) * round {
                tokio::task::yield_now().await;
            }
        }
        if round % 2 == 0 {
            accounts.sign_out().await.unwrap();
        } else {
            accounts.sign_out_cloud(CloudName::Azure).await.unwrap();
        }
        let _ = returning.await.unwrap();
        match finish.await.unwrap() {
            Ok(_) => {
                // Finished before the sign-out took its session: the sign-out removed it.
                removed += 1;
            }
            Err(error) => {
                assert_eq!(error.code, ErrorCode::Cancelled, "round {round}: {error:?}");
                refused += 1;
            }
        }
        let remembered = AccountFile::at(folder.path().join("accounts.json"))
            .load()
            .await
            .unwrap();
        assert!(
            world.store.names().is_empty(),
            "round {round}: still in the keychain after the sign-out: {:?}",
            world.store.names()
        );
        assert!(remembered.azure.is_none(), "round {round}: remembered");
    }
    println!("sign-in ended by the sign-out {refused} times, kept then removed {removed} times");
}
