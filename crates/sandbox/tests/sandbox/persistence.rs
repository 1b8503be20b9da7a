//! `--state FILE`: what exists survives a restart, credentials included; tokens and codes do not.

use cloud_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::Value;

use crate::common::{json_of, start_with};

/// A fresh folder for one test's state file (`tag` keeps the tests apart) and the file's path in it.
fn state_file(tag: u32) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("cloud-sandbox-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    (dir, file)
}

#[tokio::test]
async fn state_survives_a_restart() {
    let (dir, file) = state_file(line!());

    let env = start_with(SandboxConfig::for_tests().with_state_file(&file)).await;
    let first_info = env.info().clone();
    let azure = env.azure_token().await;
    env.prepare_azure(&azure, "kept").await;
    let auth0 = env.auth0_token().await;
    let (stream, topic) = env.create_stream(&auth0, "kept", None).await;
    env.sandbox.shutdown().await;
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["auth0"]["streams"][0]["id"], stream["id"]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(&auth0) && !text.contains(&azure),
        "tokens are never written"
    );

    let env = start_with(SandboxConfig::for_tests().with_state_file(&file)).await;
    let info = env.info().clone();
    assert_eq!(info.auth0_client_id, first_info.auth0_client_id);
    assert_eq!(info.auth0_client_secret, first_info.auth0_client_secret);
    assert_eq!(info.azure_client_id, first_info.azure_client_id);
    assert_eq!(info.subscription_id, first_info.subscription_id);
    let auth0 = env.auth0_token().await;
    let (status, got) = json_of(
        env.auth0(
            Method::GET,
            &format!("/log-streams/{}", stream["id"].as_str().unwrap()),
            &auth0,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &got["sink"]["azurePartnerTopic"]),
        (200, &stream["sink"]["azurePartnerTopic"])
    );
    let azure = env.azure_token().await;
    let path = format!(
        "{}?api-version=2025-02-15",
        env.eg_path("kept", &format!("partnerTopics/{topic}"))
    );
    let (status, _) = json_of(env.arm(Method::GET, &path, &azure, None).await).await;
    assert_eq!(status, 200);
    let provider = format!(
        "{}/providers/Microsoft.EventGrid?api-version=2025-04-01",
        env.sub_path()
    );
    let (_, body) = json_of(env.arm(Method::GET, &provider, &azure, None).await).await;
    assert_eq!(body["registrationState"], "Registered");
    env.sandbox.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_broken_state_file_is_refused_with_its_path() {
    let (dir, file) = state_file(line!());
    std::fs::write(&file, "{ not json").unwrap();
    let error = match cloud_sandbox::Sandbox::start(
        SandboxConfig::for_tests().with_state_file(&file),
    )
    .await
    {
        Ok(_) => panic!("started on a broken state file"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("state.json") && error.contains("not a sandbox state"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_guest_directory_is_kept_and_added_to_a_state_file_from_before_it() {
    let (dir, file) = state_file(line!());
    let config = || SandboxConfig::for_tests().with_state_file(&file);

    let env = start_with(config()).await;
    let first = env.info().clone();
    env.sandbox.shutdown().await;
    let env = start_with(config()).await;
    assert_eq!(
        env.info().azure_guest_directory,
        first.azure_guest_directory,
        "the same directory after a restart"
    );
    env.sandbox.shutdown().await;

    // A file written before guest directories: no such list, subscriptions without a tenant id.
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let azure = saved["azure"].as_object_mut().unwrap();
    azure.remove("guest_directories");
    let subscriptions = azure["subscriptions"].as_array_mut().unwrap();
    subscriptions.retain(|s| s["tenant_id"] == first.azure_tenant_id.as_str());
    for subscription in subscriptions.iter_mut() {
        subscription.as_object_mut().unwrap().remove("tenant_id");
    }
    std::fs::write(&file, serde_json::to_vec(&saved).unwrap()).unwrap();

    let env = start_with(config()).await;
    let info = env.info().clone();
    assert_eq!(info.subscription_id, first.subscription_id);
    let directory = info.azure_guest_directory.clone().expect("added on load");
    assert_eq!(directory.display_name, "Fabrikam Partners");
    assert_eq!(directory.guests.len(), 2);
    let token = env.azure_token().await;
    let (status, body) = env.subscriptions(&token).await;
    assert_eq!(status, 200);
    assert_eq!(body["value"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(
        body["value"][0]["tenantId"], info.azure_tenant_id,
        "an old subscription belongs to the home directory"
    );
    env.sandbox.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Any free port makes four consecutive ones, so a restart that asks for the first gets every host back at the
/// address it had: a webhook saved against Resource Manager's port still points at it after a restart.
#[tokio::test]
async fn a_sandbox_on_any_port_takes_consecutive_ones_that_a_restart_gets_back() {
    let port = |url: &str| url.rsplit(':').next().unwrap().parse::<u16>().unwrap();
    let first = cloud_sandbox::Sandbox::start(SandboxConfig::for_tests())
        .await
        .unwrap();
    let info = first.info().clone();
    let base = port(&info.auth0_domain);
    assert_eq!(port(&info.azure_authority), base + 1);
    assert_eq!(port(&info.azure_management), base + 2);
    assert_eq!(port(&info.auth0_custom_domain), base + 3);
    first.shutdown().await;

    let again = cloud_sandbox::Sandbox::start(
        SandboxConfig::for_tests().with_listen(std::net::IpAddr::from([127, 0, 0, 1]), base),
    )
    .await
    .unwrap();
    assert_eq!(again.info().azure_management, info.azure_management);
    assert_eq!(again.info().auth0_custom_domain, info.auth0_custom_domain);
    again.shutdown().await;
}
