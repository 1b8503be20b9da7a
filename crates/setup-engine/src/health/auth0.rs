//! The Auth0 sign-in check: the engine's Management API token is accepted and carries every scope the setup
//! needs (`auth0_client::REQUIRED_SCOPES`). A missing scope is red and named; no fix can grant it from here,
//! so the sentence says where it is granted.

use auth0_client::{Auth0Error, REQUIRED_SCOPES};

use super::{Check, CheckId, CheckState};

const ID: CheckId = CheckId::Auth0SignIn;

/// `scopes` is what the token said it grants (None for an opaque token, which Auth0 accepted).
pub(super) fn sign_in(
    domain: &str,
    scopes: &Result<Option<Vec<String>>, Auth0Error>,
    at: &str,
) -> Check {
    let granted = match scopes {
        Ok(granted) => granted,
        Err(error @ (Auth0Error::InvalidCredentials { .. } | Auth0Error::Unauthorized { .. })) => {
            return Check::new(
                ID,
                CheckState::Red,
                format!("Auth0 ({domain}) refused the sign-in: {error}. Sign in to Auth0 again."),
                at,
            );
        }
        Err(error) => {
            return Check::unknown(ID, error, at);
        }
    };
    let missing: Vec<&str> = match granted {
        Some(granted) => REQUIRED_SCOPES
            .iter()
            .copied()
            .filter(|needed| !granted.iter().any(|g| g == needed))
            .collect(),
        None => Vec::new(),
    };
    if missing.is_empty() {
        return Check::new(
            ID,
            CheckState::Green,
            format!("Signed in to Auth0 ({domain}) with every scope the setup needs."),
            at,
        );
    }
    Check::new(
        ID,
        CheckState::Red,
        format!(
            "The Auth0 sign-in lacks the scope{} {}: grant {} to the application in the Auth0 dashboard \
             (Applications > APIs > Auth0 Management API > Machine to Machine Applications), or paste a token \
             that has {}, then check again.",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
            if missing.len() == 1 { "it" } else { "them" },
        ),
        at,
    )
}
