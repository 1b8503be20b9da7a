//! The one-time registration of the app in Microsoft Entra ID, in words and as the `az` command that makes it:
//! what the Settings screen shows and what the missing-client-id error advises.

/// Azure Service Management, the API the sign-in asks access to.
const SERVICE_MANAGEMENT_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const USER_IMPERSONATION_SCOPE_ID: &str = "41094075-9dad-400e-a0bd-54e686782033";

/// The command an administrator runs once to register the app (multi-tenant public client, Azure Service
/// Management `user_impersonation`, redirect `http://localhost`, or `http://127.0.0.1` in a build that uses it).
pub fn registration_command() -> String {
    let redirect_host = crate::config::REDIRECT_HOST;
    format!(
        "az ad app create --display-name \"Auth0 Event Grid Setup\" --sign-in-audience AzureADMultipleOrgs \
         --is-fallback-public-client true --public-client-redirect-uris http://{redirect_host} \
         --required-resource-accesses '[{{\"resourceAppId\":\"{SERVICE_MANAGEMENT_APP_ID}\",\"resourceAccess\":\
         [{{\"id\":\"{USER_IMPERSONATION_SCOPE_ID}\",\"type\":\"Scope\"}}]}}]' --query appId --output tsv"
    )
}

/// The plain-words explanation shown when no client id is configured. It names no command line: the window
/// shows the administrator's command beside it (the Sign in screen's message to IT, and Settings), each with a
/// copy button.
pub fn registration_remedy() -> String {
    format!(
        "Signing in with a Microsoft account needs this app to be registered once in Microsoft Entra ID. An \
     administrator registers it as a multi-tenant public client that may use Azure Service Management \
     (user_impersonation), with the redirect address http://{}; Settings shows the command to send them. \
     Then enter the application (client) ID they give you in Settings. Until then, sign in with the Azure CLI \
     (az login) or a service principal.",
        crate::config::REDIRECT_HOST
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_command_names_what_an_administrator_needs() {
        let command = registration_command();
        assert!(command.starts_with("az ad app create "));
        for needed in [
            "AzureADMultipleOrgs",
            "--is-fallback-public-client true",
            &format!(
                "--public-client-redirect-uris http://{}",
                crate::config::REDIRECT_HOST
            ),
            SERVICE_MANAGEMENT_APP_ID,
            USER_IMPERSONATION_SCOPE_ID,
        ] {
            assert!(command.contains(needed), "{needed} missing from {command}");
        }
    }
}
