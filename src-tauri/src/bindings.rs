//! TypeScript declarations of every type that crosses IPC, generated from the Rust types with ts-rs into one
//! file the front end imports. A test fails when the committed file differs from what the Rust types say;
//! `make bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::choices::ResourceGroupChoice;
use crate::commands::{AppInfo, SubscriptionChoice};
use crate::draft::{Draft, Screen};
use sign_in::{
    Auth0AccountInfo, Auth0AccountMethod, Auth0PrivateKeyRequest, Auth0SignInRequest,
    Auth0TokenRequest, AzureAccountInfo, AzureAccountMethod, AzureCertificateRequest,
    AzureServicePrincipalRequest, AzureSignInMethod, AzureSignInPrompt, AzureTenants, CloudName,
    KeyAlgorithm, KeyFileKind, KeychainStatus, LinkTarget, Mode, SessionInfo, Settings,
    SettingsOverview, SignedIn, TenantChoice,
};

/// The full text of the generated TypeScript file.
pub fn typescript_bindings() -> String {
    let cfg = Config::new();
    let mut declarations = vec![AppInfo::decl(&cfg)];
    declarations.extend(setup_engine::typescript_declarations(&cfg));
    declarations.extend([
        Mode::decl(&cfg),
        SessionInfo::decl(&cfg),
        Screen::decl(&cfg),
        Draft::decl(&cfg),
        SubscriptionChoice::decl(&cfg),
        ResourceGroupChoice::decl(&cfg),
        KeychainStatus::decl(&cfg),
        AzureSignInMethod::decl(&cfg),
        AzureSignInPrompt::decl(&cfg),
        AzureAccountInfo::decl(&cfg),
        Auth0SignInRequest::decl(&cfg),
        Auth0AccountInfo::decl(&cfg),
        SignedIn::decl(&cfg),
        Settings::decl(&cfg),
        LinkTarget::decl(&cfg),
        AzureAccountMethod::decl(&cfg),
        Auth0AccountMethod::decl(&cfg),
        Auth0PrivateKeyRequest::decl(&cfg),
        KeyAlgorithm::decl(&cfg),
        Auth0TokenRequest::decl(&cfg),
        AzureServicePrincipalRequest::decl(&cfg),
        AzureCertificateRequest::decl(&cfg),
        KeyFileKind::decl(&cfg),
        CloudName::decl(&cfg),
        TenantChoice::decl(&cfg),
        AzureTenants::decl(&cfg),
        SettingsOverview::decl(&cfg),
    ]);
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit: run `make bindings`.\n",
    );
    for declaration in declarations {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&declaration);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Where the front end keeps the generated file, relative to this crate.
    const BINDINGS_PATH: &str = "../ui/src/lib/ipc/bindings.ts";

    /// Fails when a Rust IPC type changed without regenerating the TypeScript; with `UPDATE_BINDINGS=1` it
    /// writes the file instead.
    #[test]
    fn committed_typescript_bindings_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let expected = typescript_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `make bindings` and commit the result",
            path.display()
        );
    }

    #[test]
    fn bindings_declare_app_info_with_camel_case_fields() {
        let text = typescript_bindings();
        assert!(text.contains("export type AppInfo = {"), "{text}");
        assert!(text.contains("productName: string"), "{text}");
        assert!(text.contains("tauriVersion: string"), "{text}");
    }
}
