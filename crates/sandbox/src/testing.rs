//! Test support for every crate that talks to the sandbox: keys and certificates made at test time, for
//! signing in with a private key (Auth0) or a certificate (Microsoft identity), so nothing private is
//! committed; and the seeded applications' tokens and Resource Manager calls made by hand, as another tool
//! would make them ([`arm_token`], [`Arm`], [`auth0_token`]); the admin surface's writes with this run's token
//! ([`admin_client`]).

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::symm::Cipher;
use openssl::x509::{X509, X509NameBuilder};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use crate::SandboxInfo;

/// A client whose every request carries the run's admin token (`x-sandbox-admin-token`), for the admin
/// surface's writes (`{admin_url}/...`). A POST or PUT still says its content type: send JSON with `.json()`.
pub fn admin_client(info: &SandboxInfo) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let token =
        reqwest::header::HeaderValue::from_str(&info.admin_token).expect("the admin token is hex");
    headers.insert(crate::ADMIN_TOKEN_HEADER, token);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client with the admin token")
}

/// The scope a service principal asks for to call Resource Manager.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";

/// A Resource Manager token for the seeded Contributor service principal (a `client_credentials` exchange
/// with its secret at the seeded tenant). Panics unless the sandbox answers 200.
pub async fn arm_token(info: &SandboxInfo) -> String {
    arm_token_for(info, &info.azure_client_id, &info.azure_client_secret).await
}

/// A Resource Manager token for the service principal `client_id` with `client_secret` in the seeded
/// tenant. Panics unless the sandbox answers 200.
pub async fn arm_token_for(info: &SandboxInfo, client_id: &str, client_secret: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            info.azure_authority, info.azure_tenant_id
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("scope", ARM_SCOPE),
        ])
        .send()
        .await
        .expect("the sandbox's token endpoint answers");
    access_token(response).await
}

/// A Management API token for the seeded machine-to-machine application (a `client_credentials` exchange
/// at the tenant's canonical domain for the audience `{auth0_domain}/api/v2/`), with only `scope` when
/// given. Panics unless the sandbox answers 200.
pub async fn auth0_token(info: &SandboxInfo, scope: Option<&str>) -> String {
    let audience = format!("{}/api/v2/", info.auth0_domain);
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", info.auth0_client_id.as_str()),
        ("client_secret", info.auth0_client_secret.as_str()),
        ("audience", audience.as_str()),
    ];
    form.extend(scope.map(|scope| ("scope", scope)));
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token", info.auth0_domain))
        .form(&form)
        .send()
        .await
        .expect("the sandbox's token endpoint answers");
    access_token(response).await
}

async fn access_token(response: Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON token answer");
    assert_eq!(status, 200, "token request: {body}");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// Resource Manager called by hand as the seeded Contributor service principal, as the Azure portal or
/// another tool would: one token, paths relative to `azure_management` (query included).
#[derive(Clone, Debug)]
pub struct Arm {
    http: reqwest::Client,
    management: String,
    token: String,
}

impl Arm {
    /// Signs in with [`arm_token`].
    pub async fn sign_in(info: &SandboxInfo) -> Self {
        Self {
            http: reqwest::Client::new(),
            management: info.azure_management.clone(),
            token: arm_token(info).await,
        }
    }

    /// The bearer token every request carries.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A signed-in request to `{azure_management}{path}`, to add a body or headers to.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.management))
            .bearer_auth(&self.token)
    }

    /// Sends a signed-in request to `{azure_management}{path}` with `body` as JSON when given. Panics only
    /// if nothing answers; the status is the caller's to check.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("Resource Manager answers")
    }
}

/// An RSA key and a self-signed certificate for it, valid for 30 days from now, as
/// `az ad sp create-for-rbac --create-cert` makes one.
pub struct KeyPair {
    pub key: PKey<Private>,
    pub certificate: X509,
}

impl KeyPair {
    /// A new 2048-bit key and its certificate. Panics if OpenSSL cannot make them (a test set-up failure).
    pub fn new() -> Self {
        let key = PKey::from_rsa(Rsa::generate(2048).expect("an RSA key")).expect("an RSA key");
        let certificate = self_signed(&key).expect("a self-signed certificate");
        Self { key, certificate }
    }

    /// The public key, PEM (what an Auth0 application registers).
    pub fn public_pem(&self) -> String {
        pem_text(self.key.public_key_to_pem().expect("a public key PEM"))
    }

    /// The private key, unencrypted PKCS#8 PEM.
    pub fn private_pem(&self) -> Vec<u8> {
        self.key
            .private_key_to_pem_pkcs8()
            .expect("a private key PEM")
    }

    /// The certificate alone, PEM (what a service principal has uploaded).
    pub fn certificate_pem(&self) -> String {
        pem_text(self.certificate.to_pem().expect("a certificate PEM"))
    }

    /// Certificate and key in one PEM file, the key encrypted when a password is given.
    pub fn combined_pem(&self, password: Option<&str>) -> Vec<u8> {
        let mut pem = self.certificate.to_pem().expect("a certificate PEM");
        pem.extend(match password {
            Some(password) => self
                .key
                .private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), password.as_bytes())
                .expect("an encrypted private key PEM"),
            None => self.private_pem(),
        });
        pem
    }

    /// Certificate and key as a PKCS#12 (.pfx) file protected by `password`.
    pub fn pkcs12(&self, password: &str) -> Vec<u8> {
        let mut builder = Pkcs12::builder();
        builder.pkey(&self.key);
        builder.cert(&self.certificate);
        builder
            .build2(password)
            .and_then(|p| p.to_der())
            .expect("a PKCS#12 file")
    }
}

impl Default for KeyPair {
    fn default() -> Self {
        Self::new()
    }
}

fn self_signed(key: &PKey<Private>) -> Result<X509, openssl::error::ErrorStack> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", "cloud-sandbox-test")?;
    let name = name.build();
    let mut builder = X509::builder()?;
    builder.set_version(2)?;
    let serial = BigNum::from_u32(1)?.to_asn1_integer()?;
    builder.set_serial_number(&serial)?;
    builder.set_subject_name(&name)?;
    builder.set_issuer_name(&name)?;
    builder.set_pubkey(key)?;
    let (not_before, not_after) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(30)?);
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    builder.sign(key, MessageDigest::sha256())?;
    Ok(builder.build())
}

fn pem_text(pem: Vec<u8>) -> String {
    String::from_utf8(pem).expect("PEM is ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_for_the_key_and_every_file_reads_back() {
        let pair = KeyPair::new();
        assert!(pair.certificate.verify(&pair.key).unwrap());
        let encrypted = pair.combined_pem(Some("pw"));
        assert!(String::from_utf8_lossy(&encrypted).contains("ENCRYPTED PRIVATE KEY"));
        let key_part = &encrypted[pair.certificate.to_pem().unwrap().len()..];
        let key = PKey::private_key_from_pem_passphrase(key_part, b"pw").unwrap();
        assert!(key.public_eq(&pair.key));
        let parsed = Pkcs12::from_der(&pair.pkcs12("pfx"))
            .unwrap()
            .parse2("pfx")
            .unwrap();
        assert!(parsed.pkey.unwrap().public_eq(&pair.key));
        assert!(pair.public_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(
            pair.certificate_pem()
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
    }
}
