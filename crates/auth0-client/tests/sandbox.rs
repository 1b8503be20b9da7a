//! The Auth0 client against the sandbox's tenant over HTTP: token, scopes, every log-stream call, log search,
//! and the mapping of Auth0's errors.

use std::sync::Arc;

use auth0_client::{
    Auth0Client, Auth0Credentials, Auth0Error, NewEventGridSink, NewEventGridStream,
    REQUIRED_SCOPES,
};
use cloud_http::{RetryPolicy, Secret, SystemClock, Transport};
use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};

fn client(info: &SandboxInfo, secret: &str) -> Auth0Client {
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    Auth0Client::new(
        &info.auth0_domain,
        None,
        Auth0Credentials::ClientCredentials {
            client_id: info.auth0_client_id.clone(),
            client_secret: Secret::new(secret.to_owned()),
        },
        transport,
    )
    .unwrap()
}

#[tokio::test]
async fn log_streams_round_trip() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let auth0 = client(&info, &info.auth0_client_secret);
    auth0.require_scopes(&REQUIRED_SCOPES).await.unwrap();
    assert!(
        auth0
            .scopes()
            .await
            .unwrap()
            .unwrap()
            .iter()
            .any(|s| s == "read:logs")
    );

    // No Azure side is prepared, so the sandbox (like Auth0) refuses to create the partner topic.
    let stream = NewEventGridStream::new(
        "s1",
        NewEventGridSink {
            azure_subscription_id: info.subscription_id.clone(),
            azure_region: "westeurope".into(),
            azure_resource_group: "nowhere".into(),
        },
    );
    let refused = auth0.create_event_grid_stream(&stream).await.unwrap_err();
    assert!(
        matches!(refused, Auth0Error::Api { status: 400, .. }),
        "{refused:?}"
    );
    assert!(
        refused.request_id().is_some_and(|id| !id.is_empty()),
        "Auth0's request id is kept: {refused:?}"
    );

    let all = auth0.list_log_streams().await.unwrap();
    assert!(all.iter().all(|s| s.name != "s1"));
    assert!(auth0.get_log_stream("lst_missing").await.unwrap().is_none());
    auth0.delete_log_stream("lst_missing").await.unwrap();
    let logs = auth0.search_logs("type:seccft", 10).await.unwrap();
    assert!(
        logs.iter().any(|l| l.kind.as_deref() == Some("seccft")),
        "our token exchange is logged: {logs:?}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_credentials() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let error = client(&info, "wrong").list_log_streams().await.unwrap_err();
    assert!(
        matches!(error, Auth0Error::InvalidCredentials { .. }),
        "{error:?}"
    );
    assert!(
        !format!("{error:?}").contains("wrong"),
        "the secret is not echoed"
    );
}

#[tokio::test]
async fn plain_http_off_this_machine_is_refused() {
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    let error = Auth0Client::new(
        "http://acme.auth0.com",
        None,
        Auth0Credentials::ManagementToken(Secret::new("t")),
        transport,
    )
    .unwrap_err();
    assert!(matches!(error, Auth0Error::Endpoint(_)));
}

#[tokio::test]
async fn log_entries_written_elsewhere_read_and_an_unreadable_one_costs_only_itself() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let admin = |entry: serde_json::Value| {
        let url = format!("{}/logs", info.admin_url);
        let client = cloud_sandbox::testing::admin_client(&info);
        async move {
            let r = client.post(url).json(&entry).send().await.unwrap();
            assert_eq!(r.status(), 200);
        }
    };
    admin(serde_json::json!({"type": "s", "description": "plain"})).await;
    // Auth0's `LogDate` may be an object.
    admin(
        serde_json::json!({"type": "s", "description": "object date",
        "date": {"$date": "2026-01-01T00:00:00.000Z"}}),
    )
    .await;
    // A client id that is not a string: this client cannot read the entry.
    admin(serde_json::json!({"type": "s", "description": "odd", "client_id": 42})).await;

    let auth0 = client(&info, &info.auth0_client_secret);
    let logs = auth0.search_logs("type:s", 100).await.unwrap();
    let mut descriptions: Vec<&str> = logs
        .iter()
        .filter_map(|e| e.description.as_deref())
        .collect();
    descriptions.sort();
    assert_eq!(descriptions, vec!["object date", "plain"]);
    let dated = logs
        .iter()
        .find(|e| e.description.as_deref() == Some("object date"))
        .unwrap();
    assert!(
        matches!(&dated.date, Some(auth0_client::LogDate::Object(o)) if o.contains_key("$date")),
        "{dated:?}"
    );
}

/// Clients of one tenant share its rate limit: once the tenant says nothing remains, they wait for the reset
/// instead of being answered 429. Twelve reads at once from three clients, on a tenant allowing five a second.
#[tokio::test]
async fn clients_of_one_tenant_wait_for_the_rate_limit_instead_of_being_refused() {
    let config = SandboxConfig {
        rate_limit: Some(cloud_sandbox::RateLimit {
            limit: 5,
            window: std::time::Duration::from_secs(1),
        }),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let info = sandbox.info().clone();
    let clients: Vec<_> = (0..3)
        .map(|_| client(&info, &info.auth0_client_secret))
        .collect();
    // One answer first, so the tenant has said where the limit stands (a cold start cannot know).
    clients[0].list_log_streams().await.unwrap();
    let reads = clients
        .iter()
        .flat_map(|c| {
            (0..4).map(move |_| {
                let c = c.clone();
                async move { c.list_log_streams().await }
            })
        })
        .collect::<Vec<_>>()
        .into_iter();
    for result in futures_join_all(reads).await {
        result.unwrap();
    }
    let refused: Vec<_> = sandbox
        .handle()
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v2/log-streams" && r.status == 429)
        .collect();
    assert!(refused.is_empty(), "answered 429: {refused:?}");
}

/// `join_all` without a dependency for it: spawn each future and await them in order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
