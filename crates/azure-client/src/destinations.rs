//! The resources an event subscription can deliver to, listed as their providers list them (every page):
//! Event Hubs namespaces and their event hubs, storage accounts and their queues, Service Bus namespaces and
//! their queues and topics, function apps and their functions. Each provider has its own api-version.

use crate::arm_id::{
    ArmId, EVENT_HUB_NAMESPACES, SERVICE_BUS_NAMESPACES, STORAGE_ACCOUNTS, WEB_SITES,
};
use crate::client::AzureClient;
use crate::error::AzureError;
use crate::model::{ChildResource, FunctionEnvelope, Site, TrackedResource};

const EVENT_HUB: &str = "2024-01-01";
const STORAGE: &str = "2024-01-01";
const SERVICE_BUS: &str = "2021-11-01";
const WEB: &str = "2024-04-01";

fn in_subscription(subscription: &str, resource_type: &str) -> String {
    format!("subscriptions/{subscription}/providers/{resource_type}")
}

impl AzureClient {
    /// `Namespaces_List` (Microsoft.EventHub): every Event Hubs namespace of the subscription.
    pub async fn list_event_hub_namespaces(
        &self,
        subscription: &str,
    ) -> Result<Vec<TrackedResource>, AzureError> {
        self.list(
            &in_subscription(subscription, EVENT_HUB_NAMESPACES),
            EVENT_HUB,
        )
        .await
    }

    /// `EventHubs_ListByNamespace`: the event hubs of one namespace.
    pub async fn list_event_hubs(
        &self,
        namespace: &ArmId,
    ) -> Result<Vec<ChildResource>, AzureError> {
        self.list(&format!("{}/eventhubs", namespace.path()), EVENT_HUB)
            .await
    }

    /// `StorageAccounts_List`: every storage account of the subscription.
    pub async fn list_storage_accounts(
        &self,
        subscription: &str,
    ) -> Result<Vec<TrackedResource>, AzureError> {
        self.list(&in_subscription(subscription, STORAGE_ACCOUNTS), STORAGE)
            .await
    }

    /// `Queue_List`: the queues of one storage account.
    pub async fn list_storage_queues(
        &self,
        account: &ArmId,
    ) -> Result<Vec<ChildResource>, AzureError> {
        let path = format!("{}/queueServices/default/queues", account.path());
        self.list(&path, STORAGE).await
    }

    /// `Namespaces_List` (Microsoft.ServiceBus): every Service Bus namespace of the subscription.
    pub async fn list_service_bus_namespaces(
        &self,
        subscription: &str,
    ) -> Result<Vec<TrackedResource>, AzureError> {
        self.list(
            &in_subscription(subscription, SERVICE_BUS_NAMESPACES),
            SERVICE_BUS,
        )
        .await
    }

    /// `Queues_ListByNamespace`: the queues of one Service Bus namespace.
    pub async fn list_service_bus_queues(
        &self,
        namespace: &ArmId,
    ) -> Result<Vec<ChildResource>, AzureError> {
        self.list(&format!("{}/queues", namespace.path()), SERVICE_BUS)
            .await
    }

    /// `Topics_ListByNamespace`: the topics of one Service Bus namespace.
    pub async fn list_service_bus_topics(
        &self,
        namespace: &ArmId,
    ) -> Result<Vec<ChildResource>, AzureError> {
        self.list(&format!("{}/topics", namespace.path()), SERVICE_BUS)
            .await
    }

    /// `WebApps_List`, kept to the function apps (a `kind` naming `functionapp`).
    pub async fn list_function_apps(&self, subscription: &str) -> Result<Vec<Site>, AzureError> {
        let sites: Vec<Site> = self
            .list(&in_subscription(subscription, WEB_SITES), WEB)
            .await?;
        Ok(sites.into_iter().filter(Site::is_function_app).collect())
    }

    /// `WebApps_ListFunctions`: the functions of one function app.
    pub async fn list_functions(&self, app: &ArmId) -> Result<Vec<FunctionEnvelope>, AzureError> {
        self.list(&format!("{}/functions", app.path()), WEB).await
    }
}
