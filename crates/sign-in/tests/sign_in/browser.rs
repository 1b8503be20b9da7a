//! The browser sign-in against the sandbox's identity platform, driven by a test "browser" that follows the
//! authorize page's form and the redirect to the app's loopback listener.

use std::time::Duration;

use sign_in::{
    AzureMethod, CallbackPage, LoopbackListener, REFRESH_TOKEN_KEY, SignInCancel, SignInError,
};

use crate::common::{Browser, PUBLIC_CLIENT_ID, World};

#[tokio::test]
async fn a_browser_sign_in_returns_who_signed_in_and_a_working_credential() {
    let world = World::start().await;
    let azure = world.azure(world.azure_config());
    let mut opened = None;
    let pending = azure
        .start_browser(|url| {
            opened = Some(url.to_owned());
            true
        })
        .await
        .unwrap();
    assert!(pending.browser_opened());
    assert_eq!(opened.as_deref(), Some(pending.url()));
    let url = url::Url::parse(pending.url()).unwrap();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], PUBLIC_CLIENT_ID);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(
        query["scope"],
        "https://management.azure.com/.default offline_access openid profile"
    );
    let redirect = &query["redirect_uri"];
    assert!(redirect.starts_with("http://localhost:"), "{redirect}");
    assert!(url.path().ends_with("/organizations/oauth2/v2.0/authorize"));

    let cancel = SignInCancel::new();
    let finish = tokio::spawn(async move { pending.finish(&cancel).await });
    let (name, password) = world.user();
    let callback = Browser::new().sign_in(url.as_str(), &name, &password).await;
    assert!(callback.starts_with(redirect.as_str()), "{callback}");
    let (status, page) = Browser::new().get(&callback).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Signed in as {name}")), "{page}");
    let session = finish.await.unwrap().unwrap();

    let account = session.account();
    assert_eq!(account.username, name);
    assert_eq!(account.tenant_id, world.sandbox.info().azure_tenant_id);
    assert_eq!(account.method, AzureMethod::Browser);
    // What the webview may see holds no code and no token.
    let shown = serde_json::to_string(account).unwrap();
    let code = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    assert!(!shown.contains(&code) && !page.contains(&code));
    let refresh = world
        .keychain_values(&account.keychain_account, REFRESH_TOKEN_KEY)
        .await
        .expect("refresh token in the keychain");
    assert!(!shown.contains(&refresh) && !page.contains(&refresh));

    let (tenants, subscriptions) = session
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();
    assert!(tenants.iter().any(|t| t.tenant_id == account.tenant_id));
    assert!(
        subscriptions
            .iter()
            .any(|s| s.subscription_id == world.sandbox.info().subscription_id)
    );

    // The code was used once; replaying the callback gets nowhere.
    let replay = reqwest::Client::new().get(&callback).send().await;
    assert!(replay.is_err() || !replay.unwrap().status().is_success());
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_and_the_sign_in_goes_on() {
    let world = World::start().await;
    let pending = world
        .azure(world.azure_config())
        .start_browser(|_| false)
        .await
        .unwrap();
    let url = pending.url().to_owned();
    let cancel = SignInCancel::new();
    let finish = tokio::spawn(async move { pending.finish(&cancel).await });
    let (name, password) = world.user();
    let callback = Browser::new().sign_in(&url, &name, &password).await;
    let mut forged = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, format!("{v}x"))
            } else {
                (k, v)
            }
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let (status, page) = Browser::new().get(forged.as_str()).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Nothing to do here"), "{page}");
    assert!(world.store.names().is_empty(), "nothing stored");
    // Refused without ending the sign-in: the browser's real answer still completes it.
    assert!(!finish.is_finished());
    let (status, page) = Browser::new().get(&callback).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(finish.await.unwrap().unwrap().account().username, name);
}

#[tokio::test]
async fn the_listener_accepts_one_callback_only() {
    let mut listener = LoopbackListener::bind("expected-state").await.unwrap();
    let port = listener.port();
    assert!(listener.redirect_uri().ends_with(&format!(":{port}")));
    let waiting = tokio::spawn(async move {
        let callback = listener
            .wait(Duration::from_secs(60), &SignInCancel::new())
            .await
            .unwrap();
        let (outcome, reply) = callback.split();
        let code = outcome.unwrap().expose().to_owned();
        reply.send(CallbackPage::SignedIn { who: "ada".into() });
        (listener, code)
    });
    let browser = Browser::new();
    let url = format!("http://localhost:{port}/?code=first&state=expected-state");
    let (status, page) = browser.get(&url).await;
    assert_eq!(status, 200, "{page}");
    let (listener, code) = waiting.await.unwrap();
    assert_eq!(code, "first");
    // The listener is still up: a second callback is answered, and refused.
    for second in [
        url.clone(),
        format!("http://127.0.0.1:{port}/?code=second&state=expected-state"),
    ] {
        let (status, page) = browser.get(&second).await;
        assert_eq!(status, 409, "{page}");
        assert!(page.contains("already used"));
    }
    // Other paths and parameter-less visits do not use up anything and say what the address is for.
    assert_eq!(
        browser
            .get(&format!("http://127.0.0.1:{port}/favicon.ico"))
            .await
            .0,
        404
    );
    drop(listener);
}

#[tokio::test]
async fn the_listener_also_answers_on_ipv6_loopback_when_there_is_one() {
    let listener = LoopbackListener::bind("s").await.unwrap();
    let ipv6 = std::net::TcpStream::connect(("::1", listener.port()));
    let ipv6_available = std::net::TcpListener::bind(("::1", 0)).is_ok();
    assert_eq!(ipv6.is_ok(), ipv6_available);
}

