//! The delivery check, from Azure Monitor's counters of the partner topic (published, matched, delivered,
//! failed attempts, dropped, dead-lettered) over the last hour (per minute) and the last 24 hours (per hour,
//! which is also the chart). The rules, first match wins:
//!
//! 1. The topic or its counters cannot be read: unknown, saying why.
//! 2. Delivery attempts failed in the last hour and none succeeded: red (the destination refuses or cannot
//!    be reached).
//! 3. Nothing delivered in 24 hours:
//!    - events matched the subscription in the last hour and none was refused (no failed attempt, drop or dead
//!      letter): green, they are on their way (a new setup's first events, or the check's own sign-in, and
//!      Azure Monitor lags a few minutes);
//!    - events reached Event Grid and matched the subscription: red, with the failures, drops and dead letters;
//!    - events reached Event Grid and none matched: red when the subscription is not provisioned (the likely
//!      cause), otherwise green, since the setup's log codes chose not to receive them;
//!    - nothing reached Event Grid: one search of Auth0's logs of the last 24 hours (the setup's log codes when
//!      it has some; the engine's own sign-ins left out). Activity there is red, with the likely cause (the
//!      stream not active, the topic not activated, else Auth0 failing to publish, which only the stream's
//!      Health tab shows); none is green, saying there was nothing to deliver; a search that fails is unknown.
//!      Without log codes every entry counts (Auth0's search cannot select a stream's categories), so a stream
//!      filtered by category may be said to have had activity it does not carry.
//! 4. Some failed attempts, drops or dead letters in 24 hours (with deliveries): amber.
//! 5. Otherwise green, with how many were delivered and when the last one was.

use std::collections::BTreeMap;
use std::time::Duration;

use auth0_client::{Auth0Client, LogStream, LogStreamStatus};
use azure_client::{AzureClient, Metrics};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::topic::TopicReads;
use super::{ChartPoint, Check, CheckId, CheckState, Delivery, DeliveryCounts};
use crate::error::SetupError;
use crate::inputs::SetupInputs;
use crate::steps::{readable, rfc3339};

const ID: CheckId = CheckId::Delivery;

const PUBLISHED: &str = "PublishSuccessCount";
const MATCHED: &str = "MatchedEventCount";
const DELIVERED: &str = "DeliverySuccessCount";
const FAILED: &str = "DeliveryAttemptFailCount";
const DROPPED: &str = "DroppedEventCount";
const DEAD_LETTERED: &str = "DeadLetteredCount";
const NAMES: [&str; 6] = [
    PUBLISHED,
    MATCHED,
    DELIVERED,
    FAILED,
    DROPPED,
    DEAD_LETTERED,
];

/// The counters as Azure Monitor answered them.
pub(super) struct DeliveryReads {
    /// The last 24 hours, per hour.
    day: Metrics,
    /// The last hour, per minute.
    hour: Metrics,
}

pub(super) async fn read(azure: &AzureClient, topic_id: &str) -> Result<DeliveryReads, String> {
    let (day, hour) = tokio::join!(
        azure.get_metrics_over(topic_id, &NAMES, "PT24H", "PT1H"),
        azure.get_metrics_over(topic_id, &NAMES, "PT1H", "PT1M"),
    );
    let words = |e| SetupError::from(e).message;
    Ok(DeliveryReads {
        day: day.map_err(words)?,
        hour: hour.map_err(words)?,
    })
}

/// What the other checks found that explains missing deliveries.
pub(super) struct Surroundings<'a> {
    pub inputs: &'a SetupInputs,
    pub auth0: &'a Auth0Client,
    /// The engine's own application: its sign-ins are not activity.
    pub own_client_id: Option<&'a str>,
    pub stream: Option<&'a LogStream>,
    pub now: OffsetDateTime,
}

