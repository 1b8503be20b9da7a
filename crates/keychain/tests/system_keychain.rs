//! The same code the app uses, against a real Secret Service. It needs a D-Bus session with an unlocked keyring,
//! so it is ignored by default and run by `make test-keychain`:
//! `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; cargo test ...'`.

use keychain::{Keychain, MAX_ENTRY_BYTES, Persistence, Secret};

#[tokio::test]
#[ignore = "needs a running Secret Service: run through `make test-keychain`"]
async fn stores_reads_and_deletes_credentials_in_the_secret_service() {
    let keychain = Keychain::open_system().await;
    assert_eq!(
        keychain.persistence().await,
        &Persistence::Keychain,
        "the Secret Service did not answer"
    );

    let account = format!("test/{}", std::process::id());
    let small = Secret::new("refresh-token-value");
    let large = Secret::new("k".repeat(3 * MAX_ENTRY_BYTES + 7));
    keychain
        .save(&account, "refresh_token", &small)
        .await
        .unwrap();
    keychain
        .save(&account, "private_key", &large)
        .await
        .unwrap();

    // A second handle, one the window makes without waiting for the keychain, reads what the first wrote: it
    // really went to the keyring, not to memory, and the first call settled which store it is.
    let reopened = Keychain::system();
    assert_eq!(
        reopened.load(&account, "refresh_token").await.unwrap(),
        Some(small)
    );
    assert_eq!(
        reopened.load(&account, "private_key").await.unwrap(),
        Some(large)
    );

    reopened.delete(&account, "refresh_token").await.unwrap();
    assert_eq!(
        keychain.load(&account, "refresh_token").await.unwrap(),
        None
    );

    keychain.sign_out(&account).await.unwrap();
    assert_eq!(reopened.load(&account, "private_key").await.unwrap(), None);
}

#[tokio::test]
#[ignore = "needs a session without any D-Bus: run through `make test-keychain`"]
async fn without_a_secret_service_credentials_are_kept_for_the_session_only() {
    // The window's handle, made without waiting: its first call finds there is no keychain.
    let keychain = Keychain::system();
    let Persistence::SessionOnly { reason, remedy } = keychain.persistence().await.clone() else {
        panic!("expected no keychain in this session, got {keychain:?}");
    };
    assert!(reason.contains("not available"), "{reason}");
    assert!(remedy.contains("unlock your desktop keyring"), "{remedy}");
    // Still usable for the session.
    keychain
        .save("acct", "refresh_token", &Secret::new("rt"))
        .await
        .unwrap();
    assert_eq!(
        keychain.load("acct", "refresh_token").await.unwrap(),
        Some(Secret::new("rt"))
    );
}
