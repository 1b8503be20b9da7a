//! The partner topic Auth0 created for the stream, found by the name the stream reports (or the setup
//! remembers), never by guessing: removed after the stream when it remains, with Azure's long-running
//! delete followed to its end. Kept when it carries another partner's registration id (not Auth0's), when
//! tags were added to it (Auth0 creates it with none: someone labelled it for their own use), and while it
//! has event subscriptions other than the setup's.

use azure_client::AzureClient;

use super::event_subscription;
use super::read::Found;
use super::{KeptResource, TeardownItem, TeardownKind, Verdict};
use crate::error::SetupError;
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::vetoed;

const KIND: TeardownKind = TeardownKind::PartnerTopic;

pub(super) fn judge(found: &Found, inputs: &SetupInputs) -> Verdict {
    let Some(topic) = &found.topic else {
        return Verdict::Absent;
    };
    let name = topic.name.clone();
    let keep = |reason: String| {
        Verdict::Keep(KeptResource {
            kind: KIND,
            name: name.clone(),
            reason,
        })
    };
    if vetoed(topic, &found.partner_id) {
        return keep(
            "It carries another partner's registration id: it is not Auth0's topic.".to_owned(),
        );
    }
    if let Some(tags) = topic.tags.as_ref().filter(|t| !t.is_empty()) {
        let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return keep(format!(
            "Changed since the setup: tags were added to it ({}), so someone uses it for their own ends.",
            tags.join(", ")
        ));
    }
    let others = event_subscription::others(found, inputs);
    if !others.is_empty() {
        return keep(format!(
            "It has other event subscriptions ({}), which would lose their events.",
            others.join(", ")
        ));
    }
    Verdict::Remove(TeardownItem {
        kind: KIND,
        id: topic.id.clone(),
        action: format!("Delete the partner topic {name}, if it remains once the stream is gone"),
        name,
    })
}

pub(super) async fn remove(
    azure: &AzureClient,
    inputs: &SetupInputs,
    item: &TeardownItem,
) -> Result<(), SetupError> {
    azure
        .delete_partner_topic(&inputs.subscription_id, &inputs.resource_group, &item.name)
        .await?;
    Ok(())
}
