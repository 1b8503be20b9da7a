//! Registering what client assertions are checked against: an Auth0 machine-to-machine application that
//! authenticates with a private-key JWT (its public key and Management API grant), another public key for an
//! existing Auth0 application, and a certificate uploaded to an Azure service principal. Only public parts are
//! kept. Shared by the admin API (`/_sandbox/auth0/applications`, `/_sandbox/azure/principals/…`) and
//! [`crate::SandboxHandle`].

use serde::{Deserialize, Serialize};

use crate::client_assertion::{AUTH0_ALGORITHMS, certificate, rsa_public_key_pem};
use crate::error::Error;
use crate::shared::Shared;
use crate::state::{Auth0Application, M2M_SCOPES, PrincipalCertificate, PublicKeyCredential};
use crate::tokens::{random_alphanumeric, random_token};

/// A registered Auth0 application and the credential its assertions must be signed with.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Auth0ApplicationInfo {
    pub client_id: String,
    pub name: String,
    /// Management API scopes granted.
    pub scopes: Vec<String>,
    /// The credential's key id (an assertion may name it in its `kid` header).
    pub kid: String,
    pub alg: String,
}

/// A certificate registered for a service principal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateInfo {
    pub client_id: String,
    /// SHA-1 of the DER certificate, upper-case hex (what `x5t` encodes).
    pub thumbprint: String,
}

fn credential(public_key_pem: &str, alg: &str) -> Result<PublicKeyCredential, Error> {
    if !AUTH0_ALGORITHMS.contains(&alg) {
        return Err(Error::Registration(format!(
            "alg: \"{alg}\" is not one of {}",
            AUTH0_ALGORITHMS.join(", ")
        )));
    }
    Ok(PublicKeyCredential {
        kid: random_token(24),
        alg: alg.to_owned(),
        pem: rsa_public_key_pem(public_key_pem)?,
    })
}

/// Creates a machine-to-machine application granted `scopes` on the Management API, authenticating with
/// private-key JWTs signed by the key whose public half is `public_key_pem`.
pub fn register_auth0_application(
    shared: &Shared,
    name: &str,
    scopes: &[String],
    public_key_pem: &str,
    alg: &str,
) -> Result<Auth0ApplicationInfo, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Registration("name: must not be empty".into()));
    }
    if let Some(unknown) = scopes.iter().find(|s| !M2M_SCOPES.contains(&s.as_str())) {
        return Err(Error::Registration(format!(
            "scopes: \"{unknown}\" is not one the sandbox's Management API knows ({})",
            M2M_SCOPES.join(", ")
        )));
    }
    let credential = credential(public_key_pem, alg)?;
    let info = Auth0ApplicationInfo {
        client_id: random_alphanumeric(32),
        name: name.to_owned(),
        scopes: scopes.to_vec(),
        kid: credential.kid.clone(),
        alg: credential.alg.clone(),
    };
    shared.world().auth0.applications.push(Auth0Application {
        client_id: info.client_id.clone(),
        name: info.name.clone(),
        scopes: info.scopes.clone(),
        credentials: vec![credential],
    });
    shared.mark_dirty();
    Ok(info)
}

/// Adds a public key to an existing application (the seeded one or a registered one); returns its `kid`.
pub fn add_auth0_public_key(
    shared: &Shared,
    client_id: &str,
    public_key_pem: &str,
    alg: &str,
) -> Result<String, Error> {
    let credential = credential(public_key_pem, alg)?;
    let kid = credential.kid.clone();
    {
        let mut world = shared.world();
        let auth0 = &mut world.auth0;
        if auth0.m2m_client_id == client_id {
            auth0.m2m_credentials.push(credential);
        } else if let Some(app) = auth0
            .applications
            .iter_mut()
            .find(|a| a.client_id == client_id)
        {
            app.credentials.push(credential);
        } else {
            return Err(Error::Registration(format!(
                "client_id: no application \"{client_id}\" in the tenant"
            )));
        }
    }
    shared.mark_dirty();
    Ok(kid)
}

/// Uploads a certificate (PEM, public part) to the service principal whose application id is `client_id`.
pub fn add_azure_certificate(
    shared: &Shared,
    client_id: &str,
    certificate_pem: &str,
) -> Result<CertificateInfo, Error> {
    let (thumbprint, pem) = certificate(certificate_pem)?;
    {
        let mut world = shared.world();
        let Some(principal) = world
            .azure
            .principals
            .iter_mut()
            .find(|p| !p.is_user && p.client_id.eq_ignore_ascii_case(client_id))
        else {
            return Err(Error::Registration(format!(
                "client_id: no service principal with application id \"{client_id}\""
            )));
        };
        if !principal
            .certificates
            .iter()
            .any(|c| c.thumbprint == thumbprint)
        {
            principal.certificates.push(PrincipalCertificate {
                thumbprint: thumbprint.clone(),
                pem,
            });
        }
    }
    shared.mark_dirty();
    Ok(CertificateInfo {
        client_id: client_id.to_owned(),
        thumbprint,
    })
}
