//! `test-event` and `check-endpoint`: whether a setup works, checked with the engine's `verify` functions
//! the window uses. Progress on stderr, the result on stdout (a summary, or one JSON object with `--json`).

mod endpoint;
mod test_event;

use std::io::Write;

pub use endpoint::check_endpoint;
pub use test_event::test_event;

/// Writes one result to stdout; a reader that went away (`| head`) changes nothing (as `output` does).
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}
