//! A string that must never reach a log line, an IPC reply or a file: it redacts itself when printed,
//! deliberately implements no `Serialize` (but `Deserialize`, so a secret arriving over IPC or in a token
//! answer is wrapped as it is decoded), and overwrites its bytes with zeros when dropped (`zeroize`), so a
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

/// Decoded straight into the wrapper: the `String` serde builds is moved in, not copied. (A JSON decoder may
/// have unescaped it in a scratch buffer of its own first; that copy is the decoder's.)
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
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

    /// A request as the window sends it over IPC decodes its secrets into `Secret`, which then prints
    /// redacted.
    #[test]
    fn a_secret_is_decoded_from_ipc_shaped_json() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Request {
            client_id: String,
            client_secret: Secret,
            password: Option<Secret>,
        }
        let request: Request = serde_json::from_str(
            r#"{"clientId":"app","clientSecret":"cs-\u0041-value","password":null}"#,
        )
        .unwrap();
        assert_eq!(request.client_secret.expose(), "cs-A-value");
        assert!(request.password.is_none());
        assert!(!format!("{request:?}").contains("cs-A-value"));
        let with_password: Request =
            serde_json::from_str(r#"{"clientId":"a","clientSecret":"s","password":"pw-1"}"#)
                .unwrap();
        assert_eq!(with_password.password.unwrap().expose(), "pw-1");
        assert!(serde_json::from_str::<Request>(r#"{"clientId":"a","clientSecret":7}"#).is_err());
    }

    /// A secret cannot be serialized by accident: `Secret` has no `Serialize`, so a reply or a file holding
    /// one does not compile. Checked here the way the compiler sees it.
    #[test]
    fn a_secret_cannot_be_serialized() {
        trait MaybeSerialize {
            fn serializable(&self) -> bool {
                false
            }
        }
        impl<T: ?Sized> MaybeSerialize for T {}
        struct Probe<T>(std::marker::PhantomData<T>);
        impl<T: serde::Serialize> Probe<T> {
            #[allow(dead_code)]
            fn serializable(&self) -> bool {
                true
            }
        }
        assert!(Probe::<String>(std::marker::PhantomData).serializable());
        assert!(!Probe::<Secret>(std::marker::PhantomData).serializable());
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
