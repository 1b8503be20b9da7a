//! The event pipeline: tenant log entry -> each active `eventgrid` stream whose category filters match ->
//! its partner topic (Auth0 tries three times, records a delivery error, and suspends a stream that keeps
//! failing) -> every provisioned event subscription whose filters match -> CloudEvents 1.0 delivery (real
//! HTTP POSTs to WebHooks with Event Grid's retry schedule; other destination kinds recorded). Every event
//! ends delivered, dropped with a reason, or dead-lettered, and the partner-topic metrics count each step.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::auth0::category_of;
use crate::azure::eventgrid::acceptable_webhook;
use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::server::Shared;
use crate::state::{EventRecord, EventSubscription, LogStream, PendingValidation};
use crate::tokens::{random_guid, random_token};

/// Work for the pipeline.
#[derive(Debug)]
pub enum PipelineJob {
    /// A new tenant log entry and its position in the tenant log.
    Log { seq: u64, entry: Value },
    /// The sandbox clock moved.
    Tick,
}

/// The CloudEvent `type` Auth0 uses for every log event (the log code is in `data.type`).
pub const EVENT_TYPE: &str = "com.auth0.Log";

/// Event Grid's retry schedule (sandbox time); after the listed steps it keeps retrying every 3 hours.
const RETRY_SCHEDULE_SECS: &[u64] = &[10, 30, 60, 300, 600, 1800, 3600];

pub async fn run(
    shared: Arc<Shared>,
    mut jobs: mpsc::UnboundedReceiver<PipelineJob>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            job = jobs.recv() => match job {
                Some(PipelineJob::Log { seq, entry }) => {
                    route_log(&shared, seq, &entry);
                    finish_one(&shared);
                }
                Some(PipelineJob::Tick) => shared.progress.notify_waiters(),
                None => break,
            },
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
        }
    }
}

fn start_one(shared: &Shared) {
    shared.in_flight.fetch_add(1, Ordering::SeqCst);
}

fn finish_one(shared: &Shared) {
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    shared.progress.notify_waiters();
}

/// Waits until nothing is in flight (bounded). Returns whether the pipeline went idle.
pub async fn wait_idle(shared: &Shared, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let notified = shared.progress.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if shared.in_flight.load(Ordering::SeqCst) == 0 {
            return true;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return shared.in_flight.load(Ordering::SeqCst) == 0;
        }
    }
}

/// Marks a log entry as entering the pipeline (called before it is queued).
pub fn enqueue(shared: &Shared, seq: u64, entry: Value) {
    start_one(shared);
    if shared
        .pipeline
        .send(PipelineJob::Log { seq, entry })
        .is_err()
    {
        finish_one(shared);
    }
}

/// Whether a stream carries a log entry: active Event Grid streams, entries written after the stream was
/// created (and not before `startFrom`), in a category the filters name (no filters: everything).
fn stream_matches(stream: &LogStream, seq: u64, code: &str, date_ms: i64) -> bool {
    if stream.stream_type != "eventgrid" || stream.status != "active" {
        return false;
    }
    if stream.start_from_ms.is_some_and(|from| date_ms < from) || seq <= stream.created_after_seq {
        return false;
    }
    let filters = stream.filters.as_ref().and_then(Value::as_array);
    match filters {
        None => true,
        Some(list) if list.is_empty() => true,
        Some(list) => {
            let category = category_of(code);
            list.iter().any(|f| f["name"].as_str() == Some(category))
        }
    }
}

fn route_log(shared: &Arc<Shared>, seq: u64, entry: &Value) {
    let code = entry["type"].as_str().unwrap_or("");
    // An entry whose `date` is an object (Auth0's `LogDateObject`) counts as written now.
    let date_ms = entry["date"]
        .as_str()
        .and_then(parse_rfc3339_ms)
        .unwrap_or_else(|| shared.clock.now_ms());
    let streams: Vec<String> = shared
        .world()
        .auth0
        .streams
        .iter()
        .filter(|s| stream_matches(s, seq, code, date_ms))
        .map(|s| s.id.clone())
        .collect();
    for stream_id in streams {
        start_one(shared);
        tokio::spawn(publish(shared.clone(), stream_id, entry.clone()));
    }
}

