//! Reading a key or certificate file the user named (the Auth0 private key, the Azure service principal's
//! certificate): one reader with the rules every such file must pass, before a byte of it is parsed.
//!
//! - Only a regular file, after following links: a device (`/dev/zero` would never end), a pipe (a read
//!   would wait for a writer) or a folder is refused before it is opened.
//! - At most [`MAX_KEY_FILE_BYTES`]: a PEM key or certificate, or a `.pfx`, is a few KiB; no more than that
//!   plus one byte is ever read, whatever the file claims to be.
//! - On Windows, no network path (`\\server\share\…`, `//server/share/…`, `\\?\UNC\…`, `\\.\…` devices):
//!   opening one would make Windows send the user's NTLM hash to that server, so it is refused before the
//!   path is touched. [`network_path`] is the same check on every platform, so it is tested everywhere.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::SignInError;

/// The largest key or certificate file read (64 KiB).
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Reads a user-given key or certificate file for `field` on a blocking thread; see [`read_key_file_blocking`].
pub(crate) async fn read_key_file(
    field: &'static str,
    path: &Path,
) -> Result<Vec<u8>, SignInError> {
    let owned: PathBuf = path.to_owned();
    tokio::task::spawn_blocking(move || read_key_file_blocking(field, &owned))
        .await
        .map_err(|e| SignInError::Unexpected {
            detail: e.to_string(),
        })?
}

/// Reads a user-given key or certificate file for `field` (blocking: for the command line, or inside
/// `spawn_blocking`), naming the field, the file and the broken rule for every refusal.
pub fn read_key_file_blocking(field: &'static str, path: &Path) -> Result<Vec<u8>, SignInError> {
    #[cfg(windows)]
    if let Some(why) = network_path(&path.to_string_lossy()) {
        return Err(SignInError::invalid(
            field,
            format!("{}: {why}", path.display()),
        ));
    }
    read_blocking(path).map_err(|why| {
        SignInError::invalid(field, format!("could not read {}: {why}", path.display()))
    })
}

/// Why the file cannot be used, or its bytes.
fn read_blocking(path: &Path) -> Result<Vec<u8>, String> {
    // `metadata` follows links; checked before opening, as opening a pipe waits for a writer.
    let metadata = std::fs::metadata(path).map_err(io_reason)?;
    check_metadata(&metadata)?;
    let file = std::fs::File::open(path).map_err(io_reason)?;
    // The file opened may not be the one looked at (replaced in between): check what was opened too.
    check_metadata(&file.metadata().map_err(io_reason)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_reason)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn check_metadata(metadata: &std::fs::Metadata) -> Result<(), String> {
    if !metadata.is_file() {
        let what = if metadata.is_dir() {
            "a folder"
        } else {
            "a device, pipe or socket"
        };
        return Err(format!(
            "it is {what}, not a regular file: choose the key or certificate file itself"
        ));
    }
    if metadata.len() > MAX_KEY_FILE_BYTES {
        return Err(too_large());
    }
    Ok(())
}

fn too_large() -> String {
    format!(
        "it is larger than {} KiB, too large for a key or certificate file",
        MAX_KEY_FILE_BYTES / 1024
    )
}

fn io_reason(e: std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "it cannot be read (permission denied)".to_owned(),
        _ => format!("it cannot be read: {e}"),
    }
}

/// Why `path`, read as a Windows path, is a network or device path that must not be opened, or `None` for a
/// local path. Pure (no file system), so it runs on every platform; only Windows builds act on it, since on
/// other systems `//x` is an ordinary local path.
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) fn network_path(path: &str) -> Option<&'static str> {
    let separator = |c: char| c == '\\' || c == '/';
    let mut chars = path.chars();
    let (first, second) = (chars.next(), chars.next());
    if !(first.is_some_and(separator) && second.is_some_and(separator)) {
        return None;
    }
    // `\\?\C:\…` (a long local path) is the one two-separator form that stays on this computer.
    let rest: Vec<char> = path.chars().skip(2).take(4).collect();
    let local_verbatim = matches!(
        rest.as_slice(),
        ['?', s, drive, ':'] if separator(*s) && drive.is_ascii_alphabetic()
    );
    if local_verbatim {
        return None;
    }
    Some(
        "a network or device path (\\\\server\\share) is not opened, as Windows would send your \
         sign-in hash to that server: copy the file to this computer and choose the copy",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const FIELD: &str = "auth0_private_key_path";

    async fn refusal(path: &Path) -> String {
        match read_key_file(FIELD, path).await {
            Err(SignInError::InvalidInput { field, rule }) => {
                assert_eq!(field, FIELD);
                rule
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_device_is_refused_at_once_without_reading_it() {
        let started = Instant::now();
        let rule = tokio::time::timeout(Duration::from_secs(5), refusal(Path::new("/dev/zero")))
            .await
            .expect("/dev/zero must be refused, not read");
        assert!(rule.contains("not a regular file"), "{rule}");
        assert!(rule.contains("/dev/zero"), "{rule}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_pipe_is_refused_without_waiting_for_a_writer() {
        let folder = tempfile::tempdir().unwrap();
        let fifo = folder.path().join("key.pem");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let rule = tokio::time::timeout(Duration::from_secs(5), refusal(&fifo))
            .await
            .expect("a pipe must be refused, not opened");
        assert!(rule.contains("not a regular file"), "{rule}");
    }

    #[tokio::test]
    async fn a_folder_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let rule = refusal(folder.path()).await;
        assert!(rule.contains("a folder, not a regular file"), "{rule}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_link_to_a_regular_file_is_followed() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("key.pem");
        std::fs::write(&file, b"pem").unwrap();
        let link = folder.path().join("link.pem");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read_key_file(FIELD, &link).await.unwrap(), b"pem");
    }

    #[tokio::test]
    async fn a_file_over_64_kib_is_refused_and_one_of_64_kib_read() {
        let folder = tempfile::tempdir().unwrap();
        let large = folder.path().join("large.pem");
        std::fs::write(&large, vec![b'a'; 65 * 1024]).unwrap();
        let rule = refusal(&large).await;
        assert!(rule.contains("larger than 64 KiB"), "{rule}");

        let just = folder.path().join("just.pem");
        std::fs::write(&just, vec![b'a'; 64 * 1024]).unwrap();
        assert_eq!(read_key_file(FIELD, &just).await.unwrap().len(), 64 * 1024);
    }

    #[tokio::test]
    async fn a_missing_file_is_named() {
        let folder = tempfile::tempdir().unwrap();
        let rule = refusal(&folder.path().join("missing.pem")).await;
        assert!(rule.contains("could not read"), "{rule}");
        assert!(rule.contains("no such file"), "{rule}");
    }

    #[test]
    fn network_and_device_paths_are_refused_by_the_pure_check() {
        for path in [
            r"\\server\share\key.pem",
            "//server/share/key.pem",
            r"\/server\share\key.pem",
            r"\\?\UNC\server\share\key.pem",
            r"\\.\pipe\key",
            r"\\.\C:\key.pem",
            r"\\?\GLOBALROOT\Device\key.pem",
            r"\\10.0.0.1\c$\key.pem",
        ] {
            assert!(network_path(path).is_some(), "{path} must be refused");
        }
        for path in [
            r"C:\Users\me\key.pem",
            r"\\?\C:\Users\me\key.pem",
            r"\Users\me\key.pem",
            "key.pem",
            "/home/me/key.pem",
            "",
        ] {
            assert_eq!(network_path(path), None, "{path} is local");
        }
    }
}
