//! A document to import, checked in the order a person can fix it: its size, that it is JSON, that it carries
//! no credential, its version (an older one migrated), its fields, and then every input as the wizard checks
//! what is typed. Each refusal is `invalid_input` naming the field and the rule.

use serde_json::Value;
use setup_engine::{SetupDocument, SetupError, ValidationContext, validate};

use crate::credential_scan;

/// The largest document read: a setup is about 1 KiB, so anything near this is not one.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024;

const WHOLE: &str = "setup document";

pub(crate) fn read(bytes: &[u8]) -> Result<SetupDocument, SetupError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        let mut error = SetupError::invalid(
            WHOLE,
            format!(
                "is {} KiB: a setup document is at most {} KiB (an export is about 1 KiB)",
                bytes.len().div_ceil(1024),
                MAX_IMPORT_BYTES / 1024
            ),
        );
        error.remedy = "Choose the .setup.json file the export wrote.".into();
        return Err(error);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let mut error = SetupError::invalid(WHOLE, format!("is not JSON ({e})"));
        error.remedy = "Choose the .setup.json file the export wrote.".into();
        error
    })?;
    if !value.is_object() {
        return Err(SetupError::invalid(
            WHOLE,
            "is not a JSON object: a setup document is {\"version\": 1, \"inputs\": {...}}",
        ));
    }
    if let Some((field, why)) = credential_scan::find(&value, "") {
        let mut error = SetupError::invalid(
            &field,
            format!("{why}: setup documents never carry credentials; sign in instead"),
        );
        error.remedy = format!(
            "Remove {field} from the file. Credentials are given when signing in, and a webhook's key when \
             the setup is made, never in a setup document."
        );
        return Err(error);
    }
    let document = SetupDocument::from_value(value)?;
    validate(
        &document.inputs,
        ValidationContext {
            azure_is_loopback: true,
        },
    )?;
    Ok(document)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use setup_engine::{ErrorCode, SetupInputs};

    use super::*;

    fn valid() -> Value {
        let mut inputs = SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            subscription_id: "11111111-2222-3333-4444-555555555555".into(),
            ..SetupInputs::default()
        };
        inputs.destination.webhook_url = Some("https://hooks.example/auth0".into());
        json!({
            "$schema": setup_engine::SETUP_DOCUMENT_SCHEMA_URL,
            "version": 1,
            "notes": ["A note."],
            "inputs": inputs,
        })
    }

    fn refused(value: &Value) -> SetupError {
        read(value.to_string().as_bytes()).unwrap_err()
    }

    #[test]
    fn a_valid_document_is_read() {
        let document = read(valid().to_string().as_bytes()).unwrap();
        assert_eq!(document.inputs.auth0_domain, "acme.eu.auth0.com");
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_parsed() {
        let mut bytes = valid().to_string().into_bytes();
        bytes.resize(MAX_IMPORT_BYTES + 1, b' ');
        let error = read(&bytes).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert_eq!(error.field.as_deref(), Some(WHOLE));
        assert!(
            error.message.contains("at most 64 KiB"),
            "{}",
            error.message
        );
        // Exactly at the cap is still read (trailing white space is JSON).
        bytes.truncate(MAX_IMPORT_BYTES);
        assert!(read(&bytes).is_ok());
    }

    #[test]
    fn not_json_is_refused() {
        for bytes in [&b"PK\x03\x04 a zip"[..], b"{\"version\": 1,", b"\xff\xfe"] {
            let error = read(bytes).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(WHOLE));
            assert!(error.message.contains("is not JSON"), "{}", error.message);
        }
        let error = read(b"[1, 2]").unwrap_err();
        assert!(error.message.contains("not a JSON object"));
    }

    #[test]
    fn a_newer_version_is_refused_clearly() {
        let mut value = valid();
        value["version"] = 2.into();
        let error = refused(&value);
        assert_eq!(error.field.as_deref(), Some("version"));
        assert!(error.message.contains("newer"), "{}", error.message);
        assert!(error.remedy.contains("Update"), "{}", error.remedy);
    }

    #[test]
    fn unknown_fields_are_named() {
        let mut value = valid();
        value["azure_cloud"] = "public".into();
        assert_eq!(refused(&value).field.as_deref(), Some("azure_cloud"));
        let mut value = valid();
        value["inputs"]["retry"]["backoff"] = 2.into();
        assert_eq!(
            refused(&value).field.as_deref(),
            Some("inputs.retry.backoff")
        );
    }

    #[test]
    fn a_secret_is_refused_saying_why() {
        let mut value = valid();
        value["inputs"]["auth0_client_secret"] = "s3cr3t".into();
        let error = refused(&value);
        assert_eq!(error.field.as_deref(), Some("inputs.auth0_client_secret"));
        assert!(
            error
                .message
                .contains("setup documents never carry credentials; sign in instead"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("s3cr3t") && !error.remedy.contains("s3cr3t"));

        let mut value = valid();
        value["inputs"]["destination"]["webhook_url"] = "https://fn.example/api?code=k3y".into();
        let error = refused(&value);
        assert_eq!(
            error.field.as_deref(),
            Some("inputs.destination.webhook_url")
        );
        assert!(!error.message.contains("k3y"));
    }

    #[test]
    fn inputs_are_checked_as_typed_with_the_wizard_s_messages() {
        let mut value = valid();
        value["inputs"]["subscription_id"] = "not-a-guid".into();
        let error = refused(&value);
        let typed = setup_engine::guid("subscription_id", "not-a-guid").unwrap_err();
        assert_eq!(error, typed);

        let mut value = valid();
        value["inputs"]["region"] = "atlantis".into();
        assert_eq!(refused(&value).field.as_deref(), Some("region"));
    }

    fn fuzz_keys() -> &'static [&'static str] {
        let mut every = valid();
        let inputs = &mut every["inputs"];
        inputs["dead_letter"] = json!({"storage_account_id": "", "container_name": ""});
        inputs["destination"]["queue_name"] = json!("");
        inputs["destination"]["resource_id"] = json!("");
        json_fuzz::keys_of(&[every])
    }

    /// A refusal says which field and why, and never repeats what looked like a secret.
    fn explained(error: &SetupError) -> Result<(), proptest::test_runner::TestCaseError> {
        proptest::prop_assert_eq!(error.code, ErrorCode::InvalidInput, "{:?}", error);
        proptest::prop_assert!(
            error.field.as_deref().is_some_and(|f| !f.is_empty()),
            "no field: {:?}",
            error
        );
        proptest::prop_assert!(!error.message.is_empty());
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(json_fuzz::config(256))]

        #[test]
        fn fuzz_any_bytes_are_read_or_refused_with_a_field(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)
        ) {
            if let Err(error) = read(&bytes) {
                explained(&error)?;
            }
        }

        #[test]
        fn fuzz_changed_documents_are_read_or_refused_with_a_field(
            document in json_fuzz::mutated(valid(), fuzz_keys())
        ) {
            if let Err(error) = read(document.to_string().as_bytes()) {
                explained(&error)?;
            }
        }

        #[test]
        fn fuzz_a_planted_credential_is_refused_and_never_repeated(
            document in json_fuzz::mutated(valid(), fuzz_keys()),
            at in proptest::prelude::any::<usize>(),
            shape in 0usize..3,
        ) {
            const PLANTED: &str = "Zm9vYmFyLXBsYW50ZWQtc2VjcmV0";
            let secret = match shape {
                0 => format!("Bearer {PLANTED}"),
                1 => format!("DefaultEndpointsProtocol=https;AccountName=a;AccountKey={PLANTED}"),
                _ => format!("https://user:{PLANTED}@hooks.example/x"),
            };
            let mut document = document;
            json_fuzz::apply(&mut document, &json_fuzz::Mutation::Add(at, "note".into(), json!(secret)));
            let text = document.to_string();
            proptest::prop_assume!(text.contains(PLANTED));
            let error = read(text.as_bytes()).expect_err("a document carrying a credential is refused");
            explained(&error)?;
            proptest::prop_assert!(!error.message.contains(PLANTED) && !error.remedy.contains(PLANTED));
        }
    }
}
