//! Strategies for the fuzz tests of everything the product reads from outside: imported setup documents, the
//! progress file, the saved-setups store and every cloud response.
//!
//! Random JSON rarely reaches past the first field a decoder checks, so documents are built from the names the
//! decoder knows (`keys`), and good documents are mutated a few places at a time (a field removed, replaced by
//! something else, or joined by an unknown one). Each fuzz test is named `fuzz_*`: `make test` runs them with
//! proptest's default number of cases, `make fuzz` with many more (`PROPTEST_CASES`). A failure proptest finds
//! is saved under the crate's `proptest-regressions/` and replayed first on every later run: commit that file
//! with the fix, so every crash found stays a test.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};

/// proptest's configuration with `cases` unless `PROPTEST_CASES` asks for another number (for the tests whose
/// cases cost a file or a database each, which run fewer by default).
pub fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        ..Config::default()
    }
}

/// Strings a decoder may meet: empty, whitespace, the enum values and names it knows, dates good and bad,
/// very long ones, and anything at all.
fn text(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        proptest::sample::select(keys).prop_map(str::to_owned),
        proptest::sample::select(WORDS).prop_map(str::to_owned),
        (1usize..3000).prop_map(|n| "x".repeat(n)),
        any::<String>(),
    ]
}

/// Values that are known to trip parsers: dates, ids, numbers written as text, odd Unicode.
const WORDS: &[&str] = &[
    "2026-12-05T07:00:00Z",
    "2026-12-05T07:00:00.1234567Z",
    "2026-13-45T99:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "Activated",
    "NeverActivated",
    "Deactivated",
    "Registered",
    "Registering",
    "NotRegistered",
    "Succeeded",
    "Failed",
    "AwaitingManualAction",
    "active",
    "paused",
    "suspended",
    "eventgrid",
    "webhook",
    "/subscriptions/x/resourceGroups/y",
    "00000000-0000-0000-0000-000000000000",
    "NaN",
    "-1",
    "1e400",
    "\u{0}",
    "\u{202e}",
    "é",
];

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        (-1.0e12f64..1.0e12).prop_map(|f| Number::from_f64(f).unwrap_or_else(|| Number::from(0))),
        Just(Number::from(0)),
        Just(Number::from(u64::MAX)),
        Just(Number::from(i64::MIN)),
    ]
}

/// Any JSON value, at most `depth` levels deep, objects keyed mostly by `keys`.
pub fn json(keys: &'static [&'static str], depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        text(keys).prop_map(Value::String),
    ];
    leaf.prop_recursive(depth, 64, 6, move |inner| {
        let key = prop_oneof![
            4 => proptest::sample::select(keys).prop_map(str::to_owned),
            1 => text(keys),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..7)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// Every object key in `documents`, for [`json`] and [`mutated`] to build with (leaked: tests only).
pub fn keys_of(documents: &[Value]) -> &'static [&'static str] {
    fn walk(value: &Value, keys: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    keys.insert(k.clone());
                    walk(v, keys);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, keys)),
            _ => {}
        }
    }
    let mut keys = std::collections::BTreeSet::new();
    documents.iter().for_each(|d| walk(d, &mut keys));
    keys.insert("value".to_owned());
    let leaked: Vec<&'static str> = keys
        .into_iter()
        .map(|k| &*Box::leak(k.into_boxed_str()))
        .collect();
    Box::leak(leaked.into_boxed_slice())
}

/// One change to a document: where (an index into its places, taken modulo their number) and what.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Remove the field or array item at the place.
    Remove(usize),
    /// Put another value at the place.
    Replace(usize, Value),
    /// Add a field (to the object at the place, or the nearest one above it).
    Add(usize, String, Value),
}

/// `base` with one to four places changed.
pub fn mutated(base: Value, keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let one = prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), json(keys, 2)).prop_map(|(at, v)| Mutation::Replace(at, v)),
        (any::<usize>(), text(keys), json(keys, 1)).prop_map(|(at, k, v)| Mutation::Add(at, k, v)),
    ];
    proptest::collection::vec(one, 1..5).prop_map(move |mutations| {
        let mut value = base.clone();
        for mutation in &mutations {
            apply(&mut value, mutation);
        }
        value
    })
}

/// Every place in a value, as a path of object keys and array indexes, the value itself first.
fn places(value: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(value, &mut Vec::new(), &mut out);
    out
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// Applies one mutation (the path always exists: it was just read from the value).
pub fn apply(value: &mut Value, mutation: &Mutation) {
    let all = places(value);
    let pick = |at: usize| all[at % all.len()].clone();
    match mutation {
        Mutation::Remove(at) => {
            let path = pick(*at);
            if let Some((last, parent)) = path.split_last() {
                match (at_mut(value, parent), last) {
                    (Value::Object(map), Step::Key(k)) => {
                        map.remove(k);
                    }
                    (Value::Array(items), Step::Index(i)) => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(at, new) => *at_mut(value, &pick(*at)) = new.clone(),
        Mutation::Add(at, key, new) => {
            let mut path = pick(*at);
            loop {
                if let Value::Object(map) = at_mut(value, &path) {
                    map.insert(key.clone(), new.clone());
                    return;
                }
                if path.pop().is_none() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn mutations_change_what_they_say() {
        let base = json!({"a": {"b": 1, "c": [1, 2]}});
        // Places: [], [a], [a,b], [a,c], [a,c,0], [a,c,1].
        let mut removed = base.clone();
        apply(&mut removed, &Mutation::Remove(2));
        assert_eq!(removed, json!({"a": {"c": [1, 2]}}));
        let mut replaced = base.clone();
        apply(&mut replaced, &Mutation::Replace(5, json!("x")));
        assert_eq!(replaced, json!({"a": {"b": 1, "c": [1, "x"]}}));
        let mut added = base.clone();
        apply(&mut added, &Mutation::Add(4, "d".into(), json!(null)));
        assert_eq!(added, json!({"a": {"b": 1, "c": [1, 2], "d": null}}));
        let mut wrapped = base.clone();
        apply(&mut wrapped, &Mutation::Remove(6));
        assert_eq!(
            wrapped, base,
            "index 6 wraps to the root, which has no parent to remove it from"
        );
    }

    proptest! {
        #[test]
        fn generated_documents_stay_within_depth(value in json(&["a", "b"], 3)) {
            fn depth(v: &Value) -> u32 {
                match v {
                    Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
                    Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
                    _ => 0,
                }
            }
            prop_assert!(depth(&value) <= 3);
        }
    }
}
