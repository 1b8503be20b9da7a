//! TypeScript declarations of every type that crosses IPC, generated from the Rust types with ts-rs into one
//! file the front end imports, and the engine's default inputs for the front end's tests. A test fails when a
//! committed file differs from what the Rust side says; `make bindings` rewrites both.

use ts_rs::{Config, TS};

use crate::choices::ResourceGroupChoice;
use crate::commands::{AppInfo, SubscriptionChoice};
use crate::draft::{Draft, Screen};
use crate::setups::{HealthAlert, SetupList};
use crate::startup::{FirstScreen, PageTimings};
use setup_export::{ExportFormat, Exported};
use setup_store::{CheckSince, CreatedResources, SavedSetup, SetupAccounts};
use sign_in::{
    Auth0AccountInfo, Auth0AccountMethod, Auth0PrivateKeyRequest, Auth0SignInRequest,
    Auth0TokenRequest, AzureAccountInfo, AzureAccountMethod, AzureCertificateRequest,
    AzureServicePrincipalRequest, AzureSignInMethod, AzureSignInPrompt, AzureTenants,
    ChosenKeyFile, CloudName, KeyAlgorithm, KeyFileKind, KeychainStatus, LinkTarget, Mode,
    SessionInfo, Settings, SettingsOverview, SignedIn, TenantChoice,
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
        ChosenKeyFile::decl(&cfg),
        CloudName::decl(&cfg),
        TenantChoice::decl(&cfg),
        AzureTenants::decl(&cfg),
        SettingsOverview::decl(&cfg),
        SetupAccounts::decl(&cfg),
        CreatedResources::decl(&cfg),
        CheckSince::decl(&cfg),
        SavedSetup::decl(&cfg),
        SetupList::decl(&cfg),
        HealthAlert::decl(&cfg),
        ExportFormat::decl(&cfg),
        Exported::decl(&cfg),
        FirstScreen::decl(&cfg),
        PageTimings::decl(&cfg),
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
    /// The default inputs for the front end's tests, relative to this crate.
    const DEFAULT_INPUTS_PATH: &str = "../ui/tests/default-inputs.ts";

    /// The engine's default inputs as a TypeScript constant, for the front end's tests: the fake backend answers
    /// `default_inputs` with it and component tests start from it, so no test keeps a hand-written copy.
    fn typescript_default_inputs() -> String {
        let defaults = serde_json::to_string_pretty(&setup_engine::default_inputs())
            .expect("the default inputs serialize");
        format!(
            "// Generated from setup_engine::default_inputs() by src-tauri/src/bindings.rs. Do not edit: run `make bindings`.\n\
             import type {{ SetupInputs }} from '../src/lib/ipc/bindings';\n\n\
             export const DEFAULT_INPUTS: SetupInputs = {defaults};\n"
        )
    }

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

    /// As above, for the tests' copy of the engine's default inputs.
    #[test]
    fn committed_default_inputs_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_INPUTS_PATH);
        let expected = typescript_default_inputs();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).expect("write default inputs");
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
