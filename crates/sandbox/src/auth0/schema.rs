//! Request validation against Auth0's own published OpenAPI subset (embedded unchanged from the
//! reference), producing Auth0's "Payload validation error" messages: the field and the rule that failed.
//! Only the JSON-schema keywords that document uses are implemented.

use std::sync::OnceLock;

use serde_json::Value;

const CONTRACT: &str = include_str!("../../contract/auth0-log-streams.openapi.json");

fn contract() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(CONTRACT).expect("embedded OpenAPI document parses"))
}

/// A failed rule and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    pub message: String,
    pub path: String,
}

impl SchemaError {
    /// The message Auth0 puts in a 400 body.
    pub fn auth0_message(&self) -> String {
        if self.path.is_empty() {
            format!("Payload validation error: '{}'.", self.message)
        } else {
            format!(
                "Payload validation error: '{}' on property {}.",
                self.message, self.path
            )
        }
    }
}

/// Validates `data` against `#/components/schemas/{name}`.
pub fn validate(name: &str, data: &Value) -> Result<(), SchemaError> {
    let schema = &contract()["components"]["schemas"][name];
    check(schema, data, "")
}

fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            &contract()["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn join(path: &str, part: &str) -> String {
    if path.is_empty() {
        part.to_owned()
    } else {
        format!("{path}.{part}")
    }
}

fn type_name(data: &Value) -> &'static str {
    match data {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(expected: &str, data: &Value) -> bool {
    let actual = type_name(data);
    actual == expected || (expected == "number" && actual == "integer")
}

fn err(message: String, path: &str) -> Result<(), SchemaError> {
    Err(SchemaError {
        message,
        path: path.to_owned(),
    })
}

fn check(schema: &Value, data: &Value, path: &str) -> Result<(), SchemaError> {
    let schema = resolve(schema);
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return check_one_of(options, data, path);
    }
    if let Some(expected) = schema.get("type") {
        let ok = match expected {
            Value::String(t) => type_matches(t, data),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, data)),
            _ => true,
        };
        if !ok {
            let expected = match expected {
                Value::Array(ts) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.as_str().unwrap_or("").to_owned(),
            };
            return err(
                format!(
                    "Expected type {expected} but found type {}",
                    type_name(data)
                ),
                path,
            );
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(data)
    {
        return err(format!("No enum match for: {data}"), path);
    }
    match data {
        Value::String(text) => check_string(schema, text, path)?,
        Value::Number(n) => check_number(schema, n.as_f64().unwrap_or(0.0), path)?,
        Value::Array(items) => check_array(schema, items, path)?,
        Value::Object(map) => check_object(schema, map, path)?,
        _ => {}
    }
    Ok(())
}

fn check_one_of(options: &[Value], data: &Value, path: &str) -> Result<(), SchemaError> {
    let results: Vec<Result<(), SchemaError>> =
        options.iter().map(|o| check(o, data, path)).collect();
    let passing = results.iter().filter(|r| r.is_ok()).count();
    if passing == 1 {
        return Ok(());
    }
    // Name the branch the caller evidently meant (same `type`) so the message says what is wrong.
    let meant = options.iter().zip(&results).find(|(option, _)| {
        let declared = &resolve(option)["properties"]["type"];
        let declared = resolve(declared);
        data.get("type").is_some_and(|t| {
            declared
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(t))
        })
    });
    let message = if passing > 1 {
        "Data is valid against more than one schema from 'oneOf'".to_owned()
    } else {
        match meant {
            Some((_, Err(inner))) => format!(
                "Data does not match any schemas from 'oneOf' ({} on property {})",
                inner.message,
                if inner.path.is_empty() {
                    "(root)"
                } else {
                    &inner.path
                }
            ),
            _ => "Data does not match any schemas from 'oneOf'".to_owned(),
        }
    };
    err(message, path)
}

