//! Signing in to Azure: in the browser or with a device code (started, then finished or cancelled), through
//! the Azure CLI, or as a service principal with a secret or a certificate; the directories it can reach and
//! switching between them.

use std::path::PathBuf;

use setup_engine::{ErrorCode, SetupError};

use super::types::{
    AzureAccountInfo, AzureCertificateRequest, AzureServicePrincipalRequest, AzureSignInMethod,
    AzureSignInPrompt, AzureTenants, KeyFileKind, TenantChoice,
};
use super::{CloudAccounts, Pending, azure_info, minutes, transport};
use crate::{AzureSession, SignInCancel};

impl CloudAccounts {
    /// Starts an Azure sign-in (replacing one that was pending) and says what the user must do.
    pub async fn start_azure(
        &self,
        method: AzureSignInMethod,
        open_url: impl FnOnce(&str) -> bool,
    ) -> Result<AzureSignInPrompt, SetupError> {
        self.cancel_azure();
        let azure = self.azure_sign_in().await?;
        let (pending, prompt) = match method {
            AzureSignInMethod::Browser => {
                let browser = azure.start_browser(open_url).await?;
                let prompt = AzureSignInPrompt::Browser {
                    url: browser.url().to_owned(),
                    browser_opened: browser.browser_opened(),
                };
                (Pending::Browser(browser), prompt)
            }
            AzureSignInMethod::DeviceCode => {
                let device = azure.start_device_code().await?;
                let prompt = AzureSignInPrompt::DeviceCode {
                    user_code: device.user_code().to_owned(),
                    verification_uri: device.verification_uri().to_owned(),
                    expires_in_minutes: minutes(device.expires_in()),
                };
                (Pending::Device(device), prompt)
            }
        };
        let mut inner = self.inner();
        inner.pending_url = match &prompt {
            AzureSignInPrompt::Browser { url, .. } => Some(url.clone()),
            AzureSignInPrompt::DeviceCode {
                verification_uri, ..
            } => Some(verification_uri.clone()),
        };
        inner.pending = Some(pending);
        inner.cancel = Some(SignInCancel::new());
        Ok(prompt)
    }

    /// Waits for the pending Azure sign-in to finish in the browser (or on the device page).
    pub async fn finish_azure(&self) -> Result<AzureAccountInfo, SetupError> {
        let (pending, cancel, sign_outs) = {
            let mut inner = self.inner();
            // The cancel handle stays for `cancel_azure`, which may come while this waits.
            (
                inner.pending.take(),
                inner.cancel.clone(),
                inner.azure_sign_outs,
            )
        };
        if pending.is_none() && cancel.as_ref().is_some_and(SignInCancel::is_cancelled) {
            return Err(crate::SignInError::Cancelled.into());
        }
        let (Some(pending), Some(cancel)) = (pending, cancel) else {
            return Err(SetupError::new(
                ErrorCode::InvalidInput,
                "No Azure sign-in is waiting to finish.",
                "Choose how to sign in to Azure first.",
            ));
        };
        let session = match pending {
            Pending::Browser(browser) => browser.finish(&cancel).await,
            Pending::Device(device) => device.finish(&cancel).await,
        }?;
        self.adopt_azure_since(session, Some(sign_outs)).await
    }

    /// Keeps `session` as this run's Azure sign-in and remembers who it is for the next start.
    async fn adopt_azure(&self, session: AzureSession) -> Result<AzureAccountInfo, SetupError> {
        self.adopt_azure_since(session, None).await
    }

    /// Keeps `session` unless the person signed Azure out after it started (`sign_outs`, the count of sign-outs
    /// then): a sign-out that lands after the sign-in committed, while its tokens were being stored, wins, and
    /// what the sign-in stored is removed. The check and the keeping happen under one lock, so a sign-out comes
    /// either before (this refuses) or after (it signs this session out).
    async fn adopt_azure_since(
        &self,
        session: AzureSession,
        sign_outs: Option<u64>,
    ) -> Result<AzureAccountInfo, SetupError> {
        let account = session.account().clone();
        let kept = {
            let mut inner = self.inner();
            if sign_outs.is_some_and(|then| then != inner.azure_sign_outs) {
                Err(session)
            } else {
                Ok(inner.set_azure(Some(session)))
            }
        };
        let previous = match kept {
            Ok(previous) => previous,
            Err(session) => {
                tracing::info!("an Azure sign-in finished after a sign-out: not kept");
                session.sign_out().await?;
                return Err(crate::SignInError::Cancelled.into());
            }
        };
        self.remember().await?;
        // Replace means remove: the previous sign-in's secrets go once this one has succeeded.
        if let Some(previous) = previous
            && let Err(error) = previous.remove_replaced(&account).await
        {
            tracing::warn!(
                code = error.code(),
                "could not remove the replaced Azure sign-in's keychain entries"
            );
        }
        tracing::info!(method = ?account.method, "signed in to Azure");
        Ok(azure_info(&account))
    }

