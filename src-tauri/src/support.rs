//! What a person sends when asking for help: where the log files are ("Open logs folder", opened from Rust by
//! the opener plugin; the window never names a path), and "Copy diagnostics", one text built here from the
//! app's version, the system's name and version, the webview's version, the log folder and the last errors the
//! window showed with their correlation ids. No secret and no address's query is in it: an error's message is
//! kept with every address's query stripped, and nothing typed into a form is kept at all.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use setup_engine::{ErrorCode, SetupError};
use tauri::{AppHandle, Runtime, State};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing_appender::non_blocking::WorkerGuard;

use crate::commands::AppInfo;
use crate::state::AppState;

/// How many of the errors shown are kept for the diagnostics (in memory only).
pub const KEPT_ERRORS: usize = 20;
/// A message longer than this is cut: the diagnostics stay readable when pasted into a ticket.
const MESSAGE_LIMIT: usize = 600;

/// Opens a folder in the system's file manager; the error says why it could not.
pub type OpenFolder = Arc<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

/// An error the window showed, as the diagnostics name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub correlation_id: Option<String>,
    pub at: OffsetDateTime,
}

impl ShownError {
    /// What is kept of `error`: its message without any address's query (and cut when long); a correlation id
    /// only when it looks like one.
    pub fn of(error: &SetupError, at: OffsetDateTime) -> Self {
        let mut message = cloud_http::strip_url_queries(&error.message);
        if let Some((cut, _)) = message.char_indices().nth(MESSAGE_LIMIT) {
            message.truncate(cut);
            message.push('…');
        }
        let plain = |text: &String, limit: usize| {
            text.len() <= limit
                && !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        };
        Self {
            code: error.code,
            message,
            field: error.field.clone().filter(|f| plain(f, 64)),
            correlation_id: error.correlation_id.clone().filter(|id| plain(id, 128)),
            at,
        }
    }
}

/// The shell's part of support: the log folder, how to open it, the errors shown, and the log file's writer.
pub struct Support {
    pub log_folder: Option<PathBuf>,
    open_folder: OpenFolder,
    errors: Mutex<VecDeque<ShownError>>,
    /// Keeps the log file written while the app runs.
    _log_file: Option<WorkerGuard>,
}

impl Support {
    pub fn new(
        log_folder: Option<PathBuf>,
        open_folder: OpenFolder,
        log_file: Option<WorkerGuard>,
    ) -> Self {
        Self {
            log_folder,
            open_folder,
            errors: Mutex::default(),
            _log_file: log_file,
        }
    }

    /// The system's file manager, through the opener plugin.
    pub fn system<R: Runtime>(
        handle: AppHandle<R>,
        log_folder: Option<PathBuf>,
        log_file: Option<WorkerGuard>,
    ) -> Self {
        let open_folder: OpenFolder = Arc::new(move |folder: &Path| {
            use tauri_plugin_opener::OpenerExt;
            handle
                .opener()
                .open_path(folder.to_string_lossy(), None::<&str>)
                .map_err(|e| e.to_string())
        });
        Self::new(log_folder, open_folder, log_file)
    }

    /// Keeps `error` as the newest of the last [`KEPT_ERRORS`].
    pub fn record(&self, error: &SetupError) {
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        errors.push_front(ShownError::of(error, OffsetDateTime::now_utc()));
        errors.truncate(KEPT_ERRORS);
    }

    /// Newest first.
    pub fn errors(&self) -> Vec<ShownError> {
        let errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        errors.iter().cloned().collect()
    }
}

/// The system the app runs on, as the diagnostics name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// The system's name and version (`Debian GNU/Linux 12 (bookworm), Linux 6.1.0 x86_64`).
    pub os: String,
    /// The webview's engine and version (`WebKitGTK 2.48.3`), as the library the app loaded reports it.
    pub webview: String,
}

impl SystemInfo {
    pub fn current() -> Self {
        Self {
            os: os_description(),
            webview: webview_description(),
        }
    }
}

