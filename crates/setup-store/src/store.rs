//! The store: one SQLite file, opened per call with a busy timeout so the window and the command line can
//! write at the same time. WAL journal (readers never wait for the writer), every write in an immediate
//! transaction (two writers queue on the busy timeout instead of failing half way), migrations numbered by
//! `PRAGMA user_version`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use setup_engine::{
    CheckId, CheckState, ErrorCode, HealthReport, Secret, SetupError, SetupInputs, setup_key,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::{CheckSince, CreatedResources, SavedSetup, SetupAccounts};

/// How long a call waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Health reports kept per setup; older ones are dropped as new ones come.
pub const HEALTH_HISTORY: u32 = 500;
const FILE_NAME: &str = "setups.db";

/// The schema, one step per version: step `n` (counting from 1) takes a store at `user_version` n-1 to n.
/// Steps are never edited once released; a change is a new step.
const MIGRATIONS: &[&str] = &[
    // 1: the setups and their health history.
    "CREATE TABLE setups (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE COLLATE NOCASE,
         setup_key TEXT NOT NULL UNIQUE,
         inputs TEXT NOT NULL,
         webhook_key_in_keychain INTEGER NOT NULL DEFAULT 0,
         accounts TEXT NOT NULL,
         created TEXT NOT NULL,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
     );
     CREATE TABLE health (
         id INTEGER PRIMARY KEY,
         setup_id INTEGER NOT NULL REFERENCES setups(id) ON DELETE CASCADE,
         checked_at TEXT NOT NULL,
         report TEXT NOT NULL
     );
     CREATE INDEX health_by_setup ON health(setup_id, id);",
    // 2: since when each check has been in its state ("failing since 10:42").
    "CREATE TABLE check_since (
         setup_id INTEGER NOT NULL REFERENCES setups(id) ON DELETE CASCADE,
         check_id TEXT NOT NULL,
         state TEXT NOT NULL,
         since TEXT NOT NULL,
         PRIMARY KEY (setup_id, check_id)
     );",
];

/// The version this build writes.
pub const STORE_VERSION: i64 = MIGRATIONS.len() as i64;

/// A setup to save: its inputs as typed (a webhook URL whole; the store keeps its query out), who it signs in
/// as, and what its runs created.
#[derive(Debug, Clone)]
pub struct NewSetup {
    /// `None`: the stream's name (made unique with " (2)", " (3)"...).
    pub name: Option<String>,
    pub inputs: SetupInputs,
    pub accounts: SetupAccounts,
    pub created: CreatedResources,
    /// The setup this one was saved as earlier (by the same wizard), to update even when its tenant, stream,
    /// subscription or resource group changed since — as long as no stream was created for it yet, so a person
    /// renaming the stream in step 2 does not leave a half setup named after the old one.
    pub replaces: Option<i64>,
}

/// What `save` did: the saved setup, and the webhook URL's query it kept out of the store, for the caller to
/// put in the keychain (`WebhookKeys::keep`).
#[derive(Debug)]
pub struct Saved {
    pub setup: SavedSetup,
    pub webhook_query: Option<setup_engine::Secret>,
}

/// What recording a health report changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthChange {
    /// The checks that are red now and were not in the previous report (what a notification names).
    pub turned_red: Vec<setup_engine::CheckId>,
    pub since: Vec<CheckSince>,
}

/// The opened store, and what the person must hear about it (a damaged file was moved aside).
#[derive(Debug)]
pub struct Opened {
    pub store: SetupStore,
    pub notice: Option<String>,
}

/// A handle on the store's file: cheap to clone, each call opens its own connection.
#[derive(Debug, Clone)]
pub struct SetupStore {
    path: PathBuf,
}

