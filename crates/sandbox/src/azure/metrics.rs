//! Azure Monitor metrics of a partner topic (`.../providers/Microsoft.Insights/metrics`): the Event Grid
//! counters the pipeline keeps, bucketed by `interval` over `timespan`, optionally split per event
//! subscription with `$filter=EventSubscriptionName eq '*'`. Unlike Azure, there is no reporting lag.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::request::{Ctx, METRICS_API, json};
use crate::clock::rfc3339_ms;
use crate::http_util::arm_error;

/// Metric name, unit, whether it splits per event subscription.
const METRICS: &[(&str, &str, bool)] = &[
    ("PublishSuccessCount", "Count", false),
    ("PublishFailCount", "Count", false),
    ("UnmatchedEventCount", "Count", false),
    ("MatchedEventCount", "Count", true),
    ("DeliverySuccessCount", "Count", true),
    ("DeliveryAttemptFailCount", "Count", true),
    ("DroppedEventCount", "Count", true),
    ("DeadLetteredCount", "Count", true),
    ("DestinationProcessingDurationInMs", "Milliseconds", true),
];

pub const DURATION_METRIC: &str = "DestinationProcessingDurationInMs";
pub const DURATION_COUNT: &str = "DestinationProcessingDurationInMs#count";

fn bad(message: &str) -> Response {
    arm_error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// Parses the ISO 8601 durations Azure Monitor uses (PnD, PTnH, PTnM, PTnS and combinations).
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0i64;
    if !days.is_empty() {
        total += days.strip_suffix('D')?.parse::<i64>().ok()? * 86_400_000;
    }
    let mut number = String::new();
    for c in time.chars() {
        match c {
            '0'..='9' => number.push(c),
            'H' | 'M' | 'S' => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += n * match c {
                    'H' => 3_600_000,
                    'M' => 60_000,
                    _ => 1000,
                };
            }
            _ => return None,
        }
    }
    (number.is_empty() && total > 0).then_some(total)
}

fn parse_timespan(text: &str, now: i64) -> Option<(i64, i64)> {
    match text.split_once('/') {
        None => Some((now - parse_duration_ms(text)?, now)),
        Some((start, end)) => {
            let start_ms = crate::clock::parse_rfc3339_ms(start)?;
            let end_ms = crate::clock::parse_rfc3339_ms(end)
                .or_else(|| parse_duration_ms(end).map(|d| start_ms + d))?;
            (end_ms > start_ms).then_some((start_ms, end_ms))
        }
    }
}

/// `EventSubscriptionName eq '*'` or `eq 'name'`.
fn subscription_split(filter: Option<&String>) -> Result<Option<String>, Response> {
    let Some(filter) = filter else {
        return Ok(None);
    };
    let lower = filter.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("eventsubscriptionname eq ") else {
        return Err(bad(&format!(
            "The $filter '{filter}' is not supported: use EventSubscriptionName eq '*' or eq '<name>'."
        )));
    };
    Ok(Some(rest.trim().trim_matches('\'').to_owned()))
}

