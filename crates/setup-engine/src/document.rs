//! One setup as a file: `{"version": 1, "inputs": {...}}`, what the CLI's `--config` reads, the window's draft
//! keeps and an export writes. It holds what the user asked for and nothing else: no secret (`SetupInputs` has
//! none), no connection option (which Azure cloud, which sign-in), so one document works from either front end.
//! An export adds `$schema` (for editors) and `notes` (JSON has no comments); both are read and set aside.
//! A document of an older version is brought to the current one by `MIGRATIONS`, one function per version.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::SetupError;
use crate::inputs::SetupInputs;

/// The version this build writes and the newest it reads. Raise it only when an older build would misread the
/// new shape; a field added to the inputs with a default needs no new version.
pub const SETUP_DOCUMENT_VERSION: u32 = 1;

/// Where the document's JSON Schema is published: the committed `schemas/setup-document.schema.json` on the
/// repository's main branch, raw, so an editor given the `$schema` of an export fetches it and checks the file
/// as it is typed (a relative name would only work beside a checkout).
pub const SETUP_DOCUMENT_SCHEMA_URL: &str = "https://raw.githubusercontent.com/auth0-eventgrid-setup/auth0-eventgrid-setup/main/schemas/setup-document.schema.json";

/// Brings a document of version `n` (its JSON, `version` included) to version `n + 1`: the entry at index
/// `n - 1`. Each returns the document with its `version` raised.
pub type Migration = fn(Value) -> Result<Value, SetupError>;

/// One migration per older version: empty while 1 is the only version. When version 2 arrives, the function
/// that turns a version-1 document into a version-2 one goes here.
pub const MIGRATIONS: &[Migration] = &[];

// Every version below the current one has its migration.
const _: () = assert!(MIGRATIONS.len() == SETUP_DOCUMENT_VERSION as usize - 1);

/// Nothing but the version and the inputs (and an export's `$schema` and `notes`): a key beside them
/// (`azure_cloud`, a secret) is refused rather than silently ignored, so nobody believes a document chose their
/// cloud or carried a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Auth0 Event Grid Setup: setup document",
    description = "One setup of Auth0 Event Grid Setup (an Auth0 log stream to Azure Event Grid): what `auth0-eventgrid setup --config`, `verify --config` and the desktop app's import read. It never holds a credential."
)]
pub struct SetupDocument {
    /// The JSON Schema this document follows (for editors); any value is accepted and set aside.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The document's version: 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Notes for the reader (where the export came from, what was left out). Set aside when read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub inputs: SetupInputs,
}

