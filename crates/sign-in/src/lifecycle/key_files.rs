//! The key and certificate files the person chose in the file dialog, kept on the Rust side. The window gets
//! an opaque, random handle and the file's name (to show), never the path; a sign-in sends the handle back and
//! Rust looks the path up here. So the window cannot make the app read a path of its choosing (a network path
//! that would send the user's NTLM hash, `/dev/zero`, another user's file): only a file the person picked in
//! the dialog, and that only through the key file reader's rules (a regular file of at most 64 KiB).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use setup_engine::{ErrorCode, SetupError};
use subtle::ConstantTimeEq;

use super::types::{ChosenKeyFile, KeyFileKind};

/// The random bytes in a handle (128 bits, as hex): not guessable, so only a handle this app handed out is
/// ever found.
const HANDLE_BYTES: usize = 16;

/// The last file chosen for each kind (a new choice replaces the previous one, so the map never grows).
#[derive(Default)]
pub(super) struct KeyFiles {
    chosen: HashMap<KeyFileKind, (String, PathBuf)>,
}

impl KeyFiles {
    /// Keeps `path` as the file chosen for `kind` and answers what the window may know of it.
    pub(super) fn keep(
        &mut self,
        kind: KeyFileKind,
        path: PathBuf,
    ) -> Result<ChosenKeyFile, SetupError> {
        let name = file_name(&path);
        let handle = new_handle()?;
        self.chosen.insert(kind, (handle.clone(), path));
        Ok(ChosenKeyFile { handle, name })
    }

    /// The path behind `handle`, if it is the one handed out for `kind`.
    pub(super) fn path(&self, kind: KeyFileKind, handle: &str) -> Option<PathBuf> {
        let (kept, path) = self.chosen.get(&kind)?;
        bool::from(kept.as_bytes().ct_eq(handle.as_bytes())).then(|| path.clone())
    }
}

/// The field a problem with `kind`'s file is named by (the same field the reader names).
pub(super) fn field(kind: KeyFileKind) -> &'static str {
    match kind {
        KeyFileKind::Auth0PrivateKey => "auth0_private_key_path",
        KeyFileKind::AzureCertificate => "azure_certificate_path",
    }
}

/// What the person is asked to do when no file (or an unknown one) is given for `kind`.
fn choose_again(kind: KeyFileKind) -> &'static str {
    match kind {
        KeyFileKind::Auth0PrivateKey => "choose the private key file (PEM) of the application",
        KeyFileKind::AzureCertificate => {
            "choose the certificate file (PEM with its private key, or .pfx)"
        }
    }
}

/// The path of the file chosen for `kind` that `handle` names: nothing given, or a handle this app did not
/// hand out for `kind` (a path, a made-up or an old handle), is refused naming the field.
pub(super) fn resolve(
    files: &KeyFiles,
    kind: KeyFileKind,
    handle: &str,
) -> Result<PathBuf, SetupError> {
    let field = field(kind);
    if handle.trim().is_empty() {
        return Err(SetupError::invalid(field, choose_again(kind)));
    }
    files.path(kind, handle).ok_or_else(|| {
        SetupError::invalid(
            field,
            format!(
                "is not a file chosen in this app's file dialog: {}",
                choose_again(kind)
            ),
        )
    })
}

/// The file's name without its folder, for the window to show.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn new_handle() -> Result<String, SetupError> {
    let mut bytes = [0u8; HANDLE_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| {
        SetupError::new(
            ErrorCode::UnexpectedResponse,
            format!("Could not make a random handle for the chosen file: {e}"),
            "Try again; if it keeps failing, restart the app.",
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_handle_handed_out_for_a_kind_finds_its_path() {
        let mut files = KeyFiles::default();
        let chosen = files
            .keep(
                KeyFileKind::Auth0PrivateKey,
                "/home/ada/keys/auth0.pem".into(),
            )
            .unwrap();
        assert_eq!(chosen.name, "auth0.pem");
        assert_eq!(chosen.handle.len(), 2 * HANDLE_BYTES);
        // Random hex only, so nothing of the path ("ada" is hex too: a substring check would fail by chance).
        assert!(chosen.handle.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            resolve(&files, KeyFileKind::Auth0PrivateKey, &chosen.handle).unwrap(),
            Path::new("/home/ada/keys/auth0.pem")
        );
        for (kind, handle) in [
            (KeyFileKind::AzureCertificate, chosen.handle.as_str()),
            (KeyFileKind::Auth0PrivateKey, "/home/ada/keys/auth0.pem"),
            (
                KeyFileKind::Auth0PrivateKey,
                "0123456789abcdef0123456789abcdef",
            ),
            (KeyFileKind::Auth0PrivateKey, " "),
        ] {
            let error = resolve(&files, kind, handle).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field(kind)), "{handle}");
        }
    }

    #[test]
    fn a_new_choice_replaces_the_previous_one_of_its_kind() {
        let mut files = KeyFiles::default();
        let first = files
            .keep(KeyFileKind::AzureCertificate, "/keys/a.pfx".into())
            .unwrap();
        let second = files
            .keep(KeyFileKind::AzureCertificate, "/keys/b.pfx".into())
            .unwrap();
        assert_ne!(first.handle, second.handle);
        assert!(
            files
                .path(KeyFileKind::AzureCertificate, &first.handle)
                .is_none()
        );
        assert_eq!(
            files.path(KeyFileKind::AzureCertificate, &second.handle),
            Some(PathBuf::from("/keys/b.pfx"))
        );
    }
}
