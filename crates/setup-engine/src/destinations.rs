//! What a destination can be chosen from, by name: for each kind Event Grid delivers to inside Azure, the
//! parents the signed-in identity can see in a subscription (Event Hubs namespaces, storage accounts, Service
//! Bus namespaces, function apps), each with what it holds (event hubs, queues, topics, functions). Every id
//! is the one Azure returned; the window builds none. A webhook is typed as a URL, so there is nothing to list.

use azure_client::{
    ArmId, AzureClient, EVENT_HUB_NAMESPACES, SERVICE_BUS_NAMESPACES, STORAGE_ACCOUNTS, WEB_SITES,
};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorCode, SetupError};
use crate::inputs::DestinationKind;
use crate::validate::guid;

/// A namespace, storage account or function app, with the hubs, queues, topics or functions inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DestinationParent {
    pub name: String,
    /// Its Resource Manager id, as Azure listed it.
    pub id: String,
    pub resource_group: String,
    /// Where Azure keeps it, as Azure spelled it; `None` when the list did not say.
    pub location: Option<String>,
    /// Sorted by name. For a storage queue the destination's `resource_id` is the account's id and the
    /// queue goes to `queue_name`; for the other kinds it is the child's id.
    pub children: Vec<DestinationChild>,
}

/// An event hub, queue, topic or function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DestinationChild {
    pub name: String,
    /// Its Resource Manager id, as Azure listed it.
    pub id: String,
}

/// Every parent of `kind` in `subscription` with its children, sorted by name (whatever the case). The
/// children of the parents are read concurrently. A webhook, or a subscription that is not a GUID, is
/// refused naming the field.
pub async fn list_destinations(
    azure: &AzureClient,
    subscription: &str,
    kind: DestinationKind,
) -> Result<Vec<DestinationParent>, SetupError> {
    let subscription = subscription.trim();
    if subscription.is_empty() {
        return Err(SetupError::invalid(
            "subscription_id",
            "is empty: choose a subscription first",
        ));
    }
    guid("subscription_id", subscription)?;
    let (resource_type, parents) = match kind {
        DestinationKind::Webhook => {
            return Err(SetupError::invalid(
                "destination.kind",
                "a webhook is given by its address; there is nothing in Azure to choose it from",
            ));
        }
        DestinationKind::Eventhub => (
            EVENT_HUB_NAMESPACES,
            named(azure.list_event_hub_namespaces(subscription).await?),
        ),
        DestinationKind::Storagequeue => (
            STORAGE_ACCOUNTS,
            named(azure.list_storage_accounts(subscription).await?),
        ),
        DestinationKind::Servicebusqueue | DestinationKind::Servicebustopic => (
            SERVICE_BUS_NAMESPACES,
            named(azure.list_service_bus_namespaces(subscription).await?),
        ),
        DestinationKind::Azurefunction => (
            WEB_SITES,
            azure
                .list_function_apps(subscription)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name, s.location))
                .collect(),
        ),
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (id, name, location)) in parents.into_iter().enumerate() {
        // An id Azure listed that does not read as one of its type (another tool's odd entry) is left out.
        let Some(arm_id) = ArmId::parse(&id, resource_type) else {
            tracing::warn!(%id, "a listed destination has an id of another shape and was left out");
            continue;
        };
        let azure = azure.clone();
        tasks.spawn(async move {
            let children = children_of(&azure, kind, &arm_id).await;
            (index, arm_id, name, location, children)
        });
    }
    let mut listed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (index, arm_id, name, location, children) = joined.map_err(|e| {
            SetupError::new(
                ErrorCode::UnexpectedResponse,
                format!("Listing the destinations stopped: {e}"),
                "Try again.",
            )
        })?;
        let mut children = children?;
        children.sort_by_cached_key(|c| c.name.to_lowercase());
        listed.push((
            index,
            DestinationParent {
                name,
                id: arm_id.id(),
                resource_group: arm_id.resource_group().to_owned(),
                location,
                children,
            },
        ));
    }
    listed.sort_by_key(|(index, _)| *index);
    let mut parents: Vec<DestinationParent> = listed.into_iter().map(|(_, p)| p).collect();
    parents.sort_by_cached_key(|p| p.name.to_lowercase());
    Ok(parents)
}

fn named(resources: Vec<azure_client::TrackedResource>) -> Vec<(String, String, Option<String>)> {
    resources
        .into_iter()
        .map(|r| (r.id, r.name, r.location))
        .collect()
}

async fn children_of(
    azure: &AzureClient,
    kind: DestinationKind,
    parent: &ArmId,
) -> Result<Vec<DestinationChild>, SetupError> {
    let plain = |items: Vec<azure_client::ChildResource>| {
        items
            .into_iter()
            .map(|c| DestinationChild {
                name: c.name,
                id: c.id,
            })
            .collect()
    };
    Ok(match kind {
        DestinationKind::Eventhub => plain(azure.list_event_hubs(parent).await?),
        DestinationKind::Storagequeue => plain(azure.list_storage_queues(parent).await?),
        DestinationKind::Servicebusqueue => plain(azure.list_service_bus_queues(parent).await?),
        DestinationKind::Servicebustopic => plain(azure.list_service_bus_topics(parent).await?),
        DestinationKind::Azurefunction => azure
            .list_functions(parent)
            .await?
            .into_iter()
            .map(|f| DestinationChild {
                name: f.function_name().to_owned(),
                id: f.id,
            })
            .collect(),
        DestinationKind::Webhook => Vec::new(),
    })
}
