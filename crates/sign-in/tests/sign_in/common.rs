//! What every scenario needs: a sandbox, an in-memory keychain, a clock the test moves, and a "browser" that
//! follows the sandbox's sign-in form to the app's loopback listener the way a person would.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_client::{AzureCloud, AzureEndpoints};
use cloud_http::{Clock, RetryPolicy, Transport, system_jitter};
use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig, SandboxHandle};
use keychain::{Keychain, MemoryEntries, Persistence};
use sign_in::{AzureAccount, AzureSession, AzureSignIn, AzureSignInConfig, SignInCancel};
use time::OffsetDateTime;

/// The app registration's client id in these tests. The sandbox accepts any id for a public client.
pub const PUBLIC_CLIENT_ID: &str = "5d3c1a2b-7e4f-4a10-9b8c-0123456789ab";

pub type SleepHook =
    Arc<dyn Fn(usize, Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A clock that moves only when the test says, or when code sleeps on it (then it runs `hook` and returns).
pub struct TestClock {
    now: Mutex<OffsetDateTime>,
    sleeps: Mutex<Vec<Duration>>,
    hook: Mutex<Option<SleepHook>>,
}

impl std::fmt::Debug for TestClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClock").finish_non_exhaustive()
    }
}

impl TestClock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            now: Mutex::new(OffsetDateTime::now_utc()),
            sleeps: Mutex::default(),
            hook: Mutex::default(),
        })
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }

    pub fn on_sleep(&self, hook: SleepHook) {
        *self.hook.lock().unwrap() = Some(hook);
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let count = {
            let mut sleeps = self.sleeps.lock().unwrap();
            sleeps.push(duration);
            sleeps.len()
        };
        self.advance(duration);
        let hook = self.hook.lock().unwrap().clone();
        Box::pin(async move {
            if let Some(hook) = hook {
                hook(count, duration).await;
            }
        })
    }
}

pub struct World {
    pub sandbox: RunningSandbox,
    pub store: Arc<MemoryEntries>,
    pub keychain: Keychain,
    pub clock: Arc<TestClock>,
}

impl World {
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::for_tests()).await
    }

    pub async fn start_with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let store = Arc::new(MemoryEntries::default());
        let keychain = Keychain::with_store(store.clone(), Persistence::Keychain);
        Self {
            sandbox,
            store,
            keychain,
            clock: TestClock::new(),
        }
    }

    pub fn clock_now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn handle(&self) -> SandboxHandle {
        self.sandbox.handle()
    }

    pub fn endpoints(&self) -> AzureEndpoints {
        let info = self.sandbox.info();
        AzureEndpoints::for_cloud(&AzureCloud::Custom {
            authority: info.azure_authority.clone(),
            management: info.azure_management.clone(),
        })
        .unwrap()
    }

    pub fn azure_config(&self) -> AzureSignInConfig {
        AzureSignInConfig::new(self.endpoints())
            .with_client_id(Some(PUBLIC_CLIENT_ID.into()))
            .with_browser_timeout(Duration::from_secs(60))
    }

    pub fn azure(&self, config: AzureSignInConfig) -> AzureSignIn {
        AzureSignIn::new(config, self.keychain.clone(), self.clock.clone()).unwrap()
    }

    /// Resource Manager answers `session` with the sandbox's subscription among those it lists.
    pub async fn assert_sees_the_subscription(&self, session: &AzureSession) {
        let (_, subscriptions) = session
            .tenants_and_subscriptions(self.transport())
            .await
            .unwrap();
        let expected = &self.sandbox.info().subscription_id;
        assert!(subscriptions.iter().any(|s| &s.subscription_id == expected));
    }

    /// `account` restores through `azure` to a session Resource Manager answers; once `session` signs out, the
    /// keychain is empty and the account restores to nothing.
    pub async fn assert_restores_until_sign_out(
        &self,
        azure: &AzureSignIn,
        account: &AzureAccount,
        session: AzureSession,
    ) {
        let restored = azure.restore(account).await.unwrap().unwrap();
        restored
            .tenants_and_subscriptions(self.transport())
            .await
            .unwrap();
        session.sign_out().await.unwrap();
        assert!(self.store.names().is_empty(), "{:?}", self.store.names());
        assert!(azure.restore(account).await.unwrap().is_none());
    }

    pub fn transport(&self) -> Transport {
        Transport::new(
            RetryPolicy::default(),
            Arc::new(cloud_http::SystemClock),
            system_jitter(),
        )
        .unwrap()
    }

    pub fn user(&self) -> (String, String) {
        let user = &self.sandbox.info().users[0];
        (user.name.clone(), user.password.clone())
    }

    /// A full browser sign-in as the first seeded user.
    pub async fn browser_sign_in(&self) -> AzureSession {
        let (name, password) = self.user();
        self.browser_sign_in_as(&name, &password).await
    }

    /// A full browser sign-in as `name`.
    pub async fn browser_sign_in_as(&self, name: &str, password: &str) -> AzureSession {
        let azure = self.azure(self.azure_config());
        let pending = azure.start_browser(|_| false).await.unwrap();
        let url = pending.url().to_owned();
        let cancel = SignInCancel::new();
        let finish = tokio::spawn(async move { pending.finish(&cancel).await });
        let callback = Browser::new().sign_in(&url, name, password).await;
        let page = Browser::new().get(&callback).await;
        assert_eq!(page.0, 200, "{}", page.1);
        finish.await.unwrap().expect("sign-in completes")
    }

    /// Every keychain value stored for every account, as text.
    pub async fn keychain_values(&self, account: &str, key: &str) -> Option<String> {
        self.keychain
            .load(account, key)
            .await
            .unwrap()
            .map(|s| s.expose().to_owned())
    }
}

/// A minimal browser: fetches the sign-in page, fills in its form, and reports where the identity platform
/// sends it back (the app's loopback address). Redirects are not followed so the test sees each hop.
pub struct Browser(reqwest::Client);

impl Browser {
    pub fn new() -> Self {
        Self(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        )
    }

    pub async fn get(&self, url: &str) -> (u16, String) {
        let response = self.0.get(url).send().await.expect("reachable");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Signs in on the authorize page at `url` and returns the `Location` it redirects to.
    pub async fn sign_in(&self, url: &str, username: &str, password: &str) -> String {
        let (status, html) = self.get(url).await;
        assert_eq!(status, 200, "authorize page: {html}");
        let action =
            attribute(html.split("<form").nth(1).expect("a form"), "action").expect("form action");
        let mut fields: Vec<(String, String)> = html
            .split("<input")
            .skip(1)
            .filter(|input| input.contains(r#"type="hidden""#))
            .map(|input| {
                (
                    attribute(input, "name").unwrap(),
                    attribute(input, "value").unwrap_or_default(),
                )
            })
            .collect();
        fields.push(("username".into(), username.into()));
        fields.push(("password".into(), password.into()));
        let target = url::Url::parse(url).unwrap().join(&action).unwrap();
        let response = self.0.post(target).form(&fields).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "sign-in form answered {}",
            response.status()
        );
        response.headers()["location"].to_str().unwrap().to_owned()
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(r#"{name}=""#))? + name.len() + 2;
    let end = start + tag[start..].find('"')?;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
