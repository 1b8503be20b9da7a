//! `/api/v2/logs`: search (`q` with `field:value`, `field:"value"`, `field:(a OR b)` joined by AND), paging
//! (`page`, `per_page` up to 100, `include_totals`), sorting by date, and checkpoint reads (`from`, `take`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::management_caller;
use crate::http_util::auth0_error;
use crate::server::Shared;

const READ_LOGS: &[&str] = &["read:logs", "read:logs_users"];

fn query_error(message: &str) -> Response {
    auth0_error(
        StatusCode::BAD_REQUEST,
        &format!("Query validation error: {message}"),
        Some("invalid_query_string"),
    )
}

pub async fn list(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let caller = match management_caller(&shared, &headers, READ_LOGS) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    caller.finish(search(&shared, &params))
}

fn number(
    params: &HashMap<String, String>,
    name: &str,
    max: Option<u64>,
) -> Result<Option<u64>, Response> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    let n: u64 = text.parse().map_err(|_| {
        query_error(&format!(
            "'Expected type integer but found type string' on property {name}."
        ))
    })?;
    if let Some(max) = max
        && n > max
    {
        return Err(query_error(&format!(
            "'Value {n} is greater than maximum {max}' on property {name}."
        )));
    }
    Ok(Some(n))
}

fn search(shared: &Shared, params: &HashMap<String, String>) -> Response {
    let logs = shared.world().auth0.logs.clone();
    if let Some(from) = params.get("from") {
        let take = match number(params, "take", Some(100)) {
            Ok(take) => take.unwrap_or(50) as usize,
            Err(response) => return response,
        };
        let start = logs
            .iter()
            .position(|l| l["log_id"].as_str() == Some(from.as_str()))
            .map(|i| i + 1)
            .unwrap_or(0);
        let page: Vec<Value> = logs.into_iter().skip(start).take(take).collect();
        return axum::Json(page).into_response();
    }
    let terms = match params.get("q").map(|q| parse_query(q)).transpose() {
        Ok(terms) => terms.unwrap_or_default(),
        Err(message) => return query_error(&message),
    };
    let (per_page, page) = match (
        number(params, "per_page", Some(100)),
        number(params, "page", None),
    ) {
        (Ok(per_page), Ok(page)) => (per_page.unwrap_or(50) as usize, page.unwrap_or(0) as usize),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let mut matching: Vec<Value> = logs
        .into_iter()
        .filter(|entry| {
            terms
                .iter()
                .all(|(field, values)| term_matches(entry, field, values))
        })
        .collect();
    let ascending = params.get("sort").is_some_and(|s| s.ends_with(":1"));
    if !ascending {
        matching.reverse();
    }
    let total = matching.len();
    let logs: Vec<Value> = matching
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .collect();
    if params.get("include_totals").is_some_and(|v| v == "true") {
        return axum::Json(json!({
            "start": page * per_page,
            "limit": per_page,
            "length": logs.len(),
            "total": total,
            "logs": logs,
        }))
        .into_response();
    }
    axum::Json(logs).into_response()
}

fn term_matches(entry: &Value, field: &str, values: &[String]) -> bool {
    let actual = match &entry[field] {
        Value::String(s) => s.clone(),
        Value::Null => return false,
        other => other.to_string(),
    };
    values.iter().any(|v| v.eq_ignore_ascii_case(&actual))
}

/// Parses Lucene-style `field:value AND field:(a OR b)` into (field, alternatives) pairs.
fn parse_query(q: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut terms = Vec::new();
    for term in q.split(" AND ").map(str::trim).filter(|t| !t.is_empty()) {
        let Some((field, value)) = term.split_once(':') else {
            return Err(format!(
                "'{term}' is not of the form field:value on property q."
            ));
        };
        let value = value.trim();
        let values: Vec<String> =
            if let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
                inner
                    .split(" OR ")
                    .map(|v| v.trim().trim_matches('"').to_owned())
                    .collect()
            } else {
                vec![value.trim_matches('"').to_owned()]
            };
        if values.iter().any(String::is_empty) {
            return Err(format!("'{term}' has an empty value on property q."));
        }
        terms.push((field.trim().to_owned(), values));
    }
    Ok(terms)
}

pub async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match management_caller(&shared, &headers, READ_LOGS) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let found = shared
        .world()
        .auth0
        .logs
        .iter()
        .find(|l| l["log_id"].as_str() == Some(id.as_str()))
        .cloned();
    caller.finish(match found {
        Some(entry) => axum::Json(entry).into_response(),
        None => auth0_error(
            StatusCode::NOT_FOUND,
            "log not found",
            Some("inexistent_log"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse() {
        assert_eq!(
            parse_query("type:seccft").unwrap(),
            vec![("type".to_owned(), vec!["seccft".to_owned()])]
        );
        assert_eq!(
            parse_query("type:(s OR f) AND user_name:\"ada\"").unwrap(),
            vec![
                ("type".to_owned(), vec!["s".to_owned(), "f".to_owned()]),
                ("user_name".to_owned(), vec!["ada".to_owned()])
            ]
        );
        assert!(parse_query("justtext").is_err());
    }
}
