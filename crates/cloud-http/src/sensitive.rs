//! A string that must never reach a log line, an IPC reply or a file: it redacts itself when printed,
//! deliberately implements no `Serialize`, and overwrites its bytes with zeros when dropped (`zeroize`), so a
//! client secret, refresh token, access token or assertion does not linger in freed memory. Clones are wiped
//! too; the copies the HTTP libraries make of what they send (a form body, a header) are theirs.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The clear text, for the one place that must send it (a token request or an Authorization header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_never_shows_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(&secret)).contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }

    /// What a type holding secrets prints (its derived Debug, in a log line or a panic) shows none of them.
    #[test]
    fn a_struct_holding_secrets_prints_them_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Credentials {
            client_secret: Secret,
            refresh_token: Option<Secret>,
        }
        let credentials = Credentials {
            client_secret: Secret::from("cs-value-1"),
            refresh_token: Some(Secret::from(String::from("rt-value-2"))),
        };
        let printed = format!("{credentials:?} {credentials:#?}");
        assert!(
            !printed.contains("cs-value-1") && !printed.contains("rt-value-2"),
            "{printed}"
        );
        assert!(printed.contains("Secret(***)"));
    }
}
