//! A service principal's certificate file, read once into what both certificate credentials need: PEM
//! (certificate and private key in one file, what `az ad sp create-for-rbac --create-cert` writes; the key may
//! be encrypted) or PKCS#12 (.pfx/.p12), with an optional password. azure_identity takes PKCS#12 bytes, so a
//! PEM file is converted in memory; the loopback credential signs with the key and names the certificate by
//! its `x5t` thumbprint.

use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::X509;

use cloud_http::Secret;

/// What is wrong with a certificate file (the caller names the file and field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("it is neither PEM (certificate and private key) nor PKCS#12 (.pfx/.p12)")]
    NotPemOrPkcs12,
    #[error(
        "it holds no private key: use the file with the certificate and its private key (az ad sp create-for-rbac --create-cert writes one)"
    )]
    NoPrivateKey,
    #[error("it holds no certificate, only a key")]
    NoCertificate,
    #[error("it is protected by a password: give the password")]
    PasswordRequired,
    #[error("the password does not open it")]
    WrongPassword,
    #[error("its key is not an RSA key (Microsoft Entra ID accepts RSA certificates)")]
    NotRsa,
    #[error("its private key does not belong to its certificate")]
    KeyMismatch,
    #[error("it could not be converted: {0}")]
    Conversion(String),
}

/// A certificate and its private key. `Debug` shows only the thumbprint.
pub struct ClientCertificate {
    key: PKey<Private>,
    certificate: X509,
    thumbprint: Vec<u8>,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("thumbprint", &self.thumbprint())
            .finish_non_exhaustive()
    }
}

impl ClientCertificate {
    /// Reads a PEM or PKCS#12 file's bytes. `password` opens a PKCS#12 file or an encrypted PEM key.
    pub fn from_bytes(bytes: &[u8], password: Option<&Secret>) -> Result<Self, CertificateError> {
        let text_start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        if bytes[text_start..].starts_with(b"-----BEGIN") || contains(bytes, b"-----BEGIN ") {
            return Self::from_pem(bytes, password);
        }
        if bytes.first() == Some(&0x30) {
            return Self::from_pkcs12(bytes, password);
        }
        Err(CertificateError::NotPemOrPkcs12)
    }

    fn from_pem(bytes: &[u8], password: Option<&Secret>) -> Result<Self, CertificateError> {
        let certificate = X509::from_pem(bytes).map_err(|_| CertificateError::NoCertificate)?;
        if !contains(bytes, b"PRIVATE KEY-----") {
            return Err(CertificateError::NoPrivateKey);
        }
        let encrypted = contains(bytes, b"ENCRYPTED");
        if encrypted && password.is_none_or(|p| p.is_empty()) {
            return Err(CertificateError::PasswordRequired);
        }
        // Always with a passphrase: without one OpenSSL would prompt on the terminal for an encrypted key.
        let passphrase = password.map(|p| p.expose().as_bytes()).unwrap_or(b"");
        let key = PKey::private_key_from_pem_passphrase(bytes, passphrase).map_err(|_| {
            if encrypted {
                CertificateError::WrongPassword
            } else {
                CertificateError::NoPrivateKey
            }
        })?;
        Self::new(key, certificate)
    }

    fn from_pkcs12(bytes: &[u8], password: Option<&Secret>) -> Result<Self, CertificateError> {
        let pkcs12 = Pkcs12::from_der(bytes).map_err(|_| CertificateError::NotPemOrPkcs12)?;
        let parsed = pkcs12
            .parse2(password.map(Secret::expose).unwrap_or(""))
            .map_err(|_| match password {
                Some(p) if !p.is_empty() => CertificateError::WrongPassword,
                _ => CertificateError::PasswordRequired,
            })?;
        let key = parsed.pkey.ok_or(CertificateError::NoPrivateKey)?;
        let certificate = parsed.cert.ok_or(CertificateError::NoCertificate)?;
        Self::new(key, certificate)
    }

