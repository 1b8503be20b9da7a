//! The webhook check: the CloudEvents 1.0 abuse-protection handshake Event Grid performs before it delivers
//! to a webhook (an `OPTIONS` request with `WebHook-Request-Origin`), made from Rust so a front end can tell
//! whether Event Grid would accept an endpoint before step 4 saves the subscription.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorCode, SetupError};

/// Event Grid's origin in the CloudEvents 1.0 abuse-protection handshake.
pub const EVENT_GRID_ORIGIN: &str = "eventgrid.azure.net";

/// What a webhook answered to Event Grid's CloudEvents validation handshake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointCheck {
    /// The HTTP status of the OPTIONS request.
    pub status: u16,
    /// `WebHook-Allowed-Origin` as answered, when present.
    pub allowed_origin: Option<String>,
    /// Whether Event Grid would accept this endpoint (2xx and the origin allowed).
    pub accepted: bool,
}

/// Performs the handshake against `url`. Plain http is refused except on this computer (`invalid_input`,
/// field `webhook_url`); an endpoint that does not answer is `network_unreachable`. Redirects are not
/// followed, as Event Grid does not follow them.
pub async fn check_endpoint(url: &str) -> Result<EndpointCheck, SetupError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| {
        SetupError::invalid(
            "webhook_url",
            "must be a full address such as https://hooks.example.com/auth0",
        )
    })?;
    let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && local) {
        return Err(SetupError::invalid(
            "webhook_url",
            "must start with https://",
        ));
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(endpoint_error)?;
    let answer = client
        .request(reqwest::Method::OPTIONS, parsed)
        .header("WebHook-Request-Origin", EVENT_GRID_ORIGIN)
        .header("WebHook-Request-Rate", "120")
        .send()
        .await
        .map_err(endpoint_error)?;
    let allowed_origin = answer
        .headers()
        .get("webhook-allowed-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let origin_ok = allowed_origin
        .as_deref()
        .is_some_and(|o| o == "*" || o.eq_ignore_ascii_case(EVENT_GRID_ORIGIN));
    Ok(EndpointCheck {
        status: answer.status().as_u16(),
        accepted: answer.status().is_success() && origin_ok,
        allowed_origin,
    })
}

/// The address is not named: its query often holds the endpoint's key, and the person knows which one it is.
fn endpoint_error(error: reqwest::Error) -> SetupError {
    SetupError::new(
        ErrorCode::NetworkUnreachable,
        format!(
            "The endpoint did not answer: {}",
            cloud_http::error_text(error)
        ),
        "Check the address, and that the endpoint is reachable from this computer.",
    )
}
