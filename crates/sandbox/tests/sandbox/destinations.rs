//! The destinations a subscription's event subscriptions can deliver to, listed as their providers list
//! them: Event Hubs namespaces and hubs, storage accounts and queues, Service Bus namespaces with queues and
//! topics, web apps and their functions; paged at two, api-versions checked, 404s in ARM's shape.

use cloud_sandbox::{SandboxConfig, SimulationKind};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{EG, Env, async_operation, json_of, start, start_with};

const EH: &str = "api-version=2024-01-01";
const ST: &str = "api-version=2024-01-01";
const SB: &str = "api-version=2021-11-01";
const WEB: &str = "api-version=2024-04-01";

async fn seeded() -> Env {
    start_with(SandboxConfig::for_tests().with_destination_resources(true)).await
}

/// Every item of a list, following `nextLink`; also how many pages it took.
async fn all_pages(env: &Env, token: &str, path: &str) -> (Vec<Value>, usize) {
    let (status, mut page) = json_of(env.arm(Method::GET, path, token, None).await).await;
    assert_eq!(status, 200, "{path}: {page}");
    let mut items = Vec::new();
    let mut pages = 1;
    loop {
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        let Some(next) = page["nextLink"].as_str() else {
            return (items, pages);
        };
        assert!(next.starts_with(&env.info().azure_management), "{next}");
        let response = env.http.get(next).bearer_auth(token).send().await.unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, 200, "{next}: {body}");
        page = body;
        pages += 1;
    }
}