    fn new(key: PKey<Private>, certificate: X509) -> Result<Self, CertificateError> {
        if key.id() != Id::RSA {
            return Err(CertificateError::NotRsa);
        }
        let public = certificate
            .public_key()
            .map_err(|e| CertificateError::Conversion(e.to_string()))?;
        if !public.public_eq(&key) {
            return Err(CertificateError::KeyMismatch);
        }
        let thumbprint = certificate
            .digest(MessageDigest::sha1())
            .map_err(|e| CertificateError::Conversion(e.to_string()))?
            .to_vec();
        Ok(Self {
            key,
            certificate,
            thumbprint,
        })
    }

    /// SHA-1 of the DER certificate in upper-case hex, as the Azure portal lists it.
    pub fn thumbprint(&self) -> String {
        self.thumbprint.iter().map(|b| format!("{b:02X}")).collect()
    }

    pub(crate) fn thumbprint_bytes(&self) -> &[u8] {
        &self.thumbprint
    }

    pub(crate) fn key(&self) -> &PKey<Private> {
        &self.key
    }

    /// The certificate and key as unprotected PKCS#12 DER, for azure_identity (kept in memory only).
    pub(crate) fn to_pkcs12(&self) -> Result<Vec<u8>, CertificateError> {
        let mut builder = Pkcs12::builder();
        builder.name("service-principal");
        builder.pkey(&self.key);
        builder.cert(&self.certificate);
        builder
            .build2("")
            .and_then(|p| p.to_der())
            .map_err(|e| CertificateError::Conversion(e.to_string()))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use cloud_sandbox::testing::KeyPair;

    use super::*;

    #[test]
    fn pem_and_pkcs12_files_give_the_same_certificate() {
        let pair = KeyPair::new();
        let from_pem = ClientCertificate::from_bytes(&pair.combined_pem(None), None).unwrap();
        let expected: String = pair
            .certificate
            .digest(MessageDigest::sha1())
            .unwrap()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(from_pem.thumbprint(), expected);
        assert!(!format!("{from_pem:?}").contains("PRIVATE"));

        let pfx = pair.pkcs12("pfx-password");
        let password = Secret::new("pfx-password");
        let from_pfx = ClientCertificate::from_bytes(&pfx, Some(&password)).unwrap();
        assert_eq!(from_pfx.thumbprint(), expected);
        // The in-memory conversion opens without a password and holds the same pair.
        let again = ClientCertificate::from_bytes(&from_pem.to_pkcs12().unwrap(), None).unwrap();
        assert_eq!(again.thumbprint(), expected);

        assert_eq!(
            ClientCertificate::from_bytes(&pfx, None).unwrap_err(),
            CertificateError::PasswordRequired
        );
        assert_eq!(
            ClientCertificate::from_bytes(&pfx, Some(&Secret::new("nope"))).unwrap_err(),
            CertificateError::WrongPassword
        );
    }

    #[test]
    fn broken_files_say_what_is_missing() {
        let pair = KeyPair::new();
        let cert_only = pair.certificate_pem().into_bytes();
        assert_eq!(
            ClientCertificate::from_bytes(&cert_only, None).unwrap_err(),
            CertificateError::NoPrivateKey
        );
        let key_only = pair.private_pem();
        assert_eq!(
            ClientCertificate::from_bytes(&key_only, None).unwrap_err(),
            CertificateError::NoCertificate
        );
        let mut mismatched = cert_only.clone();
        mismatched.extend(KeyPair::new().private_pem());
        assert_eq!(
            ClientCertificate::from_bytes(&mismatched, None).unwrap_err(),
            CertificateError::KeyMismatch
        );
        assert_eq!(
            ClientCertificate::from_bytes(b"hello", None).unwrap_err(),
            CertificateError::NotPemOrPkcs12
        );

        let encrypted = pair.combined_pem(Some("pem-password"));
        assert_eq!(
            ClientCertificate::from_bytes(&encrypted, None).unwrap_err(),
            CertificateError::PasswordRequired
        );
        assert_eq!(
            ClientCertificate::from_bytes(&encrypted, Some(&Secret::new("nope"))).unwrap_err(),
            CertificateError::WrongPassword
        );
        assert!(
            ClientCertificate::from_bytes(&encrypted, Some(&Secret::new("pem-password"))).is_ok()
        );
    }
}
