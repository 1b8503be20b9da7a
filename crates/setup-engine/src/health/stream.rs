//! The log stream check: found by the id the setup remembers, else by its name; `active` is green, `paused`
//! and `suspended` are red with the fix that resumes it (a suspended stream failed to deliver for days, so the
//! fix says what to look at first), a missing stream is red and the setup must run again. Auth0's Health tab
//! (the stream's last delivery errors) has no API, so the check links to the stream's page in the dashboard.

use auth0_client::{Auth0Client, LogStream, LogStreamStatus};

use super::{Check, CheckId, CheckState, Fix, FixId, HealthLink};
use crate::error::SetupError;
use crate::inputs::SetupInputs;

const ID: CheckId = CheckId::LogStream;

/// The setup's stream: by `known_id` when given and still there, otherwise by the setup's stream name.
pub(super) async fn find(
    auth0: &Auth0Client,
    inputs: &SetupInputs,
    known_id: Option<&str>,
) -> Result<Option<LogStream>, String> {
    let words = |e| SetupError::from(e).message;
    if let Some(id) = known_id
        && let Some(stream) = auth0.get_log_stream(id).await.map_err(words)?
    {
        return Ok(Some(stream));
    }
    Ok(auth0
        .list_log_streams()
        .await
        .map_err(words)?
        .into_iter()
        .find(|s| s.name == inputs.stream_name))
}

pub(super) fn check(
    found: &Result<Option<LogStream>, String>,
    inputs: &SetupInputs,
    at: &str,
) -> Check {
    let stream = match found {
        Err(why) => return Check::unknown(ID, why, at),
        Ok(None) => {
            return Check::new(
                ID,
                CheckState::Red,
                format!(
                    "There is no log stream named \"{}\" in the Auth0 tenant any more: run the setup again to \
                     create it.",
                    inputs.stream_name
                ),
                at,
            )
            .with_link(dashboard_link(&inputs.auth0_domain, None));
        }
        Ok(Some(stream)) => stream,
    };
    let link = dashboard_link(&inputs.auth0_domain, Some(&stream.id));
    let name = &stream.name;
    let resume = || {
        Fix::new(
            FixId::ResumeStream,
            "Resume the stream",
            vec![format!("Set the log stream \"{name}\" to active")],
        )
    };
    let check = match stream.status {
        Some(LogStreamStatus::Active) | None => Check::new(
            ID,
            CheckState::Green,
            format!("The log stream \"{name}\" is active."),
            at,
        ),
        Some(LogStreamStatus::Paused) => Check::new(
            ID,
            CheckState::Red,
            format!("The log stream \"{name}\" is paused: Auth0 sends no logs to Event Grid until it is resumed."),
            at,
        )
        .with_fix(resume()),
        Some(LogStreamStatus::Suspended) => {
            let mut fix = resume();
            fix.check_first = Some(
                "Auth0 suspends a stream after failing to deliver to Event Grid for days. Check first that the \
                 partner topic is activated and the event subscription provisioned (the checks below), and read \
                 the stream's Health tab in the Auth0 dashboard for the errors; otherwise the stream fails again."
                    .to_owned(),
            );
            Check::new(
                ID,
                CheckState::Red,
                format!(
                    "Auth0 suspended the log stream \"{name}\" after repeated delivery failures (the dashboard \
                     calls it Disabled): no logs are sent until it is resumed."
                ),
                at,
            )
            .with_fix(fix)
        }
        Some(LogStreamStatus::Unknown) => Check::unknown(
            ID,
            format!("Auth0 reports a status for the log stream \"{name}\" that this version does not know"),
            at,
        ),
    };
    check.with_link(link)
}

/// The stream's page in the Auth0 dashboard (`manage.auth0.com/dashboard/{region}/{tenant}/log-streams/{id}
/// /settings`, region `us` for `{tenant}.auth0.com`, else the label before `auth0.com`); the stream list
/// when the id is unknown. A tenant on this computer (the sandbox) links to its own admin page instead.
pub(super) fn dashboard_link(domain: &str, stream_id: Option<&str>) -> Option<HealthLink> {
    let host = domain
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let bare = host.split(':').next().unwrap_or(host);
    if matches!(bare, "127.0.0.1" | "localhost" | "[::1]") {
        let base = if domain.starts_with("http") {
            domain.trim_end_matches('/').to_owned()
        } else {
            format!("http://{host}")
        };
        return Some(HealthLink {
            label: "Open the sandbox's admin page".into(),
            url: format!("{base}/_sandbox"),
        });
    }
    let labels: Vec<&str> = bare.split('.').collect();
    let (tenant, region) = match labels.as_slice() {
        [tenant, "auth0", "com"] => (*tenant, "us"),
        [tenant, region, "auth0", "com"] => (*tenant, *region),
        _ => {
            return Some(HealthLink {
                label: "Open the Auth0 dashboard".into(),
                url: "https://manage.auth0.com/".into(),
            });
        }
    };
    let base = format!("https://manage.auth0.com/dashboard/{region}/{tenant}/log-streams");
    Some(match stream_id {
        Some(id) => HealthLink {
            label: "Open the stream in the Auth0 dashboard (its Health tab lists delivery errors)"
                .into(),
            url: format!("{base}/{id}/settings"),
        },
        None => HealthLink {
            label: "Open the log streams in the Auth0 dashboard".into(),
            url: base,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_link_names_the_region_and_the_tenant() {
        let url = |domain, id| dashboard_link(domain, id).unwrap().url;
        assert_eq!(
            url("acme.auth0.com", Some("lst_1")),
            "https://manage.auth0.com/dashboard/us/acme/log-streams/lst_1/settings"
        );
        assert_eq!(
            url("acme.eu.auth0.com", Some("lst_1")),
            "https://manage.auth0.com/dashboard/eu/acme/log-streams/lst_1/settings"
        );
        assert_eq!(
            url("acme.au.auth0.com", None),
            "https://manage.auth0.com/dashboard/au/acme/log-streams"
        );
        assert_eq!(
            url("login.acme.com", Some("x")),
            "https://manage.auth0.com/"
        );
        assert_eq!(
            url("http://127.0.0.1:4100", Some("x")),
            "http://127.0.0.1:4100/_sandbox"
        );
    }
}
