//! `/api/v2/logs`: search (`q` with `field:value`, `field:"value"`, `field:(a OR b)` and ranges such as
//! `date:[2018-12-18 TO *]` or `date:[2019-01-01T01:00:00 TO 2019-01-01T12:23:45}`, joined by AND), paging
//! (`page`, `per_page` up to 100, `include_totals`), sorting by date, and checkpoint reads (`from`, `take`).
//! Ranges follow Auth0's "Log Search Query Syntax" (square brackets inclusive, curly brackets exclusive, `*`
//! open; <https://auth0.com/docs/deploy-monitor/logs/log-search-query-syntax>); a date bound names a period
//! (a month, a day, a second) as in Lucene's date rounding. A new entry shows in searches only once
//! `log_search_lag` of sandbox time has passed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::management_caller;
use crate::http_util::auth0_error;
use crate::shared::Shared;

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
    // Entries younger than the search lag are not in the search index yet.
    let lag = i64::try_from(shared.config.log_search_lag.as_millis()).unwrap_or(i64::MAX);
    let indexed_until = shared.clock.now_ms().saturating_sub(lag);
    let (per_page, page) = match (
        number(params, "per_page", Some(100)),
        number(params, "page", None),
    ) {
        (Ok(per_page), Ok(page)) => (per_page.unwrap_or(50) as usize, page.unwrap_or(0) as usize),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let mut matching: Vec<Value> = logs
        .into_iter()
        .filter(|entry| entry_ms(entry).is_none_or(|at| at <= indexed_until))
        .filter(|entry| terms.iter().all(|term| term.matches(entry)))
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

/// One `field:...` part of a query.
#[derive(Debug, PartialEq)]
enum Term {
    /// The field equals one of the values.
    AnyOf(String, Vec<String>),
    /// The field lies within a range.
    Range(String, Range),
}

/// `[low TO high]`, `{low TO high}` or a mix; `None` for `*`.
#[derive(Debug, PartialEq)]
struct Range {
    low: Option<String>,
    low_inclusive: bool,
    high: Option<String>,
    high_inclusive: bool,
}

impl Term {
    fn matches(&self, entry: &Value) -> bool {
        match self {
            Term::AnyOf(field, values) => {
                let actual = match &entry[field] {
                    Value::String(s) => s.clone(),
                    Value::Null => return false,
                    other => other.to_string(),
                };
                values.iter().any(|v| v.eq_ignore_ascii_case(&actual))
            }
            Term::Range(field, range) if field == "date" => {
                entry_ms(entry).is_some_and(|at| range.contains_instant(at))
            }
            Term::Range(field, range) => entry[field]
                .as_str()
                .is_some_and(|actual| range.contains_text(actual)),
        }
    }
}

impl Range {
    /// Whether the instant (ms since the epoch) is inside. A bound names a period: `[2018-12-18` starts at
    /// that day's first moment, `{2018-12-18` after its last; `2018-12-19]` ends after that day, `2018-12-19}`
    /// before it.
    fn contains_instant(&self, at: i64) -> bool {
        let above = self.low.as_deref().is_none_or(|low| {
            period(low).is_some_and(|(start, end)| {
                if self.low_inclusive {
                    at >= start
                } else {
                    at >= end
                }
            })
        });
        let below = self.high.as_deref().is_none_or(|high| {
            period(high).is_some_and(|(start, end)| {
                if self.high_inclusive {
                    at < end
                } else {
                    at < start
                }
            })
        });
        above && below
    }

    fn contains_text(&self, actual: &str) -> bool {
        let above = self.low.as_deref().is_none_or(|low| {
            if self.low_inclusive {
                actual >= low
            } else {
                actual > low
            }
        });
        let below = self.high.as_deref().is_none_or(|high| {
            if self.high_inclusive {
                actual <= high
            } else {
                actual < high
            }
        });
        above && below
    }
}

/// An entry's `date` in milliseconds since the epoch.
fn entry_ms(entry: &Value) -> Option<i64> {
    let date = OffsetDateTime::parse(entry["date"].as_str()?, &Rfc3339).ok()?;
    i64::try_from(date.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The period a date bound names, as [start, end) in ms since the epoch (UTC): `2018`, `2018-12`,
/// `2018-12-18`, `2018-12-18T10`, `2018-12-18T10:15`, `2018-12-18T10:15:30`, with optional fractions of a
/// second and a trailing `Z`.
fn period(bound: &str) -> Option<(i64, i64)> {
    let text = bound.trim().trim_end_matches('Z');
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let number = |s: &str| s.parse::<u32>().ok();
    let year = i32::try_from(number(parts.first()?)?).ok()?;
    let month = parts.get(1).map(|m| number(m)).unwrap_or(Some(1))?;
    let day = parts.get(2).map(|d| number(d)).unwrap_or(Some(1))?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let day = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    let start_of_day = PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_utc();
    let ms = |at: OffsetDateTime| i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok();
    let Some(time) = time else {
        let end = match parts.len() {
            1 => Date::from_calendar_date(year + 1, Month::January, 1).ok()?,
            2 => {
                let next = month.next();
                let year = if next == Month::January {
                    year + 1
                } else {
                    year
                };
                Date::from_calendar_date(year, next, 1).ok()?
            }
            _ => day.next_day()?,
        };
        let end = PrimitiveDateTime::new(end, Time::MIDNIGHT).assume_utc();
        return Some((ms(start_of_day)?, ms(end)?));
    };
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let fields: Vec<u32> = clock.split(':').map(number).collect::<Option<_>>()?;
    let (hour, minute, second) = (
        *fields.first()?,
        fields.get(1).copied().unwrap_or(0),
        fields.get(2).copied().unwrap_or(0),
    );
    if fields.len() > 3 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let start = ms(start_of_day)? + i64::from((hour * 60 + minute) * 60 + second) * 1000;
    let (start, length) = match (fraction, fields.len()) {
        (Some(fraction), _) => {
            let digits: String = fraction.chars().take(3).collect();
            let millis = format!("{digits:0<3}").parse::<i64>().ok()?;
            (start + millis, 1)
        }
        (None, 1) => (start, 3_600_000),
        (None, 2) => (start, 60_000),
        (None, _) => (start, 1000),
    };
    Some((start, start + length))
}

/// Parses Lucene-style `field:value AND field:(a OR b) AND field:[low TO high}` into terms.
fn parse_query(q: &str) -> Result<Vec<Term>, String> {
    let mut terms = Vec::new();
    for term in q.split(" AND ").map(str::trim).filter(|t| !t.is_empty()) {
        let Some((field, value)) = term.split_once(':') else {
            return Err(format!(
                "'{term}' is not of the form field:value on property q."
            ));
        };
        let (field, value) = (field.trim().to_owned(), value.trim());
        if value.starts_with(['[', '{']) {
            terms.push(Term::Range(field, parse_range(term, value)?));
            continue;
        }
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
        terms.push(Term::AnyOf(field, values));
    }
    Ok(terms)
}

fn parse_range(term: &str, value: &str) -> Result<Range, String> {
    let malformed = || format!("'{term}' is not a range such as [min TO max] on property q.");
    let low_inclusive = value.starts_with('[');
    let high_inclusive = value.ends_with(']');
    if !value.ends_with([']', '}']) {
        return Err(malformed());
    }
    let inner = &value[1..value.len() - 1];
    let (low, high) = inner.split_once(" TO ").ok_or_else(malformed)?;
    let bound = |text: &str| -> Result<Option<String>, String> {
        match text.trim().trim_matches('"') {
            "" => Err(malformed()),
            "*" => Ok(None),
            text => Ok(Some(text.to_owned())),
        }
    };
    let range = Range {
        low: bound(low)?,
        low_inclusive,
        high: bound(high)?,
        high_inclusive,
    };
    let field = term
        .split_once(':')
        .map(|(f, _)| f.trim())
        .unwrap_or_default();
    if field == "date"
        && [&range.low, &range.high]
            .into_iter()
            .flatten()
            .any(|b| period(b).is_none())
    {
        return Err(format!(
            "'{term}' has a date that is not of the form YYYY-MM-DD[THH:MM:SS] on property q."
        ));
    }
    Ok(range)
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
            vec![Term::AnyOf("type".to_owned(), vec!["seccft".to_owned()])]
        );
        assert_eq!(
            parse_query("type:(s OR f) AND user_name:\"ada\"").unwrap(),
            vec![
                Term::AnyOf("type".to_owned(), vec!["s".to_owned(), "f".to_owned()]),
                Term::AnyOf("user_name".to_owned(), vec!["ada".to_owned()])
            ]
        );
        assert_eq!(
            parse_query("date:[2018-12-18 TO *]").unwrap(),
            vec![Term::Range(
                "date".to_owned(),
                Range {
                    low: Some("2018-12-18".to_owned()),
                    low_inclusive: true,
                    high: None,
                    high_inclusive: true,
                }
            )]
        );
        assert!(parse_query("justtext").is_err());
        assert!(parse_query("date:[2018-12-18 TO *").is_err());
        assert!(parse_query("date:[2018-12-18]").is_err());
        assert!(parse_query("date:[yesterday TO *]").is_err());
    }

    fn at(date: &str) -> Value {
        json!({ "date": date })
    }

    #[test]
    fn date_ranges_follow_the_periods_their_bounds_name() {
        let matches = |q: &str, date: &str| parse_query(q).unwrap()[0].matches(&at(date));
        // From a day on, and until a day, exclusive: the documented examples.
        assert!(matches(
            "date:[2018-12-18 TO *]",
            "2018-12-18T00:00:00.000Z"
        ));
        assert!(!matches(
            "date:[2018-12-18 TO *]",
            "2018-12-17T23:59:59.999Z"
        ));
        assert!(matches(
            "date:[* TO 2018-12-19}",
            "2018-12-18T23:59:59.999Z"
        ));
        assert!(!matches(
            "date:[* TO 2018-12-19}",
            "2018-12-19T00:00:00.000Z"
        ));
        // An inclusive upper day takes the whole day; an exclusive lower one starts after it.
        assert!(matches(
            "date:[* TO 2018-12-19]",
            "2018-12-19T23:59:59.999Z"
        ));
        assert!(!matches(
            "date:{2018-12-18 TO *]",
            "2018-12-18T12:00:00.000Z"
        ));
        // Seconds, as in "from 1 AM until, but not including, 12:23:45".
        let q = "date:[2019-01-01T01:00:00 TO 2019-01-01T12:23:45}";
        assert!(matches(q, "2019-01-01T01:00:00.000Z"));
        assert!(matches(q, "2019-01-01T12:23:44.999Z"));
        assert!(!matches(q, "2019-01-01T12:23:45.000Z"));
        assert!(!matches(q, "2019-01-01T00:59:59.999Z"));
        // A month.
        assert!(matches(
            "date:[2018-12 TO 2018-12]",
            "2018-12-31T23:00:00.000Z"
        ));
        assert!(!matches(
            "date:[2018-12 TO 2018-12]",
            "2019-01-01T00:00:00.000Z"
        ));
        // An entry without a date is in no range.
        assert!(!parse_query("date:[* TO *]").unwrap()[0].matches(&json!({})));
    }
}
