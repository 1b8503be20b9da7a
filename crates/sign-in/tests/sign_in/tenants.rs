//! Directories: a person who is a guest of the sandbox's second directory ("Fabrikam Partners") sees both,
//! switches to it by redeeming the refresh token there (its subscription only, the home one out of reach),
//! and back; someone not invited is refused with Entra ID's reason; a service principal sees its own only.

use cloud_sandbox::{GuestDirectoryInfo, SandboxConfig, SeedUser};
use sign_in::{AzureSession, SignInCancel};

use crate::common::World;

fn guest(world: &World) -> GuestDirectoryInfo {
    world
        .sandbox
        .info()
        .azure_guest_directory
        .clone()
        .expect("the sandbox seeds a second directory")
}

/// The (tenant id, display name) pairs and the subscription ids the session sees.
async fn seen(world: &World, session: &AzureSession) -> (Vec<(String, String)>, Vec<String>) {
    let (tenants, subscriptions) = session
        .tenants_and_subscriptions(world.transport())
        .await
        .unwrap();
    (
        tenants
            .into_iter()
            .map(|t| (t.tenant_id, t.display_name.unwrap_or_default()))
            .collect(),
        subscriptions
            .into_iter()
            .map(|s| s.subscription_id)
            .collect(),
    )
}

#[tokio::test]
async fn a_guest_of_a_second_directory_sees_both_and_switches_there_and_back() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let fabrikam = guest(&world);
    let session = world.browser_sign_in().await;
    let both = vec![
        (info.azure_tenant_id.clone(), "Sandbox Directory".to_owned()),
        (fabrikam.tenant_id.clone(), "Fabrikam Partners".to_owned()),
    ];
    assert_eq!(
        seen(&world, &session).await,
        (both.clone(), vec![info.subscription_id.clone()]),
        "both directories, the home directory's subscription"
    );

    let switched = session.switch_tenant(&fabrikam.tenant_id).await.unwrap();
    assert_eq!(switched.account().tenant_id, fabrikam.tenant_id);
    assert_eq!(switched.account().home_tenant_id, info.azure_tenant_id);
    assert_eq!(switched.account().username, session.account().username);
    assert_eq!(
        seen(&world, &switched).await,
        (both.clone(), vec![fabrikam.subscription_id.clone()]),
        "only the second directory's subscription"
    );
    let client = switched.azure_client(world.transport());
    assert!(
        client
            .list_resource_groups(&fabrikam.subscription_id)
            .await
            .is_ok()
    );
    let refused = client
        .list_resource_groups(&info.subscription_id)
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("InvalidAuthenticationTokenTenant"),
        "the home subscription is out of reach: {refused:?}"
    );

    let back = switched.switch_tenant(&info.azure_tenant_id).await.unwrap();
    assert_eq!(back.account().tenant_id, info.azure_tenant_id);
    assert_eq!(
        seen(&world, &back).await,
        (both, vec![info.subscription_id.clone()])
    );
}

#[tokio::test]
async fn a_device_code_sign_in_switches_to_the_second_directory_by_its_domain() {
    let world = World::start().await;
    let fabrikam = guest(&world);
    let device = crate::device::start(&world).await;
    crate::device::decide(&world, device.user_code(), "allow").await;
    let session = device.finish(&SignInCancel::new()).await.unwrap();
    let switched = session.switch_tenant(&fabrikam.domain).await.unwrap();
    assert_eq!(
        switched.refresh_credential().unwrap().tenant(),
        fabrikam.domain
    );
    let (tenants, subscriptions) = seen(&world, &switched).await;
    assert_eq!(tenants.len(), 2, "{tenants:?}");
    assert_eq!(subscriptions, vec![fabrikam.subscription_id]);
}

#[tokio::test]
async fn someone_not_invited_to_the_second_directory_is_refused_and_stays_at_home() {
    let world = World::start_with(SandboxConfig::for_tests().with_user(SeedUser {
        name: "eve@sandbox.test".into(),
        password: "sandbox-eve-1".into(),
        azure_role: "Contributor".into(),
    }))
    .await;
    let info = world.sandbox.info().clone();
    let fabrikam = guest(&world);
    let session = world
        .browser_sign_in_as("eve@sandbox.test", "sandbox-eve-1")
        .await;
    let (tenants, subscriptions) = seen(&world, &session).await;
    assert_eq!(
        tenants,
        vec![(info.azure_tenant_id.clone(), "Sandbox Directory".to_owned())]
    );
    assert_eq!(subscriptions, vec![info.subscription_id.clone()]);

    let refused = session
        .switch_tenant(&fabrikam.tenant_id)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "SignInNotInDirectory", "{refused:?}");
    assert!(
        refused.remedy().contains("invite your account"),
        "not \"sign in again\", which would not help: {}",
        refused.remedy()
    );
    let message = refused.problem().message;
    assert!(
        message.contains("AADSTS50020")
            && message.contains("does not exist in tenant 'Fabrikam Partners'"),
        "{message}"
    );
    // The refusal spent nothing: the session still works where it is.
    assert_eq!(seen(&world, &session).await.1, vec![info.subscription_id]);

    let unknown = session
        .switch_tenant("00000000-0000-0000-0000-000000000001")
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "SignInRefused", "{unknown:?}");
    assert!(unknown.to_string().contains("invalid_tenant"), "{unknown}");
    let bad = session.switch_tenant("a/b").await.unwrap_err();
    assert_eq!(bad.problem().field.as_deref(), Some("azure_tenant"));
}

#[tokio::test]
async fn a_service_principal_sees_only_its_own_directory() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let session = world
        .azure(world.azure_config())
        .with_service_principal(
            &info.azure_tenant_id,
            &info.azure_client_id,
            cloud_http::Secret::new(info.azure_client_secret.clone()),
        )
        .await
        .unwrap();
    assert_eq!(
        seen(&world, &session).await,
        (
            vec![(info.azure_tenant_id.clone(), "Sandbox Directory".to_owned())],
            vec![info.subscription_id.clone()]
        )
    );
    let fabrikam = guest(&world);
    let refused = world
        .azure(world.azure_config())
        .with_service_principal(
            &fabrikam.tenant_id,
            &info.azure_client_id,
            cloud_http::Secret::new(info.azure_client_secret.clone()),
        )
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("AADSTS700016"),
        "not an application of the second directory: {refused:?}"
    );
}
