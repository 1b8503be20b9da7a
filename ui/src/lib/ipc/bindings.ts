// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit: run `make bindings`.

export type AppInfo = { 
/**
 * The product's name as users see it.
 */
productName: string, 
/**
 * The app's semantic version, from the crate manifest.
 */
version: string, 
/**
 * The Tauri version the app was built with, for bug reports.
 */
tauriVersion: string, };
