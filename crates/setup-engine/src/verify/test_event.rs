//! "Send a test event" against the user's own clouds. It touches no user: the app asks the tenant for a
//! token with an existing application's client id (the one signed in with, or the one a pasted token was
//! issued to) and a deliberately wrong secret, which Auth0 records as a failed exchange (`feccft`). The entry
//! is then followed stage by stage: Auth0's logs, searched by type and client id within the attempt's time
//! window (never by `client_name`, which a failed attempt may not carry), the partner topic's
//! `PublishSuccessCount` (Event Grid received it) and the event subscription's `DeliverySuccessCount`
//! (delivered), polling fast at first and backing off, each stage with its own limit. An entry the search has
//! not shown yet is looked for once more after Event Grid's stages: Auth0's log search lags behind its log.
//!
//! Time and waits come from the engine's clock and `ArrivalWait`; each stage's state goes to a
//! `TestEventObserver` as it changes. Dropping the future stops the watch (nothing is left to clean up: the
//! attempt is a single request and the rest only reads).

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use azure_client::{AzureClient, PollSchedule, poll_delay};
use cloud_http::Clock;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;
use ts_rs::TS;

use crate::engine::Engine;
use crate::error::{ErrorCode, SetupError};
use crate::inputs::SetupInputs;

/// The log type Auth0 writes for a failed client-credentials exchange.
pub const TEST_LOG_TYPE: &str = "feccft";
/// The stream category that carries `feccft`.
const TOKEN_EXCHANGE_FAIL: &str = "auth.token_exchange.fail";
/// When no application is known (a pasted token that names none), the attempt names this client instead. Auth0
/// logs a failed exchange whatever the client id ("may be a valid ID, an invalid one, or any ID"), but an
/// existing application's id is preferred.
pub const NO_SUCH_CLIENT: &str = "auth0-eventgrid-setup-test-event-no-such-client";
/// How far before the attempt the log search starts: Auth0's clock and this computer's may differ.
const SEARCH_MARGIN: Duration = Duration::from_secs(300);
/// Sent as the secret; no Auth0 application has it (theirs are 64 random characters).
const WRONG_SECRET: &str = "wrong-secret-sent-on-purpose-by-auth0-eventgrid-setup-test-event";

/// The stages a test event passes on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalStage {
    /// Auth0 wrote the log entry (found through `GET /api/v2/logs`).
    Recorded,
    /// Event Grid received it from Auth0 (the partner topic's published count rose).
    Published,
    /// Event Grid delivered it to the destination (the event subscription's delivered count rose).
    Delivered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalState {
    /// Still looking.
    Waiting,
    Done,
    /// Not seen within the stage's limit.
    NotSeen,
    /// The setup's filters leave this event out (the stream's categories or the subscription's log codes),
    /// so it is not expected here.
    Filtered,
    /// Azure's metrics could not be read; `detail` says why.
    Unavailable,
}

/// One stage's state, sent as progress while polling and returned in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StageReport {
    pub stage: ArrivalStage,
    pub state: ArrivalState,
    /// Seconds since the attempt.
    pub elapsed_secs: u32,
    /// How long this stage is watched before it is reported not seen.
    pub limit_secs: u32,
    /// The cloud's own words when a stage could not be checked (no secret).
    pub detail: Option<String>,
}

/// How often and how long each stage is polled.
#[derive(Debug, Clone, Copy)]
pub struct ArrivalWait {
    pub schedule: PollSchedule,
    pub recorded: Duration,
    /// Azure Monitor metrics usually lag a few minutes, so published and delivered get longer.
    pub metrics: Duration,
}

impl Default for ArrivalWait {
    fn default() -> Self {
        Self {
            schedule: PollSchedule {
                first: Duration::from_secs(1),
                ceiling: Duration::from_secs(15),
                deadline: Duration::from_secs(600),
            },
            recorded: Duration::from_secs(120),
            metrics: Duration::from_secs(600),
        }
    }
}

/// Where a test event's stages go while they are watched (the window's channel, the command line's
/// stderr). Any `Fn(&StageReport)` is one.
pub trait TestEventObserver: Send + Sync {
    fn on_stage(&self, report: &StageReport);
}

impl<F: Fn(&StageReport) + Send + Sync> TestEventObserver for F {
    fn on_stage(&self, report: &StageReport) {
        self(report);
    }
}