pub fn topic_metrics(ctx: &Ctx, sub: &str, rg: &str, topic: &str) -> Result<Response, Response> {
    ctx.api_version(METRICS_API, "metrics")?;
    let now = ctx.shared.clock.now_ms();
    let topic_id = {
        let world = ctx.shared.world();
        let found = world.azure.partner_topics.iter().find(|t| {
            t.subscription_id.eq_ignore_ascii_case(sub)
                && t.resource_group.eq_ignore_ascii_case(rg)
                && t.name.eq_ignore_ascii_case(topic)
        });
        match found {
            Some(t) => t.arm_id(),
            None => {
                return Err(arm_error(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    &format!(
                        "The Resource 'Microsoft.EventGrid/partnerTopics/{topic}' under resource group '{rg}' was not found."
                    ),
                ));
            }
        }
    };
    let names: Vec<String> = ctx
        .query
        .get("metricnames")
        .map(|n| n.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_else(|| vec!["PublishSuccessCount".to_owned()]);
    let mut selected = Vec::new();
    for name in &names {
        match METRICS.iter().find(|m| m.0.eq_ignore_ascii_case(name)) {
            Some(m) => selected.push(*m),
            None => {
                return Err(bad(&format!(
                    "Failed to find metric configuration for provider: Microsoft.EventGrid, resource Type: partnerTopics, metric: {name}, Valid metrics: {}",
                    METRICS.iter().map(|m| m.0).collect::<Vec<_>>().join(",")
                )));
            }
        }
    }
    let timespan = ctx
        .query
        .get("timespan")
        .map(String::as_str)
        .unwrap_or("PT1H");
    let (start, end) = parse_timespan(timespan, now)
        .ok_or_else(|| bad(&format!("Invalid timespan '{timespan}'.")))?;
    let interval_text = ctx
        .query
        .get("interval")
        .map(String::as_str)
        .unwrap_or("PT1H");
    let interval = parse_duration_ms(interval_text)
        .filter(|i| *i >= 60_000)
        .ok_or_else(|| {
            bad(&format!(
                "Invalid interval '{interval_text}': use an ISO 8601 duration of at least PT1M."
            ))
        })?;
    if (end - start) / interval > 10_000 {
        return Err(bad(
            "The timespan holds too many intervals; use a larger interval.",
        ));
    }
    let split = subscription_split(ctx.query.get("$filter"))?;
    let world = ctx.shared.world();
    let prefix = format!("{}|", topic_id.to_ascii_lowercase());
    // (metric, subscription, minute) -> value, for this topic.
    let samples: Vec<(String, String, i64, f64)> = world
        .metrics
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .filter_map(|(k, v)| {
            let mut parts = k[prefix.len()..].split('|');
            let metric = parts.next()?.to_owned();
            let subscription = parts.next()?.to_owned();
            let minute: i64 = parts.next()?.parse().ok()?;
            Some((metric, subscription, minute, *v))
        })
        .collect();
    let value: Vec<Value> = selected
        .iter()
        .map(|(name, unit, splits)| {
            let series_keys: Vec<Option<String>> = match (&split, splits) {
                (Some(which), true) if which == "*" => samples
                    .iter()
                    .filter(|s| s.0 == *name && !s.1.is_empty())
                    .map(|s| s.1.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(Some)
                    .collect(),
                (Some(which), true) => vec![Some(which.clone())],
                _ => vec![None],
            };
            let timeseries: Vec<Value> = series_keys
                .iter()
                .map(|key| series(&samples, name, key.as_deref(), start, end, interval))
                .collect();
            json!({
                "id": format!("{topic_id}/providers/Microsoft.Insights/metrics/{name}"),
                "type": "Microsoft.Insights/metrics",
                "name": {"value": name, "localizedValue": name},
                "displayDescription": format!("{name} of the partner topic"),
                "unit": unit,
                "timeseries": timeseries,
                "errorCode": "Success",
            })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        json!({
            "cost": 0,
            "timespan": format!("{}/{}", rfc3339_ms(start), rfc3339_ms(end)),
            "interval": interval_text,
            "value": value,
            "namespace": "Microsoft.EventGrid/partnerTopics",
            "resourceregion": "",
        }),
    ))
}

fn series(
    samples: &[(String, String, i64, f64)],
    name: &str,
    subscription: Option<&str>,
    start: i64,
    end: i64,
    interval: i64,
) -> Value {
    let average = name == DURATION_METRIC;
    let in_series = |s: &&(String, String, i64, f64)| {
        subscription.is_none_or(|want| s.1.eq_ignore_ascii_case(want))
    };
    let mut data = Vec::new();
    let mut bucket = start - start.rem_euclid(interval.min(3_600_000));
    while bucket < end {
        let next = bucket + interval;
        let in_bucket = |s: &&(String, String, i64, f64)| {
            let at = s.2 * 60_000;
            at >= bucket && at < next && in_series(s)
        };
        let sum: f64 = samples
            .iter()
            .filter(|s| s.0 == name)
            .filter(in_bucket)
            .map(|s| s.3)
            .sum();
        if average {
            let count: f64 = samples
                .iter()
                .filter(|s| s.0 == DURATION_COUNT)
                .filter(in_bucket)
                .map(|s| s.3)
                .sum();
            let mut point = json!({"timeStamp": rfc3339_ms(bucket)});
            if count > 0.0 {
                point["average"] = json!(sum / count);
            }
            data.push(point);
        } else {
            data.push(json!({"timeStamp": rfc3339_ms(bucket), "total": sum}));
        }
        bucket = next;
    }
    let metadata = match subscription {
        Some(name) => {
            json!([{"name": {"value": "eventsubscriptionname", "localizedValue": "eventsubscriptionname"}, "value": name}])
        }
        None => json!([]),
    };
    json!({"metadatavalues": metadata, "data": data})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration_ms("PT24H"), Some(86_400_000));
        assert_eq!(parse_duration_ms("PT1H"), Some(3_600_000));
        assert_eq!(parse_duration_ms("PT5M"), Some(300_000));
        assert_eq!(parse_duration_ms("P1D"), Some(86_400_000));
        assert_eq!(parse_duration_ms("P1DT1H"), Some(90_000_000));
        assert_eq!(parse_duration_ms("24H"), None);
        assert_eq!(parse_duration_ms("PT"), None);
    }
}
