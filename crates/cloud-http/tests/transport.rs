//! The retry loop over real sockets with a scripted server and a clock that records waits instead of
//! sleeping: which answers are retried, how long it waits, and what is never repeated.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_http::{Clock, Idempotency, RetryPolicy, Transport, TransportError};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Default, Clone)]
struct RecordingClock(Arc<Mutex<Vec<Duration>>>);

impl Clock for RecordingClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

/// Serves the scripted status lines (with headers) one per connection, then counts requests.
async fn scripted(answers: Vec<&'static str>) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/thing", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        for answer in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await.unwrap();
            *counter.lock().unwrap() += 1;
            let response =
                format!("HTTP/1.1 {answer}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}");
            socket.write_all(response.as_bytes()).await.unwrap();
        }
    });
    (url, seen)
}

fn transport(clock: &RecordingClock) -> Transport {
    let policy = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        max_rate_limit_wait: Duration::from_secs(10),
        ..RetryPolicy::default()
    };
    Transport::new(policy, Arc::new(clock.clone()), Arc::new(|| 0.5)).unwrap()
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_with_the_expected_waits() {
    let (url, seen) = scripted(vec![
        "429 Too Many Requests\r\nretry-after: 3",
        "429 Too Many Requests\r\nx-ratelimit-reset: 1700000002",
        "503 Service Unavailable",
        "200 OK",
    ])
    .await;
    let clock = RecordingClock::default();
    let transport = transport(&clock);
    let client = transport.client().clone();
    let response = transport
        .send(&|| client.get(&url), Idempotency::Idempotent)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(*seen.lock().unwrap(), 4);
    let waits = clock.0.lock().unwrap().clone();
    // Server waits plus a jitter of half the base delay; then backoff step 2 (800 ms) with equal jitter.
    assert_eq!(
        waits,
        vec![
            Duration::from_millis(3100),
            Duration::from_millis(2100),
            Duration::from_millis(600)
        ]
    );
    assert_eq!(transport.stats().snapshot().retries, 3);
}

#[tokio::test]
async fn a_non_idempotent_request_is_not_repeated_after_a_server_error() {
    let (url, seen) = scripted(vec!["503 Service Unavailable", "200 OK"]).await;
    let clock = RecordingClock::default();
    let transport = transport(&clock);
    let client = transport.client().clone();
    let response = transport
        .send(&|| client.post(&url), Idempotency::NotIdempotent)
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(*seen.lock().unwrap(), 1);
    assert!(clock.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_throttled_non_idempotent_request_is_retried() {
    let (url, seen) = scripted(vec!["429 Too Many Requests\r\nretry-after: 1", "200 OK"]).await;
    let clock = RecordingClock::default();
    let transport = transport(&clock);
    let client = transport.client().clone();
    let response = transport
        .send(&|| client.post(&url), Idempotency::NotIdempotent)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(*seen.lock().unwrap(), 2);
}

#[tokio::test]
async fn the_last_answer_is_returned_when_retries_run_out() {
    let (url, seen) = scripted(vec!["500 Internal Server Error"; 4]).await;
    let clock = RecordingClock::default();
    let transport = transport(&clock);
    let client = transport.client().clone();
    let response = transport
        .send(&|| client.get(&url), Idempotency::Idempotent)
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(*seen.lock().unwrap(), 4);
    assert_eq!(clock.0.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // Bind and drop to get a port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clock = RecordingClock::default();
    let transport = transport(&clock);
    let client = transport.client().clone();
    let url = format!("http://127.0.0.1:{port}/x");
    let error = transport
        .send(&|| client.post(&url), Idempotency::NotIdempotent)
        .await
        .unwrap_err();
    assert!(
        matches!(error, TransportError::Unreachable { .. }),
        "{error:?}"
    );
    assert_eq!(
        clock.0.lock().unwrap().len(),
        3,
        "a request that never left is safe to repeat"
    );
}

/// A token request answered with a redirect (307/308 re-post the body) must not carry the client secret to the
/// host the redirect names: the transport follows no redirect, and the caller sees the 3xx itself.
#[tokio::test]
async fn a_redirect_is_never_followed_so_a_posted_secret_stays_with_the_host_it_was_sent_to() {
    let (elsewhere, stolen) = scripted(vec!["200 OK"]).await;
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let answer: &'static str =
            Box::leak(format!("{status}\r\nlocation: {elsewhere}").into_boxed_str());
        let (url, seen) = scripted(vec![answer]).await;
        let clock = RecordingClock::default();
        let transport = transport(&clock);
        let client = transport.client().clone();
        let response = transport
            .send(
                &|| {
                    client.post(&url).form(&[
                        ("grant_type", "client_credentials"),
                        ("client_secret", "s3cret"),
                    ])
                },
                Idempotency::NotIdempotent,
            )
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            status[..3].parse::<u16>().unwrap()
        );
        assert_eq!(*seen.lock().unwrap(), 1);
    }
    assert_eq!(
        *stolen.lock().unwrap(),
        0,
        "the redirect target received a request"
    );
}