/// What "Send a test event" caused and how far it got: in the sandbox, what arrived at its receiver; in
/// the user's own clouds, each stage of the way (`stages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestEventResult {
    /// The Auth0 log type written (`s`: a successful login in the sandbox; `feccft`: a failed exchange).
    pub log_type: String,
    /// The user the simulated login was for (sandbox only).
    pub user: Option<String>,
    /// The client id the failed exchange named: the signed-in application, or the one a pasted token was
    /// issued to (a made-up one only when the token names none); cloud only.
    pub client_id: Option<String>,
    /// How many events the sandbox's receiver holds now (0 in the user's own clouds).
    pub received: u32,
    /// The CloudEvents `type` of the test event just sent, once the sandbox's receiver holds it (matched by
    /// its id, so events from earlier tests do not count); `None` while it has not arrived, and in the user's
    /// own clouds (sandbox only).
    pub arrived_type: Option<String>,
    /// Recorded by Auth0, received by Event Grid, delivered: in the user's own clouds; empty in the sandbox.
    pub stages: Vec<StageReport>,
}

impl TestEventResult {
    /// A login the in-process sandbox simulated, and what its receiver holds after it (no stages: the
    /// receiver is looked at directly).
    pub fn simulated_login(user: String, received: u32, arrived_type: Option<String>) -> Self {
        Self {
            log_type: "s".into(),
            user: Some(user),
            client_id: None,
            received,
            arrived_type,
            stages: Vec::new(),
        }
    }

    /// Every stage seen, or not expected here (the setup's filters leave the event out).
    pub fn arrived(&self) -> bool {
        self.stages
            .iter()
            .all(|s| matches!(s.state, ArrivalState::Done | ArrivalState::Filtered))
    }
}

const PUBLISHED: &str = "PublishSuccessCount";
const DELIVERED: &str = "DeliverySuccessCount";

impl Engine {
    /// Causes the failed exchange and follows it, each stage's state going to `observer`. `client_id` is
    /// the application the tenant knows the sign-in by (None when there is none). The setup must be
    /// complete: the partner topic and the event subscription are read from it.
    pub async fn send_test_event(
        &self,
        inputs: &SetupInputs,
        client_id: Option<&str>,
        wait: ArrivalWait,
        observer: &dyn TestEventObserver,
    ) -> Result<TestEventResult, SetupError> {
        send_and_follow(self, inputs, client_id, wait, observer).await
    }
}

