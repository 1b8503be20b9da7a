//! Signed tokens and random identifiers. Access tokens are HS256 JWTs signed with a key drawn at start-up
//! (cheap, so tests can start many sandboxes); clients may decode them (scope, aud, exp) but only the
//! sandbox can verify them. Also PKCE S256 checking.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Error;

type HmacSha256 = Hmac<Sha256>;

/// Signs and verifies the sandbox's JWTs.
#[derive(Clone)]
pub struct TokenSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(..)")
    }
}

/// Why a presented token is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    BadSignature,
}

impl TokenSigner {
    pub fn random() -> Result<Self, Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::Random(e.to_string()))?;
        Ok(Self { key })
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT","kid":"sandbox"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.mac(signing_input.as_bytes()));
        format!("{signing_input}.{signature}")
    }

    /// Checks the signature and returns the claims; expiry is the caller's business (it knows the clock).
    pub fn verify(&self, token: &str) -> Result<Value, TokenProblem> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenProblem::Malformed);
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenProblem::Malformed)?;
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenProblem::BadSignature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenProblem::Malformed)?;
        serde_json::from_slice(&payload).map_err(|_| TokenProblem::Malformed)
    }

    fn mac(&self, input: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(input);
        mac.finalize().into_bytes().to_vec()
    }
}

/// A new admin token for this run: `sandbox_` and 32 random bytes as hex. No fallback: without the system's randomness the
/// sandbox does not start.
pub fn admin_token() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{SECRET_PREFIX}{hex}"))
}

/// What every secret the sandbox makes up starts with (client secrets, passwords, refresh tokens, codes, the
/// admin token), so one found anywhere is known at once not to be a real cloud's.
pub const SECRET_PREFIX: &str = "sandbox_";

/// A made-up secret: [`SECRET_PREFIX`] and random URL-safe text of `bytes` bytes.
pub fn sandbox_secret(bytes: usize) -> String {
    format!("{SECRET_PREFIX}{}", random_token(bytes))
}

/// Random lowercase hex of `bytes` bytes.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // getrandom only fails on exotic platforms; a time-seeded fallback keeps ids unique enough there.
    if getrandom::fill(&mut buf).is_err() {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Random URL-safe token text (for secrets, codes, refresh tokens).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let _ = getrandom::fill(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Random letters and digits (Auth0 client ids are 32 of them).
pub fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0u8; len];
    let _ = getrandom::fill(&mut buf);
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A random RFC 4122 version-4 GUID in lowercase.
pub fn random_guid() -> String {
    let hex = random_hex(16);
    let mut chars: Vec<char> = hex.chars().collect();
    chars[12] = '4';
    chars[16] = ['8', '9', 'a', 'b'][chars[16].to_digit(16).unwrap_or(0) as usize % 4];
    let s: String = chars.into_iter().collect();
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

/// Whether `verifier` hashes (SHA-256, base64url) to `challenge`, as PKCE S256 requires.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    let digest = Sha256::digest(verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest) == challenge
}

/// Whether `text` has the 8-4-4-4-12 hexadecimal GUID form.
pub fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signed_tokens_verify_and_tampering_is_caught() {
        let signer = TokenSigner::random().unwrap();
        let token = signer.sign(&json!({"scope": "read:logs", "exp": 10}));
        assert_eq!(signer.verify(&token).unwrap()["scope"], "read:logs");
        let other = TokenSigner::random().unwrap();
        assert_eq!(other.verify(&token), Err(TokenProblem::BadSignature));
        assert_eq!(signer.verify("abc"), Err(TokenProblem::Malformed));
    }

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert!(pkce_s256_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_s256_matches(
            "other",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }

    #[test]
    fn client_ids_are_alphanumeric() {
        let id = random_alphanumeric(32);
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn guids_look_like_guids() {
        let g = random_guid();
        assert!(is_guid(&g), "{g}");
        assert!(!is_guid("not-a-guid"));
    }
}