pub(super) async fn check(
    reads: Option<&TopicReads>,
    around: &Surroundings<'_>,
    azure: &AzureClient,
    at: &str,
) -> (Check, Option<Delivery>) {
    let Some(reads) = reads else {
        return (
            Check::unknown(
                ID,
                "there is no partner topic to read delivery counts from",
                at,
            ),
            None,
        );
    };
    if let Ok(None) = reads.topic {
        return (
            Check::unknown(
                ID,
                format!("the partner topic {} no longer exists", reads.name),
                at,
            ),
            None,
        );
    }
    let metrics = match &reads.metrics {
        Err(why) => return (Check::unknown(ID, why, at), None),
        Ok(metrics) => metrics,
    };
    let delivery = summarise(
        metrics,
        azure,
        &super::topic::resource_id(around.inputs, &reads.name),
    )
    .await;
    let check = judge(&delivery, reads, around, at).await;
    (check, Some(delivery))
}

async fn judge(
    delivery: &Delivery,
    reads: &TopicReads,
    around: &Surroundings<'_>,
    at: &str,
) -> Check {
    let (hour, day) = (&delivery.last_hour, &delivery.last_day);
    if hour.failed > 0 && hour.delivered == 0 {
        return Check::new(
            ID,
            CheckState::Red,
            format!(
                "Deliveries are failing: {} delivery attempt(s) failed in the last hour and none succeeded. The \
                 destination refuses the events or cannot be reached.",
                hour.failed
            ),
            at,
        );
    }
    if day.delivered == 0 {
        return nothing_delivered(hour, day, reads, around, at).await;
    }
    let last = delivery
        .last_delivered_at
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| format!(", the last at {}", readable(t)))
        .unwrap_or_default();
    if day.failed > 0 || day.dropped > 0 || day.dead_lettered > 0 {
        return Check::new(
            ID,
            CheckState::Amber,
            format!(
                "{} event(s) delivered in the last 24 hours{last}, but {} delivery attempt(s) failed, {} event(s) \
                 were dropped and {} dead-lettered: the destination refused some of them.",
                day.delivered, day.failed, day.dropped, day.dead_lettered
            ),
            at,
        );
    }
    Check::new(
        ID,
        CheckState::Green,
        format!(
            "{} event(s) delivered in the last 24 hours ({} in the last hour){last}, none failed.",
            day.delivered, hour.delivered
        ),
        at,
    )
}

async fn nothing_delivered(
    hour: &DeliveryCounts,
    day: &DeliveryCounts,
    reads: &TopicReads,
    around: &Surroundings<'_>,
    at: &str,
) -> Check {
    let red = |sentence: String| Check::new(ID, CheckState::Red, sentence, at);
    let provisioned = matches!(&reads.subscription, Ok(Some(s)) if s.properties.provisioning_state.as_deref().is_none_or(|p| p == "Succeeded"));
    let refused = day.failed + day.dropped + day.dead_lettered;
    if day.matched > 0 && refused == 0 && hour.matched > 0 {
        // Matched, not yet delivered, never refused: in flight (Event Grid counts every failed attempt, and
        // Azure Monitor's counts lag a few minutes), as after a setup's first events or a check's own sign-in.
        return Check::new(
            ID,
            CheckState::Green,
            format!(
                "{} event(s) matched the subscription in the last hour and are on their way: none delivered yet,                  none refused (Azure Monitor's counts lag a few minutes).",
                hour.matched
            ),
            at,
        );
    }
    if day.published > 0 && day.matched > 0 {
        return red(format!(
            "Nothing delivered in 24 hours: {} event(s) reached Event Grid and matched the subscription, but {} \
             delivery attempt(s) failed, {} event(s) were dropped and {} dead-lettered. The destination refuses \
             the events or cannot be reached.",
            day.matched, day.failed, day.dropped, day.dead_lettered
        ));
    }
    if day.published > 0 {
        if !provisioned {
            return red(format!(
                "Nothing delivered in 24 hours: {} event(s) reached Event Grid, but the event subscription is not \
                 provisioned, so none matched it.",
                day.published
            ));
        }
        return Check::new(
            ID,
            CheckState::Green,
            format!(
                "Nothing was due in 24 hours: the {} event(s) that reached Event Grid are not among the log codes \
                 the subscription delivers.",
                day.published
            ),
            at,
        );
    }
    let activity = match auth0_activity(around).await {
        Err(why) => {
            return Check::unknown(
                ID,
                format!(
                    "nothing was delivered in 24 hours, and Auth0's logs could not be searched to tell whether \
                     there was anything to deliver ({why})"
                ),
                at,
            );
        }
        Ok(0) => {
            return Check::new(
                ID,
                CheckState::Green,
                "Nothing to deliver: Auth0 logged no events for this setup in the last 24 hours.",
                at,
            );
        }
        Ok(count) => count,
    };
    let logged = if activity >= 100 {
        "100 or more events".to_owned()
    } else {
        format!("{activity} event(s)")
    };
    let cause = match around.stream.and_then(|s| s.status) {
        _ if around.stream.is_none() => "the log stream no longer exists".to_owned(),
        Some(LogStreamStatus::Paused) => "the log stream is paused".to_owned(),
        Some(LogStreamStatus::Suspended) => "Auth0 suspended the log stream".to_owned(),
        _ if !reads.found().is_some_and(|t| t.is_activated()) => {
            "the partner topic is not activated, so Event Grid refuses Auth0's events".to_owned()
        }
        _ => "Auth0 could not publish to the partner topic; the stream's Health tab in the Auth0 dashboard lists \
              its delivery errors"
            .to_owned(),
    };
    red(format!(
        "Nothing delivered in 24 hours while Auth0 logged {logged} for this setup, and none reached Event Grid: \
         likely {cause}."
    ))
}

