//! A service principal's certificate credential against the sandbox over HTTP: the loopback credential signs a
//! new client assertion per token, and Resource Manager accepts the token. Keys are generated here.

use std::sync::Arc;
use std::time::Duration;

use azure_client::{
    AzureClient, AzureCloud, AzureEndpoints, ClientCertificate,
    service_principal_certificate_credential,
};
use cloud_http::{RetryPolicy, SystemClock, Transport};
use cloud_sandbox::{Sandbox, SandboxConfig};
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509NameBuilder};

/// A key and a self-signed certificate for it, as one PEM file's bytes.
fn certificate_pem() -> (Vec<u8>, X509) {
    let key: PKey<Private> = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "azure-client-test")
        .unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = builder.build();
    let mut pem = cert.to_pem().unwrap();
    pem.extend(key.private_key_to_pem_pkcs8().unwrap());
    (pem, cert)
}

#[tokio::test]
async fn a_certificate_signs_in_and_resource_manager_answers() {
    let sandbox = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let info = sandbox.info().clone();
    let (pem, cert) = certificate_pem();
    let registered = sandbox
        .handle()
        .add_azure_certificate(
            &info.azure_client_id,
            &String::from_utf8(cert.to_pem().unwrap()).unwrap(),
        )
        .unwrap();
    let certificate = Arc::new(ClientCertificate::from_bytes(&pem, None).unwrap());
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
    let (other, _) = certificate_pem();
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