impl SetupDocument {
    /// The current version around `inputs`.
    pub fn new(inputs: SetupInputs) -> Self {
        Self {
            schema: None,
            version: SETUP_DOCUMENT_VERSION,
            notes: Vec::new(),
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

    /// As `read`, from JSON already parsed. An older version is migrated first. A field the document may not
    /// hold, or one of the wrong type, is named by its path (`inputs.destination.kind`).
    pub fn from_value(value: Value) -> Result<Self, SetupError> {
        let version = check_version(value.get("version"))?;
        let value = migrate(value, version, MIGRATIONS)?;
        if let Some(parent) = blank_key(&value, "") {
            let field = if parent.is_empty() {
                "setup document".to_owned()
            } else {
                parent
            };
            return Err(SetupError::invalid(
                &format!("{field} (a field with an empty name)"),
                "holds a field whose name is empty or blank: a setup document names every field (see its JSON Schema)",
            ));
        }
        let document: Self = serde_path_to_error::deserialize(&value).map_err(|e| {
            SetupError::invalid(
                &field_named(&e.path().to_string()),
                format!("is not valid: {}", e.inner()),
            )
        })?;
        // The input types take unknown keys silently elsewhere (the store, IPC); a document may not hold one.
        let known = serde_json::to_value(&document.inputs).expect("inputs always serialize");
        if let Some(path) = unknown_key(&value["inputs"], &known, "inputs") {
            return Err(SetupError::invalid(
                &field_named(&path),
                "is an unknown field: a setup document holds only the setup's inputs (see its JSON Schema)",
            ));
        }
        Ok(document)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a setup document always serializes")
    }
}

/// The path of the object holding the first key whose name is empty or blank ("" for the root).
fn blank_key(value: &Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            if map.keys().any(|k| k.trim().is_empty()) {
                return Some(path.to_owned());
            }
            map.iter().find_map(|(k, v)| blank_key(v, &join(k)))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| blank_key(v, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// How a refusal names the field at `path`: the whole document for its root.
fn field_named(path: &str) -> String {
    if path.is_empty() || path == "." {
        "setup document".to_owned()
    } else {
        path.to_owned()
    }
}

/// The path of the first key of `given` that `known` (the same inputs, written back: every field present)
/// does not have.
fn unknown_key(given: &Value, known: &Value, path: &str) -> Option<String> {
    let (Value::Object(given), Value::Object(known)) = (given, known) else {
        return None;
    };
    given.iter().find_map(|(key, value)| {
        let inner = format!("{path}.{key}");
        match known.get(key) {
            None => Some(inner),
            Some(known) => unknown_key(value, known, &inner),
        }
    })
}

/// `value` (of `version`) brought to the newest version `migrations` know, one step at a time.
fn migrate(mut value: Value, version: u32, migrations: &[Migration]) -> Result<Value, SetupError> {
    for migration in migrations.iter().skip(version as usize - 1) {
        value = migration(value)?;
    }
    Ok(value)
}

/// The document's version when this build reads it.
fn check_version(version: Option<&Value>) -> Result<u32, SetupError> {
    let Some(version) = version else {
        return Err(SetupError::invalid(
            "version",
            format!(
                "is missing: a setup document starts with \"version\": {SETUP_DOCUMENT_VERSION}"
            ),
        ));
    };
    match version.as_u64() {
        Some(v) if (1..=u64::from(SETUP_DOCUMENT_VERSION)).contains(&v) => Ok(v as u32),
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
        assert_eq!(error.field.as_deref(), Some("auth0_client_secret"));
        assert!(error.message.contains("unknown field"), "{}", error.message);
    }

    #[test]
    fn a_key_with_an_empty_name_is_named_by_where_it_is() {
        let mut value = serde_json::to_value(SetupDocument::new(sample())).unwrap();
        value[""] = serde_json::json!({});
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("setup document (a field with an empty name)")
        );
        value.as_object_mut().unwrap().remove("");
        value["inputs"]["destination"][" "] = 1.into();
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("inputs.destination (a field with an empty name)")
        );
    }

    #[test]
    fn an_export_s_schema_and_notes_are_read_and_other_keys_refused_by_path() {
        let mut value = serde_json::to_value(SetupDocument::new(sample())).unwrap();
        value["$schema"] = SETUP_DOCUMENT_SCHEMA_URL.into();
        value["notes"] = serde_json::json!(["Exported by a test."]);
        let document = SetupDocument::read(&value.to_string()).unwrap();
        assert_eq!(document.inputs, sample());
        assert_eq!(document.notes, ["Exported by a test."]);

        value["inputs"]["destination"]["colour"] = "blue".into();
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("inputs.destination.colour"),
            "{error:?}"
        );
        assert!(error.message.contains("unknown field"), "{}", error.message);
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_by_its_path() {
        let mut value = serde_json::to_value(SetupDocument::new(sample())).unwrap();
        value["inputs"]["retry"]["max_delivery_attempts"] = "thirty".into();
        let error = SetupDocument::read(&value.to_string()).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("inputs.retry.max_delivery_attempts")
        );
    }

    /// The hook an older version goes through: each migration runs once, in order, from the document's
    /// version on (the real table is empty while 1 is the only version).
    #[test]
    fn an_older_version_runs_through_each_later_migration_in_order() {
        fn one_to_two(mut v: Value) -> Result<Value, SetupError> {
            v["steps"] = serde_json::json!(["1->2"]);
            v["version"] = 2.into();
            Ok(v)
        }
        fn two_to_three(mut v: Value) -> Result<Value, SetupError> {
            v["steps"].as_array_mut().unwrap().push("2->3".into());
            v["version"] = 3.into();
            Ok(v)
        }
        let table: &[Migration] = &[one_to_two, two_to_three];
        let from_one = migrate(serde_json::json!({"version": 1}), 1, table).unwrap();
        assert_eq!(
            from_one,
            serde_json::json!({"version": 3, "steps": ["1->2", "2->3"]})
        );
        let from_two = migrate(serde_json::json!({"version": 2, "steps": []}), 2, table).unwrap();
        assert_eq!(
            from_two,
            serde_json::json!({"version": 3, "steps": ["2->3"]})
        );
        let current = migrate(serde_json::json!({"version": 3}), 3, table).unwrap();
        assert_eq!(current, serde_json::json!({"version": 3}));
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
                "pii": {
                    "log_fields": ["first_name", "last_name", "username", "email", "phone", "address"],
                    "method": "mask"
                },
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
