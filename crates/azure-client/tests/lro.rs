//! Long-running operations against a scripted server with a clock that records waits: the first look comes
//! fast, later ones honour `Retry-After` up to the ceiling, a failed operation keeps the correlation id, and a
//! status URL on another host is refused (the bearer token never leaves the Resource Manager host).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_client::{
    AzureClient, AzureCloud, AzureEndpoints, AzureError, EventSubscription,
    EventSubscriptionProperties,
};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use cloud_http::{Clock, RetryPolicy, Transport};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Default, Clone)]
struct RecordingClock(Arc<Mutex<Vec<Duration>>>);

impl Clock for RecordingClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

#[derive(Debug)]
struct FixedToken;

#[async_trait::async_trait]
impl TokenCredential for FixedToken {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            azure_core::credentials::Secret::new("token"),
            OffsetDateTime::now_utc() + Duration::from_secs(3600),
        ))
    }
}

/// Answers each connection with the next scripted response; `{base}` becomes the server's own URL.
/// Returns the base URL and the request lines seen.
async fn scripted(answers: Vec<(&'static str, &'static str)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, own) = (seen.clone(), base.clone());
    tokio::spawn(async move {
        for (head, body) in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0u8; 16384];
            let n = socket.read(&mut buffer).await.unwrap();
            let request = String::from_utf8_lossy(&buffer[..n]).to_string();
            log.lock()
                .unwrap()
                .push(request.lines().next().unwrap_or_default().to_owned());
            let head = head.replace("{base}", &own);
            let response = format!(
                "HTTP/1.1 {head}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
        }
    });
    (base, seen)
}

fn client(base: &str, clock: &RecordingClock) -> AzureClient {
    let endpoints = AzureEndpoints::for_cloud(&AzureCloud::Custom {
        authority: base.to_owned(),
        management: base.to_owned(),
    })
    .unwrap();
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(clock.clone()),
        Arc::new(|| 0.5),
    )
    .unwrap();
    AzureClient::new(endpoints, Arc::new(FixedToken), transport)
}

fn body() -> EventSubscription {
    EventSubscription {
        id: None,
        name: None,
        properties: EventSubscriptionProperties {
            destination: None,
            filter: None,
            event_delivery_schema: Some("CloudEventSchemaV1_0".into()),
            retry_policy: None,
            dead_letter_destination: None,
            provisioning_state: None,
        },
    }
}

const CREATING: &str = r#"{"name":"es","properties":{"provisioningState":"Creating"}}"#;
const SUCCEEDED: &str = r#"{"name":"es","properties":{"provisioningState":"Succeeded","eventDeliverySchema":"CloudEventSchemaV1_0"}}"#;

/// A client whose Resource Manager is a server answering with `answers` (see `scripted`), and the request
/// lines that server saw.
async fn scripted_client(
    answers: Vec<(&'static str, &'static str)>,
) -> (AzureClient, Arc<Mutex<Vec<String>>>) {
    let (base, seen) = scripted(answers).await;
    (client(&base, &RecordingClock::default()), seen)
}

/// What putting the event subscription `es` against a scripted server came to.
struct Put {
    azure: AzureClient,
    result: Result<EventSubscription, AzureError>,
    /// The waits the clock was asked for.
    waits: Vec<Duration>,
    /// The request lines the server saw.
    seen: Vec<String>,
}

/// Puts the event subscription `es` (in topic `t`, group `g`, subscription `s`) against a server answering
/// with `answers`.
async fn put_against(answers: Vec<(&'static str, &'static str)>) -> Put {
    let (base, seen) = scripted(answers).await;
    let clock = RecordingClock::default();
    let azure = client(&base, &clock);
    let result = azure
        .put_event_subscription("s", "g", "t", "es", &body())
        .await;
    let waits = clock.0.lock().unwrap().clone();
    let seen = seen.lock().unwrap().clone();
    Put {
        azure,
        result,
        waits,
        seen,
    }
}

/// The code and correlation id of a failed operation; panics on any other outcome.
fn operation_failure(result: Result<EventSubscription, AzureError>) -> (String, Option<String>) {
    let error = result.unwrap_err();
    let AzureError::OperationFailed {
        code,
        correlation_id,
        ..
    } = error
    else {
        panic!("{error:?}")
    };
    (code, correlation_id)
}

