//! `--state FILE`: the world is loaded at start and written (atomically, coalesced) after every change and
//! at shutdown. The file holds the sandbox's own made-up credentials so that they survive restarts; it never
//! holds tokens, codes or refresh tokens (those are skipped and simply expire with the process).

use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;

use crate::error::Error;
use crate::shared::Shared;
use crate::state::World;

/// Reads the state file; `None` when it does not exist yet.
pub fn load(path: &Path) -> Result<Option<World>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::StateRead {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| Error::StateParse {
            path: path.to_owned(),
            source,
        })
}

/// Writes the state file atomically, so a crash never leaves half a file, readable by its owner only (0600 in a
/// 0700 folder): the world holds the secrets the sandbox made up.
pub fn save(path: &Path, world: &World) -> Result<(), Error> {
    let write_error = |source| Error::StateWrite {
        path: path.to_owned(),
        source,
    };
    let text =
        serde_json::to_vec_pretty(world).map_err(|e| write_error(std::io::Error::other(e)))?;
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        private_file::create_private_dir(folder).map_err(write_error)?;
    }
    private_file::write_private(path, &text).map_err(write_error)
}

/// Saves whenever the world is marked dirty, until stopped.
pub async fn saver(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let Some(path) = shared.config.state_file.clone() else {
        return;
    };
    loop {
        tokio::select! {
            _ = shared.dirty.notified() => {
                let world = shared.world().clone();
                let path = path.clone();
                let result = tokio::task::spawn_blocking(move || save(&path, &world)).await;
                if let Ok(Err(e)) = result {
                    tracing::error!("{e}");
                }
            }
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_a_file() {
        let dir =
            std::env::temp_dir().join(format!("sandbox-persist-{}", crate::tokens::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        assert!(load(&path).unwrap().is_none());
        let world = World::seeded(&crate::SandboxConfig::default());
        save(&path, &world).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.auth0.m2m_client_id, world.auth0.m2m_client_id);
        assert_eq!(
            loaded.azure.subscriptions.len(),
            2,
            "home and guest directory"
        );
        assert_eq!(
            loaded.azure.guest_directories[0].tenant_id,
            world.azure.guest_directories[0].tenant_id
        );
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(load(&path), Err(Error::StateParse { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The world holds the secrets the sandbox made up: its file and the folders made for it are the owner's.
    #[cfg(unix)]
    #[test]
    fn the_state_file_is_the_owners_only() {
        let dir =
            std::env::temp_dir().join(format!("sandbox-persist-{}", crate::tokens::random_hex(6)));
        let path = dir.join("sandbox").join("world.json");
        save(&path, &World::seeded(&crate::SandboxConfig::default())).unwrap();
        let modes = (
            private_file::mode_of(&path).unwrap(),
            private_file::mode_of(path.parent().unwrap()).unwrap(),
            private_file::mode_of(&dir).unwrap(),
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(modes, (0o600, 0o700, 0o700));
    }
}