#[tokio::test]
async fn an_unanswered_sign_in_times_out_and_the_listener_closes() {
    let world = World::start().await;
    let config = world
        .azure_config()
        .with_browser_timeout(Duration::from_millis(50));
    let pending = world.azure(config).start_browser(|_| false).await.unwrap();
    let redirect = pending.redirect_uri().to_owned();
    let error = pending.finish(&SignInCancel::new()).await.unwrap_err();
    assert!(matches!(error, SignInError::TimedOut { .. }), "{error:?}");
    assert_eq!(error.code(), "SignInTimedOut");
    let late = reqwest::Client::new()
        .get(format!("{redirect}/?code=c&state=s"))
        .send()
        .await;
    assert!(late.is_err() || !late.unwrap().status().is_success());
}

#[tokio::test]
async fn the_cancel_button_stops_a_waiting_sign_in() {
    let world = World::start().await;
    let pending = world
        .azure(world.azure_config())
        .start_browser(|_| false)
        .await
        .unwrap();
    let cancel = SignInCancel::new();
    let button = cancel.clone();
    let finish = tokio::spawn(async move { pending.finish(&cancel).await });
    button.cancel();
    let error = finish.await.unwrap().unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error:?}");
    assert!(world.store.names().is_empty());
}

#[tokio::test]
async fn without_a_client_id_the_browser_option_explains_the_registration() {
    let world = World::start().await;
    let mut config = world.azure_config();
    config.client_id = None;
    let error = world
        .azure(config)
        .start_browser(|_| panic!("no browser without a client id"))
        .await
        .unwrap_err();
    let problem = error.problem();
    assert_eq!(problem.code, "AzureAppNotRegistered");
    assert!(problem.remedy.contains("Settings shows the command"));
    assert!(problem.remedy.contains("http://localhost"));
}

#[tokio::test]
async fn a_refusal_on_the_authorize_page_ends_the_sign_in_with_its_reason() {
    let world = World::start().await;
    let pending = world
        .azure(world.azure_config())
        .start_browser(|_| false)
        .await
        .unwrap();
    let query: std::collections::HashMap<_, _> = url::Url::parse(pending.url())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let redirect = pending.redirect_uri().to_owned();
    let finish = tokio::spawn(async move { pending.finish(&SignInCancel::new()).await });
    // What the identity platform sends back when the user declines consent.
    let mut refusal = url::Url::parse(&redirect).unwrap();
    refusal
        .query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair(
            "error_description",
            "AADSTS65004: User declined to consent.\r\nTrace ID: 1",
        )
        .append_pair("state", &query["state"]);
    let (status, page) = Browser::new().get(refusal.as_str()).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("AADSTS65004: User declined to consent."),
        "{page}"
    );
    let error = finish.await.unwrap().unwrap_err();
    assert_eq!(error.code(), "SignInRefused");
    assert!(!error.to_string().contains("Trace ID"));
}

/// Any local process can reach the loopback port. A request without this sign-in's state is answered 400 and
/// the sign-in keeps waiting for the browser's real answer (it used to take the one slot and end the sign-in).
#[tokio::test]
async fn a_stray_local_request_does_not_end_a_browser_sign_in() {
    let world = World::start().await;
    let azure = world.azure(world.azure_config());
    let pending = azure.start_browser(|_| true).await.unwrap();
    let loopback = pending.redirect_uri().replace("localhost", "127.0.0.1");
    let url = pending.url().to_owned();
    let cancel = SignInCancel::new();
    let finish = tokio::spawn(async move { pending.finish(&cancel).await });
    for stray in [
        "/?state=x&code=planted",
        "/?error=access_denied",
        "/?code=planted",
        "/?state=",
    ] {
        let (status, page) = Browser::new().get(&format!("{loopback}{stray}")).await;
        assert_eq!(status, 400, "{stray}: {page}");
    }
    assert!(!finish.is_finished(), "a stray request ended the sign-in");
    let (name, password) = world.user();
    let callback = Browser::new().sign_in(&url, &name, &password).await;
    let (status, page) = Browser::new().get(&callback).await;
    assert_eq!(status, 200, "{page}");
    let session = finish.await.unwrap().unwrap();
    assert_eq!(session.account().username, name);
}

/// Cancel ends the wait and closes the way back: the listener no longer answers on its port.
#[tokio::test]
async fn a_cancelled_wait_closes_the_listener() {
    let mut listener = LoopbackListener::bind("expected").await.unwrap();
    let address = format!(
        "http://127.0.0.1:{}/?state=expected&code=c",
        listener.port()
    );
    let cancel = SignInCancel::new();
    cancel.cancel();
    let error = listener
        .wait(Duration::from_secs(60), &cancel)
        .await
        .unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error}");
    let mut refused = false;
    for _ in 0..100 {
        if reqwest::Client::new().get(&address).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the listener still answers after Cancel");
}

/// The deadline runs from the moment the port is bound, not from when the app starts waiting: a wait begun
/// after it has passed ends at once as timed out, even with the right callback already at the door.
#[tokio::test]
async fn the_deadline_runs_from_the_bind_not_from_the_wait() {
    let timeout = Duration::from_secs(1);
    let mut listener = LoopbackListener::bind("expected").await.unwrap();
    let callback = format!(
        "http://127.0.0.1:{}/?state=expected&code=c",
        listener.port()
    );
    // Past the deadline before anyone waits (real time: the listener's clock is the system's).
    tokio::time::sleep(timeout + Duration::from_millis(200)).await;
    let browser = tokio::spawn(async move { reqwest::Client::new().get(&callback).send().await });
    let outcome = listener.wait(timeout, &SignInCancel::new()).await;
    assert!(
        matches!(outcome, Err(SignInError::TimedOut { .. })),
        "{outcome:?}"
    );
    drop(listener);
    let _ = browser.await.unwrap();
}