fn names(items: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = items
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn event_hubs_namespaces_and_their_hubs_are_listed_across_pages() {
    let env = seeded().await;
    let token = env.azure_token().await;
    let sub = env.sub_path();
    let path = format!("{sub}/providers/Microsoft.EventHub/namespaces?{EH}");
    let (first_status, first) = json_of(env.arm(Method::GET, &path, &token, None).await).await;
    assert_eq!(first_status, 200);
    assert_eq!(
        first["value"].as_array().unwrap().len(),
        2,
        "two a page: {first}"
    );
    assert!(first["nextLink"].is_string(), "{first}");
    let (namespaces, pages) = all_pages(&env, &token, &path).await;
    assert_eq!(pages, 2);
    assert_eq!(
        names(&namespaces),
        ["contoso-archive", "contoso-events", "contoso-telemetry"]
    );
    let events = namespaces
        .iter()
        .find(|n| n["name"] == "contoso-events")
        .unwrap();
    let id = events["id"].as_str().unwrap();
    assert_eq!(
        id,
        format!(
            "{sub}/resourceGroups/contoso-integration/providers/Microsoft.EventHub/namespaces/contoso-events"
        )
    );
    assert_eq!(events["location"], "westeurope");
    let (hubs, _) = all_pages(&env, &token, &format!("{id}/eventhubs?{EH}")).await;
    assert_eq!(names(&hubs), ["auth0-logs", "security-alerts"]);
    assert!(hubs.iter().all(|h| {
        h["id"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{id}/eventhubs/"))
    }));
    // Paths ignore case, as Resource Manager's do.
    let (status, _) = json_of(
        env.arm(
            Method::GET,
            &format!("{}/EVENTHUBS?{EH}", id.to_lowercase()),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn storage_service_bus_and_function_apps_are_listed_with_what_they_hold() {
    let env = seeded().await;
    // A Reader may list: these are reads.
    let info = env.info().clone();
    let token = env
        .azure_token_for(
            &info.azure_reader_client_id,
            &info.azure_reader_client_secret,
        )
        .await;
    let sub = env.sub_path();

    let (accounts, _) = all_pages(
        &env,
        &token,
        &format!("{sub}/providers/Microsoft.Storage/storageAccounts?{ST}"),
    )
    .await;
    assert_eq!(names(&accounts), ["contosobackup02", "contosologs01"]);
    let logs = accounts
        .iter()
        .find(|a| a["name"] == "contosologs01")
        .unwrap();
    let (queues, _) = all_pages(
        &env,
        &token,
        &format!(
            "{}/queueServices/default/queues?{ST}",
            logs["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(names(&queues), ["auth0-events", "signups"]);
    let empty = accounts
        .iter()
        .find(|a| a["name"] == "contosobackup02")
        .unwrap();
    let (none, _) = all_pages(
        &env,
        &token,
        &format!(
            "{}/queueServices/default/queues?{ST}",
            empty["id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(none.is_empty());

    let (buses, _) = all_pages(
        &env,
        &token,
        &format!("{sub}/providers/Microsoft.ServiceBus/namespaces?{SB}"),
    )
    .await;
    assert_eq!(names(&buses), ["contoso-messaging", "contoso-orders"]);
    let messaging = buses
        .iter()
        .find(|b| b["name"] == "contoso-messaging")
        .unwrap();
    let messaging = messaging["id"].as_str().unwrap();
    let (queues, _) = all_pages(&env, &token, &format!("{messaging}/queues?{SB}")).await;
    assert_eq!(names(&queues), ["auth0-logs", "user-sync"]);
    let (topics, _) = all_pages(&env, &token, &format!("{messaging}/topics?{SB}")).await;
    assert_eq!(names(&topics), ["identity-events"]);
    assert_eq!(topics[0]["type"], "Microsoft.ServiceBus/Namespaces/Topics");

    let (sites, _) = all_pages(
        &env,
        &token,
        &format!("{sub}/providers/Microsoft.Web/sites?{WEB}"),
    )
    .await;
    let kinds: Vec<(String, String)> = {
        let mut k: Vec<(String, String)> = sites
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().into(),
                    s["kind"].as_str().unwrap().into(),
                )
            })
            .collect();
        k.sort();
        k
    };
    assert_eq!(
        kinds,
        [
            (
                "contoso-auth0-handlers".to_owned(),
                "functionapp".to_owned()
            ),
            ("contoso-linux-jobs".into(), "functionapp,linux".into()),
            ("contoso-website".into(), "app".into()),
        ]
    );
    let app = sites
        .iter()
        .find(|s| s["name"] == "contoso-auth0-handlers")
        .unwrap();
    let app = app["id"].as_str().unwrap();
    let (functions, _) = all_pages(&env, &token, &format!("{app}/functions?{WEB}")).await;
    assert_eq!(
        names(&functions),
        [
            "contoso-auth0-handlers/OnAuth0Log",
            "contoso-auth0-handlers/OnSignup"
        ]
    );
    assert!(
        functions
            .iter()
            .any(|f| f["id"] == format!("{app}/functions/OnAuth0Log"))
    );
}

#[tokio::test]
async fn api_versions_are_checked_and_missing_parents_answer_404() {
    let env = seeded().await;
    let token = env.azure_token().await;
    let sub = env.sub_path();
    let list = format!("{sub}/providers/Microsoft.ServiceBus/namespaces");
    let (status, body) = json_of(env.arm(Method::GET, &list, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("MissingApiVersionParameter"))
    );
    let (status, body) = json_of(
        env.arm(
            Method::GET,
            &format!("{list}?api-version=2025-02-15"),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("InvalidApiVersionParameter"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2021-11-01"),
        "{body}"
    );

    let missing = format!(
        "{sub}/resourceGroups/contoso-integration/providers/Microsoft.EventHub/namespaces/nowhere/eventhubs?{EH}"
    );
    let (status, body) = json_of(env.arm(Method::GET, &missing, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
    let no_group = format!(
        "{sub}/resourceGroups/no-such-group/providers/Microsoft.Web/sites/contoso-auth0-handlers/functions?{WEB}"
    );
    let (status, body) = json_of(env.arm(Method::GET, &no_group, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("ResourceGroupNotFound"))
    );
    // A namespace's hubs are not under a storage account.
    let wrong = format!(
        "{sub}/resourceGroups/contoso-integration/providers/Microsoft.Storage/storageAccounts/contosologs01/eventhubs?{ST}"
    );
    let (status, _) = json_of(env.arm(Method::GET, &wrong, &token, None).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_destinations_group_lists_them_and_deleting_it_removes_them() {
    let env = seeded().await;
    let token = env.azure_token().await;
    let group = env.group_path("contoso-integration");
    let (resources, _) = all_pages(
        &env,
        &token,
        &format!("{group}/resources?api-version=2025-04-01"),
    )
    .await;
    assert!(
        resources
            .iter()
            .any(|r| r["type"] == "Microsoft.EventHub/namespaces" && r["name"] == "contoso-events")
    );
    assert_eq!(resources.len(), 10, "{resources:?}");
    let r = env
        .arm(
            Method::DELETE,
            &format!("{group}?api-version=2025-04-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), 202);
    let (hubs, _) = all_pages(
        &env,
        &token,
        &format!(
            "{}/providers/Microsoft.EventHub/namespaces?{EH}",
            env.sub_path()
        ),
    )
    .await;
    assert!(hubs.is_empty(), "{hubs:?}");
}

#[tokio::test]
async fn tests_start_without_them_unless_asked() {
    let env = start().await;
    let token = env.azure_token().await;
    let (hubs, _) = all_pages(
        &env,
        &token,
        &format!(
            "{}/providers/Microsoft.EventHub/namespaces?{EH}",
            env.sub_path()
        ),
    )
    .await;
    assert!(hubs.is_empty());
    assert!(
        SandboxConfig::default().destination_resources,
        "the app and the binary get them"
    );
}

/// An event subscription to a listed Event Hub is provisioned and receives events (recorded: the sandbox
/// does not run Event Hubs).
#[tokio::test]
async fn a_listed_event_hub_receives_events() {
    let env = seeded().await;
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "rg").await;
    let auth0 = env.auth0_token().await;
    let (_, topic) = env.create_stream(&auth0, "rg", None).await;
    env.activate(&azure, "rg", &topic).await;
    let namespace = format!(
        "{}/resourceGroups/contoso-integration/providers/Microsoft.EventHub/namespaces/contoso-events",
        env.sub_path()
    );
    let (hubs, _) = all_pages(&env, &azure, &format!("{namespace}/eventhubs?{EH}")).await;
    let hub = hubs[0]["id"].as_str().unwrap().to_owned();
    let path = format!(
        "{}?{EG}",
        env.eg_path(
            "rg",
            &format!("partnerTopics/{topic}/eventSubscriptions/to-hub")
        )
    );
    let body = json!({"properties": {"eventDeliverySchema": "CloudEventSchemaV1_0",
        "destination": {"endpointType": "EventHub", "properties": {"resourceId": hub}}}});
    let r = env.arm(Method::PUT, &path, &azure, Some(body)).await;
    let operation = async_operation(&r);
    assert_eq!(
        env.wait_operation(&azure, &operation).await["status"],
        "Succeeded"
    );
    env.sandbox.handle().simulate(SimulationKind::Login, 1);
    env.wait_idle().await;
    let state = env.sandbox.handle().state();
    let recorded = state["recorded_deliveries"].as_array().unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(
        recorded[0]["destination"]["properties"]["resourceId"],
        json!(hub)
    );
}
