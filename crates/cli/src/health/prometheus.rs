//! `verify --prometheus FILE`: each check's state and the delivery counts in Prometheus' text exposition
//! format, for node_exporter's textfile collector. Written to a temporary file beside FILE and renamed over
//! it, so the collector never reads half a file.

use std::fmt::Write as _;
use std::path::Path;

use setup_engine::{CheckState, DeliveryCounts, HealthReport};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One setup, as the metrics label it; `report` is `None` when it could not be checked at all (it then counts
/// as could not check).
pub struct Checked<'a> {
    pub setup: &'a str,
    pub tenant: &'a str,
    pub report: Option<&'a HealthReport>,
}

/// The state as a number that orders like the states: 0 green, 1 amber, 2 unknown, 3 red.
fn value(state: CheckState) -> u8 {
    match state {
        CheckState::Green => 0,
        CheckState::Amber => 1,
        CheckState::Unknown => 2,
        CheckState::Red => 3,
    }
}

fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A label value with `\`, `"` and newlines escaped, as the format asks.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn seconds(rfc3339: &str) -> Option<i64> {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// The whole file: every metric's HELP and TYPE once, then its samples.
pub fn render(setups: &[Checked<'_>]) -> String {
    let mut out = String::new();
    let mut family = |name: &str, help: &str, samples: &mut dyn FnMut(&mut String)| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        samples(&mut out);
    };
    family(
        "auth0_eventgrid_setup_state",
        "Worst state of the setup's checks: 0 green, 1 amber, 2 unknown (could not check), 3 red.",
        &mut |out| {
            for s in setups {
                let _ = writeln!(
                    out,
                    "auth0_eventgrid_setup_state{{setup=\"{}\",tenant=\"{}\"}} {}",
                    escape(s.setup),
                    escape(s.tenant),
                    value(s.report.map_or(CheckState::Unknown, |r| r.overall))
                );
            }
        },
    );
    family(
        "auth0_eventgrid_check_state",
        "State of one check: 0 green, 1 amber, 2 unknown (could not check), 3 red.",
        &mut |out| {
            for (s, report) in setups.iter().filter_map(|s| Some((s, s.report?))) {
                for check in &report.checks {
                    let _ = writeln!(
                        out,
                        "auth0_eventgrid_check_state{{setup=\"{}\",check=\"{}\"}} {}",
                        escape(s.setup),
                        name_of(&check.id),
                        value(check.state)
                    );
                }
            }
        },
    );
    family(
        "auth0_eventgrid_checked_timestamp_seconds",
        "When the setup was checked (Unix time).",
        &mut |out| {
            for (s, report) in setups.iter().filter_map(|s| Some((s, s.report?))) {
                if let Some(at) = seconds(&report.checked_at) {
                    let _ = writeln!(
                        out,
                        "auth0_eventgrid_checked_timestamp_seconds{{setup=\"{}\"}} {at}",
                        escape(s.setup)
                    );
                }
            }
        },
    );
    family(
        "auth0_eventgrid_delivery_events",
        "Event Grid's counts for the partner topic over the window (Azure Monitor, summed): published, \
         matched, delivered, failed, dropped, dead_lettered.",
        &mut |out| {
            for (s, report) in setups.iter().filter_map(|s| Some((s, s.report?))) {
                let Some(delivery) = &report.delivery else {
                    continue;
                };
                for (window, counts) in [("1h", &delivery.last_hour), ("24h", &delivery.last_day)] {
                    for (outcome, count) in outcomes(counts) {
                        let _ = writeln!(
                            out,
                            "auth0_eventgrid_delivery_events{{setup=\"{}\",window=\"{window}\",outcome=\"{outcome}\"}} {count}",
                            escape(s.setup)
                        );
                    }
                }
            }
        },
    );
    family(
        "auth0_eventgrid_last_delivered_timestamp_seconds",
        "Start of the last minute in which an event was delivered, within the last 24 hours (Unix time).",
        &mut |out| {
            for (s, report) in setups.iter().filter_map(|s| Some((s, s.report?))) {
                let at = report
                    .delivery
                    .as_ref()
                    .and_then(|d| d.last_delivered_at.as_deref())
                    .and_then(seconds);
                if let Some(at) = at {
                    let _ = writeln!(
                        out,
                        "auth0_eventgrid_last_delivered_timestamp_seconds{{setup=\"{}\"}} {at}",
                        escape(s.setup)
                    );
                }
            }
        },
    );
    out
}

fn outcomes(counts: &DeliveryCounts) -> [(&'static str, u64); 6] {
    [
        ("published", counts.published),
        ("matched", counts.matched),
        ("delivered", counts.delivered),
        ("failed", counts.failed),
        ("dropped", counts.dropped),
        ("dead_lettered", counts.dead_lettered),
    ]
}

/// Writes `text` to `path` atomically: a hidden temporary file in the same folder (the collector reads only
/// `*.prom`), then a rename over the old file.
///
/// Mode 0644, the one file the CLI writes readable by others: node_exporter runs as its own user, and the metrics
/// hold names and counts, nothing private.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    private_file::write_readable(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use setup_engine::{Check, CheckId, Delivery};

    use super::*;

    #[test]
    fn every_sample_is_name_labels_value_and_labels_are_escaped() {
        let report = HealthReport {
            overall: CheckState::Red,
            checked_at: "2026-01-01T10:00:00Z".into(),
            checks: vec![Check {
                id: CheckId::LogStream,
                title: "The log stream".into(),
                state: CheckState::Red,
                sentence: "paused".into(),
                read_at: "2026-01-01T10:00:00Z".into(),
                fix: None,
                link: None,
            }],
            delivery: Some(Delivery {
                last_hour: DeliveryCounts {
                    delivered: 3,
                    ..DeliveryCounts::default()
                },
                last_day: DeliveryCounts::default(),
                last_delivered_at: Some("2026-01-01T09:59:00Z".into()),
                chart: Vec::new(),
            }),
            stream_id: None,
            partner_topic: None,
        };
        let text = render(&[
            Checked {
                setup: "prod \"eu\"",
                tenant: "acme.eu.auth0.com",
                report: Some(&report),
            },
            Checked {
                setup: "stage",
                tenant: "acme.eu.auth0.com",
                report: None,
            },
        ]);
        assert!(text.contains(
            "auth0_eventgrid_setup_state{setup=\"stage\",tenant=\"acme.eu.auth0.com\"} 2\n"
        ));
        assert!(!text.contains("check=\"log_stream\"} 0"));
        assert!(text.contains(
            "auth0_eventgrid_check_state{setup=\"prod \\\"eu\\\"\",check=\"log_stream\"} 3\n"
        ));
        assert!(text.contains(
            "auth0_eventgrid_delivery_events{setup=\"prod \\\"eu\\\"\",window=\"1h\",outcome=\"delivered\"} 3\n"
        ));
        assert!(text.contains(
            "auth0_eventgrid_checked_timestamp_seconds{setup=\"prod \\\"eu\\\"\"} 1767261600\n"
        ));
        assert_eq!(text.lines().filter(|l| l.starts_with("# TYPE")).count(), 5);
    }

    #[test]
    fn the_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auth0.prom");
        std::fs::write(&path, "old").unwrap();
        write(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // node_exporter reads it as its own user.
        #[cfg(unix)]
        assert_eq!(private_file::mode_of(&path).unwrap(), 0o644);
    }
}
