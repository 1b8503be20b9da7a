//! The resources an event subscription can deliver to, as their providers list them: Event Hubs namespaces and
//! their event hubs, storage accounts and their queues, Service Bus namespaces with their queues and topics,
//! and web apps (function apps by their `kind`) with their functions. Read only: they are seeded (see
//! `state::seeded_destinations`), and each list pages at two items unless `$top` says otherwise, so every
//! client follows `nextLink`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::request::{Ctx, EVENTHUB_API, SERVICEBUS_API, STORAGE_API, WEB_API, paged_by};
use crate::http_util::arm_error;
use crate::state::{ChildResource, DestinationResource};

/// Items per page when the client names no `$top`.
const PAGE: usize = 2;

/// A provider's parent resource type, as the router names it (lowercase) and as Azure spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parent {
    EventHubNamespace,
    StorageAccount,
    ServiceBusNamespace,
    Site,
}

impl Parent {
    /// From the lowercased `{provider}/{type}` path segments.
    pub fn from_segments(provider: &str, resource_type: &str) -> Option<Self> {
        match (provider, resource_type) {
            ("microsoft.eventhub", "namespaces") => Some(Self::EventHubNamespace),
            ("microsoft.storage", "storageaccounts") => Some(Self::StorageAccount),
            ("microsoft.servicebus", "namespaces") => Some(Self::ServiceBusNamespace),
            ("microsoft.web", "sites") => Some(Self::Site),
            _ => None,
        }
    }

    fn resource_type(self) -> &'static str {
        match self {
            Self::EventHubNamespace => "Microsoft.EventHub/namespaces",
            Self::StorageAccount => "Microsoft.Storage/storageAccounts",
            Self::ServiceBusNamespace => "Microsoft.ServiceBus/namespaces",
            Self::Site => "Microsoft.Web/sites",
        }
    }

    fn api_versions(self) -> &'static [&'static str] {
        match self {
            Self::EventHubNamespace => EVENTHUB_API,
            Self::StorageAccount => STORAGE_API,
            Self::ServiceBusNamespace => SERVICEBUS_API,
            Self::Site => WEB_API,
        }
    }

    /// The child collections each parent has, as the path after the parent names them (lowercase).
    pub fn collection(self, tail: &[&str]) -> Option<&'static str> {
        match (self, tail) {
            (Self::EventHubNamespace, ["eventhubs"]) => Some("eventhubs"),
            (Self::StorageAccount, ["queueservices", "default", "queues"]) => {
                Some("queueServices/default/queues")
            }
            (Self::ServiceBusNamespace, ["queues"]) => Some("queues"),
            (Self::ServiceBusNamespace, ["topics"]) => Some("topics"),
            (Self::Site, ["functions"]) => Some("functions"),
            _ => None,
        }
    }
}

/// `Namespaces_List` (Event Hubs, Service Bus), `StorageAccounts_List`, `WebApps_List`: every resource of
/// the type in the subscription, whatever its group.
pub fn list_parents(ctx: &Ctx, sub: &str, parent: Parent) -> Result<Response, Response> {
    ctx.api_version(parent.api_versions(), parent.resource_type())?;
    let world = ctx.shared.world();
    let Some(subscription) = world.subscription(sub) else {
        return Ok(paged_by(ctx, Vec::new(), PAGE));
    };
    let value: Vec<Value> = subscription
        .resources
        .iter()
        .filter(|r| r.resource_type.eq_ignore_ascii_case(parent.resource_type()))
        .map(|r| parent_json(&subscription.subscription_id, r, parent))
        .collect();
    drop(world);
    Ok(paged_by(ctx, value, PAGE))
}

/// The children of one parent: `EventHubs_ListByNamespace`, `Queue_List`, `Queues_ListByNamespace`,
/// `Topics_ListByNamespace`, `WebApps_ListFunctions`. 404 `ResourceGroupNotFound` or `ResourceNotFound`
/// when the group or the parent is not there.
pub fn list_children(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    parent: Parent,
    name: &str,
    collection: &str,
) -> Result<Response, Response> {
    ctx.api_version(parent.api_versions(), parent.resource_type())?;
    let world = ctx.shared.world();
    if world.resource_group(sub, rg).is_none() {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            &format!("Resource group '{rg}' could not be found."),
        ));
    }
    let subscription = world.subscription(sub).expect("the group was found in it");
    let Some(resource) = subscription.resources.iter().find(|r| {
        r.resource_type.eq_ignore_ascii_case(parent.resource_type())
            && r.resource_group.eq_ignore_ascii_case(rg)
            && r.name.eq_ignore_ascii_case(name)
    }) else {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!(
                "The Resource '{}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
                parent.resource_type()
            ),
        ));
    };
    let parent_id = resource.arm_id(&subscription.subscription_id);
    let value: Vec<Value> = resource
        .children
        .iter()
        .filter(|c| c.collection.eq_ignore_ascii_case(collection))
        .map(|c| child_json(&parent_id, resource, c, parent))
        .collect();
    drop(world);
    Ok(paged_by(ctx, value, PAGE))
}

