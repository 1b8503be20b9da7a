//! Client assertions (RFC 7523): the signed JWT a confidential client presents instead of a secret, as
//! Auth0's private-key JWT credentials and the Microsoft identity platform's certificate credentials use them.
//! Registering the public part (an RSA public key, a certificate) and checking an assertion: the signature
//! against a registered key, issuer and subject, audience, lifetime on the sandbox clock, and a `jti` that is
//! accepted once.

use std::collections::{BTreeMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{DecodingKey, Header, Validation};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Public};
use openssl::x509::X509;
use serde_json::Value;

use crate::error::Error;

/// The only `client_assertion_type` either provider accepts.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The signing algorithms Auth0 offers for a private-key JWT credential.
pub const AUTH0_ALGORITHMS: [&str; 3] = ["RS256", "RS384", "PS256"];

/// Auth0 accepts assertions living at most five minutes.
pub const AUTH0_MAX_LIFETIME_SECS: i64 = 300;

/// The Microsoft identity platform documents no limit; the sandbox allows MSAL's ten minutes (azure_identity
/// uses five).
pub const MICROSOFT_MAX_LIFETIME_SECS: i64 = 600;

/// Clock skew tolerated on `nbf`.
const SKEW_SECS: i64 = 300;

/// Why an assertion is refused, in words that name the claim or header at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssertionProblem {
    Malformed(String),
    WrongAlgorithm { used: String, registered: String },
    UnknownKey(String),
    NoKeys,
    BadSignature,
    Issuer(String),
    Subject(String),
    Audience(String),
    MissingClaim(&'static str),
    Expired,
    NotYetValid,
    TooLong { seconds: i64, limit: i64 },
    Replayed,
}

impl std::fmt::Display for AssertionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(detail) => write!(f, "the client assertion is not a valid JWT: {detail}"),
            Self::WrongAlgorithm { used, registered } => write!(
                f,
                "the client assertion is signed with {used} but the credential is registered for {registered}"
            ),
            Self::UnknownKey(key) => {
                write!(f, "no credential registered for the client matches {key}")
            }
            Self::NoKeys => f.write_str("the client has no credential for client assertions registered"),
            Self::BadSignature => f.write_str(
                "the client assertion's signature does not verify with any credential registered for the client",
            ),
            Self::Issuer(iss) => write!(f, "the client assertion's iss ({iss}) must be the client id"),
            Self::Subject(sub) => write!(f, "the client assertion's sub ({sub}) must be the client id"),
            Self::Audience(aud) => write!(f, "the client assertion's aud ({aud}) is not this server"),
            Self::MissingClaim(claim) => write!(f, "the client assertion has no {claim} claim"),
            Self::Expired => f.write_str("the client assertion has expired (exp)"),
            Self::NotYetValid => f.write_str("the client assertion is not valid yet (nbf)"),
            Self::TooLong { seconds, limit } => write!(
                f,
                "the client assertion is valid for {seconds} s; at most {limit} s is accepted (exp)"
            ),
            Self::Replayed => f.write_str("the client assertion's jti was already used"),
        }
    }
}

/// A registered key an assertion may be signed with.
pub struct CandidateKey<'a> {
    /// `kid` (Auth0) or thumbprint (Microsoft), for messages.
    pub id: &'a str,
    pub algorithm: &'a str,
    pub public_pem: &'a str,
}

/// What the claims must say.
pub struct Expected<'a> {
    pub client_id: &'a str,
    pub audiences: &'a [String],
    pub now_secs: i64,
    pub max_lifetime_secs: i64,
}

/// The assertion's header, read before anything is trusted (to pick the key).
pub fn header(assertion: &str) -> Result<Header, AssertionProblem> {
    jsonwebtoken::decode_header(assertion).map_err(|e| AssertionProblem::Malformed(e.to_string()))
}

