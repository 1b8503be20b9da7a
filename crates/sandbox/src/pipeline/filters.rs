//! Event Grid's filter semantics, as the pipeline applies them to each event and subscription.

use serde_json::Value;

/// Looks up `data.type`-style keys in a CloudEvent.
fn lookup<'a>(event: &'a Value, key: &str) -> Option<&'a Value> {
    let mut current = event;
    for part in key.split('.') {
        current = current.get(part)?;
    }
    (!current.is_null()).then_some(current)
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_ascii_lowercase(),
        other => other.to_string().to_ascii_lowercase(),
    }
}

/// Event Grid's filter semantics: included event types, subject prefix/suffix, and advanced filters (all
/// must match; string comparisons ignore case; a missing key fails positive and passes negative operators).
pub fn filter_matches(filter: &Value, event: &Value) -> bool {
    if let Some(types) = filter["includedEventTypes"]
        .as_array()
        .filter(|t| !t.is_empty())
    {
        let event_type = event["type"].as_str().unwrap_or("");
        if !types
            .iter()
            .filter_map(Value::as_str)
            .any(|t| t.eq_ignore_ascii_case(event_type))
        {
            return false;
        }
    }
    let subject = event["subject"].as_str().unwrap_or("").to_ascii_lowercase();
    if let Some(prefix) = filter["subjectBeginsWith"]
        .as_str()
        .filter(|p| !p.is_empty())
        && !subject.starts_with(&prefix.to_ascii_lowercase())
    {
        return false;
    }
    if let Some(suffix) = filter["subjectEndsWith"].as_str().filter(|p| !p.is_empty())
        && !subject.ends_with(&suffix.to_ascii_lowercase())
    {
        return false;
    }
    filter["advancedFilters"]
        .as_array()
        .is_none_or(|filters| filters.iter().all(|f| advanced_filter_matches(f, event)))
}

fn advanced_filter_matches(filter: &Value, event: &Value) -> bool {
    let op = filter["operatorType"].as_str().unwrap_or("");
    let value = lookup(event, filter["key"].as_str().unwrap_or(""));
    let negative = op.contains("Not") && op != "IsNotNull";
    let Some(value) = value else {
        return negative || op == "IsNullOrUndefined";
    };
    let strings = || -> Vec<String> {
        filter["values"]
            .as_array()
            .map(|v| v.iter().map(as_text).collect())
            .unwrap_or_default()
    };
    let text = as_text(value);
    let number = value.as_f64();
    let numbers = || -> Vec<f64> {
        filter["values"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let in_ranges = |n: f64| {
        filter["values"].as_array().is_some_and(|ranges| {
            ranges.iter().any(|r| match (r[0].as_f64(), r[1].as_f64()) {
                (Some(lo), Some(hi)) => n >= lo && n <= hi,
                _ => false,
            })
        })
    };
    let bound = filter["value"].as_f64();
    match op {
        "StringIn" => strings().contains(&text),
        "StringNotIn" => !strings().contains(&text),
        "StringBeginsWith" => strings().iter().any(|s| text.starts_with(s)),
        "StringNotBeginsWith" => !strings().iter().any(|s| text.starts_with(s)),
        "StringEndsWith" => strings().iter().any(|s| text.ends_with(s)),
        "StringNotEndsWith" => !strings().iter().any(|s| text.ends_with(s)),
        "StringContains" => strings().iter().any(|s| text.contains(s.as_str())),
        "StringNotContains" => !strings().iter().any(|s| text.contains(s.as_str())),
        "NumberIn" => number.is_some_and(|n| numbers().contains(&n)),
        "NumberNotIn" => number.is_none_or(|n| !numbers().contains(&n)),
        "NumberLessThan" => matches!((number, bound), (Some(n), Some(b)) if n < b),
        "NumberGreaterThan" => matches!((number, bound), (Some(n), Some(b)) if n > b),
        "NumberLessThanOrEquals" => matches!((number, bound), (Some(n), Some(b)) if n <= b),
        "NumberGreaterThanOrEquals" => matches!((number, bound), (Some(n), Some(b)) if n >= b),
        "NumberInRange" => number.is_some_and(in_ranges),
        "NumberNotInRange" => number.is_none_or(|n| !in_ranges(n)),
        "BoolEquals" => value.as_bool().is_some() && value.as_bool() == filter["value"].as_bool(),
        "IsNotNull" => true,
        "IsNullOrUndefined" => false,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::pipeline::work::EVENT_TYPE;

    fn event(code: &str) -> Value {
        json!({"type": EVENT_TYPE, "data": {"type": code, "user_name": "Ada"}})
    }

    #[test]
    fn string_in_on_data_type() {
        let filter = json!({"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["s", "F"]}]});
        assert!(filter_matches(&filter, &event("s")));
        assert!(filter_matches(&filter, &event("f")));
        assert!(!filter_matches(&filter, &event("ss")));
    }

    #[test]
    fn missing_keys_fail_positive_and_pass_negative_operators() {
        let positive = json!({"advancedFilters": [{"operatorType": "StringBeginsWith", "key": "data.nope", "values": ["x"]}]});
        let negative = json!({"advancedFilters": [{"operatorType": "StringNotIn", "key": "data.nope", "values": ["x"]}]});
        assert!(!filter_matches(&positive, &event("s")));
        assert!(filter_matches(&negative, &event("s")));
    }

    #[test]
    fn included_event_types_and_no_filter() {
        assert!(filter_matches(&json!({}), &event("s")));
        assert!(filter_matches(
            &json!({"includedEventTypes": ["com.auth0.log"]}),
            &event("s")
        ));
        assert!(!filter_matches(
            &json!({"includedEventTypes": ["Other"]}),
            &event("s")
        ));
    }
}
