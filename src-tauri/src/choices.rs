//! What the wizard offers to choose from, read from Rust so the window keeps no copy of it: the engine's
//! catalog (Auth0's regions, event groups), the inputs a new setup starts from, the resource groups of a
//! subscription, each with the region Auth0 accepts for its location, and the destinations of a kind there.

use serde::Serialize;
use setup_engine::{Catalog, DestinationKind, DestinationParent, SetupError, SetupInputs};
use tauri::State;
use ts_rs::TS;

use crate::commands::not_signed_in;
use crate::state::AppState;

/// A resource group of the chosen subscription, for the picker in step 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupChoice {
    pub name: String,
    /// Where Azure keeps the group, as Azure spells it (`westeurope`).
    pub location: String,
    /// The region Auth0 accepts for that location, to prefill the stream's region; `None` when Auth0 cannot
    /// deliver there and the user picks the closest region it accepts.
    pub auth0_region: Option<String>,
}

/// The engine's lists (regions, event groups); the window loads them once.
#[tauri::command]
pub fn catalog() -> Catalog {
    setup_engine::catalog()
}

/// The engine's defaults: what the form holds before the user types, and again after starting over.
#[tauri::command]
pub fn default_inputs() -> SetupInputs {
    setup_engine::default_inputs()
}

/// The resource groups of `subscription_id` the signed-in identity can see, sorted by name. The ID is
/// checked before anything is sent.
#[tauri::command]
pub async fn list_resource_groups(
    state: State<'_, AppState>,
    subscription_id: String,
) -> Result<Vec<ResourceGroupChoice>, SetupError> {
    let subscription = subscription_id.trim();
    check_subscription_id(subscription)?;
    let azure = state
        .session()
        .as_ref()
        .map(|s| s.azure.clone())
        .ok_or_else(not_signed_in)?;
    let groups = azure.list_resource_groups(subscription).await?;
    Ok(choices(
        groups.into_iter().map(|g| (g.name, g.location)).collect(),
    ))
}

/// The destinations of `kind` in `subscription_id` the signed-in identity can see: Event Hubs namespaces,
/// storage accounts, Service Bus namespaces or function apps, each with its hubs, queues, topics or functions,
/// sorted by name. The ID is checked before anything is sent; a webhook has nothing to list.
#[tauri::command]
pub async fn list_destinations(
    state: State<'_, AppState>,
    subscription_id: String,
    kind: DestinationKind,
) -> Result<Vec<DestinationParent>, SetupError> {
    let subscription = subscription_id.trim();
    check_subscription_id(subscription)?;
    let azure = state
        .session()
        .as_ref()
        .map(|s| s.azure.clone())
        .ok_or_else(not_signed_in)?;
    setup_engine::list_destinations(&azure, subscription, kind).await
}

fn check_subscription_id(value: &str) -> Result<(), SetupError> {
    if value.is_empty() {
        return Err(SetupError::invalid(
            "subscription_id",
            "is empty: choose a subscription first",
        ));
    }
    setup_engine::guid("subscription_id", value)
}

fn choices(mut groups: Vec<(String, String)>) -> Vec<ResourceGroupChoice> {
    groups.sort_by_cached_key(|(name, _)| name.to_lowercase());
    groups
        .into_iter()
        .map(|(name, location)| ResourceGroupChoice {
            auth0_region: setup_engine::auth0_region(&location).map(str::to_owned),
            name,
            location,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_sorted_by_name_whatever_the_case_with_the_region_auth0_accepts() {
        let sorted = choices(vec![
            ("zeta".into(), "westeurope".into()),
            ("Alpha".into(), "West US 3".into()),
            ("beta".into(), "East US 2".into()),
        ]);
        let names: Vec<&str> = sorted.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Alpha", "beta", "zeta"]);
        assert_eq!(sorted[0].auth0_region, None);
        assert_eq!(sorted[1].auth0_region.as_deref(), Some("eastus2"));
        assert_eq!(sorted[2].location, "westeurope");
    }

    #[test]
    fn the_subscription_id_is_checked_naming_the_field() {
        let empty = check_subscription_id("").unwrap_err();
        assert_eq!(empty.field.as_deref(), Some("subscription_id"));
        assert!(empty.message.contains("choose a subscription"), "{empty:?}");
        let bad = check_subscription_id("11111111-2222-3333-4444").unwrap_err();
        assert!(bad.message.contains("GUID"), "{bad:?}");
        assert!(check_subscription_id("11111111-2222-3333-4444-555555555555").is_ok());
    }
}