fn check_string(schema: &Value, text: &str, path: &str) -> Result<(), SchemaError> {
    let len = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && len < min
    {
        return err(
            format!("String is too short ({len} chars), minimum {min}"),
            path,
        );
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && len > max
    {
        return err(
            format!("String is too long ({len} chars), maximum {max}"),
            path,
        );
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && !pattern_matches(pattern, text)
    {
        return err(
            format!("String does not match pattern {pattern}: {text}"),
            path,
        );
    }
    Ok(())
}

/// The handful of patterns the contract uses.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    match pattern {
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" => {
            crate::tokens::is_guid(text)
        }
        "^https://.*" => text.starts_with("https://"),
        "^[0-9]*$" => text.bytes().all(|b| b.is_ascii_digit()),
        "^\\d+$" => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
        "^\\d{12}$" => text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()),
        "^[^:]+$" => !text.is_empty() && !text.contains(':'),
        _ => true,
    }
}

fn check_number(schema: &Value, n: f64, path: &str) -> Result<(), SchemaError> {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        return err(format!("Value {n} is less than minimum {min}"), path);
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        return err(format!("Value {n} is greater than maximum {max}"), path);
    }
    Ok(())
}

fn check_array(schema: &Value, items: &[Value], path: &str) -> Result<(), SchemaError> {
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && (items.len() as u64) < min
    {
        return err(
            format!("Array is too short ({}), minimum {min}", items.len()),
            path,
        );
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &join(path, &format!("[{i}]")))?;
        }
    }
    Ok(())
}

fn check_object(
    schema: &Value,
    map: &serde_json::Map<String, Value>,
    path: &str,
) -> Result<(), SchemaError> {
    let properties = schema.get("properties").and_then(Value::as_object);
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        let extra: Vec<&str> = map
            .keys()
            .filter(|k| properties.is_none_or(|p| !p.contains_key(*k)))
            .map(String::as_str)
            .collect();
        if !extra.is_empty() {
            return err(
                format!("Additional properties not allowed: {}", extra.join(",")),
                path,
            );
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                return err(format!("Missing required property: {name}"), path);
            }
        }
    }
    if let Some(properties) = properties {
        for (name, value) in map {
            if let Some(property_schema) = properties.get(name) {
                check(property_schema, value, &join(path, name))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eventgrid_body() -> Value {
        json!({
            "name": "to-azure",
            "type": "eventgrid",
            "sink": {
                "azureSubscriptionId": "7d7c5c16-9e5a-4b52-a3b0-8b0d7b6a1f00",
                "azureRegion": "westeurope",
                "azureResourceGroup": "auth0-logs"
            },
            "filters": [{"type": "category", "name": "auth.login.success"}]
        })
    }

    #[test]
    fn valid_eventgrid_create_passes() {
        validate("CreateLogStreamRequestContent", &eventgrid_body()).unwrap();
    }

    #[test]
    fn region_case_is_checked_and_named() {
        let mut body = eventgrid_body();
        body["sink"]["azureRegion"] = json!("WestEurope");
        let e = validate("CreateLogStreamRequestContent", &body).unwrap_err();
        assert!(
            e.message.contains("No enum match for: \"WestEurope\""),
            "{e:?}"
        );
        assert!(e.message.contains("sink.azureRegion"), "{e:?}");
        assert!(
            e.message
                .starts_with("Data does not match any schemas from 'oneOf'")
        );
    }

    #[test]
    fn unknown_property_is_rejected() {
        let mut body = eventgrid_body();
        body["colour"] = json!("blue");
        let e = validate("CreateLogStreamRequestContent", &body).unwrap_err();
        assert!(
            e.message
                .contains("Additional properties not allowed: colour"),
            "{e:?}"
        );
    }

    #[test]
    fn pii_config_needs_fields() {
        let mut body = eventgrid_body();
        body["pii_config"] = json!({"log_fields": [], "method": "mask"});
        let e = validate("CreateLogStreamRequestContent", &body).unwrap_err();
        assert!(
            e.message.contains("Array is too short (0), minimum 1"),
            "{e:?}"
        );
    }

    #[test]
    fn update_rejects_suspended_typo_and_accepts_status() {
        validate(
            "UpdateLogStreamRequestContent",
            &json!({"status": "paused"}),
        )
        .unwrap();
        let e = validate(
            "UpdateLogStreamRequestContent",
            &json!({"status": "stopped"}),
        )
        .unwrap_err();
        assert_eq!(e.path, "status");
    }
}
