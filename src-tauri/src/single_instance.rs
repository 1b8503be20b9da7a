//! One window per app folder: a second launch that would use the same folder (the same user starting the app
//! again) focuses the open window and exits, so two instances never share one draft and one sandbox world.
//! On Linux the lock is a name on the user's D-Bus session bus; without a session bus the app starts anyway.
//! The name follows the folder, not only the app's identifier: an app started with another `XDG_CONFIG_HOME`
//! (each window test has its own) shares nothing with this one and may run beside it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tauri::{AppHandle, Manager, Runtime, plugin::TauriPlugin};

/// The plugin, registered before every other so a second instance leaves before anything else starts.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let builder =
        tauri_plugin_single_instance::Builder::new().callback(|app, _args, _cwd| focus(app));
    match config_folder() {
        Some(folder) => builder
            .dbus_id(instance_id(sign_in::APP_IDENTIFIER, &folder))
            .build(),
        None => builder.build(),
    }
}

/// Where Tauri keeps this app's folder (`app_config_dir`), worked out before Tauri runs: the user's config
/// folder (`$XDG_CONFIG_HOME`, else `~/.config`) and the identifier.
fn config_folder() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join(sign_in::APP_IDENTIFIER))
}

/// The lock's name for the app folder `folder`: the identifier with a digest of the folder's path, a valid
/// D-Bus name whatever characters the path holds.
pub fn instance_id(identifier: &str, folder: &Path) -> String {
    let digest = Sha256::digest(folder.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{identifier}.f{hex}")
}

/// The second launch's only effect: the open window comes to the front.
fn focus<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second launch: showing the open window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// D-Bus's rules for a well-known bus name: elements of ASCII letters, digits, `_` and `-`, none empty or
    /// starting with a digit, at least two, at most 255 characters in all.
    fn is_bus_name(name: &str) -> bool {
        let elements: Vec<&str> = name.split('.').collect();
        name.len() <= 255
            && elements.len() >= 2
            && elements.iter().all(|e| {
                !e.is_empty()
                    && !e.starts_with(|c: char| c.is_ascii_digit())
                    && e.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    }

    #[test]
    fn one_folder_is_one_instance_and_another_folder_another() {
        let home = Path::new("/home/ada/.config/com.auth0eventgridsetup.app");
        let id = instance_id(sign_in::APP_IDENTIFIER, home);
        assert_eq!(id, instance_id(sign_in::APP_IDENTIFIER, home));
        assert!(id.starts_with("com.auth0eventgridsetup.app.f"), "{id}");
        assert_ne!(
            id,
            instance_id(
                sign_in::APP_IDENTIFIER,
                Path::new("/tmp/wizard-e2e-x/com.auth0eventgridsetup.app")
            )
        );
    }

    #[test]
    fn the_lock_is_a_valid_bus_name_whatever_the_folder() {
        for folder in ["/home/ada/.config/x", "/home/d'Arcy 1/.config/é/ü", "/", ""] {
            let id = instance_id(sign_in::APP_IDENTIFIER, Path::new(folder));
            assert!(is_bus_name(&id), "{id}");
            assert!(is_bus_name(&format!("{id}.SingleInstance")), "{id}");
        }
        assert!(
            !is_bus_name("com.app.0bad"),
            "the check itself refuses a bad name"
        );
    }

    #[test]
    fn the_folder_is_the_one_tauri_uses() {
        let app = tauri::test::mock_builder()
            .build(tauri::generate_context!())
            .expect("the app builds on the mock runtime");
        assert_eq!(config_folder(), app.path().app_config_dir().ok());
    }
}
