//! Event Grid's side of the pipeline: deliver events to an event subscription's destination, one by one or
//! in batches, retrying on Event Grid's schedule until delivered, out of attempts or out of time; a failed
//! event is then dead-lettered (when the subscription says where) or dropped.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};

use super::dead_letter::settle_failure;
use super::retries::retry_delay;
use super::work::{Delivery, finish_record};
use crate::azure::eventgrid::event_subscriptions::acceptable_webhook;
use crate::clock::rfc3339_ms;
use crate::shared::Shared;
use crate::state::EventSubscription;

/// How a delivery ended.
enum Outcome {
    Delivered,
    Failed { reason: String },
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

/// Hands a delivery to its subscription: straight away, or through the subscription's batch queue.
pub fn dispatch_delivery(shared: &Arc<Shared>, delivery: Delivery) {
    shared.start_one();
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
        deliveries.iter().for_each(|_| shared.finish_one());
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
            Outcome::Failed { reason } => settle_failure(
                &mut world,
                &properties,
                &topic_id,
                &subscription,
                delivery,
                reason,
                attempts,
                now,
            ),
        }
    }
    drop(world);
    shared.mark_dirty();
    deliveries.iter().for_each(|_| shared.finish_one());
}
