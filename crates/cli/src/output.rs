//! What the user sees: progress on stderr (an `indicatif` bar on a terminal, with a spinner while the
//! setup waits on Azure or Auth0; plain lines otherwise), and the result on stdout (a readable summary, or
//! one JSON object with `--json`).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use setup_engine::{STEPS, SetupError, SetupEvent, SetupObserver, SetupReport, StepState};

/// How often the spinner turns while the setup waits (registration, Auth0's topic, a long-running
/// operation).
const SPIN: Duration = Duration::from_millis(120);

pub struct Progress {
    /// On a terminal only: piped stderr (logs, CI, the tests) gets one plain line per event instead.
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(STEPS.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:4}] {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("#>-"),
            );
            bar
        });
        Self { bar }
    }

    /// The current activity: replaces the bar's message on a terminal; a plain line otherwise.
    fn doing(&self, text: String, waiting: bool) {
        match &self.bar {
            Some(bar) => {
                if waiting {
                    bar.enable_steady_tick(SPIN);
                } else {
                    bar.disable_steady_tick();
                }
                bar.set_message(text);
            }
            None => plain(&text),
        }
    }

    /// A line that stays (a step done or failed), printed above the bar on a terminal.
    fn said(&self, text: String) {
        match &self.bar {
            Some(bar) => {
                bar.disable_steady_tick();
                bar.println(text);
            }
            None => plain(&text),
        }
    }
}

fn plain(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}").and_then(|()| stderr.flush());
}

fn position(step: setup_engine::StepId) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0) + 1
}

impl SetupObserver for Progress {
    fn on_event(&self, event: &SetupEvent) {
        let n = STEPS.len();
        match event {
            SetupEvent::StepStarted { step } => self.doing(
                format!("[{}/{n}] {} ...", position(*step), step.title()),
                false,
            ),
            SetupEvent::Applying { step, action } => {
                self.doing(format!("[{}/{n}] {action} ...", position(*step)), false)
            }
            SetupEvent::Waiting { step, what, .. } => self.doing(
                format!("[{}/{n}] waiting for {what} ...", position(*step)),
                true,
            ),
            SetupEvent::StepFinished { status } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.said(format!(
                    "[{}/{n}] done: {}",
                    position(status.step),
                    status.summary
                ))
            }
            SetupEvent::StepFailed { step, error } => self.said(format!(
                "[{}/{n}] failed: {}",
                position(*step),
                error.message
            )),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // The lines printed above the bar stay; the bar itself goes, so the result starts on a clean line.
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn mark(state: StepState) -> &'static str {
    match state {
        StepState::Done => "done",
        StepState::ToDo => "to do",
        StepState::Waiting => "waiting",
        StepState::Blocked => "blocked",
        StepState::Attention => "needs attention",
    }
}

pub fn print_report(report: &SetupReport, json: bool, heading: &str) {
    if json {
        emit(&serde_json::json!({ "ok": true, "report": report }).to_string());
        return;
    }
    let mut text = format!("{heading}\n");
    for (i, step) in report.steps.iter().enumerate() {
        let _ = writeln!(
            text,
            "{}. {} [{}]: {}",
            i + 1,
            step.step.title(),
            mark(step.state),
            step.summary
        );
        if let Some(at) = &step.expires_at {
            let _ = writeln!(text, "   activate before {at}");
        }
        for action in &step.actions {
            let _ = writeln!(text, "   - {action}");
        }
    }
    if let Some(last) = report
        .last_run
        .as_ref()
        .filter(|l| !l.updated_at.is_empty())
    {
        let finished: Vec<&str> = last.completed.iter().map(|s| s.title()).collect();
        let _ = writeln!(
            text,
            "Last run {}: finished {}.",
            last.updated_at,
            if finished.is_empty() {
                "no step".to_owned()
            } else {
                finished.join(", ")
            }
        );
    }
    emit(text.trim_end());
}

/// Writes one result to stdout. A reader that went away (`| head`) is not an error of ours: the result was
/// produced, so the exit code stays what the run decided instead of a panic on the closed pipe.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

pub fn print_error(error: &SetupError, json: bool) {
    if json {
        emit(&serde_json::json!({ "ok": false, "error": error }).to_string());
        return;
    }
    eprintln!(
        "error [{}]: {}",
        serde_json::to_value(error.code)
            .unwrap_or_default()
            .as_str()
            .unwrap_or(""),
        error.message
    );
    eprintln!("what to do: {}", error.remedy);
    if let Some(id) = &error.correlation_id {
        eprintln!("correlation id (for Microsoft support): {id}");
    }
}
