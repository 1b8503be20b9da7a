//! The Resource Manager client against the sandbox over HTTP: tenants, subscriptions, provider, groups (list paged),
//! partner configuration, verified partners, topics, event subscriptions (long-running PUT), full URL,
//! metrics, and ARM error mapping with correlation ids.

use std::sync::Arc;

use azure_client::{
    AUTH0_PARTNER_IMMUTABLE_ID, AuthorizedPartner, AzureClient, AzureCloud, AzureEndpoints,
    AzureError, service_principal_credential,
};
use cloud_http::{RetryPolicy, Secret, SystemClock, Transport};
use cloud_sandbox::{Sandbox, SandboxConfig, SandboxInfo};

fn client(info: &SandboxInfo, id: &str, secret: &str) -> AzureClient {
    let endpoints = AzureEndpoints::for_cloud(&AzureCloud::Custom {
        authority: info.azure_authority.clone(),
        management: info.azure_management.clone(),
    })
    .unwrap();
    let credential =
        service_principal_credential(&endpoints, &info.azure_tenant_id, id, &Secret::new(secret))
            .unwrap();
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    AzureClient::new(endpoints, credential, transport)
}

#[tokio::test]
async fn the_read_side_and_a_partner_authorization() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let azure = client(&info, &info.azure_client_id, &info.azure_client_secret);
    let sub = info.subscription_id.as_str();

    let tenants = azure.list_tenants().await.unwrap();
    assert!(tenants.iter().any(|t| t.tenant_id == info.azure_tenant_id));
    let subscriptions = azure.list_subscriptions().await.unwrap();
    assert!(
        subscriptions
            .iter()
            .any(|s| s.subscription_id == info.subscription_id && s.is_enabled())
    );
    let partners = azure.list_verified_partners().await.unwrap();
    assert!(partners.iter().any(
        |p| p.properties.partner_registration_immutable_id.as_deref()
            == Some(AUTH0_PARTNER_IMMUTABLE_ID)
    ));

    azure.register_event_grid_provider(sub).await.unwrap();
    let provider = azure.wait_for_registration(sub).await.unwrap();
    assert!(provider.is_registered());
    assert!(
        azure
            .get_resource_group(sub, "grp")
            .await
            .unwrap()
            .is_none()
    );
    let group = azure
        .create_resource_group(sub, "grp", "westeurope")
        .await
        .unwrap();
    assert_eq!(group.name, "grp");
    assert!(
        azure
            .get_partner_configuration(sub, "grp")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        azure
            .list_partner_topics(sub, "grp")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        azure
            .get_partner_topic(sub, "grp", "none")
            .await
            .unwrap()
            .is_none()
    );

    let error = azure
        .authorize_partner(
            sub,
            "grp",
            &AuthorizedPartner {
                partner_registration_immutable_id: Some(AUTH0_PARTNER_IMMUTABLE_ID.into()),
                partner_name: Some("Auth0".into()),
                authorization_expiration_time_in_utc: Some(
                    time::OffsetDateTime::now_utc() - time::Duration::days(1),
                ),
            },
        )
        .await
        .unwrap_err();
    let AzureError::Arm(arm) = error else {
        panic!("{error:?}")
    };
    assert_eq!(arm.status, 400, "an expiry in the past is refused: {arm:?}");
    assert!(arm.correlation_id.is_some());
}

#[tokio::test]
async fn a_reader_gets_authorization_failed() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let reader = client(
        &info,
        &info.azure_reader_client_id,
        &info.azure_reader_client_secret,
    );
    let error = reader
        .create_resource_group(&info.subscription_id, "grp", "westeurope")
        .await
        .unwrap_err();
    assert_eq!(error.arm_code(), Some("AuthorizationFailed"), "{error:?}");
}

#[tokio::test]
async fn a_wrong_secret_is_a_credential_error() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let error = client(&info, &info.azure_client_id, "wrong")
        .list_subscriptions()
        .await
        .unwrap_err();
    assert!(matches!(error, AzureError::Credential { .. }), "{error:?}");
}

#[tokio::test]
async fn resource_groups_are_listed_across_pages() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let azure = client(&info, &info.azure_client_id, &info.azure_client_secret);
    let sub = info.subscription_id.as_str();
    let before = azure.list_resource_groups(sub).await.unwrap();

    // More than one page of 100, so the second page is only seen by following `nextLink`.
    let mut created: Vec<(String, String)> = (0..105)
        .map(|n| {
            let location = if n % 2 == 0 { "westeurope" } else { "eastus" };
            (format!("group-{n:03}"), location.to_owned())
        })
        .collect();
    for (name, location) in &created {
        azure
            .create_resource_group(sub, name, location)
            .await
            .unwrap();
    }
    let first_list = sandbox.handle().requests().len();

    let groups = azure.list_resource_groups(sub).await.unwrap();
    let mut listed: Vec<(String, String)> = groups
        .iter()
        .filter(|g| !before.iter().any(|b| b.name == g.name))
        .map(|g| (g.name.clone(), g.location.clone()))
        .collect();
    listed.sort();
    created.sort();
    assert_eq!(listed, created);
    assert_eq!(groups.len(), before.len() + 105);
    let pages: Vec<String> = sandbox.handle().requests()[first_list..]
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(pages.len(), 2, "two pages: {pages:?}");
    assert!(
        pages
            .iter()
            .all(|p| p.to_lowercase().ends_with("/resourcegroups")),
        "{pages:?}"
    );

    let error = azure
        .list_resource_groups("00000000-0000-0000-0000-00000000dead")
        .await
        .unwrap_err();
    assert!(matches!(error, AzureError::Arm(_)), "{error:?}");
}
