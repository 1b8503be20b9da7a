//! The event subscription check: `Succeeded` with the setup's settings is green; `Succeeded` with other
//! settings is amber; `AwaitingManualAction` is red and explained (the webhook did not answer Event Grid's
//! CloudEvents validation handshake), with what the endpoint answers now (`check_endpoint`); `Failed`,
//! `Canceled` or missing is red. The fix deletes the subscription and creates it again with the setup's
//! settings (Azure repeats the handshake then).

use super::topic::TopicReads;
use super::{Check, CheckId, CheckState, Fix, FixId};
use crate::inputs::{DestinationKind, SetupInputs};
use crate::steps::subscribe::{desired, matches};
use crate::verify::check_endpoint;

const ID: CheckId = CheckId::EventSubscription;

pub(super) async fn check(reads: Option<&TopicReads>, inputs: &SetupInputs, at: &str) -> Check {
    let name = &inputs.event_subscription_name;
    let Some(reads) = reads else {
        return Check::unknown(
            ID,
            "there is no partner topic to read the event subscription from",
            at,
        );
    };
    let topic = &reads.name;
    match &reads.topic {
        Err(why) => {
            return Check::unknown(
                ID,
                format!("the partner topic could not be read: {why}"),
                at,
            );
        }
        Ok(None) => {
            return Check::new(
                ID,
                CheckState::Red,
                format!(
                    "The event subscription {name} went with its partner topic {topic}, which no longer exists; \
                     the partner topic's fix subscribes the new topic again."
                ),
                at,
            );
        }
        Ok(Some(_)) => {}
    }
    let recreate = |exists: bool| {
        let mut actions = Vec::new();
        if exists {
            actions.push(format!("Delete the event subscription {name} on {topic}"));
        }
        actions.push(format!(
            "Create the event subscription {name} on {topic} to the {} destination, with the setup's settings",
            inputs.destination.kind.endpoint_type()
        ));
        Fix::new(
            FixId::RecreateSubscription,
            "Re-create the subscription",
            actions,
        )
    };
    let current = match &reads.subscription {
        Err(why) => return Check::unknown(ID, why, at),
        Ok(None) => {
            return Check::new(
                ID,
                CheckState::Red,
                format!("There is no event subscription {name} on the partner topic {topic}: nothing is delivered."),
                at,
            )
            .with_fix(recreate(false));
        }
        Ok(Some(current)) => current,
    };
    let state = current
        .properties
        .provisioning_state
        .as_deref()
        .unwrap_or("Succeeded");
    match state {
        "Succeeded" if matches(current, &desired(inputs)) => Check::new(
            ID,
            CheckState::Green,
            format!(
                "The event subscription {name} is provisioned and delivers CloudEvents to the {} destination.",
                inputs.destination.kind.endpoint_type()
            ),
            at,
        ),
        "Succeeded" => Check::new(
            ID,
            CheckState::Amber,
            format!(
                "The event subscription {name} is provisioned but its settings differ from the setup's (changed \
                 elsewhere)."
            ),
            at,
        )
        .with_fix(recreate(true)),
        "AwaitingManualAction" => {
            let (finding, ready) = endpoint_finding(inputs).await;
            let mut fix = recreate(true);
            if !ready {
                fix.check_first = Some(
                    "Make the webhook answer Event Grid's validation (an HTTP OPTIONS request carrying \
                     WebHook-Request-Origin: eventgrid.azure.net) with 200 and WebHook-Allowed-Origin: \
                     eventgrid.azure.net first; otherwise the new subscription waits again."
                        .to_owned(),
                );
            }
            Check::new(
                ID,
                CheckState::Red,
                format!(
                    "The event subscription {name} is waiting for its webhook to accept events \
                     (AwaitingManualAction): the webhook did not answer Event Grid's CloudEvents validation \
                     handshake, so nothing is delivered. {finding}"
                ),
                at,
            )
            .with_fix(fix)
        }
        "Creating" | "Updating" | "Deleting" => Check::new(
            ID,
            CheckState::Amber,
            format!("The event subscription {name} is {}; check again in a minute.", state.to_lowercase()),
            at,
        ),
        other => Check::new(
            ID,
            CheckState::Red,
            format!(
                "Azure could not provision the event subscription {name} (its state is {other}): nothing is \
                 delivered."
            ),
            at,
        )
        .with_fix(recreate(true)),
    }
}

/// What the webhook answers to the handshake now, in a sentence (its address without the query, which may
/// hold a key), and whether it would be accepted.
async fn endpoint_finding(inputs: &SetupInputs) -> (String, bool) {
    let url = match (&inputs.destination.kind, &inputs.destination.webhook_url) {
        (DestinationKind::Webhook, Some(url)) => url,
        _ => return (String::new(), true),
    };
    let base = url.split('?').next().unwrap_or(url);
    match check_endpoint(url).await {
        Ok(answer) if answer.accepted => (
            format!(
                "The webhook {base} accepts the handshake now: re-create the subscription so Azure repeats it."
            ),
            true,
        ),
        Ok(answer) => (
            format!(
                "The webhook {base} answers the handshake with HTTP {}{}, which Event Grid does not accept.",
                answer.status,
                match &answer.allowed_origin {
                    Some(origin) => format!(" and WebHook-Allowed-Origin \"{origin}\""),
                    None => " and no WebHook-Allowed-Origin".to_owned(),
                }
            ),
            false,
        ),
        // The error's words may quote the whole address, query included: only the base is said.
        Err(_) => (
            format!("The webhook {base} does not answer the handshake at all (no answer from it)."),
            false,
        ),
    }
}
