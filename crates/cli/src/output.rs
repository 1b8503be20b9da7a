//! What the user sees: progress on stderr (one rewritten line on a terminal, plain lines otherwise), and the
//! result on stdout (a readable summary, or one JSON object with `--json`).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use setup_engine::{STEPS, SetupError, SetupEvent, SetupObserver, SetupReport, StepState};

pub struct Progress {
    terminal: bool,
    line_open: Mutex<bool>,
    finished: Mutex<usize>,
}

impl Progress {
    pub fn new() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            line_open: Mutex::new(false),
            finished: Mutex::new(0),
        }
    }

    /// `[##--] ` for two of four steps finished.
    fn bar(&self) -> String {
        let done = *self.finished.lock().unwrap_or_else(|e| e.into_inner());
        let total = STEPS.len();
        format!(
            "[{}{}] ",
            "#".repeat(done),
            "-".repeat(total.saturating_sub(done))
        )
    }

    fn say(&self, text: &str, transient: bool) {
        let mut stderr = std::io::stderr().lock();
        let mut open = self.line_open.lock().unwrap_or_else(|e| e.into_inner());
        if self.terminal {
            // \x1b[2K clears the line so a shorter message does not leave the end of a longer one.
            let _ = write!(
                stderr,
                "\r\x1b[2K{}{text}",
                if transient { self.bar() } else { String::new() }
            );
            if !transient {
                let _ = writeln!(stderr);
            }
            *open = transient;
        } else {
            let _ = writeln!(stderr, "{text}");
        }
        let _ = stderr.flush();
    }
}

fn position(step: setup_engine::StepId) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0) + 1
}

impl SetupObserver for Progress {
    fn on_event(&self, event: &SetupEvent) {
        let n = STEPS.len();
        match event {
            SetupEvent::StepStarted { step } => self.say(
                &format!("[{}/{n}] {} ...", position(*step), step.title()),
                true,
            ),
            SetupEvent::Applying { step, action } => {
                self.say(&format!("[{}/{n}] {action} ...", position(*step)), true)
            }
            SetupEvent::Waiting { step, what, .. } => self.say(
                &format!("[{}/{n}] waiting for {what} ...", position(*step)),
                true,
            ),
            SetupEvent::StepFinished { status } => {
                *self.finished.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                self.say(
                    &format!("[{}/{n}] done: {}", position(status.step), status.summary),
                    false,
                )
            }
            SetupEvent::StepFailed { step, error } => self.say(
                &format!("[{}/{n}] failed: {}", position(*step), error.message),
                false,
            ),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if *self.line_open.lock().unwrap_or_else(|e| e.into_inner()) {
            eprintln!();
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