/// How many entries Auth0 logged in the last 24 hours that the setup would deliver (its log codes when it has
/// some), the engine's own sign-ins left out. One search, at most 100 entries.
async fn auth0_activity(around: &Surroundings<'_>) -> Result<usize, String> {
    let since = (around.now - Duration::from_secs(24 * 3600)).to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let since = since.format(&format).map_err(|e| e.to_string())?;
    let codes = &around.inputs.log_codes;
    let mut query = format!("date:[{since} TO *]");
    if !codes.is_empty() {
        query = format!("type:({}) AND {query}", codes.join(" OR "));
    }
    let entries = around
        .auth0
        .search_logs(&query, 100)
        .await
        .map_err(|e| SetupError::from(e).message)?;
    Ok(entries
        .iter()
        .filter(|e| {
            around.own_client_id.is_none() || e.client_id.as_deref() != around.own_client_id
        })
        .count())
}

/// The counts, the chart and the last delivery. The last delivery within the hour comes from the per-minute
/// counters; an earlier one is looked up per minute within the last hour that had one (one more read).
async fn summarise(reads: &DeliveryReads, azure: &AzureClient, topic_id: &str) -> Delivery {
    let day_points = |name| points(&reads.day, name);
    let delivered = day_points(DELIVERED);
    let failed = day_points(FAILED);
    let mut hours: Vec<OffsetDateTime> = delivered.keys().chain(failed.keys()).copied().collect();
    hours.sort();
    hours.dedup();
    let chart: Vec<ChartPoint> = hours
        .iter()
        .rev()
        .take(24)
        .rev()
        .map(|at| ChartPoint {
            at: rfc3339(*at),
            delivered: whole(delivered.get(at).copied().unwrap_or(0.0)),
            failed: whole(failed.get(at).copied().unwrap_or(0.0)),
        })
        .collect();
    let last_minute = last_positive(&points(&reads.hour, DELIVERED));
    let last_delivered_at = match last_minute {
        Some(at) => Some(at),
        None => match last_positive(&delivered) {
            None => None,
            Some(hour) => Some(minute_within(azure, topic_id, hour).await.unwrap_or(hour)),
        },
    };
    Delivery {
        last_hour: counts(&reads.hour),
        last_day: counts(&reads.day),
        last_delivered_at: last_delivered_at.map(rfc3339),
        chart,
    }
}

