//! `export`: a saved setup as the JSON setup document, Terraform or a shell script (`setup-export` writes them;
//! the window exports through the same functions). The text goes to stdout, or with `-o FILE` to a file
//! written atomically and readable by its owner only. The webhook's key stays in the keychain: it is never read
//! for an export, only said to be left out.

use std::io::Write;
use std::path::Path;

use clap::ValueEnum;
use setup_engine::SetupError;
use setup_export::{ExportFormat, ExportOrigin, ExportSource, export_saved};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::args::StoreArgs;
use crate::saved::{find, open_store};
use crate::{DONE, INCOMPLETE, fail};

/// The `--format` values, the export's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Terraform,
    Shell,
}

impl From<Format> for ExportFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Json => Self::Json,
            Format::Terraform => Self::Terraform,
            Format::Shell => Self::Shell,
        }
    }
}

pub fn export(name: &str, format: Format, output: Option<&Path>, store: &StoreArgs) -> u8 {
    let setup = match open_store(store).and_then(|store| find(&store, name)) {
        Ok(setup) => setup,
        Err(error) => return fail(error, false),
    };
    let origin = ExportOrigin {
        app: format!(
            "Auth0 Event Grid Setup {} (auth0-eventgrid)",
            env!("CARGO_PKG_VERSION")
        ),
        exported_at: OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default(),
    };
    let source = ExportSource {
        name: &setup.name,
        inputs: &setup.inputs,
    };
    let exported = export_saved(
        &source,
        setup.webhook_key_in_keychain,
        format.into(),
        &origin,
    );
    let written = match output {
        Some(path) => write_private(path, &exported.text)
            .map(|()| eprintln!("Wrote {}.", path.display()))
            .map_err(|e| {
                let mut error = SetupError::invalid(
                    "output",
                    format!("could not write {}: {e}", path.display()),
                );
                error.remedy = "Choose a folder you can write to with -o.".into();
                error
            }),
        None => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(exported.text.as_bytes()).is_err() {
                return INCOMPLETE;
            }
            Ok(())
        }
    };
    if let Err(error) = written {
        return fail(error, false);
    }
    if exported.webhook_key_left_out {
        eprintln!(
            "The webhook URL's key (its query string) was left out of the export: whoever applies it gives \
             the whole URL (the export says how)."
        );
    }
    DONE
}

/// Writes `text` to `path` atomically, readable and writable by its owner only (`private_file`); the folder is
/// the one `-o` names, left as it is.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    private_file::write_private(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setup.tf");
        std::fs::write(&path, "old").unwrap();
        write_private(&path, "new text").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new text");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }
}
