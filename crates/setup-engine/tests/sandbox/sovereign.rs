//! Azure Government and Azure China: Auth0 cannot deliver there, and the engine says so before sending
//! anything (the sandbox's Auth0 tenant sees no request). A custom cloud, as the other tests use, runs.

use std::sync::Arc;

use setup_engine::{
    Auth0Credentials, AzureCloud, AzureSignIn, Connection, Engine, EngineOptions, ErrorCode,
    Secret, Unobserved,
};

use crate::common::start;

#[tokio::test]
async fn a_setup_in_azure_government_or_china_is_refused_before_anything_is_sent() {
    let world = start().await;
    for cloud in [AzureCloud::UsGovernment, AzureCloud::China] {
        let connection = Connection {
            auth0: Auth0Credentials::ClientCredentials {
                client_id: world.info.auth0_client_id.clone(),
                client_secret: Secret::new(world.info.auth0_client_secret.clone()),
            },
            auth0_audience: None,
            azure_cloud: cloud.clone(),
            azure: AzureSignIn::ServicePrincipal {
                tenant_id: world.info.azure_tenant_id.clone(),
                client_id: world.info.azure_client_id.clone(),
                client_secret: Secret::new(world.info.azure_client_secret.clone()),
            },
        };
        let mut options = EngineOptions::new(world.progress());
        options.clock = Arc::new(world.time.clone());
        let engine = Engine::connect(connection, options).expect("connecting sends nothing");
        let inputs = world.inputs();

        let refused = engine.run(&inputs, &Unobserved).await.unwrap_err();
        assert_eq!(
            refused.code,
            ErrorCode::AzureCloudUnsupported,
            "{cloud:?}: {refused:?}"
        );
        assert_eq!(refused.field.as_deref(), Some("azure_cloud"));
        assert!(
            refused.message.contains("public Azure regions"),
            "{}",
            refused.message
        );
        let planned = engine.plan(&inputs).await.unwrap_err();
        assert_eq!(planned.code, ErrorCode::AzureCloudUnsupported);
    }
    assert!(
        world.sandbox.handle().requests().is_empty(),
        "nothing was sent: {:?}",
        world.sandbox.handle().requests()
    );

    // The same setup through a custom cloud (the sandbox's endpoints) is not refused.
    world
        .engine()
        .run(&world.inputs(), &Unobserved)
        .await
        .expect("a custom cloud runs");
}