/// The text "Copy diagnostics" copies.
pub fn diagnostics_text(
    app: &AppInfo,
    system: &SystemInfo,
    log_folder: Option<&Path>,
    errors: &[ShownError],
) -> String {
    let mut lines = vec![
        format!(
            "{} {} (Tauri {})",
            app.product_name, app.version, app.tauri_version
        ),
        format!("System: {}", system.os),
        format!("Webview: {}", system.webview),
        format!(
            "Logs: {}",
            log_folder.map_or("none (logging to the terminal only)".into(), |f| f
                .display()
                .to_string())
        ),
        format!(
            "Copied: {}",
            OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default()
        ),
    ];
    if errors.is_empty() {
        lines.push("Errors shown since the app started: none".into());
    } else {
        lines.push(format!(
            "Errors shown since the app started (newest first, at most {KEPT_ERRORS}):"
        ));
    }
    for error in errors {
        let code = serde_json::to_value(error.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let at = error.at.format(&Rfc3339).unwrap_or_default();
        let mut line = format!("- {at} {code}: {}", error.message);
        if let Some(field) = &error.field {
            line.push_str(&format!(" [field: {field}]"));
        }
        if let Some(id) = &error.correlation_id {
            line.push_str(&format!(" [correlation id: {id}]"));
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

#[cfg(target_os = "linux")]
fn os_description() -> String {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let name = release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|value| value.trim_matches('"').to_owned())
        .unwrap_or_else(|| "Linux".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{name}, Linux {} {}", kernel.trim(), std::env::consts::ARCH)
}

#[cfg(target_os = "macos")]
fn os_description() -> String {
    let version = std::process::Command::new("sw_vers")
        .arg("-productVersion")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("macOS {version} {}", std::env::consts::ARCH)
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn os_description() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The webview library's own version (`webkit_get_{major,minor,micro}_version` of the WebKitGTK the app
/// loaded, through `tauri::webview_version`): the runtime's, not the one the app was built against.
fn webview_description() -> String {
    let engine = if cfg!(target_os = "linux") {
        "WebKitGTK"
    } else if cfg!(target_os = "windows") {
        "WebView2"
    } else {
        "WKWebView"
    };
    match tauri::webview_version() {
        Ok(version) => format!("{engine} {version}"),
        Err(error) => format!("{engine}, version unknown ({error})"),
    }
}

/// The window showed `error`: kept (without any address's query) for the diagnostics.
#[tauri::command]
pub fn error_shown(support: State<'_, Support>, error: SetupError) {
    support.record(&error);
}

/// Builds the diagnostics, puts them on the clipboard (from Rust: the window is granted no clipboard) and
/// answers the same text.
#[tauri::command]
pub async fn copy_diagnostics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    support: State<'_, Support>,
) -> Result<String, SetupError> {
    let text = diagnostics_text(
        &AppInfo::from_package_info(app.package_info()),
        &SystemInfo::current(),
        support.log_folder.as_deref(),
        &support.errors(),
    );
    (state.desktop.copy_text)(text.clone()).map_err(|reason| {
        SetupError::new(
            ErrorCode::OperationFailed,
            format!("The diagnostics could not be copied: {reason}."),
            "Try again; if the clipboard keeps refusing, open the logs folder and attach today's file instead.",
        )
    })?;
    Ok(text)
}

/// Opens the log folder (the one Rust knows; the window names none) in the system's file manager, creating
/// it first (0700) if nothing was logged yet.
#[tauri::command]
pub async fn open_logs_folder(support: State<'_, Support>) -> Result<(), SetupError> {
    let folder = support.log_folder.as_deref().ok_or_else(|| {
        SetupError::new(
            ErrorCode::OperationFailed,
            "This copy of the app has no log folder: it logs to the terminal only.",
            "Start the app from a terminal to see its log.",
        )
    })?;
    private_file::create_private_dir(folder).map_err(|e| {
        SetupError::new(
            ErrorCode::OperationFailed,
            format!(
                "The log folder {} could not be created: {e}.",
                folder.display()
            ),
            "Check that your home folder is writable, then try again.",
        )
    })?;
    (support.open_folder)(folder).map_err(|reason| {
        SetupError::new(
            ErrorCode::OperationFailed,
            format!("The log folder could not be opened: {reason}."),
            format!("Open {} in your file manager.", folder.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppInfo {
        AppInfo {
            product_name: "Auth0 Event Grid Setup".into(),
            version: "1.2.3".into(),
            tauri_version: "2.12.5".into(),
        }
    }

    fn failed(message: &str, correlation_id: Option<&str>) -> SetupError {
        SetupError::new(ErrorCode::OperationFailed, message, "Run it again.")
            .with_correlation_id(correlation_id.map(str::to_owned))
    }

    #[test]
    fn the_diagnostics_name_the_app_the_system_the_logs_and_the_errors_with_their_correlation_ids()
    {
        let support = Support::new(
            Some(PathBuf::from("/home/ada/.local/share/app/logs")),
            Arc::new(|_| Ok(())),
            None,
        );
        support.record(&failed("Azure could not finish.", Some("corr-1234")));
        support.record(&SetupError::invalid(
            "region",
            "is not a region Auth0 delivers to",
        ));
        let system = SystemInfo::current();
        let text = diagnostics_text(
            &app(),
            &system,
            support.log_folder.as_deref(),
            &support.errors(),
        );
        assert!(
            text.starts_with("Auth0 Event Grid Setup 1.2.3 (Tauri 2.12.5)\n"),
            "{text}"
        );
        assert!(text.contains(&format!("System: {}\n", system.os)), "{text}");
        assert!(
            text.contains(&format!("Webview: {}\n", system.webview)),
            "{text}"
        );
        assert!(
            text.contains("Logs: /home/ada/.local/share/app/logs\n"),
            "{text}"
        );
        let errors: Vec<_> = text.lines().filter(|l| l.starts_with("- ")).collect();
        assert_eq!(errors.len(), 2, "{text}");
        assert!(
            errors[0].contains("invalid_input: region: is not a region"),
            "newest first: {text}"
        );
        assert!(errors[0].contains("[field: region]"), "{text}");
        assert!(
            errors[1]
                .contains("operation_failed: Azure could not finish. [correlation id: corr-1234]"),
            "{text}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_system_is_named_with_its_version_and_the_webkitgtk_the_app_loaded() {
        let system = SystemInfo::current();
        assert!(system.os.contains(", Linux "), "{}", system.os);
        assert!(
            !system.os.starts_with("Linux,"),
            "the distribution's name: {}",
            system.os
        );
        let version = system
            .webview
            .strip_prefix("WebKitGTK 2.")
            .unwrap_or_else(|| panic!("{}", system.webview));
        assert!(
            version.split('.').all(|part| part.parse::<u32>().is_ok()),
            "{}",
            system.webview
        );
    }

    #[test]
    fn what_is_kept_of_an_error_holds_no_webhook_key_and_only_the_last_twenty() {
        let support = Support::new(None, Arc::new(|_| Ok(())), None);
        support.record(&failed(
            "The webhook https://fn.example.net/api/hook?code=webhook-key-1 refused (https://user:pass-2@x.y/z).",
            Some("not an id? code=k"),
        ));
        let kept = &support.errors()[0];
        assert_eq!(
            kept.message,
            "The webhook https://fn.example.net/api/hook refused (https://x.y/z)."
        );
        assert_eq!(
            kept.correlation_id, None,
            "only what looks like an id is kept"
        );
        let text = diagnostics_text(&app(), &SystemInfo::current(), None, &support.errors());
        for secret in ["webhook-key-1", "pass-2", "code=k"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("Logs: none"), "{text}");

        for n in 0..25 {
            support.record(&failed(&format!("error {n}"), None));
        }
        let errors = support.errors();
        assert_eq!(errors.len(), KEPT_ERRORS);
        assert_eq!(errors[0].message, "error 24");
        assert_eq!(errors[KEPT_ERRORS - 1].message, "error 5");
    }
}
