//! What can go wrong with the keychain, each with the remedy a user can act on. No variant carries a secret.

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain service answered (typically a Linux session without a running, unlocked Secret Service).
    #[error("the system keychain is not available: {detail}")]
    Unavailable { detail: String },
    /// The value is larger than the app will spread across keychain entries.
    #[error(
        "the value for '{key}' is {size} bytes; the keychain holds at most {max} bytes per value"
    )]
    TooLarge {
        key: String,
        size: usize,
        max: usize,
    },
    /// Parts of a split value are missing or do not match their digest.
    #[error("the stored value for '{key}' is damaged ({reason})")]
    Corrupt { key: String, reason: String },
    /// The keychain answered with an error of its own.
    #[error("the system keychain refused the request: {detail}")]
    Platform { detail: String },
}

impl KeychainError {
    /// A stable code for the UI and the CLI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable { .. } => "KeychainUnavailable",
            Self::TooLarge { .. } => "KeychainValueTooLarge",
            Self::Corrupt { .. } => "KeychainValueCorrupt",
            Self::Platform { .. } => "KeychainError",
        }
    }

    /// What the user can do about it, in plain words.
    pub fn remedy(&self) -> &'static str {
        match self {
            Self::Unavailable { .. } => {
                "Start and unlock your desktop keyring (GNOME Keyring or KWallet on Linux), then restart the app. \
                 Until then you stay signed in for this session only; nothing is written to disk."
            }
            Self::TooLarge { .. } => {
                "Use a shorter value: for a private key, keep the key file on disk and let the app remember its path."
            }
            Self::Corrupt { .. } => {
                "Sign out and sign in again; the app will store the credential afresh."
            }
            Self::Platform { .. } => {
                "Check that your keychain is unlocked and that this app may use it, then try again."
            }
        }
    }
}
