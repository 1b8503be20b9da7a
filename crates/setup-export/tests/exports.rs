//! Every format of a few setups: no secret the test handed out in any of them, and each says so when it left
//! the webhook's key out; the JSON validates against the committed schema (which must be current) and reads
//! back; the Terraform parses and uses only resource types, arguments and body properties the providers'
//! published schemas have (`providers/allow-list.json`); the shell script has its guards.

mod samples;

use std::collections::BTreeSet;
use std::path::PathBuf;

use hcl::{Body, Expression, ObjectKey};
use serde_json::Value;
use setup_export::{
    ExportFormat, ExportSource, Exported, export, export_saved, read_import, setup_document_schema,
};

const FORMATS: [ExportFormat; 3] = [
    ExportFormat::Json,
    ExportFormat::Terraform,
    ExportFormat::Shell,
];

fn exports() -> Vec<(String, setup_engine::SetupInputs, Exported)> {
    let mut all = Vec::new();
    for (name, inputs) in samples::setups() {
        for format in FORMATS {
            let source = ExportSource {
                name,
                inputs: &inputs,
            };
            all.push((
                name.to_owned(),
                inputs.clone(),
                export(&source, format, &samples::origin()),
            ));
        }
    }
    all
}

fn crate_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn schema_path() -> PathBuf {
    crate_file("../../schemas/setup-document.schema.json")
}

#[test]
fn no_format_holds_the_webhook_key_and_each_says_it_was_left_out() {
    for (name, inputs, exported) in exports() {
        let format = exported.format;
        for needle in [samples::WEBHOOK_KEY, "code=", "clientId=default"] {
            assert!(
                !exported.text.contains(needle),
                "{name} {format:?} holds {needle}:\n{}",
                exported.text
            );
        }
        let keyed = inputs
            .destination
            .webhook_url
            .as_deref()
            .is_some_and(|u| u.contains('?'));
        assert_eq!(exported.webhook_key_left_out, keyed, "{name} {format:?}");
        assert_eq!(
            exported.text.contains("was left out of this export"),
            keyed,
            "{name} {format:?}:\n{}",
            exported.text
        );
        assert!(
            exported.text.contains("Auth0 Event Grid Setup 0.1.0")
                && exported.text.contains("2026-12-04T18:00:00Z"),
            "{name} {format:?} names where it came from"
        );
    }
}

#[test]
fn a_saved_setup_whose_key_is_in_the_keychain_says_it_was_left_out() {
    let (name, mut inputs) = samples::setups().remove(0);
    // As the store keeps it: the URL without its query.
    inputs.destination.webhook_url = Some("https://hooks.example.com/api/auth0".into());
    let source = ExportSource {
        name,
        inputs: &inputs,
    };
    for format in FORMATS {
        let exported = export_saved(&source, true, format, &samples::origin());
        assert!(exported.webhook_key_left_out);
        assert!(exported.text.contains("was left out of this export"));
        assert!(!export_saved(&source, false, format, &samples::origin()).webhook_key_left_out);
    }
}

#[test]
fn file_names_follow_the_setup_s_name() {
    let names: Vec<String> = exports().into_iter().map(|(.., e)| e.file_name).collect();
    assert_eq!(
        &names[..3],
        [
            "security-logs-webhook.setup.json",
            "security-logs-webhook.tf",
            "security-logs-webhook.sh"
        ]
    );
}

// ---- JSON ---------------------------------------------------------------------------------------------------

/// `UPDATE_SCHEMA=1` rewrites the committed schema (`make schema`).
#[test]
fn the_committed_schema_is_the_one_the_types_generate() {
    let generated = format!(
        "{}\n",
        serde_json::to_string_pretty(&setup_document_schema()).unwrap()
    );
    let path = schema_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/setup-document.schema.json is stale: run `make schema` and commit it"
    );
}

#[test]
fn every_json_export_validates_against_the_committed_schema_and_reads_back() {
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&committed).unwrap();
    for (name, inputs, exported) in exports() {
        if exported.format != ExportFormat::Json {
            continue;
        }
        let document: Value = serde_json::from_str(&exported.text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}\n{}", exported.text);
        assert_eq!(document["$schema"], setup_engine::SETUP_DOCUMENT_SCHEMA_URL);
        assert_eq!(document["version"], 1);

        let read = read_import(exported.text.as_bytes()).unwrap();
        let mut expected = inputs.clone();
        if let Some(url) = expected.destination.webhook_url.as_mut() {
            url.truncate(url.find('?').unwrap_or(url.len()));
        }
        assert_eq!(read.inputs, expected, "{name}");
    }
}

