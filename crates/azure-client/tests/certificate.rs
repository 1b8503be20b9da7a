//! A service principal's certificate credential against the sandbox over HTTP: the loopback credential signs a
//! new client assertion per token, and Resource Manager accepts the token. Keys are generated at test time.

use std::sync::Arc;
use std::time::Duration;

use azure_client::{
    AzureClient, AzureCloud, AzureEndpoints, ClientCertificate,
    service_principal_certificate_credential,
};
use cloud_http::{RetryPolicy, SystemClock, Transport};
use cloud_sandbox::testing::KeyPair;
use cloud_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn a_certificate_signs_in_and_resource_manager_answers() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let pair = KeyPair::new();
    let registered = sandbox
        .handle()
        .add_azure_certificate(&info.azure_client_id, &pair.certificate_pem())
        .unwrap();
    let certificate =
        Arc::new(ClientCertificate::from_bytes(&pair.combined_pem(None), None).unwrap());
    assert_eq!(certificate.thumbprint(), registered.thumbprint);

    let endpoints = AzureEndpoints::for_cloud(&AzureCloud::Custom {
        authority: info.azure_authority.clone(),
        management: info.azure_management.clone(),
    })
    .unwrap();
    let credential = service_principal_certificate_credential(
        &endpoints,
        &info.azure_tenant_id,
        &info.azure_client_id,
        certificate.clone(),
    )
    .unwrap();
    assert!(format!("{credential:?}").contains("ClientCertificateHttpCredential"));
    let transport = Transport::new(
        RetryPolicy::default(),
        Arc::new(SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    let azure = AzureClient::new(endpoints.clone(), credential.clone(), transport.clone());
    let subscriptions = azure.list_subscriptions().await.unwrap();
    assert!(
        subscriptions
            .iter()
            .any(|s| s.subscription_id == info.subscription_id)
    );

    // Every token request carries a fresh assertion: a second one within the first's lifetime is accepted.
    credential
        .get_token(&[&endpoints.scope], None)
        .await
        .unwrap();
    sandbox.handle().advance(Duration::from_secs(120));
    credential
        .get_token(&[&endpoints.scope], None)
        .await
        .unwrap();

    // A certificate the service principal does not know is refused with Microsoft's code.
    let other = KeyPair::new().combined_pem(None);
    let stranger = service_principal_certificate_credential(
        &endpoints,
        &info.azure_tenant_id,
        &info.azure_client_id,
        Arc::new(ClientCertificate::from_bytes(&other, None).unwrap()),
    )
    .unwrap();
    let error = stranger
        .get_token(&[&endpoints.scope], None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("AADSTS700027"), "{error}");
}