impl SetupStore {
    /// Opens (creating, migrating) the store at `path`. A file that is not a store is moved aside and a new
    /// one started (`Opened::notice` says where it went); one written by a newer version is refused, untouched.
    pub fn open(path: impl Into<PathBuf>) -> Result<Opened, SetupError> {
        let path = path.into();
        create_folder(&path)?;
        let notice = match inspect(&path)? {
            Inspection::Usable => None,
            Inspection::Damaged(why) => {
                let aside = move_aside(&path)?;
                Some(format!(
                    "The saved setups could not be read ({why}). The damaged file was moved to {} and a new, \
                     empty store was started.",
                    aside.display()
                ))
            }
        };
        create_file(&path)?;
        let store = Self { path };
        let mut connection = store.connect()?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| store.failed("set up", e))?;
        migrate(&mut connection).map_err(|e| store.failed("update", e))?;
        Ok(Opened { store, notice })
    }

    /// `$AUTH0_EVENTGRID_STORE`, else `setups.db` in the desktop app's folder (`sign_in::app_folder()`).
    pub fn default_path() -> Option<PathBuf> {
        match std::env::var_os("AUTH0_EVENTGRID_STORE") {
            Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
            _ => sign_in::app_folder().map(|folder| folder.join(FILE_NAME)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every saved setup, by name.
    pub fn list(&self) -> Result<Vec<SavedSetup>, SetupError> {
        let connection = self.connect()?;
        let ids = query_ids(
            &connection,
            "SELECT id FROM setups ORDER BY name COLLATE NOCASE, id",
            [],
        )
        .map_err(|e| self.failed("read", e))?;
        ids.into_iter()
            .filter_map(|id| read_setup(&connection, id).transpose())
            .collect::<Result<_, _>>()
            .map_err(|e| self.failed("read", e))
    }

    pub fn get(&self, id: i64) -> Result<Option<SavedSetup>, SetupError> {
        let connection = self.connect()?;
        read_setup(&connection, id).map_err(|e| self.failed("read", e))
    }

    /// By name, ignoring case.
    pub fn find(&self, name: &str) -> Result<Option<SavedSetup>, SetupError> {
        let connection = self.connect()?;
        let found = connection
            .query_row(
                "SELECT id FROM setups WHERE name = ?1 COLLATE NOCASE",
                [name.trim()],
                |row| row.get::<_, i64>(0),
            )
            .optional()
            .map_err(|e| self.failed("read", e))?;
        match found {
            Some(id) => read_setup(&connection, id).map_err(|e| self.failed("read", e)),
            None => Ok(None),
        }
    }

    /// Saves a setup: the one with the same tenant, stream, subscription and resource group is updated (its
    /// name kept unless a new one is given), else a new one is added.
    pub fn save(&self, setup: NewSetup) -> Result<Saved, SetupError> {
        let (inputs, webhook_query) = without_webhook_query(setup.inputs);
        let key = setup_key(&inputs);
        let wanted = setup
            .name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty());
        let now = now();
        let mut connection = self.connect()?;
        let id = write(&mut connection, |tx| {
            let existing = tx
                .query_row(
                    "SELECT id, name, created FROM setups WHERE setup_key = ?1",
                    [&key],
                    |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)),
                )
                .optional()?;
            let existing = match (existing, setup.replaces) {
                (None, Some(earlier)) => replaceable(tx, earlier, &key)?,
                (existing, _) => existing,
            };
            let inputs_json = to_json(&inputs)?;
            let accounts_json = to_json(&setup.accounts)?;
            let has_key = webhook_query.is_some();
            match existing {
                Some((id, name, created)) => {
                    let name = match &wanted {
                        Some(wanted) => unique_name(tx, wanted, Some(id))?,
                        // A name that was only the old stream's name follows the stream.
                        None if named_after_its_stream(tx, id, &name)? => {
                            unique_name(tx, &default_name(&inputs), Some(id))?
                        }
                        None => name,
                    };
                    let created = merge_created(from_json(&created)?, setup.created.clone());
                    tx.execute(
                        "UPDATE setups SET name = ?2, inputs = ?3, webhook_key_in_keychain = ?4, accounts = ?5, \
                         created = ?6, updated_at = ?7, setup_key = ?8 WHERE id = ?1",
                        params![id, name, inputs_json, has_key, accounts_json, to_json(&created)?, now, key],
                    )?;
                    Ok(id)
                }
                None => {
                    let base = wanted.clone().unwrap_or_else(|| default_name(&inputs));
                    let name = unique_name(tx, &base, None)?;
                    tx.execute(
                        "INSERT INTO setups (name, setup_key, inputs, webhook_key_in_keychain, accounts, created, \
                         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                        params![name, key, inputs_json, has_key, accounts_json, to_json(&setup.created)?, now],
                    )?;
                    Ok(tx.last_insert_rowid())
                }
            }
        })
        .map_err(|e| self.failed("save to", e))?;
        let setup = self.get(id)?.ok_or_else(|| self.missing(id))?;
        Ok(Saved {
            setup,
            webhook_query,
        })
    }

    /// Refuses an empty name or one another setup has (field `name`).
    pub fn rename(&self, id: i64, name: &str) -> Result<SavedSetup, SetupError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(SetupError::invalid("name", "give the setup a name"));
        }
        let mut connection = self.connect()?;
        let outcome = write(&mut connection, |tx| {
            if !exists(tx, id)? {
                return Ok(Renamed::Missing);
            }
            let taken = tx
                .query_row(
                    "SELECT name FROM setups WHERE name = ?1 COLLATE NOCASE AND id != ?2",
                    params![name, id],
                    |row| row.get::<_, String>(0),
                )
                .optional()?;
            if let Some(other) = taken {
                return Ok(Renamed::Taken(other));
            }
            tx.execute(
                "UPDATE setups SET name = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, name, now()],
            )?;
            Ok(Renamed::Done)
        })
        .map_err(|e| self.failed("save to", e))?;
        match outcome {
            Renamed::Missing => Err(self.missing(id)),
            Renamed::Taken(other) => Err(SetupError::invalid(
                "name",
                format!(
                    "another setup is already called \u{201c}{other}\u{201d}; choose another name"
                ),
            )),
            Renamed::Done => self.get(id)?.ok_or_else(|| self.missing(id)),
        }
    }

    /// Forgets a setup and its history (nothing in the clouds is touched). `false` when there was none.
    pub fn forget(&self, id: i64) -> Result<bool, SetupError> {
        let mut connection = self.connect()?;
        write(&mut connection, |tx| {
            tx.execute("DELETE FROM health WHERE setup_id = ?1", [id])?;
            tx.execute("DELETE FROM check_since WHERE setup_id = ?1", [id])?;
            Ok(tx.execute("DELETE FROM setups WHERE id = ?1", [id])? > 0)
        })
        .map_err(|e| self.failed("save to", e))
    }

    /// Records a health report (and the ids it found) as the setup's last, in its history.
    pub fn record_health(
        &self,
        id: i64,
        report: &HealthReport,
    ) -> Result<HealthChange, SetupError> {
        let report_json = to_json(report).map_err(|e| self.failed("save to", e))?;
        let mut connection = self.connect()?;
        let change = write(&mut connection, |tx| {
            let Some(created) = tx
                .query_row("SELECT created FROM setups WHERE id = ?1", [id], |row| {
                    row.get::<_, String>(0)
                })
                .optional()?
            else {
                return Ok(None);
            };
            let before = read_since(tx, id)?
                .into_iter()
                .map(|since| (since.id, since))
                .collect::<HashMap<_, _>>();
            let mut turned_red = Vec::new();
            let mut since = Vec::new();
            for check in &report.checks {
                let previous = before.get(&check.id);
                if check.state == CheckState::Red && previous.is_none_or(|p| p.state != CheckState::Red) {
                    turned_red.push(check.id);
                }
                let from = match previous {
                    Some(p) if p.state == check.state => p.since.clone(),
                    _ if check.read_at.is_empty() => report.checked_at.clone(),
                    _ => check.read_at.clone(),
                };
                since.push(CheckSince {
                    id: check.id,
                    state: check.state,
                    since: from,
                });
            }
            tx.execute("DELETE FROM check_since WHERE setup_id = ?1", [id])?;
            for entry in &since {
                tx.execute(
                    "INSERT INTO check_since (setup_id, check_id, state, since) VALUES (?1, ?2, ?3, ?4)",
                    params![id, enum_text(&entry.id)?, enum_text(&entry.state)?, entry.since],
                )?;
            }
            tx.execute(
                "INSERT INTO health (setup_id, checked_at, report) VALUES (?1, ?2, ?3)",
                params![id, report.checked_at, report_json],
            )?;
            tx.execute(
                "DELETE FROM health WHERE setup_id = ?1 AND id NOT IN \
                 (SELECT id FROM health WHERE setup_id = ?1 ORDER BY id DESC LIMIT ?2)",
                params![id, HEALTH_HISTORY],
            )?;
            let mut created: CreatedResources = from_json(&created)?;
            if report.stream_id.is_some() || report.partner_topic.is_some() {
                created.stream_id = report.stream_id.clone().or(created.stream_id);
                created.partner_topic = report.partner_topic.clone().or(created.partner_topic);
                tx.execute(
                    "UPDATE setups SET created = ?2 WHERE id = ?1",
                    params![id, to_json(&created)?],
                )?;
            }
            since.sort_by_key(|s| s.id);
            Ok(Some(HealthChange { turned_red, since }))
        })
        .map_err(|e| self.failed("save to", e))?;
        change.ok_or_else(|| self.missing(id))
    }

    fn connect(&self) -> Result<Connection, SetupError> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| self.failed("open", e))?;
        configure(&connection).map_err(|e| self.failed("open", e))?;
        Ok(connection)
    }

    fn failed(&self, doing: &str, error: rusqlite::Error) -> SetupError {
        store_error(&self.path, doing, &error)
    }

    fn missing(&self, id: i64) -> SetupError {
        SetupError::new(
            ErrorCode::ProgressFile,
            format!("No saved setup has the id {id}: it was forgotten meanwhile."),
            "Reload the list of saved setups.",
        )
    }
}

