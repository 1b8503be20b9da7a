//! The JSON export: the setup document with `$schema` (the committed schema's published URL) and `notes` (JSON
//! has no comments, so where it came from and what it left out are said in a field the schema declares); and the
//! schema itself, derived from the Rust types.

use setup_engine::{SETUP_DOCUMENT_SCHEMA_URL, SetupDocument};

use crate::text::Prepared;

pub(crate) fn document(setup: &Prepared<'_>) -> String {
    let mut document = SetupDocument::new(setup.inputs.clone());
    document.schema = Some(SETUP_DOCUMENT_SCHEMA_URL.to_owned());
    document.notes.push(setup.origin_line());
    document.notes.extend(setup.key_warning(
        "give the whole URL when you set this up (the window's webhook field, or `setup --webhook-url`).",
    ));
    document.notes.push(
        "Per environment: for another one, change the Auth0 domain, the subscription, the resource group and \
         the destination's resource ids; credentials are never part of this file."
            .to_owned(),
    );
    let mut text = document.to_json();
    text.push('\n');
    text
}

/// The schema of `SetupDocument`, with its published URL as `$id`.
pub(crate) fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(SetupDocument).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), SETUP_DOCUMENT_SCHEMA_URL.into());
    }
    schema
}
