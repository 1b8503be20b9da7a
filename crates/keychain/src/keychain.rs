//! Secrets by account and key, spread over keychain entries when one entry is too small, with an index per account
//! so that signing out can remove everything the app wrote.

use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use sha2::{Digest, Sha256};

use crate::Secret;
use crate::entries::{EntryStore, MAX_ENTRY_BYTES, MemoryEntries, SystemEntries};
use crate::error::KeychainError;

/// The most a single value may occupy once split: 16 entries, room for any refresh token or PEM private key.
pub const MAX_SECRET_BYTES: usize = MAX_CHUNKS * MAX_ENTRY_BYTES;

const MAX_CHUNKS: usize = 16;
/// First byte of a manifest entry. Values are UTF-8, whose encoding never starts with 0xFF, so a stored value
/// can never be mistaken for a manifest.
const MANIFEST_MARK: u8 = 0xFF;
const INDEX_KEY: &str = ".index";

/// Whether what the keychain is given outlives the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persistence {
    /// Stored in the operating system's keychain.
    Keychain,
    /// Kept in memory for this session only, because no keychain was reachable.
    SessionOnly { reason: String, remedy: String },
}

/// The app's credential store. Cheap to clone; every call runs off the async runtime.
#[derive(Clone)]
pub struct Keychain {
    /// The store and whether it persists; for the system keychain, settled by the first call that needs it
    /// (or by [`Keychain::settle`]), so asking the keychain whether it answers never delays a window.
    backend: Arc<OnceCell<Backend>>,
    // Index updates are read-modify-write: one at a time within the process.
    writes: Arc<Mutex<()>>,
}

struct Backend {
    store: Arc<dyn EntryStore>,
    persistence: Persistence,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain")
            .field("persistence", &self.backend.get().map(|b| &b.persistence))
            .finish_non_exhaustive()
    }
}

impl Keychain {
    /// A keychain over any entry store (tests pass [`MemoryEntries`]).
    pub fn with_store(store: Arc<dyn EntryStore>, persistence: Persistence) -> Self {
        Self {
            backend: Arc::new(OnceCell::new_with(Some(Backend { store, persistence }))),
            writes: Arc::default(),
        }
    }

    /// The operating system's keychain if it answers; otherwise an in-memory store for this session, with the
    /// reason and the remedy in [`Keychain::persistence`].
    pub async fn open_system() -> Self {
        let keychain = Self::system();
        keychain.settle().await;
        keychain
    }

    /// As [`Keychain::open_system`], without waiting: whether the system keychain answers is asked by the first
    /// call that needs the store. Every call waits for that one answer; none asks twice.
    pub fn system() -> Self {
        Self {
            backend: Arc::new(OnceCell::new()),
            writes: Arc::default(),
        }
    }

    /// Asks the system keychain whether it answers, if nobody has yet (a window calls this in the background
    /// at start, so the first sign-in does not wait for it).
    pub async fn settle(&self) {
        self.backend().await;
    }

    async fn backend(&self) -> &Backend {
        self.backend.get_or_init(probe_system).await
    }

    /// An in-memory store, used when the system keychain failed with `failure`.
    pub fn session_only(failure: &KeychainError) -> Self {
        Self::with_store(Arc::new(MemoryEntries::default()), session_only(failure))
    }

    /// Whether what this keychain is given outlives the process (asking the system keychain if not yet asked).
    pub async fn persistence(&self) -> &Persistence {
        &self.backend().await.persistence
    }

    /// Stores `secret` for `account` under `key`, replacing any earlier value.
    pub async fn save(
        &self,
        account: &str,
        key: &str,
        secret: &Secret,
    ) -> Result<(), KeychainError> {
        check_names(account, key)?;
        let (account, key, secret) = (account.to_owned(), key.to_owned(), secret.clone());
        self.blocking(move |store| save(store, &account, &key, secret.expose().as_bytes()))
            .await
    }

    pub async fn load(&self, account: &str, key: &str) -> Result<Option<Secret>, KeychainError> {
        check_names(account, key)?;
        let (account, key) = (account.to_owned(), key.to_owned());
        self.blocking(move |store| load(store, &account, &key))
            .await
    }

