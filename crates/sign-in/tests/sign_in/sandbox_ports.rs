//! The app's sandbox keeps its addresses across restarts: all four hosts come back on the ports they had, so a
//! webhook into its inbox still arrives; when another program holds one of them, the sandbox moves and the
//! webhooks its world holds move with it.

use std::net::TcpListener;

use cloud_sandbox::{PartnerTopicSeed, RunningSandbox, SandboxInfo};
use serde_json::json;

fn addresses(info: &SandboxInfo) -> [String; 4] {
    [
        info.auth0_domain.clone(),
        info.azure_authority.clone(),
        info.azure_management.clone(),
        info.auth0_custom_domain.clone(),
    ]
}

fn port(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

fn inbox(info: &SandboxInfo) -> String {
    format!("{}/_sandbox/inbox/wizard", info.azure_management)
}

/// An event subscription into the sandbox's inbox, stored as the portal would make it.
async fn webhook_into_inbox(sandbox: &RunningSandbox) {
    let info = sandbox.info();
    sandbox
        .handle()
        .seed_partner_topic(PartnerTopicSeed {
            resource_group: "analytics".into(),
            name: "auth0-logs-kept".into(),
            ..PartnerTopicSeed::default()
        })
        .unwrap();
    let answer = cloud_sandbox::testing::admin_client(info)
        .post(format!("{}/azure/event-subscriptions", info.admin_url))
        .json(&json!({
            "resource_group": "analytics",
            "partner_topic": "auth0-logs-kept",
            "name": "to-the-inbox",
            "properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": inbox(info)}}},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201, "{}", answer.text().await.unwrap());
}

#[tokio::test]
async fn a_restarted_sandbox_has_all_four_addresses_it_had() {
    let folder = tempfile::tempdir().unwrap();
    let first = sign_in::start_sandbox(folder.path()).await.unwrap();
    let before = addresses(first.info());
    let ports: Vec<u16> = before.iter().map(|url| port(url)).collect();
    assert_eq!(
        ports,
        (0..4).map(|i| ports[0] + i).collect::<Vec<_>>(),
        "four ports in a row from the one kept: {before:?}"
    );
    first.shutdown().await;

    let again = sign_in::start_sandbox(folder.path()).await.unwrap();
    assert_eq!(addresses(again.info()), before);
    again.shutdown().await;
}

#[tokio::test]
async fn a_sandbox_whose_ports_are_taken_moves_and_its_webhooks_follow() {
    let folder = tempfile::tempdir().unwrap();
    let first = sign_in::start_sandbox(folder.path()).await.unwrap();
    webhook_into_inbox(&first).await;
    let old = first.info().clone();
    first.shutdown().await;

    // Another program takes Resource Manager's port (where the inbox is) while the app is closed.
    let squatter = TcpListener::bind(("127.0.0.1", port(&old.azure_management))).unwrap();
    let again = sign_in::start_sandbox(folder.path()).await.unwrap();
    let new = again.info().clone();
    assert_ne!(new.azure_management, old.azure_management);
    let world = again.handle().state().to_string();
    assert!(world.contains(&inbox(&new)), "the webhook follows: {world}");
    assert!(
        !world.contains(&inbox(&old)),
        "nothing points at the old inbox: {world}"
    );
    again.shutdown().await;
    drop(squatter);

    // The new ports are the ones kept from now on.
    let third = sign_in::start_sandbox(folder.path()).await.unwrap();
    assert_eq!(addresses(third.info()), addresses(&new));
    third.shutdown().await;
}
