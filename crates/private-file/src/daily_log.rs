//! A log file that starts afresh each day and keeps the last few: `{prefix}.{day}.log` in a folder only its
//! owner can enter, each file created 0600 (and one found wider narrowed) before anything is written to it.
//! Written by hand rather than with tracing-appender's rolling appender, which creates its files with the
//! process's umask (0644 on most systems) and offers no way to set their mode.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The day a line is written on, as text that sorts by date (`2026-12-05`): passed in so tests turn the day.
pub type Today = Box<dyn Fn() -> String + Send>;

pub struct DailyLog {
    folder: PathBuf,
    prefix: String,
    keep: usize,
    today: Today,
    current: Option<(String, File)>,
}

impl DailyLog {
    /// Creates `folder` (0700) if needed and opens today's file; at most `keep` files are kept, the oldest
    /// removed as a new day starts.
    pub fn open(folder: &Path, prefix: &str, keep: usize, today: Today) -> io::Result<Self> {
        crate::create_private_dir(folder)?;
        let mut log = Self {
            folder: folder.to_owned(),
            prefix: prefix.to_owned(),
            keep: keep.max(1),
            today,
            current: None,
        };
        log.file()?;
        Ok(log)
    }

    /// The file of the day `day`.
    pub fn path_of(&self, day: &str) -> PathBuf {
        self.folder.join(format!("{}.{day}.log", self.prefix))
    }

    /// Today's file, opened (and yesterday's closed, old ones removed) when the day has turned.
    fn file(&mut self) -> io::Result<&mut File> {
        let day = (self.today)();
        if self.current.as_ref().is_none_or(|(open, _)| *open != day) {
            let file = open_private_append(&self.path_of(&day))?;
            self.current = Some((day, file));
            self.remove_old()?;
        }
        Ok(&mut self.current.as_mut().expect("opened above").1)
    }

    /// Removes this log's files beyond the newest `keep` (their names sort by day).
    fn remove_old(&self) -> io::Result<()> {
        let mut files = self.files()?;
        files.sort();
        let excess = files.len().saturating_sub(self.keep);
        for old in &files[..excess] {
            std::fs::remove_file(old)?;
        }
        Ok(())
    }

    /// This log's files in its folder (another program's files there are left alone).
    pub fn files(&self) -> io::Result<Vec<PathBuf>> {
        let start = format!("{}.", self.prefix);
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&self.folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&start) && name.ends_with(".log") && entry.file_type()?.is_file() {
                files.push(entry.path());
            }
        }
        Ok(files)
    }
}

impl Write for DailyLog {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file()?.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.current.as_mut() {
            Some((_, file)) => file.flush(),
            None => Ok(()),
        }
    }
}

/// Opened for appending, created 0600; an existing file wider than that is narrowed first.
fn open_private_append(path: &Path) -> io::Result<File> {
    crate::create_private_file(path)?;
    std::fs::OpenOptions::new().append(true).open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::mode_of;

    fn clock(day: &Arc<Mutex<String>>) -> Today {
        let day = day.clone();
        Box::new(move || day.lock().unwrap().clone())
    }

    #[test]
    fn log_files_are_the_owners_only_in_a_folder_only_the_owner_enters() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("logs");
        let day = Arc::new(Mutex::new("2026-12-05".to_owned()));
        let mut log = DailyLog::open(&folder, "app", 7, clock(&day)).unwrap();
        writeln!(log, "first line").unwrap();
        log.flush().unwrap();
        let today = folder.join("app.2026-12-05.log");
        assert_eq!(std::fs::read_to_string(&today).unwrap(), "first line\n");
        assert_eq!(mode_of(&today).unwrap(), 0o600);
        assert_eq!(mode_of(&folder).unwrap(), 0o700);

        // A file an older version left readable by all is narrowed before the next line goes in.
        *day.lock().unwrap() = "2026-12-06".to_owned();
        let wide = folder.join("app.2026-12-06.log");
        std::fs::write(&wide, "older\n").unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o644)).unwrap();
        writeln!(log, "second line").unwrap();
        assert_eq!(mode_of(&wide).unwrap(), 0o600);
        assert_eq!(
            std::fs::read_to_string(&wide).unwrap(),
            "older\nsecond line\n"
        );
    }

    #[test]
    fn a_new_day_starts_a_new_file_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let day = Arc::new(Mutex::new("2026-11-01".to_owned()));
        std::fs::write(dir.path().join("other.txt"), "not ours").unwrap();
        let mut log = DailyLog::open(dir.path(), "app", 3, clock(&day)).unwrap();
        for n in 1..=5 {
            *day.lock().unwrap() = format!("2026-11-0{n}");
            writeln!(log, "day {n}").unwrap();
        }
        let mut names: Vec<_> = log
            .files()
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "app.2026-11-03.log",
                "app.2026-11-04.log",
                "app.2026-11-05.log"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("app.2026-11-05.log")).unwrap(),
            "day 5\n"
        );
        assert!(
            dir.path().join("other.txt").exists(),
            "another file is left alone"
        );
    }
}
