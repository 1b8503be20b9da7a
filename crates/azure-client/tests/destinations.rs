//! The destination lists against the sandbox over HTTP: each provider's list and the children of a parent
//! named by the id Azure listed, every page followed (the sandbox pages these at two), function apps told
//! from web apps by `kind`.

use std::sync::Arc;

use azure_client::{
    ArmId, AzureClient, AzureCloud, AzureEndpoints, AzureError, EVENT_HUB_NAMESPACES,
    SERVICE_BUS_NAMESPACES, STORAGE_ACCOUNTS, WEB_SITES, service_principal_credential,
};
use cloud_http::{RetryPolicy, Secret, SystemClock, Transport};
use cloud_sandbox::{RunningSandbox, Sandbox, SandboxConfig, SandboxInfo};

fn client(info: &SandboxInfo) -> AzureClient {
    let endpoints = AzureEndpoints::for_cloud(&AzureCloud::Custom {
        authority: info.azure_authority.clone(),
        management: info.azure_management.clone(),
    })
    .unwrap();
    let credential = service_principal_credential(
        &endpoints,
        &info.azure_tenant_id,
        &info.azure_client_id,
        &Secret::new(info.azure_client_secret.clone()),
    )
    .unwrap();
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    AzureClient::new(endpoints, credential, transport)
}

async fn seeded() -> RunningSandbox {
    Sandbox::start(SandboxConfig::for_tests().with_destination_resources(true))
        .await
        .unwrap()
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// GETs sent since `from` whose path ends with `tail` (case-insensitive).
fn gets(sandbox: &RunningSandbox, from: usize, tail: &str) -> usize {
    sandbox.handle().requests()[from..]
        .iter()
        .filter(|r| r.method == "GET" && r.path.to_lowercase().ends_with(&tail.to_lowercase()))
        .count()
}

#[tokio::test]
async fn event_hubs_namespaces_across_pages_then_the_hubs_of_one() {
    let sandbox = seeded().await;
    let info = sandbox.info().clone();
    let azure = client(&info);
    let from = sandbox.handle().requests().len();
    let namespaces = azure
        .list_event_hub_namespaces(&info.subscription_id)
        .await
        .unwrap();
    assert_eq!(
        sorted(namespaces.iter().map(|n| n.name.clone()).collect()),
        ["contoso-archive", "contoso-events", "contoso-telemetry"]
    );
    assert_eq!(
        gets(&sandbox, from, "/providers/Microsoft.EventHub/namespaces"),
        2,
        "three namespaces at two a page: the second page only through nextLink"
    );
    let events = namespaces
        .iter()
        .find(|n| n.name == "contoso-events")
        .unwrap();
    assert_eq!(events.location.as_deref(), Some("westeurope"));
    let id = ArmId::parse(&events.id, EVENT_HUB_NAMESPACES).unwrap();
    assert_eq!(id.resource_group(), "contoso-integration");
    let hubs = azure.list_event_hubs(&id).await.unwrap();
    assert_eq!(
        sorted(hubs.iter().map(|h| h.name.clone()).collect()),
        ["auth0-logs", "security-alerts"]
    );
    assert!(
        hubs.iter()
            .all(|h| h.id.starts_with(&format!("{}/eventhubs/", events.id)))
    );
    let archive = namespaces
        .iter()
        .find(|n| n.name == "contoso-archive")
        .unwrap();
    let empty = azure
        .list_event_hubs(&ArmId::parse(&archive.id, EVENT_HUB_NAMESPACES).unwrap())
        .await
        .unwrap();
    assert!(empty.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn storage_queues_service_bus_and_functions() {
    let sandbox = seeded().await;
    let info = sandbox.info().clone();
    let azure = client(&info);
    let sub = info.subscription_id.as_str();

    let accounts = azure.list_storage_accounts(sub).await.unwrap();
    let logs = accounts.iter().find(|a| a.name == "contosologs01").unwrap();
    let queues = azure
        .list_storage_queues(&ArmId::parse(&logs.id, STORAGE_ACCOUNTS).unwrap())
        .await
        .unwrap();
    assert_eq!(
        sorted(queues.iter().map(|q| q.name.clone()).collect()),
        ["auth0-events", "signups"]
    );
    assert!(queues[0].id.contains("/queueServices/default/queues/"));

    let buses = azure.list_service_bus_namespaces(sub).await.unwrap();
    assert_eq!(
        sorted(buses.iter().map(|b| b.name.clone()).collect()),
        ["contoso-messaging", "contoso-orders"]
    );
    let messaging = buses
        .iter()
        .find(|b| b.name == "contoso-messaging")
        .unwrap();
    let messaging = ArmId::parse(&messaging.id, SERVICE_BUS_NAMESPACES).unwrap();
    let from = sandbox.handle().requests().len();
    let queues = azure.list_service_bus_queues(&messaging).await.unwrap();
    assert_eq!(
        sorted(queues.iter().map(|q| q.name.clone()).collect()),
        ["auth0-logs", "user-sync"]
    );
    let topics = azure.list_service_bus_topics(&messaging).await.unwrap();
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0].name, "identity-events");
    assert_eq!(gets(&sandbox, from, "/queues"), 1);
    assert_eq!(gets(&sandbox, from, "/topics"), 1);

    let apps = azure.list_function_apps(sub).await.unwrap();
    assert_eq!(
        sorted(apps.iter().map(|a| a.name.clone()).collect()),
        ["contoso-auth0-handlers", "contoso-linux-jobs"],
        "the web app (kind app) is left out"
    );
    let handlers = apps
        .iter()
        .find(|a| a.name == "contoso-auth0-handlers")
        .unwrap();
    let functions = azure
        .list_functions(&ArmId::parse(&handlers.id, WEB_SITES).unwrap())
        .await
        .unwrap();
    let mut names: Vec<&str> = functions.iter().map(|f| f.function_name()).collect();
    names.sort();
    assert_eq!(names, ["OnAuth0Log", "OnSignup"]);
    assert!(
        functions
            .iter()
            .any(|f| f.name.as_deref() == Some("contoso-auth0-handlers/OnSignup"))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_parent_that_is_gone_is_azures_404() {
    let sandbox = seeded().await;
    let info = sandbox.info().clone();
    let azure = client(&info);
    let gone = format!(
        "/subscriptions/{}/resourceGroups/contoso-integration/providers/Microsoft.ServiceBus/namespaces/deleted-meanwhile",
        info.subscription_id
    );
    let error = azure
        .list_service_bus_topics(&ArmId::parse(&gone, SERVICE_BUS_NAMESPACES).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, AzureError::Arm(e) if e.status == 404 && e.code == "ResourceNotFound"),
        "{error:?}"
    );
    sandbox.shutdown().await;
}
