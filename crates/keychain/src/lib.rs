//! Credentials that must outlive the process (refresh tokens, client secrets, private keys) live in the operating
//! system's keychain: Keychain on macOS, Credential Manager on Windows, the Secret Service on Linux. Access tokens
//! never come here; they stay in memory.
//!
//! Values larger than one keychain entry may hold are split across several entries and checked with a digest when
//! read back; every entry an account writes is listed in that account's index, so signing out removes them all.
//! When no keychain is reachable, [`Keychain::open_system`] says so with a remedy and keeps credentials in memory
//! for the session: there is deliberately no plain-file fallback.

mod entries;
mod error;
mod keychain;

pub use cloud_http::Secret;
pub use entries::{EntryStore, MemoryEntries, SystemEntries};
pub use entries::{MAX_ENTRY_BYTES, SERVICE};
pub use error::KeychainError;
pub use keychain::{Keychain, MAX_SECRET_BYTES, Persistence};
