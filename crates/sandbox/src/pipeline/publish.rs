//! Auth0's side of the pipeline: a log entry published to its stream's partner topic (three tries, then a
//! delivery error recorded on the stream, which keeps failing streams suspended), and Event Grid matching
//! the event to every provisioned subscription whose filters accept it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::delivery::dispatch_delivery;
use super::filters::filter_matches;
use super::work::{Delivery, EVENT_TYPE};
use crate::clock::rfc3339_ms;
use crate::shared::Shared;
use crate::state::{EventRecord, EventSubscription};
use crate::tokens::random_guid;

/// Auth0's side: publish to the stream's partner topic, three tries, then a recorded delivery error.
pub async fn publish(shared: Arc<Shared>, stream_id: String, entry: Value) {
    let mut last_error = String::new();
    for attempt in 1..=3u32 {
        match try_publish(&shared, &stream_id, &entry) {
            Ok(deliveries) => {
                for delivery in deliveries {
                    dispatch_delivery(&shared, delivery);
                }
                shared.finish_one();
                return;
            }
            Err(reason) => last_error = reason,
        }
        if attempt < 3 {
            tokio::time::sleep(shared.compressed(Duration::from_secs(2u64.pow(attempt)))).await;
        }
    }
    record_publish_failure(&shared, &stream_id, &entry, &last_error);
    shared.finish_one();
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
    // `sandbox`: a CloudEvents extension attribute (lowercase letters, as the spec asks of names) marking an
    // event the sandbox made up, so a real webhook it is delivered to can tell and drop it.
    let event = json!({
        "specversion": "1.0",
        "sandbox": true,
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