    /// Borrows the Azure CLI's sign-in (`az login`): the CLI hands out the tokens, this app stores nothing.
    pub async fn sign_in_azure_cli(&self) -> Result<AzureAccountInfo, SetupError> {
        if find_on_path(AZURE_CLI).is_none() {
            return Err(SetupError {
                field: Some("azure_cli".into()),
                ..SetupError::new(
                    ErrorCode::AzureCredentialsFailed,
                    "The Azure CLI (az) is not installed on this computer, or not on its PATH.",
                    "Install the Azure CLI, run \"az login\" in a terminal, then try again. Or choose another way \
                     to sign in to Azure.",
                )
            });
        }
        let azure = self.azure_sign_in().await?;
        let session = azure.with_azure_cli().await.map_err(|e| {
            let mut error = SetupError::from(e);
            error.field = Some("azure_cli".into());
            error.remedy = "Run \"az login\" in a terminal (add --tenant with your directory's id to pick \
                            one), then try again. \"az account show\" tells who the Azure CLI is signed in as."
                .into();
            error
        })?;
        self.adopt_azure(session).await
    }

    /// Signs in as an app registration with its client secret, checked at once by getting a token.
    pub async fn sign_in_azure_service_principal(
        &self,
        request: AzureServicePrincipalRequest,
    ) -> Result<AzureAccountInfo, SetupError> {
        let azure = self.azure_sign_in().await?;
        let session = azure
            .with_service_principal(
                &request.tenant_id,
                &request.client_id,
                request.client_secret,
            )
            .await?;
        self.adopt_azure(session).await
    }

    /// Signs in as an app registration with the certificate file chosen in the dialog (the request names it by
    /// its handle), checked at once by getting a token; the path is remembered and the password (if any) kept in the keychain.
    pub async fn sign_in_azure_certificate(
        &self,
        request: AzureCertificateRequest,
    ) -> Result<AzureAccountInfo, SetupError> {
        let certificate_file =
            self.chosen_key_file(KeyFileKind::AzureCertificate, &request.certificate_file)?;
        let azure = self.azure_sign_in().await?;
        let session = azure
            .with_service_principal_certificate(
                &request.tenant_id,
                &request.client_id,
                &certificate_file,
                request.password,
            )
            .await?;
        self.adopt_azure(session).await
    }

    /// The directories the Azure identity belongs to, and how many subscriptions it sees in the current one.
    pub async fn azure_tenants(&self) -> Result<AzureTenants, SetupError> {
        let session = self.azure_session()?;
        let (tenants, subscriptions) = session.tenants_and_subscriptions(transport()?).await?;
        let account = session.account();
        Ok(AzureTenants {
            current: account.tenant_id.clone(),
            tenants: tenants
                .into_iter()
                .map(|tenant| TenantChoice {
                    tenant_id: tenant.tenant_id,
                    display_name: tenant.display_name,
                    default_domain: tenant.default_domain,
                })
                .collect(),
            subscription_count: u32::try_from(subscriptions.len()).unwrap_or(u32::MAX),
            can_switch: session.refresh_credential().is_some(),
        })
    }

    /// Moves the signed-in person to another directory: a token is obtained there at once (so a directory
    /// that refuses them says so now), and the choice is remembered for the next start.
    pub async fn switch_azure_tenant(
        &self,
        tenant_id: &str,
    ) -> Result<AzureAccountInfo, SetupError> {
        let tenant_id = tenant_id.trim();
        if tenant_id.is_empty() {
            return Err(SetupError::invalid(
                "azure_tenant",
                "choose the directory to switch to",
            ));
        }
        let session = self.azure_session()?;
        let switched = session.switch_tenant(tenant_id).await?;
        self.adopt_azure(switched).await
    }

    fn azure_session(&self) -> Result<AzureSession, SetupError> {
        self.inner().azure.clone().ok_or_else(|| {
            SetupError::new(
                ErrorCode::AzureCredentialsFailed,
                "You are not signed in to Azure.",
                "Sign in to Azure on the Sign in screen first.",
            )
        })
    }

    /// Cancels the pending Azure sign-in, if any, and drops it: its loopback listener stops and its port is
    /// freed, so a late callback finds nothing. `finish_azure`, called before or after, answers "cancelled".
    /// Answers `false` when nothing was left to cancel (none pending, or it had already committed: then
    /// `finish_azure` answers who signed in).
    pub fn cancel_azure(&self) -> bool {
        let (cancelled, pending) = {
            let mut inner = self.inner();
            let cancelled = inner
                .cancel
                .as_ref()
                .is_some_and(|cancel| !cancel.is_cancelled() && cancel.cancel());
            inner.pending_url = None;
            (cancelled, inner.pending.take())
        };
        // Dropped outside the lock: a browser sign-in's listener shuts down here.
        drop(pending);
        cancelled
    }
}

/// The Azure CLI's command, as the shell finds it (`az.cmd` on Windows).
const AZURE_CLI: &str = "az";

/// The file `PATH` would run for `program`, if any: checked before the Azure CLI is asked for a token so that
/// a missing CLI is named plainly instead of surfacing as a shell error.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names: &[&str] = if cfg!(windows) {
        &[".cmd", ".exe", ".bat"]
    } else {
        &[""]
    };
    std::env::split_paths(&path)
        .flat_map(|folder| {
            names
                .iter()
                .map(move |ext| folder.join(format!("{program}{ext}")))
        })
        .find(|candidate| candidate.is_file())
}