async fn send_and_follow(
    engine: &Engine,
    inputs: &SetupInputs,
    client_id: Option<&str>,
    wait: ArrivalWait,
    observer: &dyn TestEventObserver,
) -> Result<TestEventResult, SetupError> {
    let clock = engine.clock();
    let progress = |report: &StageReport| observer.on_stage(report);
    let report = engine.status(inputs).await?;
    let topic = match (&report.partner_topic, report.complete) {
        (Some(topic), true) => topic.clone(),
        _ => {
            return Err(SetupError::new(
                ErrorCode::InvalidInput,
                "A test event needs all four steps done, and they are not.",
                "Check every step again and finish the ones that are not done.",
            ));
        }
    };
    let topic_id = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{topic}",
        inputs.subscription_id, inputs.resource_group
    );
    let auth0 = engine.auth0_client(inputs)?;
    let client_id = client_id
        .filter(|id| !id.is_empty())
        .unwrap_or(NO_SUCH_CLIENT)
        .to_owned();
    // Entries of earlier test events, so that only this attempt's counts.
    let seen: HashSet<String> = auth0
        .search_logs(&recorded_query(&client_id, None), 100)
        .await?
        .into_iter()
        .filter_map(|entry| entry.log_id)
        .collect();
    // A fixed window start a little before the attempt: the counts can then only grow, and a
    // minute-aligned point of Azure's does not fall outside it.
    let since = SystemTime::from(clock.now() - Duration::from_secs(120));
    let counts = Counts {
        azure: engine.azure(),
        topic_id: &topic_id,
        subscription: &inputs.event_subscription_name,
        since,
    };
    let published_before = counts.read(ArrivalStage::Published).await;
    let delivered_before = counts.read(ArrivalStage::Delivered).await;

    let started = clock.now();
    let attempted_at = fail_exchange(
        auth0.transport().client(),
        auth0.base_url(),
        auth0.audience(),
        &client_id,
    )
    .await?
    .unwrap_or_else(|| clock.now());
    let query = recorded_query(&client_id, Some(attempted_at - SEARCH_MARGIN));
    // Whether the search shows an entry that was not there before the attempt.
    let recorded_now = async || -> Result<bool, SetupError> {
        Ok(auth0
            .search_logs(&query, 100)
            .await?
            .into_iter()
            .any(|entry| entry.log_id.is_some_and(|id| !seen.contains(&id))))
    };

    let stage = |stage, state, limit: Duration, detail: Option<String>| StageReport {
        stage,
        state,
        elapsed_secs: secs(since_start(clock, started)),
        limit_secs: secs(limit),
        detail,
    };

    // (a) Auth0 recorded it.
    let mut recorded = stage(
        ArrivalStage::Recorded,
        ArrivalState::Waiting,
        wait.recorded,
        None,
    );
    let mut poll = 0;
    loop {
        progress(&recorded);
        if recorded_now().await? {
            recorded = stage(
                ArrivalStage::Recorded,
                ArrivalState::Done,
                wait.recorded,
                None,
            );
            break;
        }
        if since_start(clock, started) >= wait.recorded {
            recorded = stage(
                ArrivalStage::Recorded,
                ArrivalState::NotSeen,
                wait.recorded,
                None,
            );
            break;
        }
        clock.sleep(poll_delay(&wait.schedule, poll, None)).await;
        poll += 1;
    }
    progress(&recorded);

    // (b) and (c): the metrics, unless the setup's filters leave the event out.
    let streamed = inputs.event_categories.is_empty()
        || inputs
            .event_categories
            .iter()
            .any(|c| c == TOKEN_EXCHANGE_FAIL);
    let routed = inputs.log_codes.is_empty() || inputs.log_codes.iter().any(|c| c == TEST_LOG_TYPE);
    let initial =
        |stage_id, expected: bool, baseline: &Result<f64, String>| match (expected, baseline) {
            (false, _) => stage(stage_id, ArrivalState::Filtered, wait.metrics, None),
            (true, Err(error)) => stage(
                stage_id,
                ArrivalState::Unavailable,
                wait.metrics,
                Some(error.clone()),
            ),
            (true, Ok(_)) => stage(stage_id, ArrivalState::Waiting, wait.metrics, None),
        };
    let mut published = initial(ArrivalStage::Published, streamed, &published_before);
    let mut delivered = initial(
        ArrivalStage::Delivered,
        streamed && routed,
        &delivered_before,
    );
    let mut poll = 0;
    while published.state == ArrivalState::Waiting || delivered.state == ArrivalState::Waiting {
        for report in [&published, &delivered] {
            if report.state == ArrivalState::Waiting {
                progress(report);
            }
        }
        for (report, before) in [
            (&mut published, &published_before),
            (&mut delivered, &delivered_before),
        ] {
            let (ArrivalState::Waiting, Ok(before)) = (report.state, before) else {
                continue;
            };
            // A read failing now (the baseline was read) makes the stage unavailable, not the whole test.
            let (state, detail) = match counts.read(report.stage).await {
                Ok(now) if now > *before => (ArrivalState::Done, None),
                Ok(_) => continue,
                Err(detail) => (ArrivalState::Unavailable, Some(detail)),
            };
            *report = stage(report.stage, state, wait.metrics, detail);
            progress(report);
        }
        if since_start(clock, started) >= wait.metrics {
            for report in [&mut published, &mut delivered] {
                if report.state == ArrivalState::Waiting {
                    *report = stage(report.stage, ArrivalState::NotSeen, wait.metrics, None);
                    progress(report);
                }
            }
            break;
        }
        if published.state == ArrivalState::Waiting || delivered.state == ArrivalState::Waiting {
            clock.sleep(poll_delay(&wait.schedule, poll, None)).await;
            poll += 1;
        }
    }
    // The search index lags behind the log: an entry it did not show in time may be there now (for instance
    // once Event Grid has received it, which only happens to logged entries).
    if recorded.state == ArrivalState::NotSeen && recorded_now().await? {
        recorded = stage(
            ArrivalStage::Recorded,
            ArrivalState::Done,
            wait.recorded,
            None,
        );
        progress(&recorded);
    }
    Ok(TestEventResult {
        log_type: TEST_LOG_TYPE.into(),
        user: None,
        client_id: Some(client_id),
        received: 0,
        arrived_type: None,
        stages: vec![recorded, published, delivered],
    })
}

