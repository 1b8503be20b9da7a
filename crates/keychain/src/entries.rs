//! The raw storage beneath [`crate::Keychain`]: named byte entries, one keychain item each. The system
//! implementation goes through the `keyring` crate; the in-memory one backs unit tests and the session-only mode,
//! and enforces the same per-entry size limit as Windows so that tests catch oversized writes.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::error::KeychainError;

/// The service name every keychain item of the app is filed under.
pub const SERVICE: &str = "com.auth0eventgridsetup.app";
/// The largest entry every platform accepts: Windows Credential Manager's `CRED_MAX_CREDENTIAL_BLOB_SIZE`.
pub const MAX_ENTRY_BYTES: usize = 2560;

/// Named byte entries. Calls may block (the OS keychain is synchronous): call them off the async runtime.
pub trait EntryStore: Send + Sync + 'static {
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, KeychainError>;
    fn write(&self, name: &str, value: &[u8]) -> Result<(), KeychainError>;
    /// Removing an entry that does not exist succeeds.
    fn remove(&self, name: &str) -> Result<(), KeychainError>;
}

/// The operating system's keychain, one item per entry under the app's service name.
#[derive(Debug, Default)]
pub struct SystemEntries;

impl SystemEntries {
    fn entry(name: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(SERVICE, name).map_err(platform_error)
    }
}

impl EntryStore for SystemEntries {
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, KeychainError> {
        match Self::entry(name)?.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(platform_error(error)),
        }
    }

    fn write(&self, name: &str, value: &[u8]) -> Result<(), KeychainError> {
        Self::entry(name)?.set_secret(value).map_err(platform_error)
    }

    fn remove(&self, name: &str) -> Result<(), KeychainError> {
        match Self::entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(platform_error(error)),
        }
    }
}

fn platform_error(error: keyring::Error) -> KeychainError {
    match error {
        keyring::Error::NoStorageAccess(detail) | keyring::Error::PlatformFailure(detail) => {
            KeychainError::Unavailable {
                detail: detail.to_string(),
            }
        }
        // The platform's store could not be opened at all (on Linux: no D-Bus session or no Secret Service).
        keyring::Error::NoDefaultStore => KeychainError::Unavailable {
            detail: match keyring::Entry::store_status() {
                Err(cause) => cause.to_string(),
                Ok(()) => keyring::Error::NoDefaultStore.to_string(),
            },
        },
        // The remaining errors describe names and lengths, never the stored value.
        other => KeychainError::Platform {
            detail: other.to_string(),
        },
    }
}

/// Entries kept in this process's memory only.
#[derive(Debug, Default)]
pub struct MemoryEntries {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryEntries {
    /// The names currently stored, for tests that check what was written.
    pub fn names(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave a half-written map: every operation is one insert or remove.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl EntryStore for MemoryEntries {
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, KeychainError> {
        Ok(self.lock().get(name).cloned())
    }

    fn write(&self, name: &str, value: &[u8]) -> Result<(), KeychainError> {
        if value.len() > MAX_ENTRY_BYTES {
            return Err(KeychainError::Platform {
                detail: format!(
                    "entry '{name}' is {} bytes, over the {MAX_ENTRY_BYTES}-byte limit",
                    value.len()
                ),
            });
        }
        self.lock().insert(name.to_owned(), value.to_vec());
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<(), KeychainError> {
        self.lock().remove(name);
        Ok(())
    }
}
