//! What flows through the pipeline: the jobs it is sent, the deliveries it owes, the queues of batched
//! subscriptions, and how an event's record is settled. Plain data, shared by every stage and by
//! [`crate::shared::Shared`], which holds the queue.

use serde_json::Value;

use crate::state::{EventSubscription, World};

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

/// A delivery the pipeline owes: one event to one event subscription.
pub struct Delivery {
    pub record: usize,
    pub event: Value,
    pub subscription: EventSubscription,
    pub topic_id: String,
    pub published_ms: i64,
}

/// Events waiting for a batched subscription, and whether a flusher is draining them.
#[derive(Default)]
pub struct BatchQueue {
    pub waiting: std::collections::VecDeque<Delivery>,
    pub flushing: bool,
}

/// Ends an event's record: delivered, dropped or dead-lettered, after how many attempts.
pub fn finish_record(
    world: &mut World,
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
