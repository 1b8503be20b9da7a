//! The webhook check against the sandbox's receiver (which grants Event Grid's handshake) and against
//! endpoints that refuse it or do not answer.

use setup_engine::{ErrorCode, check_endpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::start;

/// An endpoint that answers every request with `answer` (a whole HTTP response).
async fn answering(answer: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buffer).await;
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/hook")
}

#[tokio::test]
async fn the_sandbox_receiver_grants_the_handshake() {
    let world = start().await;
    let check = check_endpoint(&format!(
        "{}/_sandbox/inbox/check",
        world.info.azure_management
    ))
    .await
    .expect("answered");
    assert_eq!(check.status, 200);
    assert_eq!(check.allowed_origin.as_deref(), Some("eventgrid.azure.net"));
    assert!(check.accepted);
}

#[tokio::test]
async fn an_endpoint_without_the_allowed_origin_or_with_an_error_is_not_accepted() {
    let no_origin =
        answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
    let check = check_endpoint(&no_origin).await.expect("answered");
    assert_eq!((check.status, check.accepted), (200, false));
    assert_eq!(check.allowed_origin, None);

    let forbidden = answering(
        "HTTP/1.1 403 Forbidden\r\nWebHook-Allowed-Origin: eventgrid.azure.net\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    let check = check_endpoint(&forbidden).await.expect("answered");
    assert_eq!((check.status, check.accepted), (403, false));

    let wildcard = answering(
        "HTTP/1.1 200 OK\r\nWebHook-Allowed-Origin: *\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(check_endpoint(&wildcard).await.expect("answered").accepted);
}

#[tokio::test]
async fn plain_http_elsewhere_and_an_endpoint_that_does_not_answer_are_errors() {
    let error = check_endpoint("http://hooks.example.com/auth0")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field.as_deref(), Some("webhook_url"));
    let error = check_endpoint("not an address").await.unwrap_err();
    assert_eq!(error.field.as_deref(), Some("webhook_url"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = check_endpoint(&format!("http://127.0.0.1:{port}/hook"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NetworkUnreachable);
}

/// A webhook URL's query is often its key (`?code=` of an Azure Function). An endpoint that does not answer,
/// or answers something that is not HTTP, makes an error whose words (shown, sent over IPC and copied into
/// "Copy diagnostics") never hold the key: the HTTP library's text names the whole URL, the error does not.
#[tokio::test]
async fn a_failed_check_never_shows_the_webhook_key() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = format!("http://127.0.0.1:{port}/api/hook?code=secret-function-key");
    let garbled = format!(
        "{}?code=secret-function-key",
        answering("not http at all\r\n\r\n").await
    );
    for url in [refused, garbled] {
        let error = check_endpoint(&url).await.unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::NetworkUnreachable,
            "{url}: {error:?}"
        );
        let everything = serde_json::to_string(&error).unwrap();
        assert!(!everything.contains("secret-function-key"), "{everything}");
        assert!(!format!("{error:?}").contains("secret-function-key"));
    }
}
