//! The long-running part of an event subscription PUT: the CloudEvents WebHook handshake (granted at once,
//! later through its callback URL, or not at all), then the subscription's provisioning state and its
//! operation's status.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::shared::Shared;
use crate::state::{EventSubscription, PendingValidation};
use crate::tokens::sandbox_secret;

/// The long-running part of an event subscription PUT: the WebHook handshake (or an injected failure),
/// then the final provisioning state and operation status.
pub async fn provision_event_subscription(
    shared: Arc<Shared>,
    subscription: EventSubscription,
    operation_id: String,
) {
    shared.start_one();
    let injected = {
        let mut faults = shared.faults();
        if faults.failing_operations > 0 {
            faults.failing_operations -= 1;
            true
        } else {
            false
        }
    };
    let destination = &subscription.properties["destination"];
    let token = sandbox_secret(24);
    let outcome = if injected {
        Provisioned::Failed(
            json!({"code": "InternalServerError", "message": "The operation failed with an internal error (injected by the sandbox). Retry the request."}),
        )
    } else if destination["endpointType"] == "WebHook" {
        let url = destination["properties"]["endpointUrl"]
            .as_str()
            .unwrap_or("");
        let callback = validation_callback(&shared, &subscription.name, &token);
        match handshake(&shared, url, &callback).await {
            Ok(()) => Provisioned::Succeeded,
            Err(detail) => Provisioned::AwaitingValidation(detail),
        }
    } else {
        Provisioned::Succeeded
    };
    let now = shared.clock.now_ms();
    {
        let mut world = shared.world();
        // A later PUT or a DELETE has taken over the subscription: this outcome is stale.
        let current = world.azure.event_subscriptions.iter_mut().find(|e| {
            e.subscription_id == subscription.subscription_id
                && e.resource_group == subscription.resource_group
                && e.topic == subscription.topic
                && e.name == subscription.name
                && e.operation_id.as_deref() == Some(operation_id.as_str())
        });
        if let Some(es) = current {
            match &outcome {
                Provisioned::Succeeded => es.provisioning_state = "Succeeded".into(),
                Provisioned::Failed(_) => es.provisioning_state = "Failed".into(),
                Provisioned::AwaitingValidation(detail) => {
                    tracing::info!(subscription = %es.name, %detail, "webhook did not grant the handshake; awaiting manual validation");
                    es.provisioning_state = "AwaitingManualAction".into();
                    es.validation = Some(PendingValidation {
                        token,
                        until_ms: now + MANUAL_VALIDATION_WINDOW_MS,
                    });
                }
            }
        }
        if let Some(op) = world.azure.operations.get_mut(&operation_id) {
            match outcome {
                Provisioned::Succeeded => {
                    op.status = "Succeeded".into();
                    op.end_ms = Some(now);
                }
                Provisioned::Failed(error) => {
                    op.status = "Failed".into();
                    op.error = Some(error);
                    op.end_ms = Some(now);
                }
                // The operation reports the state too (as real Azure's operation status does, see the
                // README's fidelity notes); it ends when the callback is called or its time runs out.
                Provisioned::AwaitingValidation(_) => op.status = "AwaitingManualAction".into(),
            }
        }
    }
    shared.mark_dirty();
    shared.finish_one();
}

/// How long a WebHook that did not grant the handshake may still validate through its callback URL
/// before the subscription ends `Failed` (Event Grid's manual validation URL is valid for 5 minutes).
pub const MANUAL_VALIDATION_WINDOW_MS: i64 = 5 * 60 * 1000;

enum Provisioned {
    Succeeded,
    Failed(Value),
    /// The WebHook did not grant the handshake (why, for the log): it may still call the callback.
    AwaitingValidation(String),
}

/// The URL sent as `WebHook-Request-Callback`, where the endpoint may grant delivery later.
fn validation_callback(shared: &Shared, name: &str, token: &str) -> String {
    format!(
        "{}/_sandbox/eventgrid/eventsubscriptions/{name}/validate?token={token}",
        shared.urls.management
    )
}

/// The CloudEvents abuse-protection handshake: OPTIONS with `WebHook-Request-Origin` (and a
/// `WebHook-Request-Callback` the endpoint may call instead of granting at once), expecting 200 and
/// `WebHook-Allowed-Origin` naming that origin (or `*`). Err says why it was not granted.
async fn handshake(shared: &Shared, url: &str, callback: &str) -> Result<(), String> {
    let response = shared
        .http
        .request(reqwest::Method::OPTIONS, url)
        .header("WebHook-Request-Origin", "eventgrid.azure.net")
        .header("WebHook-Request-Rate", "120")
        .header("WebHook-Request-Callback", callback)
        .send()
        .await
        .map_err(|e| format!("Http OPTIONS request failed: {e}."))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(format!(
            "Http OPTIONS request failed with response code {status}."
        ));
    }
    let allowed = response
        .headers()
        .get("webhook-allowed-origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if allowed == "*" || allowed.eq_ignore_ascii_case("eventgrid.azure.net") {
        Ok(())
    } else {
        Err(format!(
            "The response did not carry WebHook-Allowed-Origin: eventgrid.azure.net (got '{allowed}')."
        ))
    }
}
