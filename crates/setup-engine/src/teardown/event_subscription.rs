//! The setup's event subscription (its name, on the setup's partner topic): removed first, so nothing is
//! delivered while the rest goes. Kept when its destination is no longer the setup's (someone pointed it
//! elsewhere). Every other subscription of the topic is somebody else's: kept and named, and the topic and
//! the stream that feed it stay with it. The delete waits for Azure's long-running operation.

use azure_client::{AzureClient, EventSubscription};

use super::read::Found;
use super::{KeptResource, TeardownItem, TeardownKind, Verdict};
use crate::error::SetupError;
use crate::inputs::{DestinationKind, SetupInputs};

const KIND: TeardownKind = TeardownKind::EventSubscription;

fn is_ours(subscription: &EventSubscription, inputs: &SetupInputs) -> bool {
    subscription
        .name
        .as_deref()
        .is_some_and(|n| n.eq_ignore_ascii_case(&inputs.event_subscription_name))
}

/// The subscriptions of the topic that are not the setup's (by name; unreadable ones by id).
pub(super) fn others(found: &Found, inputs: &SetupInputs) -> Vec<String> {
    found
        .subscriptions
        .iter()
        .filter(|s| !is_ours(s, inputs))
        .map(|s| s.name.clone().or_else(|| s.id.clone()).unwrap_or_default())
        .chain(found.unreadable_subscriptions.iter().cloned())
        .collect()
}

/// Where it delivers now differs from the setup's destination: said in words, else `None`.
fn destination_changed(subscription: &EventSubscription, inputs: &SetupInputs) -> Option<String> {
    let destination = subscription.properties.destination.as_ref()?;
    let wanted = inputs.destination.kind.endpoint_type();
    if !destination.endpoint_type.eq_ignore_ascii_case(wanted) {
        return Some(format!(
            "it now delivers to a {} destination, not the setup's {wanted}",
            destination.endpoint_type
        ));
    }
    let now = &destination.properties;
    let differs = |a: &str, b: &str| {
        !a.trim_end_matches('/')
            .eq_ignore_ascii_case(b.trim_end_matches('/'))
    };
    match inputs.destination.kind {
        DestinationKind::Webhook => {
            let ours = inputs.destination.webhook_url.as_deref()?;
            let ours = ours.split('?').next().unwrap_or(ours);
            let base = now.endpoint_base_url.as_deref()?;
            differs(base, ours).then(|| format!("it now delivers to {base}, not {ours}"))
        }
        _ => {
            let ours = inputs.destination.resource_id.as_deref()?;
            let theirs = now.resource_id.as_deref()?;
            differs(theirs, ours).then(|| format!("it now delivers to {theirs}, not {ours}"))
        }
    }
}

pub(super) fn judge(found: &Found, inputs: &SetupInputs) -> (Verdict, Vec<KeptResource>) {
    let topic = found.topic_name.clone().unwrap_or_default();
    let others: Vec<KeptResource> = others(found, inputs)
        .into_iter()
        .map(|name| KeptResource {
            kind: KIND,
            name,
            reason: format!(
                "Not made by this setup: it receives the events of the partner topic {topic}, so the topic and \
                 the log stream that feeds it stay too."
            ),
        })
        .collect();
    let Some(own) = found.subscriptions.iter().find(|s| is_ours(s, inputs)) else {
        return (Verdict::Absent, others);
    };
    let name = own
        .name
        .clone()
        .unwrap_or_else(|| inputs.event_subscription_name.clone());
    if let Some(change) = destination_changed(own, inputs) {
        let kept = KeptResource {
            kind: KIND,
            name,
            reason: format!("Changed since the setup: {change}. Someone else may rely on it."),
        };
        return (Verdict::Keep(kept), others);
    }
    let item = TeardownItem {
        kind: KIND,
        id: own.id.clone().unwrap_or_default(),
        action: format!("Delete the event subscription {name} (on the partner topic {topic})"),
        name,
    };
    (Verdict::Remove(item), others)
}

pub(super) async fn remove(
    azure: &AzureClient,
    inputs: &SetupInputs,
    found: &Found,
    item: &TeardownItem,
) -> Result<(), SetupError> {
    let topic = found.topic_name.as_deref().unwrap_or_default();
    azure
        .delete_event_subscription(
            &inputs.subscription_id,
            &inputs.resource_group,
            topic,
            &item.name,
        )
        .await?;
    Ok(())
}