/// A delivery the pipeline owes: one event to one event subscription.
pub struct Delivery {
    record: usize,
    event: Value,
    subscription: EventSubscription,
    topic_id: String,
    published_ms: i64,
}

/// Auth0's side: publish to the stream's partner topic, three tries, then a recorded delivery error.
async fn publish(shared: Arc<Shared>, stream_id: String, entry: Value) {
    let mut last_error = String::new();
    for attempt in 1..=3u32 {
        match try_publish(&shared, &stream_id, &entry) {
            Ok(deliveries) => {
                for delivery in deliveries {
                    dispatch_delivery(&shared, delivery);
                }
                finish_one(&shared);
                return;
            }
            Err(reason) => last_error = reason,
        }
        if attempt < 3 {
            tokio::time::sleep(shared.compressed(Duration::from_secs(2u64.pow(attempt)))).await;
        }
    }
    record_publish_failure(&shared, &stream_id, &entry, &last_error);
    finish_one(&shared);
}

fn record_publish_failure(shared: &Shared, stream_id: &str, entry: &Value, reason: &str) {
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    let topic = world
        .auth0
        .streams
        .iter()
        .find(|s| s.id == stream_id)
        .and_then(|s| s.sink["azurePartnerTopic"].as_str().map(str::to_owned));
    world.events.push(EventRecord {
        id: random_guid(),
        log_id: entry["log_id"].as_str().unwrap_or("").to_owned(),
        log_type: entry["type"].as_str().unwrap_or("").to_owned(),
        stream_id: stream_id.to_owned(),
        partner_topic: topic,
        status: "dropped".into(),
        reason: Some(format!(
            "Auth0 could not publish to Event Grid after 3 attempts: {reason}"
        )),
        attempts: 3,
        created_ms: now,
        finished_ms: Some(now),
        ..EventRecord::default()
    });
    // Auth0 suspends after days of failures; the sandbox compresses that like its other waits.
    let suspend_after = shared
        .compressed(shared.config.suspend_stream_after)
        .as_millis() as i64;
    if let Some(stream) = world.auth0.streams.iter_mut().find(|s| s.id == stream_id) {
        stream.delivery_errors.push(json!({
            "date": rfc3339_ms(now),
            "log_id": entry["log_id"],
            "message": reason,
        }));
        let excess = stream.delivery_errors.len().saturating_sub(10);
        stream.delivery_errors.drain(..excess);
        let since = *stream.failing_since_ms.get_or_insert(now);
        if now - since >= suspend_after && stream.status == "active" {
            stream.status = "suspended".into();
        }
    }
    drop(world);
    shared.mark_dirty();
}