/// The schema is not a formality: what the import refuses, the schema refuses too.
#[test]
fn the_schema_refuses_unknown_keys_and_a_newer_version() {
    let validator = jsonschema::validator_for(&setup_document_schema()).unwrap();
    let (_, _, exported) = exports().remove(0);
    let good: Value = serde_json::from_str(&exported.text).unwrap();
    assert!(validator.is_valid(&good));
    for (pointer, value) in [
        ("/azure_cloud", Value::from("public")),
        ("/inputs/destination/colour", Value::from("blue")),
        ("/version", Value::from(2)),
        ("/inputs/retry/max_delivery_attempts", Value::from(31)),
    ] {
        let mut bad = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut bad
        } else {
            bad.pointer_mut(parent).unwrap()
        };
        target[key] = value;
        assert!(!validator.is_valid(&bad), "{pointer}");
    }
}

// ---- Terraform ----------------------------------------------------------------------------------------------

struct AllowList(Value);

impl AllowList {
    fn load() -> Self {
        let text = std::fs::read_to_string(crate_file("providers/allow-list.json")).unwrap();
        Self(serde_json::from_str(&text).unwrap())
    }

    fn names(&self, pointer: &str) -> BTreeSet<String> {
        self.0
            .pointer(pointer)
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("allow-list has {pointer}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    fn has(&self, pointer: &str) -> bool {
        self.0.pointer(pointer).is_some()
    }
}

const META_ARGUMENTS: [&str; 5] = ["depends_on", "count", "for_each", "lifecycle", "provider"];

fn string_of(expr: &Expression) -> String {
    match expr {
        Expression::String(s) => s.clone(),
        other => panic!("expected a plain string, found {other:?}"),
    }
}

/// Every property path of an object expression (`properties.destination.endpointType`), arrays passed
/// through.
fn object_paths(expr: &Expression, prefix: &str, out: &mut BTreeSet<String>) {
    match expr {
        Expression::Object(object) => {
            for (key, value) in object {
                let key = match key {
                    ObjectKey::Identifier(ident) => ident.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    other => panic!("an object key that is not a name: {other:?}"),
                };
                let path = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                object_paths(value, &path, out);
            }
        }
        Expression::Array(items) => {
            for item in items {
                object_paths(item, prefix, out);
            }
        }
        _ => {}
    }
}

fn attribute<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// Checks one resource or data block against the allow-list, returning its type.
fn check_block(allow: &AllowList, kind: &str, block: &hcl::Block) -> String {
    let type_name = block.labels()[0].as_str().to_owned();
    let section = if kind == "resource" {
        "resources"
    } else {
        "data_sources"
    };
    assert!(
        allow.has(&format!("/{section}/{type_name}")),
        "{kind} type {type_name} is not in the allow-list"
    );
    let arguments = allow.names(&format!("/{section}/{type_name}/arguments"));
    for attr in block.body().attributes() {
        assert!(
            arguments.contains(attr.key()) || META_ARGUMENTS.contains(&attr.key()),
            "{type_name}.{} is not an argument the provider documents",
            attr.key()
        );
    }
    for inner in block.body().blocks() {
        let allowed = allow.names(&format!(
            "/{section}/{type_name}/blocks/{}",
            inner.identifier()
        ));
        for attr in inner.body().attributes() {
            assert!(
                allowed.contains(attr.key()),
                "{type_name}.{}.{} is not documented",
                inner.identifier(),
                attr.key()
            );
        }
    }
    if type_name == "azapi_resource" {
        check_azapi_resource(allow, block.body());
    }
    if type_name == "azapi_resource_action" {
        check_azapi_action(allow, block.body());
    }
    type_name
}

fn check_azapi_resource(allow: &AllowList, body: &Body) {
    let api_type = string_of(attribute(body, "type").unwrap());
    let allowed = allow.names(&format!(
        "/azapi_types/{}/body",
        api_type.replace('/', "~1")
    ));
    let mut paths = BTreeSet::new();
    for key in ["body", "sensitive_body"] {
        if let Some(expr) = attribute(body, key) {
            object_paths(expr, "", &mut paths);
        }
    }
    assert!(!paths.is_empty(), "{api_type} has a body");
    for path in paths {
        assert!(
            allowed.contains(&path),
            "{api_type}: body property {path} is not in the published schema"
        );
    }
}

fn check_azapi_action(allow: &AllowList, body: &Body) {
    let api_type = string_of(attribute(body, "type").unwrap()).replace('/', "~1");
    let action = string_of(attribute(body, "action").unwrap());
    let allowed = allow.names(&format!("/azapi_actions/{api_type}/actions/{action}"));
    let mut paths = BTreeSet::new();
    if let Some(expr) = attribute(body, "body") {
        object_paths(expr, "", &mut paths);
    }
    for path in paths {
        assert!(
            allowed.contains(&path),
            "{action}: {path} is not documented"
        );
    }
    if let Some(Expression::Object(retry)) = attribute(body, "retry") {
        let fields = allow.names("/resources/azapi_resource_action/retry_object");
        for (key, _) in retry {
            assert!(fields.contains(&key.to_string()), "retry.{key}");
        }
    }
}

#[test]
fn terraform_parses_and_uses_only_what_the_providers_publish() {
    let allow = AllowList::load();
    for (name, inputs, exported) in exports() {
        if exported.format != ExportFormat::Terraform {
            continue;
        }
        let body: Body = hcl::from_str(&exported.text)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", exported.text));
        let mut types = BTreeSet::new();
        let mut variables = BTreeSet::new();
        for block in body.blocks() {
            match block.identifier() {
                "resource" | "data" => {
                    types.insert(check_block(&allow, block.identifier(), block));
                }
                "provider" => {
                    let provider = block.labels()[0].as_str();
                    let arguments = allow.names(&format!("/providers/{provider}/arguments"));
                    for attr in block.body().attributes() {
                        assert!(
                            arguments.contains(attr.key()),
                            "provider {provider}.{}",
                            attr.key()
                        );
                    }
                    for inner in block.body().blocks() {
                        assert!(
                            allow.has(&format!(
                                "/providers/{provider}/blocks/{}",
                                inner.identifier()
                            )),
                            "provider {provider} block {}",
                            inner.identifier()
                        );
                    }
                }
                "terraform" => {
                    let required = block
                        .body()
                        .blocks()
                        .find(|b| b.identifier() == "required_providers")
                        .expect("required_providers");
                    for attr in required.body().attributes() {
                        let Expression::Object(spec) = attr.expr() else {
                            panic!("{} is an object", attr.key())
                        };
                        let field = |k: &str| {
                            spec.iter()
                                .find(|(key, _)| key.to_string() == k)
                                .map(|(_, v)| string_of(v))
                                .unwrap()
                        };
                        let source = allow.0[&"required_providers"][attr.key()]["source"]
                            .as_str()
                            .unwrap_or_else(|| panic!("provider {} allowed", attr.key()));
                        assert_eq!(field("source"), source);
                        let version = field("version");
                        assert!(
                            version.starts_with("~> ") && version.matches('.').count() == 2,
                            "{} is pinned to patch releases: {version}",
                            attr.key()
                        );
                    }
                }
                "variable" => {
                    variables.insert(block.labels()[0].as_str().to_owned());
                }
                "locals" | "output" => {}
                other => panic!("unexpected block {other}"),
            }
        }
        for needed in [
            "auth0_log_stream",
            "azapi_resource",
            "azapi_resource_action",
        ] {
            assert!(types.contains(needed), "{name} uses {needed}");
        }
        for per_environment in [
            "auth0_domain",
            "subscription_id",
            "resource_group",
            "region",
        ] {
            assert!(
                variables.contains(per_environment),
                "{name}: {per_environment}"
            );
        }
        let webhook = inputs.destination.kind == setup_engine::DestinationKind::Webhook;
        assert_eq!(variables.contains("webhook_url"), webhook, "{name}");
        assert_eq!(
            inputs.create_resource_group,
            types.contains("azurerm_resource_group")
                && exported
                    .text
                    .contains("resource \"azurerm_resource_group\""),
        );
        // The topic comes from the stream's sink, and every step is there.
        assert!(
            exported
                .text
                .contains("auth0_log_stream.eventgrid.sink[0].azure_partner_topic")
        );
        for action in ["\"register\"", "\"authorizePartner\"", "\"activate\""] {
            assert!(exported.text.contains(action), "{name}: {action}");
        }
        assert!(exported.text.contains("within 7 days"));
    }
}

/// The allow-list check is not vacuous: an attribute or body property the schema lacks is caught.
#[test]
fn the_allow_list_check_catches_what_the_providers_do_not_have() {
    let allow = AllowList::load();
    let (_, _, exported) = exports().remove(1);
    for (from, to) in [
        ("azure_resource_group", "azure_resourcegroup"),
        ("eventDeliverySchema", "deliverySchema"),
        ("partnerName", "partner_name"),
    ] {
        let broken = exported.text.replacen(from, to, 1);
        let body: Body = hcl::from_str(&broken).unwrap();
        let caught = std::panic::catch_unwind(|| {
            for block in body.blocks() {
                if matches!(block.identifier(), "resource" | "data") {
                    check_block(&allow, block.identifier(), block);
                }
            }
        });
        assert!(caught.is_err(), "{to} was not caught");
    }
}

// ---- shell --------------------------------------------------------------------------------------------------

#[test]
fn the_script_is_strict_and_takes_the_key_only_from_the_environment() {
    for (name, inputs, exported) in exports() {
        if exported.format != ExportFormat::Shell {
            continue;
        }
        let text = &exported.text;
        assert!(text.starts_with("#!/usr/bin/env bash\n"));
        assert!(text.contains("\nset -euo pipefail\n"), "{name}");
        for command in [
            "az provider register",
            "az eventgrid partner configuration authorize",
            "auth0 api post log-streams",
            "az eventgrid partner topic activate",
            "az eventgrid partner topic event-subscription create",
        ] {
            assert!(text.contains(command), "{name}: {command}");
        }
        if exported.webhook_key_left_out {
            assert!(text.contains(": \"${WEBHOOK_URL:?"), "{name}");
        }
        if inputs.create_resource_group {
            assert!(text.contains("az group create"));
        } else {
            assert!(!text.contains("az group create"));
        }
    }
}
