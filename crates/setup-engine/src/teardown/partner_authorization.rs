//! Auth0's entry in the group's partner configuration: removed with `unauthorizePartner`, which takes out
//! one partner and keeps every other (EventGrid.json 2025-02-15, `PartnerConfigurations_UnauthorizePartner`).
//! Other partners' entries are named and kept. Auth0's own is kept while the setup's stream stays, or while
//! another Event Grid stream of the tenant sends to the same group (re-creating its topic would need it).

use azure_client::{AuthorizedPartner, AzureClient, PartnerConfiguration};

use super::read::Found;
use super::{KeptResource, TeardownItem, TeardownKind, Verdict};
use crate::error::SetupError;
use crate::inputs::SetupInputs;

const KIND: TeardownKind = TeardownKind::PartnerAuthorization;

fn entries(configuration: Option<&PartnerConfiguration>) -> &[AuthorizedPartner] {
    configuration
        .map(|c| {
            c.properties
                .partner_authorization
                .authorized_partners_list
                .as_slice()
        })
        .unwrap_or_default()
}

/// Auth0's entry: by its registration id, or by the name Auth0 when the entry carries no id.
pub(super) fn is_auth0(partner: &AuthorizedPartner, partner_id: &str) -> bool {
    match partner.partner_registration_immutable_id.as_deref() {
        Some(id) if !id.trim().is_empty() => id.eq_ignore_ascii_case(partner_id),
        _ => partner
            .partner_name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("Auth0")),
    }
}

fn label(partner: &AuthorizedPartner) -> String {
    partner
        .partner_name
        .clone()
        .or_else(|| partner.partner_registration_immutable_id.clone())
        .unwrap_or_else(|| "(unnamed partner)".into())
}

/// `stream_stays`: the setup's stream is kept by this plan.
pub(super) fn judge(
    found: &Found,
    inputs: &SetupInputs,
    stream_stays: bool,
) -> (Verdict, Vec<KeptResource>) {
    let rg = &inputs.resource_group;
    let listed = entries(found.configuration.as_ref());
    let others: Vec<KeptResource> = listed
        .iter()
        .filter(|p| !is_auth0(p, &found.partner_id))
        .map(|p| KeptResource {
            kind: KIND,
            name: label(p),
            reason: format!(
                "Another partner's authorization in {rg}: only Auth0's entry is removed."
            ),
        })
        .collect();
    let Some(auth0) = listed.iter().find(|p| is_auth0(p, &found.partner_id)) else {
        return (Verdict::Absent, others);
    };
    let name = label(auth0);
    let keep = |reason: String| {
        Verdict::Keep(KeptResource {
            kind: KIND,
            name: name.clone(),
            reason,
        })
    };
    if stream_stays {
        return (
            keep("The setup's log stream stays, so Auth0 stays authorized with it.".into()),
            others,
        );
    }
    if !found.neighbours.is_empty() {
        let names: Vec<String> = found
            .neighbours
            .iter()
            .map(|s| format!("\"{}\"", s.name))
            .collect();
        return (
            keep(format!(
                "Other Auth0 log streams send to {rg} ({}): re-creating their partner topics would need it.",
                names.join(", ")
            )),
            others,
        );
    }
    let id = auth0
        .partner_registration_immutable_id
        .clone()
        .unwrap_or_else(|| found.partner_id.clone());
    let item = TeardownItem {
        kind: KIND,
        id,
        action: format!(
            "Remove Auth0 from the partner configuration of {rg} (other authorized partners stay)"
        ),
        name,
    };
    (Verdict::Remove(item), others)
}

/// Auth0's entry only remains with no other partner: the configuration then authorizes no one.
pub(super) fn only_auth0_left(found: &Found) -> bool {
    entries(found.configuration.as_ref())
        .iter()
        .all(|p| is_auth0(p, &found.partner_id))
}

pub(super) async fn remove(
    azure: &AzureClient,
    inputs: &SetupInputs,
    item: &TeardownItem,
) -> Result<(), SetupError> {
    let partner = AuthorizedPartner {
        partner_registration_immutable_id: Some(item.id.clone()),
        partner_name: Some(item.name.clone()),
        authorization_expiration_time_in_utc: None,
    };
    azure
        .unauthorize_partner(&inputs.subscription_id, &inputs.resource_group, &partner)
        .await?;
    Ok(())
}
