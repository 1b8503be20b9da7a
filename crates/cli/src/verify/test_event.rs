//! `auth0-eventgrid test-event`: the window's "Send a test event" on the command line. The same stages
//! (recorded by Auth0, received by Event Grid, delivered) with the same limits unless given; progress on
//! stderr (an `indicatif` spinner on a terminal, a plain line per change otherwise). Exit 0 when every
//! stage was seen or is not expected (the setup's filters leave the event out), 1 when one was not seen or
//! could not be checked, or the setup is not finished, 2 for bad input.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use setup_engine::{
    ArrivalStage, ArrivalState, ArrivalWait, StageReport, TestEventObserver, TestEventResult,
};

use super::emit;
use crate::args::{Settings, StageLimits};
use crate::{DONE, INCOMPLETE, fail, prepare};

/// How often the spinner turns while a stage is awaited.
const SPIN: Duration = Duration::from_millis(120);

pub async fn test_event(settings: Settings, limits: StageLimits, json: bool) -> u8 {
    let crate::Prepared { engine, inputs, .. } = match prepare(settings, false).await {
        Ok(ready) => ready,
        Err(error) => return fail(error, json),
    };
    // Nothing is attempted before the setup is known to be finished; the remedy then names `setup`.
    let finished = engine
        .status(&inputs)
        .await
        .and_then(|report| setup_engine::require_complete(&report));
    if let Err(error) = finished {
        return fail(error, json);
    }
    // The application the tenant knows this sign-in by; with a pasted token alone, none (a made-up id).
    let client_id = std::env::var("AUTH0_CLIENT_ID")
        .ok()
        .filter(|id| !id.trim().is_empty());
    let wait = ArrivalWait {
        recorded: Duration::from_secs(limits.recorded_limit),
        metrics: Duration::from_secs(limits.event_grid_limit),
        ..ArrivalWait::default()
    };
    let progress = StageProgress::new();
    let outcome = engine
        .send_test_event(&inputs, client_id.as_deref(), wait, &progress)
        .await;
    drop(progress);
    match outcome {
        Ok(result) => {
            if json {
                emit(&serde_json::json!({ "ok": true, "test_event": result }).to_string());
            } else {
                emit(&summary(&result));
            }
            if result.arrived() { DONE } else { INCOMPLETE }
        }
        Err(error) => fail(error, json),
    }
}

fn label(stage: ArrivalStage) -> &'static str {
    match stage {
        ArrivalStage::Recorded => "Recorded by Auth0",
        ArrivalStage::Published => "Received by Event Grid",
        ArrivalStage::Delivered => "Delivered to the destination",
    }
}

/// One stage in words: `done after 3 s`, `not seen within 600 s`, ...
fn state(report: &StageReport) -> String {
    match report.state {
        ArrivalState::Waiting => format!(
            "waiting ({} s of {} s)",
            report.elapsed_secs, report.limit_secs
        ),
        ArrivalState::Done => format!("done after {} s", report.elapsed_secs),
        ArrivalState::NotSeen => format!("not seen within {} s", report.limit_secs),
        ArrivalState::Filtered => {
            "not expected: the setup's event categories or log codes leave this event out"
                .to_owned()
        }
        ArrivalState::Unavailable => format!(
            "could not be checked: {}",
            report
                .detail
                .as_deref()
                .unwrap_or("Azure's metrics did not answer")
        ),
    }
}

fn summary(result: &TestEventResult) -> String {
    let mut text = format!(
        "Test event: a sign-in attempt with a wrong secret for client {} (Auth0 log type {}; no user is affected).\n",
        result.client_id.as_deref().unwrap_or("(none)"),
        result.log_type
    );
    for (i, report) in result.stages.iter().enumerate() {
        let _ = writeln!(
            text,
            "{}. {}: {}",
            i + 1,
            label(report.stage),
            state(report)
        );
    }
    if !result.arrived() {
        let _ = writeln!(
            text,
            "what to do: Event Grid's metrics can lag several minutes, so run test-event again (or with a longer \
             --event-grid-limit); a stage still not seen points at the step that feeds it: the stream (2), the \
             topic (3) or the destination (4). `status` shows each."
        );
    }
    text.trim_end().to_owned()
}

/// The stages on stderr as they change. On a terminal the stage being waited for is an `indicatif`
/// spinner; a stage that ends is printed above it.
struct StageProgress {
    /// On a terminal only: piped stderr gets a plain line per change instead.
    spinner: Option<ProgressBar>,
    states: Mutex<HashMap<ArrivalStage, ArrivalState>>,
}

impl StageProgress {
    fn new() -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            spinner.set_style(
                ProgressStyle::with_template("{spinner} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner
        });
        Self {
            spinner,
            states: Mutex::default(),
        }
    }
}

impl TestEventObserver for StageProgress {
    fn on_stage(&self, report: &StageReport) {
        let changed = self
            .states
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(report.stage, report.state)
            != Some(report.state);
        let line = format!("{}: {}", label(report.stage), state(report));
        let Some(spinner) = &self.spinner else {
            if changed {
                let mut stderr = std::io::stderr().lock();
                let _ = writeln!(stderr, "{line}").and_then(|()| stderr.flush());
            }
            return;
        };
        if report.state == ArrivalState::Waiting {
            spinner.enable_steady_tick(SPIN);
            spinner.set_message(line);
        } else if changed {
            spinner.disable_steady_tick();
            spinner.set_message("");
            spinner.println(line);
        }
    }
}

impl Drop for StageProgress {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}
