//! What `setups`, `verify` and `fix` print on stdout: a readable summary, or one JSON document with `--json`.

use std::fmt::Write as _;
use std::io::Write;

use setup_engine::{Check, CheckState, Fix, HealthReport, SetupError};
use setup_store::{CheckSince, SavedSetup};

/// One setup's result.
pub struct Checked {
    /// The saved setup's id (`None`: a setup given by flags that is not saved).
    pub id: Option<i64>,
    pub name: String,
    /// The Auth0 tenant.
    pub tenant: String,
    pub report: Option<HealthReport>,
    pub since: Vec<CheckSince>,
    /// Why it could not be checked at all (bad input, a store or keychain failure).
    pub error: Option<SetupError>,
}

pub fn state_word(state: CheckState) -> &'static str {
    match state {
        CheckState::Green => "green",
        CheckState::Amber => "amber",
        CheckState::Unknown => "could not check",
        CheckState::Red => "red",
    }
}

/// A serde name (`log_stream`).
pub fn id_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// `setups`: name, tenant, last state and when.
pub fn setups(setups: &[SavedSetup], json: bool) {
    if json {
        let listed: Vec<_> = setups
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "name": s.name,
                    "tenant": s.accounts.auth0_domain,
                    "subscriptionId": s.inputs.subscription_id,
                    "resourceGroup": s.inputs.resource_group,
                    "overall": s.last_report.as_ref().map(|r| r.overall),
                    "checkedAt": s.last_report.as_ref().map(|r| r.checked_at.clone()),
                })
            })
            .collect();
        emit(&serde_json::json!({ "ok": true, "setups": listed }).to_string());
        return;
    }
    if setups.is_empty() {
        emit("No saved setup yet: `auth0-eventgrid setup` (or the desktop app) saves one.");
        return;
    }
    let mut text = String::new();
    for s in setups {
        let last = match &s.last_report {
            Some(report) => format!(
                "{}, checked {}",
                state_word(report.overall),
                report.checked_at
            ),
            None => "not checked yet".into(),
        };
        let _ = writeln!(
            text,
            "{}: {} \u{2192} {}/{} ({last})",
            s.name, s.accounts.auth0_domain, s.inputs.subscription_id, s.inputs.resource_group
        );
    }
    emit(text.trim_end());
}

/// `verify` and `fix`: every setup's checks.
pub fn verified(results: &[Checked], json: bool) {
    if json {
        let ok = results.iter().all(|r| {
            r.error.is_none()
                && r.report
                    .as_ref()
                    .is_some_and(|report| report.overall <= CheckState::Amber)
        });
        let setups: Vec<_> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "tenant": r.tenant,
                    "overall": r.report.as_ref().map(|report| report.overall),
                    "report": r.report,
                    "since": r.since,
                    "error": r.error,
                })
            })
            .collect();
        emit(&serde_json::json!({ "ok": ok, "setups": setups }).to_string());
        return;
    }
    let mut text = String::new();
    for r in results {
        match (&r.report, &r.error) {
            (_, Some(error)) => {
                let _ = writeln!(
                    text,
                    "{}: not checked: {} {}",
                    r.name, error.message, error.remedy
                );
            }
            (Some(report), None) => {
                let _ = writeln!(
                    text,
                    "{} ({}): {}, checked {}",
                    r.name,
                    r.tenant,
                    state_word(report.overall),
                    report.checked_at
                );
                for check in &report.checks {
                    write_check(&mut text, r, check);
                }
            }
            (None, None) => {}
        }
    }
    emit(text.trim_end());
}

fn write_check(text: &mut String, r: &Checked, check: &Check) {
    let since = r
        .since
        .iter()
        .find(|s| s.id == check.id && s.state == check.state && check.state != CheckState::Green)
        .map(|s| format!(" (since {})", s.since))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "  [{}] {}: {}{since}",
        state_word(check.state),
        check.title,
        check.sentence
    );
    if let Some(fix) = &check.fix {
        let _ = writeln!(
            text,
            "      fix: {} (auth0-eventgrid fix --setup \"{}\" --check {})",
            fix.label,
            r.name,
            id_name(&check.id)
        );
    }
    if let Some(link) = &check.link {
        let _ = writeln!(text, "      {}: {}", link.label, link.url);
    }
}

/// What a fix will do, said before it is applied.
pub fn fix_plan(check: &Check, fix: &Fix) -> String {
    let mut text = format!(
        "{} [{}]: {}\nFix: {}\n",
        check.title,
        state_word(check.state),
        check.sentence,
        fix.label
    );
    for action in &fix.actions {
        let _ = writeln!(text, "  - {action}");
    }
    if let Some(first) = &fix.check_first {
        let _ = writeln!(text, "Check first: {first}");
    }
    text.trim_end().to_owned()
}

/// One result on stdout; a reader that went away changes nothing (as `output` does).
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}