enum Renamed {
    Missing,
    Taken(String),
    Done,
}

enum Inspection {
    Usable,
    Damaged(String),
}

/// Whether the file at `path` can be used as it is, must be moved aside, or must be refused (a newer version).
///
/// Only SQLite opens the file: closing any other descriptor of it would drop the locks this process's other
/// connections hold on it (POSIX record locks belong to the process), and another process could then
/// checkpoint and remove the journal under them.
fn inspect(path: &Path) -> Result<Inspection, SetupError> {
    if !path.exists() {
        return Ok(Inspection::Usable);
    }
    let connection = match Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE) {
        Ok(connection) => connection,
        Err(e) if is_damage(&e) => return Ok(Inspection::Damaged(e.to_string())),
        Err(e) => return Err(store_error(path, "open", &e)),
    };
    if let Err(e) = connection.busy_timeout(BUSY_TIMEOUT) {
        return Err(store_error(path, "open", &e));
    }
    let version =
        match connection.pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0)) {
            Ok(version) => version,
            Err(e) if is_damage(&e) => return Ok(Inspection::Damaged(e.to_string())),
            Err(e) => return Err(store_error(path, "open", &e)),
        };
    if version > STORE_VERSION {
        return Err(SetupError::new(
            ErrorCode::ProgressFile,
            format!(
                "The saved setups in {} were written by a newer version of the app (store version {version}; \
                 this one reads up to {STORE_VERSION}). The file was left as it is.",
                path.display()
            ),
            "Update the app (and the auth0-eventgrid command line) to the newest version.",
        ));
    }
    let verdict = connection.query_row("PRAGMA quick_check", [], |row| row.get::<_, String>(0));
    match verdict {
        Ok(verdict) if verdict == "ok" => Ok(Inspection::Usable),
        Ok(verdict) => Ok(Inspection::Damaged(format!(
            "the integrity check found: {verdict}"
        ))),
        Err(e) if is_damage(&e) => Ok(Inspection::Damaged(e.to_string())),
        Err(e) => Err(store_error(path, "open", &e)),
    }
}

fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// Moves the damaged file (and its journal files) to `<name>.damaged-<UTC timestamp>`, returning where.
fn move_aside(path: &Path) -> Result<PathBuf, SetupError> {
    let stamp = OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".into());
    let mut aside = with_suffix(path, &format!(".damaged-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = with_suffix(path, &format!(".damaged-{stamp}-{n}"));
    }
    fs::rename(path, &aside).map_err(|e| io_error(path, "move aside", &e))?;
    for journal in ["-wal", "-shm"] {
        let from = with_suffix(path, journal);
        if from.exists() {
            let _ = fs::rename(&from, with_suffix(&aside, journal));
        }
    }
    Ok(aside)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The store's folder, readable by its owner only (0700).
fn create_folder(path: &Path) -> Result<(), SetupError> {
    let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) else {
        return Ok(());
    };
    private_file::create_private_dir(folder).map_err(|e| io_error(folder, "create the folder", &e))
}

/// The store's file, readable by its owner only (SQLite gives its journal files the same mode); an older one
/// created wider is narrowed.
fn create_file(path: &Path) -> Result<(), SetupError> {
    private_file::create_private_file(path).map_err(|e| io_error(path, "create", &e))
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.pragma_update(None, "synchronous", "NORMAL")
}

/// Brings the schema to `STORE_VERSION`, one step per version, in one transaction (a second process opening
/// at the same time waits, then finds nothing left to do).
pub(crate) fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    migrate_to(connection, MIGRATIONS.len())
}

pub(crate) fn migrate_to(connection: &mut Connection, version: usize) -> rusqlite::Result<()> {
    write(connection, |tx| {
        let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let current = usize::try_from(current).unwrap_or(0);
        for (step, sql) in MIGRATIONS.iter().enumerate().take(version).skip(current) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", step as i64 + 1)?;
        }
        Ok(())
    })
}

/// Runs `work` in an immediate transaction: the write lock is taken first, so a concurrent writer waits on the
/// busy timeout instead of failing when it upgrades from reading.
fn write<T>(
    connection: &mut Connection,
    work: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = work(&tx)?;
    tx.commit()?;
    Ok(value)
}

