//! Where an event goes when delivery gave up: to the subscription's dead-letter destination when it names
//! one (recorded, with the reason), else dropped; either way counted in the topic's metrics.

use serde_json::{Value, json};

use super::work::{Delivery, finish_record};
use crate::clock::rfc3339_ms;
use crate::state::World;

/// Settles one event whose delivery failed for `reason` after `attempts`.
#[allow(clippy::too_many_arguments)]
pub fn settle_failure(
    world: &mut World,
    properties: &Value,
    topic_id: &str,
    subscription: &str,
    delivery: &Delivery,
    reason: &str,
    attempts: u32,
    now: i64,
) {
    let dead_letter = properties
        .get("deadLetterDestination")
        .filter(|d| !d.is_null());
    if let Some(dead_letter) = dead_letter {
        world.add_metric(topic_id, "DeadLetteredCount", subscription, now, 1.0);
        world.recorded_deliveries.push(json!({
            "at": rfc3339_ms(now),
            "eventSubscription": subscription,
            "deadLetter": dead_letter,
            "reason": reason,
            "event": delivery.event,
        }));
        finish_record(
            world,
            delivery.record,
            "dead_lettered",
            Some(reason.to_owned()),
            attempts,
            now,
        );
    } else {
        world.add_metric(topic_id, "DroppedEventCount", subscription, now, 1.0);
        finish_record(
            world,
            delivery.record,
            "dropped",
            Some(reason.to_owned()),
            attempts,
            now,
        );
    }
}