/// One publish attempt, as Event Grid sees it: the topic must exist and be activated.
fn try_publish(shared: &Shared, stream_id: &str, entry: &Value) -> Result<Vec<Delivery>, String> {
    if shared
        .faults()
        .decide("publish", "POST", stream_id)
        .iter()
        .any(|d| !matches!(d, crate::faults::Decision::Delay(_)))
    {
        return Err("Event Grid answered 503 Service Unavailable (injected by the sandbox)".into());
    }
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    let Some(stream) = world.auth0.streams.iter().find(|s| s.id == stream_id) else {
        return Err("the log stream was deleted".into());
    };
    let sub = stream.sink["azureSubscriptionId"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let rg = stream.sink["azureResourceGroup"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let name = stream.sink["azurePartnerTopic"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let Some(topic) = world.azure.partner_topics.iter().find(|t| {
        t.subscription_id.eq_ignore_ascii_case(&sub)
            && t.resource_group.eq_ignore_ascii_case(&rg)
            && t.name.eq_ignore_ascii_case(&name)
    }) else {
        return Err(format!(
            "partner topic '{name}' not found in resource group '{rg}'"
        ));
    };
    if topic.activation_state != "Activated" {
        return Err(format!(
            "partner topic '{name}' is {}",
            topic.activation_state
        ));
    }
    let topic_id = topic.arm_id();
    let event = json!({
        "specversion": "1.0",
        "type": EVENT_TYPE,
        "source": topic.source,
        "id": entry["log_id"],
        "time": entry["date"],
        "datacontenttype": "application/json",
        "data": entry,
    });
    let subscriptions: Vec<EventSubscription> = world
        .azure
        .event_subscriptions
        .iter()
        .filter(|e| {
            e.subscription_id.eq_ignore_ascii_case(&sub)
                && e.resource_group.eq_ignore_ascii_case(&rg)
                && e.topic.eq_ignore_ascii_case(&name)
                && e.provisioning_state == "Succeeded"
        })
        .cloned()
        .collect();
    if let Some(stream) = world.auth0.streams.iter_mut().find(|s| s.id == stream_id) {
        stream.failing_since_ms = None;
    }
    world.add_metric(&topic_id, "PublishSuccessCount", "", now, 1.0);
    let matched: Vec<EventSubscription> = subscriptions
        .into_iter()
        .filter(|s| filter_matches(&s.properties["filter"], &event))
        .collect();
    let base = EventRecord {
        log_id: entry["log_id"].as_str().unwrap_or("").to_owned(),
        log_type: entry["type"].as_str().unwrap_or("").to_owned(),
        stream_id: stream_id.to_owned(),
        partner_topic: Some(name.clone()),
        created_ms: now,
        ..EventRecord::default()
    };
    if matched.is_empty() {
        world.add_metric(&topic_id, "UnmatchedEventCount", "", now, 1.0);
        world.events.push(EventRecord {
            id: random_guid(),
            status: "dropped".into(),
            reason: Some(
                "unmatched: no event subscription on the partner topic matched the event".into(),
            ),
            finished_ms: Some(now),
            ..base
        });
        return Ok(Vec::new());
    }
    let mut deliveries = Vec::new();
    for subscription in matched {
        world.add_metric(&topic_id, "MatchedEventCount", &subscription.name, now, 1.0);
        let destination = &subscription.properties["destination"];
        world.events.push(EventRecord {
            id: random_guid(),
            event_subscription: Some(subscription.name.clone()),
            destination: destination["endpointType"].as_str().map(str::to_owned),
            endpoint: destination["properties"]["endpointUrl"]
                .as_str()
                .map(|u| u.split('?').next().unwrap_or("").to_owned())
                .or_else(|| {
                    destination["properties"]["resourceId"]
                        .as_str()
                        .map(str::to_owned)
                }),
            status: "pending".into(),
            ..base.clone()
        });
        deliveries.push(Delivery {
            record: world.events.len() - 1,
            event: event.clone(),
            subscription,
            topic_id: topic_id.clone(),
            published_ms: now,
        });
    }
    Ok(deliveries)
}

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

/// How a delivery ended.
enum Outcome {
    Delivered,
    Failed { reason: String },
}

fn retry_delay(attempt: u32) -> Duration {
    let secs = RETRY_SCHEDULE_SECS
        .get(attempt as usize - 1)
        .copied()
        .unwrap_or(3 * 3600);
    Duration::from_secs(secs)
}

/// The batching settings of a subscription: (max events, preferred bytes). WebHooks with
/// `maxEventsPerBatch` > 1 get arrays; everything else gets one event per delivery.
fn batch_limits(subscription: &EventSubscription) -> (usize, usize) {
    let destination = &subscription.properties["destination"];
    if destination["endpointType"] != "WebHook" {
        return (1, usize::MAX);
    }
    let properties = &destination["properties"];
    let events = properties["maxEventsPerBatch"].as_u64().unwrap_or(1).max(1) as usize;
    let kilobytes = properties["preferredBatchSizeInKilobytes"]
        .as_u64()
        .unwrap_or(64)
        .max(1) as usize;
    (events, kilobytes * 1024)
}

/// Events waiting for a batched subscription, and whether a flusher is draining them.
#[derive(Default)]
pub struct BatchQueue {
    waiting: std::collections::VecDeque<Delivery>,
    flushing: bool,
}

/// Hands a delivery to its subscription: straight away, or through the subscription's batch queue.
fn dispatch_delivery(shared: &Arc<Shared>, delivery: Delivery) {
    start_one(shared);
    let (max_events, _) = batch_limits(&delivery.subscription);
    if max_events <= 1 {
        tokio::spawn(deliver(shared.clone(), vec![delivery], false));
        return;
    }
    let key = format!("{}/{}", delivery.topic_id, delivery.subscription.name).to_ascii_lowercase();
    let mut queues = shared.batches.lock().unwrap_or_else(|e| e.into_inner());
    let queue = queues.entry(key.clone()).or_default();
    queue.waiting.push_back(delivery);
    if !queue.flushing {
        queue.flushing = true;
        tokio::spawn(flush_batches(shared.clone(), key));
    }
}

/// Sends what has accumulated for a batched subscription, batch after batch, until nothing waits.
async fn flush_batches(shared: Arc<Shared>, key: String) {
    loop {
        let batch = {
            let mut queues = shared.batches.lock().unwrap_or_else(|e| e.into_inner());
            let Some(queue) = queues.get_mut(&key) else {
                return;
            };
            let Some(first) = queue.waiting.front() else {
                queues.remove(&key);
                return;
            };
            let (max_events, max_bytes) = batch_limits(&first.subscription);
            let mut batch = Vec::new();
            let mut bytes = 0;
            while let Some(next) = queue.waiting.front() {
                let size = next.event.to_string().len();
                if !batch.is_empty() && (batch.len() >= max_events || bytes + size > max_bytes) {
                    break;
                }
                bytes += size;
                batch.extend(queue.waiting.pop_front());
            }
            batch
        };
        deliver(shared.clone(), batch, true).await;
    }
}

/// Event Grid's side: deliver events (one, or a batch) to one subscription, retrying per its retry
/// policy; each event's record, metrics and in-flight count are settled at the end.
async fn deliver(shared: Arc<Shared>, deliveries: Vec<Delivery>, as_batch: bool) {
    let Some(first) = deliveries.first() else {
        return;
    };
    let count = deliveries.len() as f64;
    let topic_id = first.topic_id.clone();
    let properties = first.subscription.properties.clone();
    let destination = &properties["destination"];
    let max_attempts = properties["retryPolicy"]["maxDeliveryAttempts"]
        .as_u64()
        .unwrap_or(30) as u32;
    let ttl_ms = properties["retryPolicy"]["eventTimeToLiveInMinutes"]
        .as_i64()
        .unwrap_or(1440)
        * 60_000;
    let subscription = first.subscription.name.clone();
    let published_ms = deliveries.iter().map(|d| d.published_ms).min().unwrap_or(0);
    if destination["endpointType"] != "WebHook" {
        let now = shared.clock.now_ms();
        let mut world = shared.world();
        for delivery in &deliveries {
            world.recorded_deliveries.push(json!({
                "at": rfc3339_ms(now),
                "eventSubscription": subscription,
                "destination": destination,
                "event": delivery.event,
            }));
            world.add_metric(&topic_id, "DeliverySuccessCount", &subscription, now, 1.0);
            finish_record(&mut world, delivery.record, "delivered", None, 1, now);
        }
        drop(world);
        shared.mark_dirty();
        deliveries.iter().for_each(|_| finish_one(&shared));
        return;
    }
    let url = destination["properties"]["endpointUrl"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let (content_type, body) = if as_batch {
        let events: Vec<&Value> = deliveries.iter().map(|d| &d.event).collect();
        (
            "application/cloudevents-batch+json; charset=utf-8",
            serde_json::to_string(&events).unwrap_or_default(),
        )
    } else {
        (
            "application/cloudevents+json; charset=utf-8",
            first.event.to_string(),
        )
    };
    let mut waited_ms = 0i64;
    let mut attempts = 0u32;
    let outcome = loop {
        let now = shared.clock.now_ms().max(published_ms + waited_ms);
        if now - published_ms > ttl_ms {
            break Outcome::Failed {
                reason: format!(
                    "TimeToLiveExceeded: not delivered within {} minutes",
                    ttl_ms / 60_000
                ),
            };
        }
        attempts += 1;
        let result = if acceptable_webhook(&url) {
            let _slot = shared.delivery_slots.acquire().await;
            let started = Instant::now();
            let result = shared
                .http
                .post(&url)
                .header("content-type", content_type)
                .header("aeg-delivery-count", (attempts - 1).to_string())
                .header("aeg-subscription-name", subscription.to_ascii_uppercase())
                .header("webhook-request-origin", "eventgrid.azure.net")
                .body(body.clone())
                .send()
                .await
                .map(|r| r.status().as_u16())
                .map_err(|e| e.to_string());
            (result, started.elapsed().as_millis() as f64)
        } else {
            (Err("endpoint not reachable".to_owned()), 0.0)
        };
        let (result, elapsed) = result;
        {
            let now = shared.clock.now_ms();
            let mut world = shared.world();
            world.add_metric(
                &topic_id,
                crate::azure::metrics::DURATION_METRIC,
                &subscription,
                now,
                elapsed,
            );
            world.add_metric(
                &topic_id,
                crate::azure::metrics::DURATION_COUNT,
                &subscription,
                now,
                1.0,
            );
            for delivery in &deliveries {
                if let Some(record) = world.events.get_mut(delivery.record) {
                    record.attempts = attempts;
                }
            }
            if !matches!(result, Ok(200..=299)) {
                world.add_metric(
                    &topic_id,
                    "DeliveryAttemptFailCount",
                    &subscription,
                    now,
                    count,
                );
            }
        }
        let reason = match result {
            Ok(200..=299) => break Outcome::Delivered,
            Ok(status @ (400 | 413)) => {
                break Outcome::Failed {
                    reason: format!(
                        "the endpoint answered {status}, which Event Grid does not retry"
                    ),
                };
            }
            Ok(status) => format!("the endpoint answered {status}"),
            Err(e) => format!("the endpoint could not be reached: {e}"),
        };
        if attempts >= max_attempts {
            break Outcome::Failed {
                reason: format!("MaxDeliveryAttemptsExceeded: {attempts} attempts, last: {reason}"),
            };
        }
        let delay = retry_delay(attempts);
        waited_ms += delay.as_millis() as i64;
        tokio::time::sleep(shared.compressed(delay)).await;
    };
    let now = shared.clock.now_ms();
    let mut world = shared.world();
    for delivery in &deliveries {
        match &outcome {
            Outcome::Delivered => {
                world.add_metric(&topic_id, "DeliverySuccessCount", &subscription, now, 1.0);
                finish_record(
                    &mut world,
                    delivery.record,
                    "delivered",
                    None,
                    attempts,
                    now,
                );
            }
            Outcome::Failed { reason } => {
                let dead_letter = properties
                    .get("deadLetterDestination")
                    .filter(|d| !d.is_null());
                if let Some(dead_letter) = dead_letter {
                    world.add_metric(&topic_id, "DeadLetteredCount", &subscription, now, 1.0);
                    world.recorded_deliveries.push(json!({
                        "at": rfc3339_ms(now),
                        "eventSubscription": subscription,
                        "deadLetter": dead_letter,
                        "reason": reason,
                        "event": delivery.event,
                    }));
                    finish_record(
                        &mut world,
                        delivery.record,
                        "dead_lettered",
                        Some(reason.clone()),
                        attempts,
                        now,
                    );
                } else {
                    world.add_metric(&topic_id, "DroppedEventCount", &subscription, now, 1.0);
                    finish_record(
                        &mut world,
                        delivery.record,
                        "dropped",
                        Some(reason.clone()),
                        attempts,
                        now,
                    );
                }
            }
        }
    }
    drop(world);
    shared.mark_dirty();
    deliveries.iter().for_each(|_| finish_one(&shared));
}

fn finish_record(
    world: &mut crate::state::World,
    index: usize,
    status: &str,
    reason: Option<String>,
    attempts: u32,
    now: i64,
) {
    if let Some(record) = world.events.get_mut(index) {
        record.status = status.to_owned();
        record.reason = reason;
        record.attempts = attempts;
        record.finished_ms = Some(now);
    }
}

/// The long-running part of an event subscription PUT: the WebHook handshake (or an injected failure),
/// then the final provisioning state and operation status.
pub async fn provision_event_subscription(
    shared: Arc<Shared>,
    subscription: EventSubscription,
    operation_id: String,
) {
    start_one(&shared);
    let injected = {
        let mut faults = shared.faults();
        if faults.failing_operations > 0 {
            faults.failing_operations -= 1;
            true
        } else {
            false
        }
    };
    let destination = &subscription.properties["destination"];
    let token = random_token(24);
    let outcome = if injected {
        Provisioned::Failed(
            json!({"code": "InternalServerError", "message": "The operation failed with an internal error (injected by the sandbox). Retry the request."}),
        )
    } else if destination["endpointType"] == "WebHook" {
        let url = destination["properties"]["endpointUrl"]
            .as_str()
            .unwrap_or("");
        let callback = validation_callback(&shared, &subscription.name, &token);
        match handshake(&shared, url, &callback).await {
            Ok(()) => Provisioned::Succeeded,
            Err(detail) => Provisioned::AwaitingValidation(detail),
        }
    } else {
        Provisioned::Succeeded
    };
    let now = shared.clock.now_ms();
    {
        let mut world = shared.world();
        // A later PUT or a DELETE has taken over the subscription: this outcome is stale.
        let current = world.azure.event_subscriptions.iter_mut().find(|e| {
            e.subscription_id == subscription.subscription_id
                && e.resource_group == subscription.resource_group
                && e.topic == subscription.topic
                && e.name == subscription.name
                && e.operation_id.as_deref() == Some(operation_id.as_str())
        });
        if let Some(es) = current {
            match &outcome {
                Provisioned::Succeeded => es.provisioning_state = "Succeeded".into(),
                Provisioned::Failed(_) => es.provisioning_state = "Failed".into(),
                Provisioned::AwaitingValidation(detail) => {
                    tracing::info!(subscription = %es.name, %detail, "webhook did not grant the handshake; awaiting manual validation");
                    es.provisioning_state = "AwaitingManualAction".into();
                    es.validation = Some(PendingValidation {
                        token,
                        until_ms: now + MANUAL_VALIDATION_WINDOW_MS,
                    });
                }
            }
        }
        if let Some(op) = world.azure.operations.get_mut(&operation_id) {
            match outcome {
                Provisioned::Succeeded => {
                    op.status = "Succeeded".into();
                    op.end_ms = Some(now);
                }
                Provisioned::Failed(error) => {
                    op.status = "Failed".into();
                    op.error = Some(error);
                    op.end_ms = Some(now);
                }
                // The operation reports the state too (as real Azure's operation status does, see the
                // README's fidelity notes); it ends when the callback is called or its time runs out.
                Provisioned::AwaitingValidation(_) => op.status = "AwaitingManualAction".into(),
            }
        }
    }
    shared.mark_dirty();
    finish_one(&shared);
}

/// How long a WebHook that did not grant the handshake may still validate through its callback URL
/// before the subscription ends `Failed` (Event Grid's manual validation URL is valid for 5 minutes).
pub const MANUAL_VALIDATION_WINDOW_MS: i64 = 5 * 60 * 1000;

enum Provisioned {
    Succeeded,
    Failed(Value),
    /// The WebHook did not grant the handshake (why, for the log): it may still call the callback.
    AwaitingValidation(String),
}

/// The URL sent as `WebHook-Request-Callback`, where the endpoint may grant delivery later.
fn validation_callback(shared: &Shared, name: &str, token: &str) -> String {
    format!(
        "{}/_sandbox/eventgrid/eventsubscriptions/{name}/validate?token={token}",
        shared.urls.management
    )
}

/// The CloudEvents abuse-protection handshake: OPTIONS with `WebHook-Request-Origin` (and a
/// `WebHook-Request-Callback` the endpoint may call instead of granting at once), expecting 200 and
/// `WebHook-Allowed-Origin` naming that origin (or `*`). Err says why it was not granted.
async fn handshake(shared: &Shared, url: &str, callback: &str) -> Result<(), String> {
    let response = shared
        .http
        .request(reqwest::Method::OPTIONS, url)
        .header("WebHook-Request-Origin", "eventgrid.azure.net")
        .header("WebHook-Request-Rate", "120")
        .header("WebHook-Request-Callback", callback)
        .send()
        .await
        .map_err(|e| format!("Http OPTIONS request failed: {e}."))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(format!(
            "Http OPTIONS request failed with response code {status}."
        ));
    }
    let allowed = response
        .headers()
        .get("webhook-allowed-origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if allowed == "*" || allowed.eq_ignore_ascii_case("eventgrid.azure.net") {
        Ok(())
    } else {
        Err(format!(
            "The response did not carry WebHook-Allowed-Origin: eventgrid.azure.net (got '{allowed}')."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn retry_schedule_follows_event_grid() {
        assert_eq!(retry_delay(1), Duration::from_secs(10));
        assert_eq!(retry_delay(7), Duration::from_secs(3600));
        assert_eq!(retry_delay(12), Duration::from_secs(3 * 3600));
    }
}