fn query_ids<P: rusqlite::Params>(
    connection: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<Vec<i64>> {
    let mut statement = connection.prepare(sql)?;
    let ids = statement.query_map(params, |row| row.get(0))?;
    ids.collect()
}

fn exists(connection: &Connection, id: i64) -> rusqlite::Result<bool> {
    connection
        .query_row("SELECT 1 FROM setups WHERE id = ?1", [id], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

fn read_setup(connection: &Connection, id: i64) -> rusqlite::Result<Option<SavedSetup>> {
    let row = connection
        .query_row(
            "SELECT name, inputs, webhook_key_in_keychain, accounts, created, created_at, updated_at \
             FROM setups WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, bool>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((name, inputs, webhook_key_in_keychain, accounts, created, created_at, updated_at)) =
        row
    else {
        return Ok(None);
    };
    let last_report = connection
        .query_row(
            "SELECT report FROM health WHERE setup_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |row| row.get::<_, String>(0),
        )
        .optional()?
        .map(|report| from_json::<HealthReport>(&report))
        .transpose()?;
    Ok(Some(SavedSetup {
        id,
        name,
        inputs: from_json(&inputs)?,
        webhook_key_in_keychain,
        accounts: from_json(&accounts)?,
        created: from_json(&created)?,
        created_at,
        updated_at,
        last_report,
        since: read_since(connection, id)?,
    }))
}

fn read_since(connection: &Connection, id: i64) -> rusqlite::Result<Vec<CheckSince>> {
    let mut statement =
        connection.prepare("SELECT check_id, state, since FROM check_since WHERE setup_id = ?1")?;
    let rows = statement.query_map([id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut since = Vec::new();
    for row in rows {
        let (check, state, at) = row?;
        // A check this version does not know (written by a newer one): skip it, the rest is still right.
        let (Ok(id), Ok(state)) = (
            from_text::<CheckId>(&check),
            from_text::<CheckState>(&state),
        ) else {
            continue;
        };
        since.push(CheckSince {
            id,
            state,
            since: at,
        });
    }
    since.sort_by_key(|s| s.id);
    Ok(since)
}

/// The stream's name, or a placeholder while it has none.
/// The setup `earlier` (id, name, created), when a save of another key may take it over: it exists, and no
/// stream was created for it yet.
fn replaceable(
    tx: &Transaction<'_>,
    earlier: i64,
    key: &str,
) -> rusqlite::Result<Option<(i64, String, String)>> {
    let found = tx
        .query_row(
            "SELECT id, name, created FROM setups WHERE id = ?1 AND setup_key != ?2",
            params![earlier, key],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    Ok(found.filter(|(_, _, created)| {
        serde_json::from_str::<CreatedResources>(created).is_ok_and(|c| c.stream_id.is_none())
    }))
}

/// Whether setup `id`'s name is its stream's name as saved (maybe made unique with " (2)"), not one the person
/// gave it.
fn named_after_its_stream(tx: &Transaction<'_>, id: i64, name: &str) -> rusqlite::Result<bool> {
    let inputs: String = tx.query_row("SELECT inputs FROM setups WHERE id = ?1", [id], |row| {
        row.get(0)
    })?;
    let Ok(inputs) = serde_json::from_str::<SetupInputs>(&inputs) else {
        return Ok(false);
    };
    let base = default_name(&inputs);
    Ok(name == base
        || name
            .strip_prefix(&base)
            .and_then(|rest| rest.strip_prefix(" ("))
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|n| n.parse::<u32>().is_ok()))
}

fn default_name(inputs: &SetupInputs) -> String {
    let name = inputs.stream_name.trim();
    if name.is_empty() {
        "Setup".to_owned()
    } else {
        name.to_owned()
    }
}

/// `base`, or `base (2)`, `base (3)`... whichever no other setup (than `except`) has, ignoring case.
fn unique_name(tx: &Transaction<'_>, base: &str, except: Option<i64>) -> rusqlite::Result<String> {
    let except = except.unwrap_or(-1);
    let taken = |name: &str| -> rusqlite::Result<bool> {
        tx.query_row(
            "SELECT 1 FROM setups WHERE name = ?1 COLLATE NOCASE AND id != ?2",
            params![name, except],
            |_| Ok(()),
        )
        .optional()
        .map(|found| found.is_some())
    };
    if !taken(base)? {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base} ({n})");
        if !taken(&candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// What a later run says it created, keeping what an earlier run or a check found and this run did not.
fn merge_created(old: CreatedResources, new: CreatedResources) -> CreatedResources {
    CreatedResources {
        completed: new.completed,
        stream_id: new.stream_id.or(old.stream_id),
        partner_topic: new.partner_topic.or(old.partner_topic),
        resource_group_created: new.resource_group_created || old.resource_group_created,
    }
}

/// The inputs with the webhook URL's query and fragment cut off, and the query (the part that often holds a
/// key), for the keychain.
pub(crate) fn without_webhook_query(mut inputs: SetupInputs) -> (SetupInputs, Option<Secret>) {
    let Some(url) = inputs.destination.webhook_url.take() else {
        return (inputs, None);
    };
    let (before_fragment, _fragment) = url.split_once('#').unwrap_or((&url, ""));
    let (base, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    inputs.destination.webhook_url = Some(base.to_owned());
    let query = (!query.is_empty()).then(|| Secret::new(query));
    (inputs, query)
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn to_json<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn from_json<T: DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A unit enum as its serde name (`log_stream`, `red`).
fn enum_text<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(other) => Ok(other.to_string()),
        Err(e) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
    }
}

fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
}

fn store_error(path: &Path, doing: &str, error: &rusqlite::Error) -> SetupError {
    let busy = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    let remedy = if busy {
        "Another program kept the saved setups busy for too long. Try again in a moment."
    } else {
        "Check that the folder is yours and the disk has room, then try again."
    };
    SetupError::new(
        ErrorCode::ProgressFile,
        format!(
            "Could not {doing} the saved setups in {}: {error}",
            path.display()
        ),
        remedy,
    )
}

fn io_error(path: &Path, doing: &str, error: &std::io::Error) -> SetupError {
    SetupError::new(
        ErrorCode::ProgressFile,
        format!("Could not {doing} {}: {error}", path.display()),
        "Check that the folder is yours and the disk has room, then try again.",
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use setup_engine::{Check, DestinationKind};
    use sign_in::Mode;

    use super::*;

    pub(crate) fn accounts() -> SetupAccounts {
        SetupAccounts {
            mode: Mode::Sandbox,
            auth0_domain: "acme.eu.auth0.com".into(),
            auth0_identity: "client-1".into(),
            auth0_audience: None,
            azure_tenant_id: "11111111-1111-1111-1111-111111111111".into(),
            azure_identity: "sp-1".into(),
            azure_cloud: setup_engine::AzureCloudKind::Custom,
            azure_authority_url: Some("http://127.0.0.1:1/entra".into()),
            azure_management_url: Some("http://127.0.0.1:1/arm".into()),
        }
    }

    fn inputs(stream: &str) -> SetupInputs {
        let mut inputs = SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            stream_name: stream.into(),
            subscription_id: "22222222-2222-2222-2222-222222222222".into(),
            resource_group: "auth0-logs".into(),
            ..SetupInputs::default()
        };
        inputs.destination.kind = DestinationKind::Webhook;
        inputs.destination.webhook_url = Some("https://example.com/hook".into());
        inputs
    }

    fn new_setup(stream: &str, name: Option<&str>) -> NewSetup {
        NewSetup {
            name: name.map(str::to_owned),
            inputs: inputs(stream),
            accounts: accounts(),
            created: CreatedResources::default(),
            replaces: None,
        }
    }

    #[test]
    fn a_stream_renamed_before_it_was_created_updates_the_wizards_setup_instead_of_adding_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = SetupStore::open(dir.path().join("setups.db"))
            .unwrap()
            .store;
        let first = store
            .save(new_setup("Azure Event Grid", None))
            .unwrap()
            .setup;
        assert_eq!(first.name, "Azure Event Grid");
        let renamed = store
            .save(NewSetup {
                replaces: Some(first.id),
                ..new_setup("Security logs", None)
            })
            .unwrap()
            .setup;
        assert_eq!(renamed.id, first.id, "the same setup, updated");
        assert_eq!(
            renamed.name, "Security logs",
            "a name that was the stream's follows it"
        );
        assert_eq!(renamed.inputs.stream_name, "Security logs");
        assert_eq!(store.list().unwrap().len(), 1);

        // A name the person chose stays; and once a stream exists, another stream is another setup.
        store.rename(first.id, "Production").unwrap();
        let mut created = new_setup("Security logs", None);
        created.created.stream_id = Some("lst_1".into());
        store.save(created).unwrap();
        let moved = store
            .save(NewSetup {
                replaces: Some(first.id),
                ..new_setup("Other stream", None)
            })
            .unwrap()
            .setup;
        assert_ne!(moved.id, first.id);
        assert_eq!(store.get(first.id).unwrap().unwrap().name, "Production");
        assert_eq!(store.list().unwrap().len(), 2);
    }

    fn report(at: &str, states: &[(CheckId, CheckState)]) -> HealthReport {
        let checks: Vec<Check> = states
            .iter()
            .map(|&(id, state)| Check {
                id,
                title: format!("{id:?}"),
                state,
                sentence: "found".into(),
                read_at: at.into(),
                fix: None,
                link: None,
            })
            .collect();
        HealthReport {
            overall: HealthReport::overall_of(&checks),
            checked_at: at.into(),
            checks,
            delivery: None,
            stream_id: None,
            partner_topic: None,
        }
    }

    fn open(dir: &tempfile::TempDir) -> SetupStore {
        let opened = SetupStore::open(dir.path().join("setups.db")).unwrap();
        assert_eq!(opened.notice, None);
        opened.store
    }

    #[test]
    fn a_saved_setup_reads_back_as_saved_and_saving_again_updates_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let mut setup = new_setup("auth0-logs", None);
        setup.created.stream_id = Some("lst_1".into());
        let saved = store.save(setup.clone()).unwrap().setup;
        assert_eq!(saved.name, "auth0-logs");
        assert_eq!(saved.inputs, setup.inputs);
        assert_eq!(saved.accounts, setup.accounts);
        assert_eq!(saved.created.stream_id.as_deref(), Some("lst_1"));
        assert_eq!(saved.last_report, None);
        assert_eq!(store.get(saved.id).unwrap(), Some(saved.clone()));
        assert_eq!(store.find("AUTH0-LOGS").unwrap(), Some(saved.clone()));
        assert_eq!(store.list().unwrap(), vec![saved.clone()]);

        // The same tenant, stream, subscription and group: the same setup, its name and found ids kept.
        let mut later = new_setup("auth0-logs", None);
        later.created.completed = vec![setup_engine::StepId::CreateStream];
        let again = store.save(later).unwrap().setup;
        assert_eq!(again.id, saved.id);
        assert_eq!(again.name, "auth0-logs");
        assert_eq!(again.created.stream_id.as_deref(), Some("lst_1"));
        assert_eq!(
            again.created.completed,
            vec![setup_engine::StepId::CreateStream]
        );
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn names_default_to_the_stream_and_are_made_unique() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let first = store.save(new_setup("logs", None)).unwrap().setup;
        let mut other_tenant = new_setup("logs", None);
        other_tenant.inputs.auth0_domain = "other.us.auth0.com".into();
        let second = store.save(other_tenant).unwrap().setup;
        let mut third_tenant = new_setup("x", Some("LOGS"));
        third_tenant.inputs.auth0_domain = "third.us.auth0.com".into();
        let third = store.save(third_tenant).unwrap().setup;
        assert_eq!(first.name, "logs");
        assert_eq!(second.name, "logs (2)");
        assert_eq!(third.name, "LOGS (3)");
        let names: Vec<_> = store.list().unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["logs", "logs (2)", "LOGS (3)"]);
    }

    #[test]
    fn rename_refuses_an_empty_or_taken_name_and_allows_a_change_of_case() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let prod = store.save(new_setup("prod", None)).unwrap().setup;
        let stage = store.save(new_setup("stage", None)).unwrap().setup;

        let empty = store.rename(prod.id, "  ").unwrap_err();
        assert_eq!(
            (empty.code, empty.field.as_deref()),
            (ErrorCode::InvalidInput, Some("name"))
        );
        let taken = store.rename(stage.id, "PROD").unwrap_err();
        assert_eq!(
            (taken.code, taken.field.as_deref()),
            (ErrorCode::InvalidInput, Some("name"))
        );
        assert!(taken.message.contains("prod"), "{}", taken.message);
        assert_eq!(store.get(stage.id).unwrap().unwrap().name, "stage");

        assert_eq!(store.rename(prod.id, " Prod ").unwrap().name, "Prod");
        assert_eq!(store.rename(stage.id, "Staging").unwrap().name, "Staging");
        assert_eq!(store.find("staging").unwrap().unwrap().id, stage.id);
        assert!(store.rename(999, "x").is_err());
    }

    #[test]
    fn forget_removes_the_setup_and_its_history_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let gone = store.save(new_setup("gone", None)).unwrap().setup;
        let kept = store.save(new_setup("kept", None)).unwrap().setup;
        let red = report(
            "2026-01-01T10:00:00Z",
            &[(CheckId::LogStream, CheckState::Red)],
        );
        store.record_health(gone.id, &red).unwrap();
        store.record_health(kept.id, &red).unwrap();

        assert!(store.forget(gone.id).unwrap());
        assert!(!store.forget(gone.id).unwrap());
        assert_eq!(store.get(gone.id).unwrap(), None);
        assert_eq!(store.list().unwrap().len(), 1);
        assert!(store.get(kept.id).unwrap().unwrap().last_report.is_some());
        let connection = store.connect().unwrap();
        let left: i64 = connection
            .query_row(
                "SELECT count(*) FROM health WHERE setup_id = ?1",
                [gone.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        assert!(store.record_health(gone.id, &red).is_err());
    }

    #[test]
    fn since_keeps_its_time_while_the_state_stays_and_turned_red_names_new_reds_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let id = store.save(new_setup("s", None)).unwrap().setup.id;
        use CheckId::{LogStream, PartnerTopic};
        use CheckState::{Amber, Green, Red};

        let first = store
            .record_health(
                id,
                &report(
                    "2026-01-01T10:00:00Z",
                    &[(LogStream, Green), (PartnerTopic, Red)],
                ),
            )
            .unwrap();
        assert_eq!(first.turned_red, vec![PartnerTopic]);
        let second = store
            .record_health(
                id,
                &report(
                    "2026-01-01T10:15:00Z",
                    &[(LogStream, Red), (PartnerTopic, Red)],
                ),
            )
            .unwrap();
        assert_eq!(second.turned_red, vec![LogStream]);
        assert_eq!(
            second.since,
            vec![
                CheckSince {
                    id: LogStream,
                    state: Red,
                    since: "2026-01-01T10:15:00Z".into()
                },
                CheckSince {
                    id: PartnerTopic,
                    state: Red,
                    since: "2026-01-01T10:00:00Z".into()
                },
            ]
        );
        let third = store
            .record_health(
                id,
                &report(
                    "2026-01-01T10:30:00Z",
                    &[(LogStream, Red), (PartnerTopic, Amber)],
                ),
            )
            .unwrap();
        assert!(third.turned_red.is_empty());
        assert_eq!(third.since[0].since, "2026-01-01T10:15:00Z");
        assert_eq!(
            third.since[1],
            CheckSince {
                id: PartnerTopic,
                state: Amber,
                since: "2026-01-01T10:30:00Z".into()
            }
        );

        let saved = store.get(id).unwrap().unwrap();
        assert_eq!(saved.since, third.since);
        assert_eq!(
            saved.last_report.unwrap().checked_at,
            "2026-01-01T10:30:00Z"
        );
    }

    #[test]
    fn a_report_s_ids_are_remembered_and_the_history_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let id = store.save(new_setup("s", None)).unwrap().setup.id;
        let mut found = report(
            "2026-01-01T10:00:00Z",
            &[(CheckId::LogStream, CheckState::Green)],
        );
        found.stream_id = Some("lst_9".into());
        found.partner_topic = Some("auth0-topic".into());
        store.record_health(id, &found).unwrap();
        let created = store.get(id).unwrap().unwrap().created;
        assert_eq!(created.stream_id.as_deref(), Some("lst_9"));
        assert_eq!(created.partner_topic.as_deref(), Some("auth0-topic"));

        // A report that found nothing keeps what an earlier one found.
        let plain = report(
            "2026-01-01T10:01:00Z",
            &[(CheckId::LogStream, CheckState::Green)],
        );
        for _ in 0..HEALTH_HISTORY + 3 {
            store.record_health(id, &plain).unwrap();
        }
        assert_eq!(store.get(id).unwrap().unwrap().created, created);
        let connection = store.connect().unwrap();
        let kept: u32 = connection
            .query_row(
                "SELECT count(*) FROM health WHERE setup_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, HEALTH_HISTORY);
    }

    #[test]
    fn the_webhook_query_never_reaches_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let mut setup = new_setup("hook", None);
        setup.inputs.destination.webhook_url =
            Some("https://fn.example.net/api/auth0?code=secret-abc123&x=1#frag".into());
        let saved = store.save(setup).unwrap();
        assert_eq!(
            saved.setup.inputs.destination.webhook_url.as_deref(),
            Some("https://fn.example.net/api/auth0")
        );
        assert!(saved.setup.webhook_key_in_keychain);
        assert_eq!(
            saved.webhook_query.as_ref().map(Secret::expose),
            Some("code=secret-abc123&x=1")
        );

        // Checkpoint the WAL into the main file, then look at every byte of every file of the store.
        store
            .connect()
            .unwrap()
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        for entry in fs::read_dir(dir.path()).unwrap() {
            let bytes = fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("secret-abc123"), "the key reached the store");
            assert!(!text.contains("code="), "the query reached the store");
        }

        let plain = store.save(new_setup("plain", None)).unwrap();
        assert!(plain.webhook_query.is_none());
        assert!(!plain.setup.webhook_key_in_keychain);
    }

    #[test]
    fn an_older_store_is_migrated_keeping_its_setups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setups.db");
        {
            let mut connection = Connection::open(&path).unwrap();
            migrate_to(&mut connection, 1).unwrap();
            connection
                .execute(
                    "INSERT INTO setups (name, setup_key, inputs, accounts, created, created_at, updated_at) \
                     VALUES ('old', 'k', ?1, ?2, ?3, 't', 't')",
                    params![
                        to_json(&inputs("old")).unwrap(),
                        to_json(&accounts()).unwrap(),
                        to_json(&CreatedResources::default()).unwrap()
                    ],
                )
                .unwrap();
            let version: i64 = connection
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(version, 1);
        }
        let store = open(&dir);
        let connection = store.connect().unwrap();
        let version: i64 = connection
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, STORE_VERSION);
        let old = store.find("old").unwrap().unwrap();
        let change = store
            .record_health(
                old.id,
                &report(
                    "2026-01-01T10:00:00Z",
                    &[(CheckId::Delivery, CheckState::Amber)],
                ),
            )
            .unwrap();
        assert_eq!(change.since.len(), 1);
        // Opening again finds nothing to do.
        drop(connection);
        assert_eq!(open(&dir).list().unwrap().len(), 1);
    }

    #[test]
    fn a_damaged_file_is_moved_aside_and_a_new_store_started() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setups.db");
        fs::write(
            &path,
            b"this is not a database, it only sits where one should",
        )
        .unwrap();
        let opened = SetupStore::open(&path).unwrap();
        let notice = opened.notice.expect("a notice");
        let aside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("setups.db.damaged-"))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert!(notice.contains(&aside[0]), "{notice}");
        assert_eq!(
            fs::read(dir.path().join(&aside[0])).unwrap(),
            b"this is not a database, it only sits where one should"
        );
        assert!(opened.store.list().unwrap().is_empty());
        opened.store.save(new_setup("fresh", None)).unwrap();
    }

    #[test]
    fn a_store_whose_pages_are_damaged_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setups.db");
        {
            let store = open(&dir);
            for n in 0..50 {
                store.save(new_setup(&format!("s{n}"), None)).unwrap();
            }
            store
                .connect()
                .unwrap()
                .pragma_update(None, "wal_checkpoint", "TRUNCATE")
                .unwrap();
        }
        // Keep the header (page 1's first 100 bytes), scribble over the rest.
        let mut bytes = fs::read(&path).unwrap();
        assert!(bytes.len() > 4096 * 2);
        for byte in &mut bytes[100..] {
            *byte = 0x5a;
        }
        fs::write(&path, &bytes).unwrap();
        let opened = SetupStore::open(&path).unwrap();
        assert!(opened.notice.is_some());
        assert!(opened.store.list().unwrap().is_empty());
    }

    #[test]
    fn a_store_of_a_newer_version_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setups.db");
        {
            let connection = Connection::open(&path).unwrap();
            connection
                .execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let before = fs::read(&path).unwrap();
        let error = SetupStore::open(&path).unwrap_err();
        assert!(error.message.contains("99"), "{}", error.message);
        assert_eq!(fs::read(&path).unwrap(), before);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("setups.db")]);
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_and_the_file_are_the_owner_s_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app").join("setups.db");
        let store = SetupStore::open(&path).unwrap().store;
        // The journal lives while a connection is open (the last one to close removes it).
        let open_connection = store.connect().unwrap();
        store.save(new_setup("s", None)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&with_suffix(&path, "-wal")), 0o600);
        drop(open_connection);
    }

    /// A store with one setup and one health report, and its file's bytes.
    fn full_store(dir: &tempfile::TempDir) -> (SetupStore, i64) {
        let store = open(dir);
        let saved = store.save(new_setup("Security logs", None)).unwrap().setup;
        let green = report(
            "2026-12-05T07:00:00Z",
            &[(CheckId::LogStream, CheckState::Green)],
        );
        store.record_health(saved.id, &green).unwrap();
        (store, saved.id)
    }

    /// Every read the window and the command line make of a store.
    fn read_everything(store: &SetupStore, id: i64) {
        let _ = store.list();
        let _ = store.get(id);
        let _ = store.find("Security logs");
    }

    fn row_keys() -> &'static [&'static str] {
        json_fuzz::keys_of(&[
            serde_json::to_value(inputs("s")).unwrap(),
            serde_json::to_value(accounts()).unwrap(),
            serde_json::to_value(report("t", &[(CheckId::LogStream, CheckState::Red)])).unwrap(),
        ])
    }

    proptest::proptest! {
        // Each case makes a database.
        #![proptest_config(json_fuzz::config(24))]

        #[test]
        fn fuzz_a_damaged_store_file_is_moved_aside_or_refused_never_a_panic(
            garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
            flips in proptest::collection::vec(
                (proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..12),
            whole_garbage in proptest::prelude::any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let (store, id) = full_store(&dir);
            let path = store.path().to_owned();
            drop(store);
            let mut bytes = fs::read(&path).unwrap();
            if whole_garbage {
                bytes = garbage;
            } else {
                for (at, byte) in flips {
                    let len = bytes.len();
                    bytes[at % len] = byte;
                }
            }
            fs::write(&path, &bytes).unwrap();
            let _ = fs::remove_file(path.with_extension("db-wal"));
            if let Ok(opened) = SetupStore::open(&path) {
                read_everything(&opened.store, id);
                // Whatever was read, the store still takes a new setup or says why.
                let _ = opened.store.save(new_setup("After the damage", None));
            }
        }

        #[test]
        fn fuzz_unreadable_rows_are_errors_never_a_panic(
            column in proptest::sample::select(&["inputs", "accounts", "created", "report"][..]),
            value in json_fuzz::json(row_keys(), 4),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let (store, id) = full_store(&dir);
            let connection = store.connect().unwrap();
            let table = if column == "report" { "health" } else { "setups" };
            connection
                .execute(&format!("UPDATE {table} SET {column} = ?1"), [value.to_string()])
                .unwrap();
            drop(connection);
            read_everything(&store, id);
            let _ = store.record_health(id, &report("2026-12-05T08:00:00Z", &[]));
        }
    }
}
