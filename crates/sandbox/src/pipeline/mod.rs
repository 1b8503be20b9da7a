//! The event pipeline: tenant log entry -> each active `eventgrid` stream whose category filters match ->
//! its partner topic (Auth0 tries three times, records a delivery error, and suspends a stream that keeps
//! failing) -> every provisioned event subscription whose filters match -> CloudEvents 1.0 delivery (real
//! HTTP POSTs to WebHooks with Event Grid's retry schedule; other destination kinds recorded). Every event
//! ends delivered, dropped with a reason, or dead-lettered, and the partner-topic metrics count each step.
//!
//! One file per stage: [`publish`] (Auth0 to the partner topic, matched to event subscriptions by
//! [`filters`]), [`delivery`] (to each destination, batched or one by one, on the [`retries`] schedule,
//! ending in [`dead_letter`] or dropped), and [`validation`] (the WebHook handshake that provisions an
//! event subscription). [`work`] holds what flows between them.

pub mod dead_letter;
pub mod delivery;
pub mod filters;
pub mod publish;
pub mod retries;
pub mod validation;
pub mod work;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use self::publish::publish;
use self::work::PipelineJob;
use crate::auth0::category_of;
use crate::clock::parse_rfc3339_ms;
use crate::shared::Shared;
use crate::state::LogStream;
use std::sync::atomic::Ordering;

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
                    shared.finish_one();
                }
                Some(PipelineJob::Tick) => shared.progress.notify_waiters(),
                None => break,
            },
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
        }
    }
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
        shared.start_one();
        tokio::spawn(publish(shared.clone(), stream_id, entry.clone()));
    }
}
