//! The setup's Auth0 log stream: removed after the event subscription. Deleting it stops Auth0 sending to
//! the partner topic; Auth0 does not delete that topic in Azure (its Management API and dashboard say
//! nothing of Azure's side, and the topic stays until removed there, as the sandbox does too), so the topic
//! is removed next when it remains. Kept when it now sends to another subscription or group (someone
//! re-created it for something else), and while the topic it feeds has other event subscriptions.

use auth0_client::Auth0Client;

use super::event_subscription;
use super::read::Found;
use super::{KeptResource, TeardownItem, TeardownKind, Verdict};
use crate::error::SetupError;
use crate::inputs::SetupInputs;

const KIND: TeardownKind = TeardownKind::LogStream;

pub(super) fn judge(found: &Found, inputs: &SetupInputs) -> Verdict {
    let Some(stream) = &found.stream else {
        return Verdict::Absent;
    };
    let name = stream.name.clone();
    let keep = |reason: String| {
        Verdict::Keep(KeptResource {
            kind: KIND,
            name: name.clone(),
            reason,
        })
    };
    let Some(sink) = stream.event_grid_sink() else {
        return keep(format!(
            "It is a stream of type {}, not the Event Grid stream this setup made.",
            stream.kind
        ));
    };
    if !found.stream_is_ours(inputs) {
        return keep(format!(
            "Changed since the setup: it now sends to resource group {} of subscription {}, not {} of {}.",
            sink.azure_resource_group,
            sink.azure_subscription_id,
            inputs.resource_group,
            inputs.subscription_id
        ));
    }
    let others = event_subscription::others(found, inputs);
    if !others.is_empty() {
        return keep(format!(
            "The partner topic {} it feeds has other event subscriptions ({}): deleting the stream would stop \
             their events.",
            found.topic_name.clone().unwrap_or_default(),
            others.join(", ")
        ));
    }
    Verdict::Remove(TeardownItem {
        kind: KIND,
        id: stream.id.clone(),
        action: format!(
            "Delete the Auth0 log stream \"{name}\" (Auth0 stops sending logs to Event Grid)"
        ),
        name,
    })
}

pub(super) async fn remove(auth0: &Auth0Client, item: &TeardownItem) -> Result<(), SetupError> {
    auth0.delete_log_stream(&item.id).await?;
    Ok(())
}
