//! One setup as a file: `{"version": 1, "inputs": {...}}`, what the CLI's `--config` reads, the window's draft
//! keeps and an export writes. It holds what the user asked for and nothing else: no secret (`SetupInputs` has
//! none), no connection option (which Azure cloud, which sign-in), so one document works from either front end.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::SetupError;
use crate::inputs::SetupInputs;

/// The version this build writes and the newest it reads. Raise it only when an older build would misread the
/// new shape; a field added to the inputs with a default needs no new version.
pub const SETUP_DOCUMENT_VERSION: u32 = 1;

/// Nothing but the version and the inputs: a key beside them (`azure_cloud`, a secret) is refused rather than
/// silently ignored, so nobody believes a document chose their cloud or carried a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupDocument {
    pub version: u32,
    pub inputs: SetupInputs,
}

impl SetupDocument {
    /// The current version around `inputs`.
    pub fn new(inputs: SetupInputs) -> Self {
        Self {
            version: SETUP_DOCUMENT_VERSION,
            inputs,
        }
    }

    /// Reads a document's text. The version is checked before the rest, so a document from a newer build is
    /// refused with that reason (field `version`) rather than as a puzzling missing or unknown field.
    pub fn read(text: &str) -> Result<Self, SetupError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| SetupError::invalid("setup document", format!("is not JSON: {e}")))?;
        Self::from_value(value)
    }

    /// As `read`, from JSON already parsed.
    pub fn from_value(value: Value) -> Result<Self, SetupError> {
        check_version(value.get("version"))?;
        serde_json::from_value(value).map_err(|e| {
            SetupError::invalid("setup document", format!("is not a valid setup: {e}"))
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a setup document always serializes")
    }
}

fn check_version(version: Option<&Value>) -> Result<(), SetupError> {
    let Some(version) = version else {
        return Err(SetupError::invalid(
            "version",
            format!(
                "is missing: a setup document starts with \"version\": {SETUP_DOCUMENT_VERSION}"
            ),
        ));
    };
    match version.as_u64() {
        Some(v) if (1..=u64::from(SETUP_DOCUMENT_VERSION)).contains(&v) => Ok(()),
        Some(v) if v > u64::from(SETUP_DOCUMENT_VERSION) => {
            let mut error = SetupError::invalid(
                "version",
                format!(
                    "is {v}, newer than this build reads (up to {SETUP_DOCUMENT_VERSION}): the document was \
                     written by a newer version of Auth0 Event Grid Setup"
                ),
            );
            error.remedy =
                "Update Auth0 Event Grid Setup, or write the document in the version this build reads.".into();
            Err(error)
        }
        _ => Err(SetupError::invalid(
            "version",
            format!("is {version}: it must be a whole number from 1 to {SETUP_DOCUMENT_VERSION}"),
        )),
    }
}

/// The inputs a new setup starts from, in the window and on the command line: the one place they are written.
pub fn default_inputs() -> SetupInputs {
    SetupInputs::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn sample() -> SetupInputs {
        SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            subscription_id: "11111111-2222-3333-4444-555555555555".into(),
            ..default_inputs()
        }
    }

    #[test]
    fn a_document_reads_back_what_it_wrote() {
        let document = SetupDocument::new(sample());
        let text = document.to_json();
        assert!(text.contains("\"version\": 1"));
        assert_eq!(SetupDocument::read(&text).unwrap(), document);
    }

    #[test]
    fn a_newer_version_is_refused_naming_the_field_and_the_rule() {
        let mut value = serde_json::to_value(SetupDocument::new(sample())).unwrap();
        value["version"] = 2.into();
        // Whatever a newer shape holds, the version is what is reported.
        value["inputs"] = serde_json::json!({"something": "new"});
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert_eq!(error.field.as_deref(), Some("version"));
        assert!(error.message.contains("is 2") && error.message.contains("up to 1"));
        assert!(error.remedy.contains("Update"));
    }

    #[test]
    fn a_missing_or_malformed_version_is_refused() {
        for text in [
            r#"{"inputs": {}}"#,
            r#"{"version": 0, "inputs": {}}"#,
            r#"{"version": "1", "inputs": {}}"#,
        ] {
            let error = SetupDocument::read(text).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("version"), "{text}");
        }
    }

    #[test]
    fn a_document_never_holds_more_than_the_inputs() {
        let mut value = serde_json::to_value(SetupDocument::new(sample())).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["inputs", "version"]);
        value["auth0_client_secret"] = "not here".into();
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("setup document"));
        assert!(
            error.message.contains("auth0_client_secret"),
            "{}",
            error.message
        );
    }

    /// The defaults the window's form starts from (the wizard asks for them); changing one changes what a new
    /// user sees.
    #[test]
    fn the_defaults_are_those_the_window_starts_from() {
        let defaults = serde_json::to_value(default_inputs()).unwrap();
        assert_eq!(
            defaults,
            serde_json::json!({
                "auth0_domain": "",
                "stream_name": "Azure Event Grid",
                "subscription_id": "",
                "resource_group": "auth0-events",
                "region": "westeurope",
                "create_resource_group": true,
                "authorization_days": 7,
                "event_categories": [],
                "pii": null,
                "start_from": null,
                "destination": {
                    "kind": "webhook",
                    "webhook_url": null,
                    "resource_id": null,
                    "queue_name": null,
                    "max_events_per_batch": null,
                    "preferred_batch_size_in_kilobytes": null
                },
                "event_subscription_name": "auth0-logs",
                "log_codes": [],
                "retry": {"max_delivery_attempts": 30, "event_time_to_live_in_minutes": 1440},
                "dead_letter": null
            })
        );
    }
}
