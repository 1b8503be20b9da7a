//! `auth0-eventgrid check-endpoint --webhook-url URL`: Event Grid's CloudEvents validation handshake against
//! a webhook, as the window's "Check the endpoint" does. Exit 0 when Event Grid would accept it, 1 when it
//! refuses or does not answer, 2 for an address that is not one (or plain http elsewhere than this computer).

use setup_engine::EndpointCheck;

use super::emit;
use crate::{DONE, INCOMPLETE, fail};

pub async fn check_endpoint(url: &str, json: bool) -> u8 {
    let check = match setup_engine::check_endpoint(url).await {
        Ok(check) => check,
        Err(error) => return fail(error, json),
    };
    if json {
        emit(&serde_json::json!({ "ok": true, "endpoint": check }).to_string());
    } else {
        emit(&summary(&check));
    }
    if check.accepted { DONE } else { INCOMPLETE }
}

fn summary(check: &EndpointCheck) -> String {
    let origin = match &check.allowed_origin {
        Some(origin) => format!("WebHook-Allowed-Origin: {origin}"),
        None => "no WebHook-Allowed-Origin".to_owned(),
    };
    if check.accepted {
        return format!(
            "The endpoint grants Event Grid's handshake (HTTP {}, {origin}).",
            check.status
        );
    }
    format!(
        "The endpoint refuses Event Grid's handshake (HTTP {}, {origin}).\nwhat to do: answer the OPTIONS \
         request with HTTP 200 and the header WebHook-Allowed-Origin: eventgrid.azure.net (or *), then check again.",
        check.status
    )
}