/// The assertion's claims without checking the signature (to learn which client it claims to be).
pub fn unverified_claims(assertion: &str) -> Option<Value> {
    let payload = assertion.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// Checks the signature with the first key whose algorithm is the header's, then every claim. Returns the
/// `jti` and `exp` to remember.
pub fn verify(
    assertion: &str,
    keys: &[CandidateKey<'_>],
    expected: &Expected<'_>,
) -> Result<(String, i64), AssertionProblem> {
    let header = header(assertion)?;
    let used = format!("{:?}", header.alg);
    if keys.is_empty() {
        return Err(AssertionProblem::NoKeys);
    }
    let same_algorithm: Vec<&CandidateKey<'_>> =
        keys.iter().filter(|k| k.algorithm == used).collect();
    if same_algorithm.is_empty() {
        return Err(AssertionProblem::WrongAlgorithm {
            used,
            registered: keys
                .iter()
                .map(|k| k.algorithm)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let mut claims = None;
    for key in same_algorithm {
        let decoding = DecodingKey::from_rsa_pem(key.public_pem.as_bytes())
            .map_err(|e| AssertionProblem::Malformed(format!("registered key {}: {e}", key.id)))?;
        match jsonwebtoken::decode::<Value>(assertion, &decoding, &validation) {
            Ok(data) => {
                claims = Some(data.claims);
                break;
            }
            Err(e) if *e.kind() == jsonwebtoken::errors::ErrorKind::InvalidSignature => {}
            Err(e) => return Err(AssertionProblem::Malformed(e.to_string())),
        }
    }
    let claims = claims.ok_or(AssertionProblem::BadSignature)?;
    check_claims(&claims, expected)
}

fn check_claims(
    claims: &Value,
    expected: &Expected<'_>,
) -> Result<(String, i64), AssertionProblem> {
    let text = |name: &'static str| {
        claims[name]
            .as_str()
            .map(str::to_owned)
            .ok_or(AssertionProblem::MissingClaim(name))
    };
    let iss = text("iss")?;
    if iss != expected.client_id {
        return Err(AssertionProblem::Issuer(iss));
    }
    let sub = text("sub")?;
    if sub != expected.client_id {
        return Err(AssertionProblem::Subject(sub));
    }
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => return Err(AssertionProblem::MissingClaim("aud")),
    };
    if !audiences
        .iter()
        .any(|a| expected.audiences.iter().any(|e| e == a))
    {
        return Err(AssertionProblem::Audience(audiences.join(", ")));
    }
    let exp = claims["exp"]
        .as_i64()
        .ok_or(AssertionProblem::MissingClaim("exp"))?;
    if exp <= expected.now_secs {
        return Err(AssertionProblem::Expired);
    }
    if exp - expected.now_secs > expected.max_lifetime_secs {
        return Err(AssertionProblem::TooLong {
            seconds: exp - expected.now_secs,
            limit: expected.max_lifetime_secs,
        });
    }
    if claims["nbf"]
        .as_i64()
        .is_some_and(|nbf| nbf > expected.now_secs + SKEW_SECS)
    {
        return Err(AssertionProblem::NotYetValid);
    }
    let jti = text("jti")?;
    if jti.is_empty() {
        return Err(AssertionProblem::MissingClaim("jti"));
    }
    Ok((jti, exp))
}

/// Records a `jti` (scoped to issuer and client); false when it was seen before. Expired entries are dropped
/// on the way, so the record stays as small as the assertions still valid.
pub fn accept_once(
    used: &mut BTreeMap<String, i64>,
    scope: &str,
    jti: &str,
    exp: i64,
    now_secs: i64,
) -> Result<(), AssertionProblem> {
    used.retain(|_, until| *until > now_secs);
    let key = format!("{scope}:{jti}");
    if used.contains_key(&key) {
        return Err(AssertionProblem::Replayed);
    }
    used.insert(key, exp);
    Ok(())
}

/// Validates an RSA public key in PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`) for Auth0, returning it
/// in SPKI PEM.
pub fn rsa_public_key_pem(pem: &str) -> Result<String, Error> {
    if pem.contains("PRIVATE KEY") {
        return Err(Error::Registration(
            "public_key: this is a private key; register only the public key".into(),
        ));
    }
    let key = PKey::public_key_from_pem(pem.as_bytes())
        .or_else(|_| {
            openssl::rsa::Rsa::public_key_from_pem_pkcs1(pem.as_bytes()).and_then(PKey::from_rsa)
        })
        .map_err(|_| {
            Error::Registration("public_key: expected an RSA public key in PEM format".into())
        })?;
    rsa_pem(&key, "public_key")
}

fn rsa_pem(key: &PKey<Public>, field: &str) -> Result<String, Error> {
    if key.id() != Id::RSA {
        return Err(Error::Registration(format!(
            "{field}: only RSA keys are accepted"
        )));
    }
    if key.bits() < 2048 {
        return Err(Error::Registration(format!(
            "{field}: the RSA key has {} bits; at least 2048 are required",
            key.bits()
        )));
    }
    let pem = key
        .public_key_to_pem()
        .map_err(|e| Error::Registration(format!("{field}: {e}")))?;
    String::from_utf8(pem).map_err(|e| Error::Registration(format!("{field}: {e}")))
}

/// A certificate in PEM: its SHA-1 thumbprint (upper-case hex) and its RSA public key in PEM.
pub fn certificate(pem: &str) -> Result<(String, String), Error> {
    let cert = X509::from_pem(pem.as_bytes()).map_err(|_| {
        Error::Registration("certificate: expected an X.509 certificate in PEM format".into())
    })?;
    let key = cert
        .public_key()
        .map_err(|e| Error::Registration(format!("certificate: {e}")))?;
    let public = rsa_pem(&key, "certificate")?;
    let digest = cert
        .digest(MessageDigest::sha1())
        .map_err(|e| Error::Registration(format!("certificate: {e}")))?;
    Ok((hex_upper(&digest), public))
}

/// The thumbprint an `x5t` header names, in upper-case hex. RFC 7515 says base64url; azure_identity writes
/// standard base64, which the identity platform accepts too.
pub fn x5t_thumbprint(x5t: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(x5t.trim_end_matches('='))
        .or_else(|_| STANDARD.decode(x5t))
        .ok()?;
    (bytes.len() == 20).then(|| hex_upper(&bytes))
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_x5t_encodings_name_the_same_thumbprint() {
        let digest = [0xfbu8; 20];
        let url = URL_SAFE_NO_PAD.encode(digest);
        let standard = STANDARD.encode(digest);
        assert_ne!(url, standard);
        assert_eq!(x5t_thumbprint(&url), Some("FB".repeat(20)));
        assert_eq!(x5t_thumbprint(&standard), Some("FB".repeat(20)));
        assert_eq!(x5t_thumbprint("c2hvcnQ"), None);
    }

    #[test]
    fn a_jti_is_accepted_once_and_forgotten_when_expired() {
        let mut used = BTreeMap::new();
        assert_eq!(accept_once(&mut used, "auth0:c", "j1", 100, 50), Ok(()));
        assert_eq!(
            accept_once(&mut used, "auth0:c", "j1", 100, 60),
            Err(AssertionProblem::Replayed)
        );
        assert_eq!(accept_once(&mut used, "azure:c", "j1", 100, 60), Ok(()));
        assert_eq!(accept_once(&mut used, "auth0:c", "j2", 200, 150), Ok(()));
        assert_eq!(used.len(), 1, "j1 expired at 100: {used:?}");
    }

    #[test]
    fn claims_are_checked_in_order_naming_the_claim() {
        let audiences = vec!["https://t.example/".to_owned()];
        let expected = Expected {
            client_id: "c",
            audiences: &audiences,
            now_secs: 1000,
            max_lifetime_secs: 300,
        };
        let good = serde_json::json!({"iss": "c", "sub": "c", "aud": "https://t.example/", "exp": 1060, "jti": "j"});
        assert_eq!(check_claims(&good, &expected), Ok(("j".into(), 1060)));
        let with = |name: &str, value: Value| {
            let mut claims = good.clone();
            claims[name] = value;
            check_claims(&claims, &expected).unwrap_err()
        };
        assert_eq!(
            with("iss", "x".into()),
            AssertionProblem::Issuer("x".into())
        );
        assert_eq!(
            with("sub", "x".into()),
            AssertionProblem::Subject("x".into())
        );
        assert_eq!(
            with("aud", serde_json::json!(["https://other/"])),
            AssertionProblem::Audience("https://other/".into())
        );
        assert_eq!(with("exp", 1000.into()), AssertionProblem::Expired);
        assert_eq!(
            with("exp", 1301.into()),
            AssertionProblem::TooLong {
                seconds: 301,
                limit: 300
            }
        );
        assert_eq!(with("nbf", 1400.into()), AssertionProblem::NotYetValid);
        assert_eq!(
            with("jti", Value::Null),
            AssertionProblem::MissingClaim("jti")
        );
    }
}
