//! The resource group: removed last, and only when the setup's run created it (`TeardownScope::
//! resource_group_created`), no tags were added to it since, and it holds nothing once the resources
//! before it are gone. "Nothing" allows one thing: the group's partner configuration when it will
//! authorize no one (Auth0's entry removed, no other partner), which the group's deletion takes with it.
//! Azure's delete is long-running (202, then its `Location` until done) and is followed to its end.

use azure_client::AzureClient;

use super::partner_authorization;
use super::read::Found;
use super::{KeptResource, TeardownItem, TeardownKind, Verdict};
use crate::error::SetupError;
use crate::inputs::SetupInputs;

const KIND: TeardownKind = TeardownKind::ResourceGroup;

/// What the earlier kinds of the same plan remove.
pub(super) struct Removing {
    pub topic: bool,
    pub authorization_or_none: bool,
}

pub(super) fn judge(
    found: &Found,
    inputs: &SetupInputs,
    created_by_setup: bool,
    removing: Removing,
) -> Verdict {
    let Some(group) = &found.group else {
        return Verdict::Absent;
    };
    let name = group.name.clone();
    let keep = |reason: String| {
        Verdict::Keep(KeptResource {
            kind: KIND,
            name: name.clone(),
            reason,
        })
    };
    if !created_by_setup {
        return keep("The setup did not create it (it was there before).".into());
    }
    if let Some(tags) = group.tags.as_ref().filter(|t| !t.is_empty()) {
        let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return keep(format!(
            "Changed since the setup: tags were added to it ({}).",
            tags.join(", ")
        ));
    }
    let topic_id = found.topic.as_ref().map(|t| t.id.as_str());
    let configuration_goes =
        removing.authorization_or_none && partner_authorization::only_auth0_left(found);
    let remaining: Vec<String> = found
        .resources
        .iter()
        .filter(|r| !(removing.topic && topic_id.is_some_and(|id| id.eq_ignore_ascii_case(&r.id))))
        .filter(|r| {
            !(configuration_goes
                && r.kind
                    .eq_ignore_ascii_case("Microsoft.EventGrid/partnerConfigurations"))
        })
        .map(|r| format!("{} ({})", r.name, r.kind))
        .collect();
    if !remaining.is_empty() {
        return keep(format!(
            "It holds other resources: {}.",
            remaining.join(", ")
        ));
    }
    Verdict::Remove(TeardownItem {
        kind: KIND,
        id: group.id.clone(),
        action: format!(
            "Delete the resource group {name} of subscription {} (the setup created it, and it is empty once \
             the above are gone)",
            inputs.subscription_id
        ),
        name,
    })
}

pub(super) async fn remove(
    azure: &AzureClient,
    inputs: &SetupInputs,
    item: &TeardownItem,
) -> Result<(), SetupError> {
    azure
        .delete_resource_group(&inputs.subscription_id, &item.name)
        .await?;
    Ok(())
}