fn parent_json(sub: &str, r: &DestinationResource, parent: Parent) -> Value {
    let id = r.arm_id(sub);
    match parent {
        Parent::EventHubNamespace | Parent::ServiceBusNamespace => json!({
            "id": id,
            "name": r.name,
            "type": namespace_type(parent),
            "location": r.location,
            "tags": {},
            "sku": {"name": "Standard", "tier": "Standard", "capacity": 1},
            "properties": {
                "provisioningState": "Succeeded",
                "status": "Active",
                "serviceBusEndpoint": format!("https://{}.servicebus.windows.net:443/", r.name),
                "metricId": format!("{sub}:{}", r.name.to_lowercase()),
            },
        }),
        Parent::StorageAccount => json!({
            "id": id,
            "name": r.name,
            "type": "Microsoft.Storage/storageAccounts",
            "location": r.location,
            "kind": "StorageV2",
            "sku": {"name": "Standard_LRS", "tier": "Standard"},
            "tags": {},
            "properties": {
                "provisioningState": "Succeeded",
                "primaryLocation": r.location,
                "statusOfPrimary": "available",
                "primaryEndpoints": {
                    "blob": format!("https://{}.blob.core.windows.net/", r.name),
                    "queue": format!("https://{}.queue.core.windows.net/", r.name),
                },
            },
        }),
        Parent::Site => json!({
            "id": id,
            "name": r.name,
            "type": "Microsoft.Web/sites",
            "kind": r.kind.clone().unwrap_or_else(|| "app".into()),
            "location": r.location,
            "properties": {
                "state": "Running",
                "enabled": true,
                "defaultHostName": format!("{}.azurewebsites.net", r.name),
                "resourceGroup": r.resource_group,
            },
        }),
    }
}

/// How the providers spell a namespace's type in their answers (their examples capitalise `Namespaces`).
fn namespace_type(parent: Parent) -> &'static str {
    if parent == Parent::EventHubNamespace {
        "Microsoft.EventHub/Namespaces"
    } else {
        "Microsoft.ServiceBus/Namespaces"
    }
}

fn child_json(
    parent_id: &str,
    r: &DestinationResource,
    c: &ChildResource,
    parent: Parent,
) -> Value {
    let id = format!("{parent_id}/{}/{}", c.collection, c.name);
    match (parent, c.collection.as_str()) {
        (Parent::EventHubNamespace, _) => json!({
            "id": id,
            "name": c.name,
            "type": "Microsoft.EventHub/Namespaces/EventHubs",
            "location": r.location,
            "properties": {
                "partitionCount": 2,
                "partitionIds": ["0", "1"],
                "messageRetentionInDays": 1,
                "status": "Active",
            },
        }),
        (Parent::StorageAccount, _) => json!({
            "id": id,
            "name": c.name,
            "type": "Microsoft.Storage/storageAccounts/queueServices/queues",
            "properties": {"metadata": {}},
        }),
        (Parent::ServiceBusNamespace, "topics") => json!({
            "id": id,
            "name": c.name,
            "type": "Microsoft.ServiceBus/Namespaces/Topics",
            "properties": {"status": "Active", "subscriptionCount": 0},
        }),
        (Parent::ServiceBusNamespace, _) => json!({
            "id": id,
            "name": c.name,
            "type": "Microsoft.ServiceBus/Namespaces/Queues",
            "properties": {"status": "Active", "messageCount": 0},
        }),
        // A function's `name` is `{site}/{function}` in the list, as App Service answers it.
        (Parent::Site, _) => json!({
            "id": id,
            "name": format!("{}/{}", r.name, c.name),
            "type": "Microsoft.Web/sites/functions",
            "properties": {
                "name": c.name,
                "isDisabled": false,
                "config": {"bindings": [{"type": "eventGridTrigger", "direction": "in", "name": "event"}]},
            },
        }),
    }
}