#[tokio::test]
async fn polls_the_operation_fast_first_then_as_the_server_asks() {
    let put = put_against(vec![
        ("201 Created\r\nazure-asyncoperation: {base}/op/1\r\nretry-after: 7\r\nx-ms-correlation-request-id: corr-1", CREATING),
        ("200 OK\r\nretry-after: 2", r#"{"status":"InProgress"}"#),
        ("200 OK\r\nretry-after: 60", r#"{"status":"InProgress"}"#),
        ("200 OK", r#"{"status":"Succeeded"}"#),
        ("200 OK", SUCCEEDED),
    ])
    .await;
    let created = put.result.unwrap();
    assert_eq!(
        created.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(
        put.waits,
        vec![
            Duration::from_millis(25),
            Duration::from_secs(2),
            Duration::from_secs(5)
        ]
    );
    let seen = put.seen;
    assert!(seen[0].starts_with("PUT /subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/t/eventSubscriptions/es?api-version=2025-02-15"), "{seen:?}");
    assert!(seen[1].starts_with("GET /op/1"), "{seen:?}");
    assert!(seen[4].starts_with("GET /subscriptions/"), "{seen:?}");
    assert_eq!(
        put.azure.transport().stats().snapshot().poll_wait,
        Duration::from_millis(7025)
    );
}

#[tokio::test]
async fn a_failed_operation_keeps_the_correlation_id() {
    let put = put_against(vec![
        ("201 Created\r\nazure-asyncoperation: {base}/op/2\r\nx-ms-correlation-request-id: corr-2", CREATING),
        ("200 OK", r#"{"status":"Failed","error":{"code":"Internal","message":"boom"}}"#),
    ])
    .await;
    let (code, correlation_id) = operation_failure(put.result);
    assert_eq!(code, "Internal");
    assert_eq!(correlation_id.as_deref(), Some("corr-2"));
}

#[tokio::test]
async fn without_a_status_url_the_resource_is_polled_until_terminal() {
    let put = put_against(vec![
        ("201 Created", CREATING),
        ("200 OK", CREATING),
        ("200 OK", SUCCEEDED),
    ])
    .await;
    let created = put.result.unwrap();
    assert_eq!(
        created.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(
        put.waits,
        vec![Duration::from_millis(25), Duration::from_millis(50)]
    );
    assert_eq!(put.seen.len(), 3);
}

#[tokio::test]
async fn a_status_url_on_another_host_is_refused() {
    let put = put_against(vec![(
        "201 Created\r\nazure-asyncoperation: https://collector.example.com/op/3",
        CREATING,
    )])
    .await;
    let error = put.result.unwrap_err();
    assert!(matches!(error, AzureError::ForeignUrl { .. }), "{error:?}");
    assert_eq!(put.seen.len(), 1);
}

#[tokio::test]
async fn arm_errors_keep_code_and_correlation_id() {
    let (azure, _) = scripted_client(vec![(
        "403 Forbidden\r\nx-ms-correlation-request-id: corr-4\r\nx-ms-request-id: req-4",
        r#"{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization"}}"#,
    )])
    .await;
    let error = azure.get_resource_group("s", "g").await.unwrap_err();
    let AzureError::Arm(arm) = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (arm.status, arm.code.as_str()),
        (403, "AuthorizationFailed")
    );
    assert_eq!(arm.correlation_id.as_deref(), Some("corr-4"));
    assert_eq!(arm.request_id.as_deref(), Some("req-4"));
}

#[tokio::test]
async fn an_empty_202_is_followed_through_location_to_the_resource() {
    let put = put_against(vec![
        (
            "202 Accepted\r\nlocation: {base}/results/1\r\nretry-after: 1\r\nx-ms-correlation-request-id: corr-5",
            "",
        ),
        ("202 Accepted\r\nlocation: {base}/results/1\r\nretry-after: 1", ""),
        ("200 OK", SUCCEEDED),
    ])
    .await;
    let created = put.result.unwrap();
    assert_eq!(
        created.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    let seen = put.seen;
    assert!(seen[1].starts_with("GET /results/1"), "{seen:?}");
    assert!(seen[2].starts_with("GET /results/1"), "{seen:?}");
    assert_eq!(
        put.waits,
        vec![Duration::from_millis(25), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn a_delete_accepted_with_202_returns_only_once_done() {
    let (azure, seen) = scripted_client(vec![
        ("202 Accepted\r\nlocation: {base}/results/2", ""),
        ("202 Accepted\r\nlocation: {base}/results/2", ""),
        ("204 No Content", ""),
    ])
    .await;
    azure
        .delete_event_subscription("s", "g", "t", "es")
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        3,
        "polled until the Location said done: {seen:?}"
    );
    assert!(seen[0].starts_with("DELETE /subscriptions/s/"), "{seen:?}");
    assert!(seen[2].starts_with("GET /results/2"), "{seen:?}");
}

#[tokio::test]
async fn a_failure_behind_location_keeps_its_code() {
    let put = put_against(vec![
        ("202 Accepted\r\nlocation: {base}/results/3\r\nx-ms-correlation-request-id: corr-6", ""),
        (
            "400 Bad Request",
            r#"{"error":{"code":"Url validation","message":"Webhook validation handshake failed"}}"#,
        ),
    ])
    .await;
    let (code, correlation_id) = operation_failure(put.result);
    assert_eq!(code, "Url validation");
    assert_eq!(correlation_id.as_deref(), Some("corr-6"));
}

#[tokio::test]
async fn a_subscription_awaiting_its_webhook_ends_the_wait_at_once() {
    let put = put_against(vec![
        ("201 Created\r\nazure-asyncoperation: {base}/op/7", CREATING),
        ("200 OK", r#"{"status":"AwaitingManualAction"}"#),
        (
            "200 OK",
            r#"{"name":"es","properties":{"provisioningState":"AwaitingManualAction"}}"#,
        ),
    ])
    .await;
    assert!(put.result.unwrap().is_awaiting_manual_action());
    assert_eq!(
        put.waits,
        vec![Duration::from_millis(25)],
        "one look, no ten-minute wait"
    );
    assert_eq!(put.seen.len(), 3);
}

#[tokio::test]
async fn without_an_operation_a_resource_awaiting_its_webhook_also_ends_the_wait() {
    let put = put_against(vec![
        ("201 Created", CREATING),
        (
            "200 OK",
            r#"{"name":"es","properties":{"provisioningState":"AwaitingManualAction"}}"#,
        ),
    ])
    .await;
    assert!(put.result.unwrap().is_awaiting_manual_action());
}

#[tokio::test]
async fn one_unreadable_item_leaves_the_rest_of_the_page() {
    let (azure, _) = scripted_client(vec![(
        "200 OK",
        r#"{"value":[
            {"id":"/x/partnerTopics/a","name":"a","properties":{"activationState":"Activated"}},
            {"id":"/x/partnerTopics/broken","properties":{"expirationTimeIfNotActivatedUtc":"soon"}},
            {"id":"/x/partnerTopics/c","name":"c","properties":{"activationState":"SomethingNew","extra":[1]}}
        ]}"#,
    )])
    .await;
    let topics = azure.list_partner_topics("s", "g").await.unwrap();
    let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["a", "c"]);
}

#[tokio::test]
async fn a_lagging_not_registered_read_after_registering_is_waited_through() {
    let (azure, seen) = scripted_client(vec![
        (
            "200 OK",
            r#"{"namespace":"Microsoft.EventGrid","registrationState":"NotRegistered"}"#,
        ),
        (
            "200 OK",
            r#"{"namespace":"Microsoft.EventGrid","registrationState":"Registering"}"#,
        ),
        (
            "200 OK",
            r#"{"namespace":"Microsoft.EventGrid","registrationState":"Registered"}"#,
        ),
    ])
    .await;
    let provider = azure.wait_for_registration("s").await.unwrap();
    assert!(provider.is_registered());
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn azure_s_time_is_read_from_the_date_header() {
    let (azure, _) = scripted_client(vec![(
        "200 OK\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT",
        r#"{"id":"/subscriptions/s/resourceGroups/g","name":"g","location":"westeurope"}"#,
    )])
    .await;
    assert!(azure.azure_now().is_none(), "unknown before any answer");
    azure.get_resource_group("s", "g").await.unwrap();
    let now = azure.azure_now().unwrap();
    let sent = time::macros::datetime!(1994-11-06 08:49:37 UTC);
    assert!(
        now >= sent && now - sent < time::Duration::seconds(5),
        "{now}"
    );
}

#[tokio::test]
async fn a_register_call_answered_with_an_empty_202_reads_the_provider() {
    let (azure, seen) = scripted_client(vec![
        ("202 Accepted\r\nlocation: {base}/register-op", ""),
        (
            "200 OK",
            r#"{"namespace":"Microsoft.EventGrid","registrationState":"Registering"}"#,
        ),
    ])
    .await;
    let provider = azure.register_event_grid_provider("s").await.unwrap();
    assert!(provider.is_registering());
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen[0].starts_with("POST /subscriptions/s/providers/Microsoft.EventGrid/register"),
        "{seen:?}"
    );
    assert!(
        seen[1].starts_with("GET /subscriptions/s/providers/Microsoft.EventGrid?"),
        "{seen:?}"
    );
}