/// The last minute of `hour` in which an event was delivered.
async fn minute_within(
    azure: &AzureClient,
    topic_id: &str,
    hour: OffsetDateTime,
) -> Option<OffsetDateTime> {
    let end = hour + Duration::from_secs(3600);
    let timespan = format!("{}/{}", rfc3339(hour), rfc3339(end));
    let metrics = azure
        .get_metrics_over(topic_id, &[DELIVERED], &timespan, "PT1M")
        .await
        .ok()?;
    last_positive(&points(&metrics, DELIVERED))
}

fn counts(metrics: &Metrics) -> DeliveryCounts {
    let total = |name| whole(metrics.total_of(name));
    DeliveryCounts {
        published: total(PUBLISHED),
        matched: total(MATCHED),
        delivered: total(DELIVERED),
        failed: total(FAILED),
        dropped: total(DROPPED),
        dead_lettered: total(DEAD_LETTERED),
    }
}

/// A metric's totals per point in time, every series summed.
fn points(metrics: &Metrics, name: &str) -> BTreeMap<OffsetDateTime, f64> {
    let mut sums = BTreeMap::new();
    let series = metrics
        .value
        .iter()
        .filter(|m| m.name.value.eq_ignore_ascii_case(name))
        .flat_map(|m| &m.timeseries)
        .flat_map(|s| &s.data);
    for point in series {
        if let Ok(at) = OffsetDateTime::parse(&point.time_stamp, &Rfc3339) {
            *sums.entry(at).or_insert(0.0) += point.total.unwrap_or(0.0);
        }
    }
    sums
}

fn last_positive(points: &BTreeMap<OffsetDateTime, f64>) -> Option<OffsetDateTime> {
    points
        .iter()
        .rev()
        .find(|(_, v)| **v > 0.0)
        .map(|(at, _)| *at)
}

fn whole(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}

#[cfg(test)]
mod in_flight_tests {
    use std::sync::Arc;

    use auth0_client::Auth0Credentials;
    use cloud_http::{RetryPolicy, Secret, SystemClock, Transport};

    use super::*;

    fn counts(matched: u64, failed: u64) -> DeliveryCounts {
        DeliveryCounts {
            published: matched,
            matched,
            failed,
            ..DeliveryCounts::default()
        }
    }

    /// Judges counts that never reach the log search (no request is sent: the client points nowhere).
    async fn judged(hour: DeliveryCounts, day: DeliveryCounts) -> Check {
        let transport = Transport::new(
            RetryPolicy::default(),
            Arc::new(SystemClock),
            Arc::new(|| 0.5),
        )
        .unwrap();
        let auth0 = Auth0Client::new(
            "acme.auth0.com",
            None,
            Auth0Credentials::ManagementToken(Secret::new("t")),
            transport,
        )
        .unwrap();
        let inputs = SetupInputs::default();
        let around = Surroundings {
            inputs: &inputs,
            auth0: &auth0,
            own_client_id: None,
            stream: None,
            now: OffsetDateTime::now_utc(),
        };
        let reads = TopicReads {
            name: "t".into(),
            topic: Ok(None),
            subscription: Ok(None),
            metrics: Err("not read".into()),
        };
        let delivery = Delivery {
            last_hour: hour,
            last_day: day,
            last_delivered_at: None,
            chart: Vec::new(),
        };
        judge(&delivery, &reads, &around, "2026-12-04T10:00:00Z").await
    }

    #[tokio::test]
    async fn events_matched_in_the_last_hour_and_never_refused_are_on_their_way() {
        let check = judged(counts(2, 0), counts(2, 0)).await;
        assert_eq!(check.state, CheckState::Green, "{}", check.sentence);
        assert!(
            check.sentence.contains("on their way"),
            "{}",
            check.sentence
        );
    }

    #[tokio::test]
    async fn matched_earlier_and_still_not_delivered_or_refused_at_all_is_red() {
        let earlier = judged(counts(0, 0), counts(2, 0)).await;
        assert_eq!(earlier.state, CheckState::Red, "{}", earlier.sentence);
        let refused = judged(counts(2, 0), counts(2, 1)).await;
        assert_eq!(refused.state, CheckState::Red, "{}", refused.sentence);
    }
}