/// Auth0's log search for the test event: its type and client id, from `since` on when given (Auth0's query
/// syntax: exact value in quotes, an inclusive range open at the end,
/// <https://auth0.com/docs/deploy-monitor/logs/log-search-query-syntax>). Never by `client_name`.
fn recorded_query(client_id: &str, since: Option<OffsetDateTime>) -> String {
    let client_id = client_id.replace('\\', "\\\\").replace('"', "\\\"");
    let mut query = format!("type:{TEST_LOG_TYPE} AND client_id:\"{client_id}\"");
    if let Some(since) = since {
        let since = since.to_offset(time::UtcOffset::UTC);
        let format =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        if let Ok(since) = since.format(&format) {
            query.push_str(&format!(" AND date:[{since} TO *]"));
        }
    }
    query
}

/// Event Grid's counts of one partner topic since a fixed instant.
struct Counts<'a> {
    azure: &'a AzureClient,
    topic_id: &'a str,
    subscription: &'a str,
    since: SystemTime,
}

impl Counts<'_> {
    /// Published: every event the topic took in. Delivered: those the event subscription delivered. The
    /// error is the cloud's message, for the stage's detail.
    async fn read(&self, stage: ArrivalStage) -> Result<f64, String> {
        let per_subscription = stage == ArrivalStage::Delivered;
        let name = if per_subscription {
            DELIVERED
        } else {
            PUBLISHED
        };
        let metrics = self
            .azure
            .get_metrics_since(self.topic_id, &[name], self.since, per_subscription)
            .await
            .map_err(|e| SetupError::from(e).message)?;
        Ok(if per_subscription {
            metrics.subscription_total_of(name, self.subscription)
        } else {
            metrics.total_of(name)
        })
    }
}

/// The client-credentials request with the wrong secret. Auth0 refuses it (401) and logs `feccft`; any
/// other answer means the request did not reach the token endpoint as meant. Answers when Auth0 refused it
/// by Auth0's clock (its `Date` header), when it says. Sent with the Auth0 client's own HTTP client, which
/// follows no redirect and keeps the transport's timeouts, like every other request to the tenant.
async fn fail_exchange(
    http: &reqwest::Client,
    base: &reqwest::Url,
    audience: &str,
    client_id: &str,
) -> Result<Option<OffsetDateTime>, SetupError> {
    let url = base.join("oauth/token").map_err(|e| {
        SetupError::new(
            ErrorCode::InvalidInput,
            format!("The Auth0 domain does not make a token address: {e}"),
            "Check the Auth0 domain in step 2.",
        )
    })?;
    let response = http
        .post(url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", WRONG_SECRET),
            ("audience", audience),
        ])
        .send()
        .await
        .map_err(|e| {
            SetupError::new(
                ErrorCode::NetworkUnreachable,
                format!(
                    "Auth0 did not answer the test sign-in attempt: {}",
                    cloud_http::error_text(e)
                ),
                "Check the internet connection and try again.",
            )
        })?;
    let refused_at = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(|date| OffsetDateTime::parse(date, &Rfc2822).ok());
    match response.status().as_u16() {
        401 | 403 => Ok(refused_at),
        status => Err(SetupError::new(
            ErrorCode::UnexpectedResponse,
            format!(
                "Auth0 answered the test sign-in attempt with HTTP {status} instead of refusing it."
            ),
            "Try again; if it keeps happening, copy the diagnostics and report it.",
        )),
    }
}

/// Time since `started` by the engine's clock (zero if the clock went back).
fn since_start(clock: &dyn Clock, started: OffsetDateTime) -> Duration {
    Duration::try_from(clock.now() - started).unwrap_or(Duration::ZERO)
}

fn secs(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_search_names_the_type_the_client_and_the_window_never_the_client_name() {
        let since = time::macros::datetime!(2026-11-26 10:15:30.250 UTC);
        assert_eq!(
            recorded_query("AbC123", Some(since)),
            "type:feccft AND client_id:\"AbC123\" AND date:[2026-11-26T10:15:30 TO *]"
        );
        let offset = since.to_offset(time::macros::offset!(+2));
        assert!(recorded_query("a", Some(offset)).ends_with("date:[2026-11-26T10:15:30 TO *]"));
        assert_eq!(
            recorded_query("a\"b", None),
            "type:feccft AND client_id:\"a\\\"b\""
        );
        assert!(!recorded_query("a", Some(since)).contains("client_name"));
    }
}