    /// Removes one value; removing a value that is not there succeeds.
    pub async fn delete(&self, account: &str, key: &str) -> Result<(), KeychainError> {
        check_names(account, key)?;
        let (account, key) = (account.to_owned(), key.to_owned());
        self.blocking(move |store| {
            remove_value(store, &account, &key)?;
            let mut index = read_index(store, &account)?;
            index.retain(|listed| listed != &key);
            write_index(store, &account, &index)
        })
        .await
    }

    /// Removes every value the app stored for `account`, and the account's index.
    pub async fn sign_out(&self, account: &str) -> Result<(), KeychainError> {
        check_account(account)?;
        let account = account.to_owned();
        self.blocking(move |store| {
            for key in read_index(store, &account)? {
                remove_value(store, &account, &key)?;
            }
            store.remove(&entry_name(&account, INDEX_KEY))
        })
        .await
    }

    async fn blocking<T, F>(&self, work: F) -> Result<T, KeychainError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn EntryStore) -> Result<T, KeychainError> + Send + 'static,
    {
        let store = Arc::clone(&self.backend().await.store);
        let writes = Arc::clone(&self.writes);
        tokio::task::spawn_blocking(move || {
            let _one_at_a_time = writes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(store.as_ref())
        })
        .await
        .map_err(|join| KeychainError::Platform {
            detail: join.to_string(),
        })?
    }
}

/// The system keychain if reading one entry from it works; otherwise an in-memory store that says why.
async fn probe_system() -> Backend {
    let probe =
        tokio::task::spawn_blocking(|| SystemEntries.read(&entry_name("app", INDEX_KEY))).await;
    let failure = match probe {
        Ok(Ok(_)) => {
            return Backend {
                store: Arc::new(SystemEntries),
                persistence: Persistence::Keychain,
            };
        }
        Ok(Err(error)) => error,
        Err(join) => KeychainError::Unavailable {
            detail: join.to_string(),
        },
    };
    tracing::warn!(
        code = failure.code(),
        "no system keychain, credentials are kept for this session only"
    );
    Backend {
        store: Arc::new(MemoryEntries::default()),
        persistence: session_only(&failure),
    }
}

fn session_only(failure: &KeychainError) -> Persistence {
    Persistence::SessionOnly {
        reason: failure.to_string(),
        remedy: failure.remedy().to_owned(),
    }
}

fn check_account(account: &str) -> Result<(), KeychainError> {
    if account.trim().is_empty() {
        return Err(KeychainError::Platform {
            detail: "invalid entry name: the account must not be empty".into(),
        });
    }
    Ok(())
}

fn check_names(account: &str, key: &str) -> Result<(), KeychainError> {
    check_account(account)?;
    let key_ok = !key.is_empty()
        && !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if !key_ok {
        return Err(KeychainError::Platform {
            detail: format!(
                "invalid key '{key}': use letters, digits, '_', '-' and '.', not starting with '.'"
            ),
        });
    }
    Ok(())
}

/// Keys never contain '/', so `account/key` names one value unambiguously even when accounts contain '/'.
fn entry_name(account: &str, key: &str) -> String {
    format!("{account}/{key}")
}

fn chunk_name(account: &str, key: &str, generation: u8, part: usize) -> String {
    format!("{account}/{key}#{generation}.{part}")
}

/// Where the parts of a split value are, and what they must hash to.
struct Manifest {
    generation: u8,
    parts: usize,
    sha256: String,
}

