//! Every file the app, the CLI and the sandbox write goes through here: created readable by its owner only
//! (mode 0600 on Unix) from the first byte, in a folder only its owner can enter (0700), and written atomically
//! (a temporary file beside the target, synced, then renamed over it), so a crash never leaves half a file and
//! no other user can read one meanwhile. On other systems the modes do not apply; the per-user folders the app
//! uses there are already private to the user.

use std::io::{self, Write};
use std::path::Path;

mod daily_log;

pub use daily_log::{DailyLog, Today};

/// Owner read and write.
pub const FILE_MODE: u32 = 0o600;
/// Owner read, write and enter.
pub const FOLDER_MODE: u32 = 0o700;
/// Owner read and write, everyone read: only for a file another program must read (Prometheus' textfile
/// collector runs as its own user), and that holds nothing private.
pub const READABLE_FILE_MODE: u32 = 0o644;

/// Creates `folder` and any missing parent, each created one with mode 0700, and narrows `folder` itself to
/// 0700 if it already existed wider (an app folder made by an older version). Parents that already exist are
/// left as they are: they are the user's.
pub fn create_private_dir(folder: &Path) -> io::Result<()> {
    if folder.as_os_str().is_empty() {
        // The working directory (a bare file name's parent): the user's.
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, FOLDER_MODE);
    builder.create(folder)?;
    #[cfg(unix)]
    narrow(folder, FOLDER_MODE)?;
    Ok(())
}

/// Writes `bytes` to `path` atomically, mode 0600. The folder must exist (create an app folder with
/// [`create_private_dir`]; a folder the user chose, such as an export's, is theirs and left as it is).
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, FILE_MODE)
}

/// Writes `bytes` to `path` atomically, mode 0644: for a file that another user's program reads and that holds
/// nothing private (the Prometheus metrics).
pub fn write_readable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, READABLE_FILE_MODE)
}

/// An empty file at `path` with mode 0600 unless one is there already, whose mode is then narrowed to 0600: for
/// a file another library fills in place (SQLite, which gives its journal files the same mode).
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            narrow(path, FILE_MODE)?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let folder = path
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden, so a collector that reads a folder's `*.prom` never picks up half a file; created 0600.
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(folder)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates it 0600; said again so a change there cannot widen it, or widened on purpose.
        temporary
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Takes group and other permissions away from `path` if it has any (never adds any).
#[cfg(unix)]
fn narrow(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))?;
    }
    Ok(())
}

/// The permission bits of `path` (Unix), for the tests of every writer.
#[cfg(unix)]
pub fn mode_of(path: &Path) -> io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_written_file_is_the_owners_only_and_replaces_a_wider_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        std::fs::write(&path, "older").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"newer").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "newer");
        assert_eq!(mode_of(&path).unwrap(), 0o600);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "a temporary file was left: {left:?}");
    }

    /// Two instances (the app and the command line, or two windows) writing one file at once: each write has
    /// its own temporary name, so neither renames the other's half-written file or finds its own gone.
    #[test]
    fn writers_at_once_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.json");
        let contents: Vec<Vec<u8>> = (0..4u8).map(|i| vec![b'a' + i; 64 * 1024]).collect();
        std::thread::scope(|scope| {
            for content in &contents {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..50 {
                        write_private(path, content).expect("every write succeeds");
                    }
                });
            }
        });
        let written = std::fs::read(&path).unwrap();
        assert!(contents.contains(&written), "one writer's whole content");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "a temporary file was left: {left:?}");
    }

    #[test]
    fn created_folders_are_the_owners_only_and_an_existing_app_folder_is_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let nested = dir.path().join("app").join("sandbox");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode_of(&dir.path().join("app")).unwrap(), 0o700);
        assert_eq!(mode_of(&nested).unwrap(), 0o700);
        assert_eq!(
            mode_of(dir.path()).unwrap(),
            0o755,
            "a parent that existed is the user's"
        );

        std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&nested).unwrap();
        assert_eq!(mode_of(&nested).unwrap(), 0o700);
    }

    #[test]
    fn a_file_filled_in_place_is_created_or_narrowed_to_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("setups.sqlite");
        create_private_file(&fresh).unwrap();
        assert_eq!(mode_of(&fresh).unwrap(), 0o600);
        let older = dir.path().join("older.sqlite");
        std::fs::write(&older, "kept").unwrap();
        std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_private_file(&older).unwrap();
        assert_eq!(mode_of(&older).unwrap(), 0o600);
        assert_eq!(std::fs::read_to_string(&older).unwrap(), "kept");
    }

    #[test]
    fn a_file_for_another_program_is_readable_by_all_but_written_by_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setups.prom");
        write_readable(&path, b"metric 1\n").unwrap();
        assert_eq!(mode_of(&path).unwrap(), 0o644);
    }
}
