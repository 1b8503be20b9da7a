//! A service principal's client secret: checked by getting a token, kept in the keychain, restored, removed.

use cloud_http::Secret;
use sign_in::AzureMethod;

use crate::common::World;

#[tokio::test]
async fn a_service_principal_signs_in_and_its_secret_lives_in_the_keychain_only() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let azure = world.azure(world.azure_config());
    let session = azure
        .with_service_principal(
            &info.azure_tenant_id,
            &info.azure_client_id,
            Secret::new(info.azure_client_secret.clone()),
        )
        .await
        .unwrap();
    let account = session.account().clone();
    assert_eq!(account.method, AzureMethod::ServicePrincipal);
    assert_eq!(account.username, info.azure_client_id);
    assert_eq!(account.tenant_id, info.azure_tenant_id);
    assert!(session.refresh_credential().is_none());
    world.assert_sees_the_subscription(&session).await;
    assert!(
        !serde_json::to_string(&account)
            .unwrap()
            .contains(&info.azure_client_secret)
    );

    let error = session
        .switch_tenant(&info.azure_tenant_id)
        .await
        .unwrap_err();
    assert_eq!(error.problem().field.as_deref(), Some("azure_tenant"));

    world
        .assert_restores_until_sign_out(&azure, &account, session)
        .await;
}

#[tokio::test]
async fn a_wrong_service_principal_secret_is_refused_and_not_stored() {
    let world = World::start().await;
    let info = world.sandbox.info().clone();
    let azure = world.azure(world.azure_config());
    let error = azure
        .with_service_principal(
            &info.azure_tenant_id,
            &info.azure_client_id,
            Secret::new("wrong"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "AzureCredentialsFailed", "{error:?}");
    assert!(error.to_string().contains("7000215"), "{error}");
    assert!(world.store.names().is_empty());

    for (tenant, client, secret, field) in [
        (
            "organizations",
            info.azure_client_id.as_str(),
            "s",
            "azure_tenant_id",
        ),
        (
            info.azure_tenant_id.as_str(),
            "not-a-guid",
            "s",
            "azure_client_id",
        ),
        (
            info.azure_tenant_id.as_str(),
            info.azure_client_id.as_str(),
            "",
            "azure_client_secret",
        ),
    ] {
        let error = azure
            .with_service_principal(tenant, client, Secret::new(secret))
            .await
            .unwrap_err();
        assert_eq!(error.problem().field.as_deref(), Some(field));
    }
}