impl Manifest {
    fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![MANIFEST_MARK];
        bytes.extend_from_slice(
            format!("v1;{};{};{}", self.generation, self.parts, self.sha256).as_bytes(),
        );
        bytes
    }

    fn decode(key: &str, bytes: &[u8]) -> Result<Option<Self>, KeychainError> {
        let Some((&MANIFEST_MARK, rest)) = bytes.split_first() else {
            return Ok(None);
        };
        let corrupt = || KeychainError::Corrupt {
            key: key.to_owned(),
            reason: "unreadable manifest".into(),
        };
        let text = std::str::from_utf8(rest).map_err(|_| corrupt())?;
        let fields: Vec<&str> = text.split(';').collect();
        let ["v1", generation, parts, sha256] = fields.as_slice() else {
            return Err(corrupt());
        };
        let generation = generation.parse().map_err(|_| corrupt())?;
        let parts = parts.parse().map_err(|_| corrupt())?;
        if generation > 1 || parts > MAX_CHUNKS {
            return Err(corrupt());
        }
        Ok(Some(Self {
            generation,
            parts,
            sha256: (*sha256).to_owned(),
        }))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn save(
    store: &dyn EntryStore,
    account: &str,
    key: &str,
    value: &[u8],
) -> Result<(), KeychainError> {
    if value.len() > MAX_SECRET_BYTES {
        return Err(KeychainError::TooLarge {
            key: key.to_owned(),
            size: value.len(),
            max: MAX_SECRET_BYTES,
        });
    }
    let name = entry_name(account, key);
    let previous = match store.read(&name)? {
        Some(bytes) => Manifest::decode(key, &bytes).unwrap_or(None),
        None => None,
    };
    if value.len() <= MAX_ENTRY_BYTES {
        store.write(&name, value)?;
    } else {
        // Parts go to the generation the current manifest does not use, and the manifest is switched last: a
        // crash midway leaves the previous value readable.
        let generation = previous
            .as_ref()
            .map_or(0, |manifest| 1 - manifest.generation);
        let parts: Vec<&[u8]> = value.chunks(MAX_ENTRY_BYTES).collect();
        for (index, part) in parts.iter().enumerate() {
            store.write(&chunk_name(account, key, generation, index + 1), part)?;
        }
        let manifest = Manifest {
            generation,
            parts: parts.len(),
            sha256: sha256_hex(value),
        };
        store.write(&name, &manifest.encode())?;
    }
    // The new value is either a single entry or parts in the other generation: the previous parts are unused.
    if let Some(previous) = previous {
        remove_parts(store, account, key, previous.generation)?;
    }
    let mut index = read_index(store, account)?;
    if !index.iter().any(|listed| listed == key) {
        index.push(key.to_owned());
        write_index(store, account, &index)?;
    }
    Ok(())
}

fn load(store: &dyn EntryStore, account: &str, key: &str) -> Result<Option<Secret>, KeychainError> {
    let Some(bytes) = store.read(&entry_name(account, key))? else {
        return Ok(None);
    };
    let value = match Manifest::decode(key, &bytes)? {
        None => bytes,
        Some(manifest) => {
            let mut value = Vec::with_capacity(manifest.parts * MAX_ENTRY_BYTES);
            for part in 1..=manifest.parts {
                let chunk = store
                    .read(&chunk_name(account, key, manifest.generation, part))?
                    .ok_or_else(|| KeychainError::Corrupt {
                        key: key.to_owned(),
                        reason: format!("part {part} is missing"),
                    })?;
                value.extend_from_slice(&chunk);
            }
            if sha256_hex(&value) != manifest.sha256 {
                return Err(KeychainError::Corrupt {
                    key: key.to_owned(),
                    reason: "digest mismatch".into(),
                });
            }
            value
        }
    };
    let text = String::from_utf8(value).map_err(|_| KeychainError::Corrupt {
        key: key.to_owned(),
        reason: "not UTF-8".into(),
    })?;
    Ok(Some(Secret::new(text)))
}

/// Removes a value and every part it may have in either generation, including parts a crash left behind.
fn remove_value(store: &dyn EntryStore, account: &str, key: &str) -> Result<(), KeychainError> {
    store.remove(&entry_name(account, key))?;
    remove_parts(store, account, key, 0)?;
    remove_parts(store, account, key, 1)
}

fn remove_parts(
    store: &dyn EntryStore,
    account: &str,
    key: &str,
    generation: u8,
) -> Result<(), KeychainError> {
    for part in 1..=MAX_CHUNKS {
        store.remove(&chunk_name(account, key, generation, part))?;
    }
    Ok(())
}

fn read_index(store: &dyn EntryStore, account: &str) -> Result<Vec<String>, KeychainError> {
    let Some(bytes) = store.read(&entry_name(account, INDEX_KEY))? else {
        return Ok(Vec::new());
    };
    // A damaged index must not block signing out: fall back to an empty list rather than failing.
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

fn write_index(
    store: &dyn EntryStore,
    account: &str,
    keys: &[String],
) -> Result<(), KeychainError> {
    let bytes = serde_json::to_vec(keys).map_err(|error| KeychainError::Platform {
        detail: error.to_string(),
    })?;
    store.write(&entry_name(account, INDEX_KEY), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> (Arc<MemoryEntries>, Keychain) {
        let entries = Arc::new(MemoryEntries::default());
        let keychain = Keychain::with_store(entries.clone(), Persistence::Keychain);
        (entries, keychain)
    }

    fn value_of(len: usize) -> Secret {
        Secret::new("0123456789abcdef".repeat(len / 16 + 1)[..len].to_owned())
    }

    /// Exactly `len` bytes, mostly two-byte characters, so that parts split inside a character.
    fn utf8_value_of_bytes(len: usize) -> Secret {
        let mut text = String::new();
        while text.len() + 2 <= len {
            text.push('é');
        }
        while text.len() < len {
            text.push('x');
        }
        assert_eq!(text.len(), len);
        Secret::new(text)
    }

    #[tokio::test]
    async fn round_trips_a_small_value_in_one_entry() {
        let (entries, keychain) = memory();
        keychain
            .save("azure/tenant-a", "refresh_token", &Secret::new("rt-1"))
            .await
            .unwrap();
        assert_eq!(
            keychain
                .load("azure/tenant-a", "refresh_token")
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "rt-1"
        );
        assert_eq!(
            entries.names(),
            ["azure/tenant-a/.index", "azure/tenant-a/refresh_token"]
        );
    }

    #[tokio::test]
    async fn a_value_of_exactly_one_entry_is_not_split() {
        let (entries, keychain) = memory();
        let secret = utf8_value_of_bytes(MAX_ENTRY_BYTES);
        keychain.save("acct", "key", &secret).await.unwrap();
        assert_eq!(entries.names(), ["acct/.index", "acct/key"]);
        assert_eq!(keychain.load("acct", "key").await.unwrap().unwrap(), secret);
    }

    #[tokio::test]
    async fn one_byte_more_is_split_into_parts_that_each_fit() {
        let (entries, keychain) = memory();
        let secret = utf8_value_of_bytes(MAX_ENTRY_BYTES + 1);
        keychain.save("acct", "key", &secret).await.unwrap();
        assert_eq!(
            entries.names(),
            ["acct/.index", "acct/key", "acct/key#0.1", "acct/key#0.2"]
        );
        for name in entries.names() {
            assert!(
                entries.read(&name).unwrap().unwrap().len() <= MAX_ENTRY_BYTES,
                "{name}"
            );
        }
        assert_eq!(keychain.load("acct", "key").await.unwrap().unwrap(), secret);
    }

    #[tokio::test]
    async fn the_largest_value_fits_and_one_byte_more_is_refused_before_writing() {
        let (entries, keychain) = memory();
        let largest = utf8_value_of_bytes(MAX_SECRET_BYTES);
        keychain.save("acct", "key", &largest).await.unwrap();
        assert_eq!(
            keychain.load("acct", "key").await.unwrap().unwrap(),
            largest
        );
        let before = entries.names();
        let error = keychain
            .save("acct", "other", &utf8_value_of_bytes(MAX_SECRET_BYTES + 1))
            .await
            .unwrap_err();
        assert!(
            matches!(error, KeychainError::TooLarge { size, max, .. } if size == MAX_SECRET_BYTES + 1 && max == MAX_SECRET_BYTES)
        );
        assert_eq!(
            entries.names(),
            before,
            "nothing written for a refused value"
        );
    }

    #[tokio::test]
    async fn replacing_a_split_value_leaves_no_stale_parts() {
        let (entries, keychain) = memory();
        keychain
            .save("acct", "key", &value_of(3 * MAX_ENTRY_BYTES))
            .await
            .unwrap();
        keychain
            .save("acct", "key", &value_of(2 * MAX_ENTRY_BYTES + 5))
            .await
            .unwrap();
        assert_eq!(
            entries.names(),
            [
                "acct/.index",
                "acct/key",
                "acct/key#1.1",
                "acct/key#1.2",
                "acct/key#1.3"
            ]
        );
        keychain
            .save("acct", "key", &Secret::new("short"))
            .await
            .unwrap();
        assert_eq!(entries.names(), ["acct/.index", "acct/key"]);
        assert_eq!(
            keychain
                .load("acct", "key")
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "short"
        );
    }

    #[tokio::test]
    async fn a_crash_before_the_manifest_switch_keeps_the_previous_value() {
        let (entries, keychain) = memory();
        let first = value_of(2 * MAX_ENTRY_BYTES);
        keychain.save("acct", "key", &first).await.unwrap();
        // What a crash midway through saving a new value leaves: new parts in the other generation, old manifest.
        entries.write("acct/key#1.1", b"half-written").unwrap();
        assert_eq!(keychain.load("acct", "key").await.unwrap().unwrap(), first);
        keychain.sign_out("acct").await.unwrap();
        assert!(entries.names().is_empty(), "{:?}", entries.names());
    }

    #[tokio::test]
    async fn damaged_or_missing_parts_are_reported_not_returned() {
        let (entries, keychain) = memory();
        keychain
            .save("acct", "key", &value_of(2 * MAX_ENTRY_BYTES))
            .await
            .unwrap();
        entries.write("acct/key#0.2", b"tampered").unwrap();
        let error = keychain.load("acct", "key").await.unwrap_err();
        assert!(
            matches!(&error, KeychainError::Corrupt { reason, .. } if reason == "digest mismatch"),
            "{error}"
        );
        entries.remove("acct/key#0.2").unwrap();
        let error = keychain.load("acct", "key").await.unwrap_err();
        assert!(
            matches!(&error, KeychainError::Corrupt { reason, .. } if reason == "part 2 is missing"),
            "{error}"
        );
        assert_eq!(error.code(), "KeychainValueCorrupt");
    }

    #[tokio::test]
    async fn sign_out_removes_every_entry_of_that_account_only() {
        let (entries, keychain) = memory();
        keychain
            .save("auth0/tenant", "client_secret", &Secret::new("cs"))
            .await
            .unwrap();
        keychain
            .save(
                "auth0/tenant",
                "private_key",
                &value_of(4 * MAX_ENTRY_BYTES),
            )
            .await
            .unwrap();
        keychain
            .save("azure/tenant", "refresh_token", &Secret::new("rt"))
            .await
            .unwrap();
        keychain.sign_out("auth0/tenant").await.unwrap();
        assert_eq!(
            entries.names(),
            ["azure/tenant/.index", "azure/tenant/refresh_token"]
        );
        assert!(
            keychain
                .load("auth0/tenant", "client_secret")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn delete_removes_one_key_and_its_index_line() {
        let (entries, keychain) = memory();
        keychain.save("acct", "a", &Secret::new("1")).await.unwrap();
        keychain
            .save("acct", "b", &value_of(MAX_ENTRY_BYTES * 2))
            .await
            .unwrap();
        keychain.delete("acct", "b").await.unwrap();
        assert_eq!(entries.names(), ["acct/.index", "acct/a"]);
        assert_eq!(entries.read("acct/.index").unwrap().unwrap(), br#"["a"]"#);
    }

    #[tokio::test]
    async fn bad_names_are_refused() {
        let (_, keychain) = memory();
        for (account, key) in [
            ("", "k"),
            ("acct", ""),
            ("acct", ".index"),
            ("acct", "a/b"),
            ("acct", "a#1"),
        ] {
            assert!(
                keychain
                    .save(account, key, &Secret::new("v"))
                    .await
                    .is_err(),
                "{account:?} {key:?}"
            );
        }
    }

    #[tokio::test]
    async fn errors_never_print_the_value() {
        let error = KeychainError::TooLarge {
            key: "private_key".into(),
            size: 50_000,
            max: MAX_SECRET_BYTES,
        };
        assert_eq!(
            error.to_string(),
            "the value for 'private_key' is 50000 bytes; the keychain holds at most 40960 bytes per value"
        );
        let keychain = Keychain::session_only(&KeychainError::Unavailable {
            detail: "no dbus".into(),
        });
        assert!(
            matches!(keychain.persistence().await, Persistence::SessionOnly { remedy, .. } if remedy.contains("unlock"))
        );
    }
}
