//! The IPC commands the front end invokes. Each is thin: it validates nothing itself and delegates to the domain
//! crates; what it returns is a type exported to TypeScript by `bindings`.

use serde::Serialize;
use ts_rs::TS;

/// What the app says about itself: shown on the welcome page and copied into diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The product's name as users see it.
    pub product_name: String,
    /// The app's semantic version, from the crate manifest.
    pub version: String,
    /// The Tauri version the app was built with, for bug reports.
    pub tauri_version: String,
}

impl AppInfo {
    pub fn from_package_info(package: &tauri::PackageInfo) -> Self {
        Self {
            product_name: package.name.clone(),
            version: package.version.to_string(),
            tauri_version: tauri::VERSION.to_owned(),
        }
    }
}

#[tauri::command]
pub fn app_info<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> AppInfo {
    AppInfo::from_package_info(app.package_info())
}
