//! The health checks and their fixes against the sandbox over real HTTP. A full setup with one delivered
//! login is green on every check; then each condition a check watches is caused (through the real APIs where
//! Auth0 and Azure have one, the sandbox's admin routes otherwise), the check turns amber or red, its fix
//! (where there is one) turns it green again, and every other check keeps its state. The sandbox clock is
//! frozen and moved only by the tests (and the engine's waits); pipeline retries run time-compressed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use cloud_sandbox::testing::{Arm, auth0_token};
use cloud_sandbox::{FaultKind, FaultRule, SimulationKind};
use reqwest::Method;
use serde_json::json;
use setup_engine::{
    ArrivalWait, Auth0Credentials, CheckId, CheckState, Engine, FixId, HealthOptions, HealthReport,
    KnownResources, PollSchedule, Secret, SetupInputs, Unobserved,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::{World, start};

const EVENT_GRID_API: &str = "api-version=2025-02-15";
const SECRET_QUERY: &str = "s3cret-webhook-key";

/// What the test webhook does.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Mode {
    /// Passes the handshake, takes every delivery.
    Accept = 0,
    /// Passes the handshake, answers every delivery with 500.
    RefuseDeliveries = 1,
    /// Answers the handshake with 403 (no `WebHook-Allowed-Origin`), takes deliveries.
    RefuseHandshake = 2,
}

/// A webhook on this computer whose behaviour a test switches.
struct Webhook {
    url: String,
    mode: Arc<AtomicU8>,
}

impl Webhook {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(Mode::Accept as u8));
        let shared = mode.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mode = shared.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 64 * 1024];
                    let read = socket.read(&mut buffer).await.unwrap_or(0);
                    let handshake = buffer[..read].starts_with(b"OPTIONS");
                    let answer = match (handshake, mode) {
                        (true, 2) => {
                            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        }
                        (true, _) => {
                            "HTTP/1.1 200 OK\r\nWebHook-Allowed-Origin: eventgrid.azure.net\r\n\
                             Content-Length: 0\r\nConnection: close\r\n\r\n"
                        }
                        (false, 1) => {
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        }
                        (false, _) => {
                            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        }
                    };
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self {
            // The query stands for a key: no sentence may show it.
            url: format!("http://{address}/events?code={SECRET_QUERY}"),
            mode,
        }
    }

    fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }
}

/// A finished setup with one login delivered, and what it knows of itself.
struct Fixture {
    world: World,
    inputs: SetupInputs,
    known: KnownResources,
    webhook: Webhook,
}

impl Fixture {
    async fn new() -> Self {
        let world = start().await;
        let webhook = Webhook::start().await;
        let mut inputs = world.inputs();
        inputs.destination.webhook_url = Some(webhook.url.clone());
        let report = world
            .engine()
            .run(&inputs, &Unobserved)
            .await
            .expect("set up");
        assert!(report.complete);
        let known = KnownResources {
            stream_id: report.stream_id.clone(),
            partner_topic: report.partner_topic.clone(),
        };
        let fixture = Self {
            world,
            inputs,
            known,
            webhook,
        };
        fixture.login().await;
        fixture
    }

    /// One successful login (`s`, which the setup streams and delivers), followed until the pipeline is idle.
    async fn login(&self) {
        let handle = self.world.sandbox.handle();
        handle.simulate(SimulationKind::Login, 1);
        assert!(handle.wait_for_pipeline_idle(Duration::from_secs(30)).await);
    }

    fn topic(&self) -> &str {
        self.known.partner_topic.as_deref().unwrap()
    }

    fn stream_id(&self) -> &str {
        self.known.stream_id.as_deref().unwrap()
    }

    fn topic_path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{}",
            self.inputs.subscription_id,
            self.inputs.resource_group,
            self.topic()
        )
    }

    /// A fresh engine each time (as a scheduled check would be), so tokens follow the sandbox clock.
    async fn check_with(&self, engine: &Engine) -> HealthReport {
        let report = engine
            .check_health(&self.inputs, &self.known, &HealthOptions::default())
            .await
            .expect("a check after valid inputs never fails");
        assert_no_secret(&report);
        report
    }

    async fn check(&self) -> HealthReport {
        self.check_with(&self.world.engine()).await
    }

    /// Applies the fix `id` offers on check `on` (which must offer it) and answers the report that follows.
    async fn fix(&self, before: &HealthReport, on: CheckId, id: FixId) -> HealthReport {
        let offered = before.check(on).unwrap().fix.as_ref().expect("a fix");
        assert_eq!(offered.id, id);
        assert!(!offered.actions.is_empty(), "says what it writes first");
        self.world
            .engine()
            .apply_fix(&self.inputs, &self.known, id, &Unobserved)
            .await
            .expect("the fix applies")
    }

    /// Resource Manager, as the portal would call it.
    async fn arm(&self, method: Method, path: &str) {
        let answer = Arm::sign_in(&self.world.info)
            .await
            .send(method, path, None)
            .await;
        assert!(answer.status().is_success(), "{:?}", answer.text().await);
    }

    fn advance(&self, by: Duration) {
        self.world.sandbox.handle().advance(by);
    }
}

/// The webhook's query (a key, often) appears nowhere in a report.
fn assert_no_secret(report: &HealthReport) {
    let text = serde_json::to_string(report).unwrap();
    assert!(!text.contains(SECRET_QUERY), "{text}");
}

fn states(report: &HealthReport) -> BTreeMap<CheckId, CheckState> {
    report.checks.iter().map(|c| (c.id, c.state)).collect()
}

/// Every check but those in `changed` is in the state it was in.
fn assert_others_kept(before: &HealthReport, after: &HealthReport, changed: &[CheckId]) {
    let (mut before, mut after) = (states(before), states(after));
    for id in changed {
        before.remove(id);
        after.remove(id);
    }
    assert_eq!(before, after, "the other checks keep their state");
}

fn assert_all_green(report: &HealthReport) {
    for check in &report.checks {
        assert_eq!(
            check.state,
            CheckState::Green,
            "{:?}: {}",
            check.id,
            check.sentence
        );
        assert!(
            check.fix.is_none(),
            "{:?} offers no fix when green",
            check.id
        );
    }
    assert_eq!(report.overall, CheckState::Green);
}

fn state_of(report: &HealthReport, id: CheckId) -> CheckState {
    report.check(id).unwrap().state
}

fn sentence_of(report: &HealthReport, id: CheckId) -> &str {
    &report.check(id).unwrap().sentence
}

#[tokio::test]
async fn a_full_setup_is_green_on_every_check_with_its_delivery_counts() {
    let fixture = Fixture::new().await;
    let report = fixture.check().await;
    assert_eq!(
        report.checks.iter().map(|c| c.id).collect::<Vec<_>>(),
        CheckId::READ.to_vec()
    );
    assert_all_green(&report);
    let delivery = report.delivery.as_ref().expect("counts read");
    assert_eq!(delivery.last_hour.delivered, 1);
    assert_eq!(delivery.last_day.delivered, 1);
    assert_eq!(delivery.last_day.published, 1);
    assert_eq!(delivery.last_day.matched, 1);
    assert_eq!(delivery.last_day.failed, 0);
    assert_eq!(delivery.chart.len(), 24);
    assert_eq!(delivery.chart.last().unwrap().delivered, 1);
    assert!(delivery.last_delivered_at.is_some());
    assert_eq!(report.stream_id, fixture.known.stream_id);
    assert_eq!(report.partner_topic, fixture.known.partner_topic);
    let stream = report.check(CheckId::LogStream).unwrap();
    assert!(
        stream.link.as_ref().unwrap().url.ends_with("/_sandbox"),
        "{:?}",
        stream.link
    );
    // Nothing is written by a check.
    let seq = fixture.world.last_seq();
    fixture.check().await;
    assert!(fixture.world.writes_since(seq).is_empty());
}

#[tokio::test]
async fn a_setup_known_by_nothing_but_its_inputs_is_found_by_name() {
    let fixture = Fixture::new().await;
    let report = fixture
        .world
        .engine()
        .check_health(
            &fixture.inputs,
            &KnownResources::default(),
            &HealthOptions::default(),
        )
        .await
        .unwrap();
    assert_all_green(&report);
    assert_eq!(report.stream_id, fixture.known.stream_id);
    assert_eq!(report.partner_topic, fixture.known.partner_topic);
}

#[tokio::test]
async fn a_paused_stream_is_red_and_resuming_it_is_green() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let token = auth0_token(&fixture.world.info, None).await;
    let answer = reqwest::Client::new()
        .patch(format!(
            "{}/api/v2/log-streams/{}",
            fixture.world.info.auth0_domain,
            fixture.stream_id()
        ))
        .bearer_auth(token)
        .json(&json!({"status": "paused"}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());

    let paused = fixture.check().await;
    assert_eq!(state_of(&paused, CheckId::LogStream), CheckState::Red);
    assert!(sentence_of(&paused, CheckId::LogStream).contains("paused"));
    assert_eq!(paused.overall, CheckState::Red);
    assert_others_kept(&before, &paused, &[CheckId::LogStream]);
    let fix = paused
        .check(CheckId::LogStream)
        .unwrap()
        .fix
        .clone()
        .unwrap();
    assert!(fix.check_first.is_none());

    let fixed = fixture
        .fix(&paused, CheckId::LogStream, FixId::ResumeStream)
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_suspended_stream_is_red_and_its_fix_says_what_to_check_first() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let answer = cloud_sandbox::testing::admin_client(&fixture.world.info)
        .post(format!(
            "{}/auth0/log-streams/{}/suspend",
            fixture.world.info.admin_url,
            fixture.stream_id()
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());

    let suspended = fixture.check().await;
    assert_eq!(state_of(&suspended, CheckId::LogStream), CheckState::Red);
    assert!(sentence_of(&suspended, CheckId::LogStream).contains("suspended"));
    assert_others_kept(&before, &suspended, &[CheckId::LogStream]);
    let fix = suspended
        .check(CheckId::LogStream)
        .unwrap()
        .fix
        .clone()
        .unwrap();
    assert!(fix.check_first.is_some_and(|c| c.contains("Health tab")));

    let fixed = fixture
        .fix(&suspended, CheckId::LogStream, FixId::ResumeStream)
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_deactivated_topic_is_red_and_activating_it_is_green() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let answer = Arm::sign_in(&fixture.world.info)
        .await
        .send(
            Method::POST,
            &format!("{}/deactivate?{EVENT_GRID_API}", fixture.topic_path()),
            None,
        )
        .await;
    assert!(answer.status().is_success());

    let deactivated = fixture.check().await;
    assert_eq!(
        state_of(&deactivated, CheckId::PartnerTopic),
        CheckState::Red
    );
    assert!(sentence_of(&deactivated, CheckId::PartnerTopic).contains("deactivated"));
    assert_others_kept(&before, &deactivated, &[CheckId::PartnerTopic]);

    let fixed = fixture
        .fix(&deactivated, CheckId::PartnerTopic, FixId::ActivateTopic)
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_deleted_topic_is_red_and_only_then_the_stream_is_recreated_and_subscribed_again() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    // Only a topic that is gone offers re-creating the stream; a working one refuses it.
    let refused = fixture
        .world
        .engine()
        .apply_fix(
            &fixture.inputs,
            &fixture.known,
            FixId::RecreateStream,
            &Unobserved,
        )
        .await;
    assert!(
        refused.is_err(),
        "a working topic's stream is not re-created"
    );
    fixture.world.delete_topic(fixture.topic()).await;

    let gone = fixture.check().await;
    assert_eq!(state_of(&gone, CheckId::PartnerTopic), CheckState::Red);
    assert!(sentence_of(&gone, CheckId::PartnerTopic).contains("no longer exists"));
    // The subscription went with its topic, and there are no counters to read.
    assert_eq!(state_of(&gone, CheckId::EventSubscription), CheckState::Red);
    assert!(
        gone.check(CheckId::EventSubscription)
            .unwrap()
            .fix
            .is_none()
    );
    assert_eq!(state_of(&gone, CheckId::Delivery), CheckState::Unknown);
    assert_others_kept(
        &before,
        &gone,
        &[
            CheckId::PartnerTopic,
            CheckId::EventSubscription,
            CheckId::Delivery,
        ],
    );

    let seq = fixture.world.last_seq();
    let fixed = fixture
        .fix(&gone, CheckId::PartnerTopic, FixId::RecreateStream)
        .await;
    let deletes: Vec<String> = fixture
        .world
        .writes_since(seq)
        .into_iter()
        .filter(|w| w.starts_with("DELETE"))
        .collect();
    assert_eq!(deletes.len(), 1, "only the setup's stream: {deletes:?}");
    assert!(deletes[0].contains(fixture.stream_id()));
    assert_ne!(fixed.stream_id, fixture.known.stream_id, "a new stream");
    assert_ne!(
        fixed.partner_topic, fixture.known.partner_topic,
        "a new topic"
    );
    for id in [
        CheckId::LogStream,
        CheckId::PartnerTopic,
        CheckId::EventSubscription,
    ] {
        assert_eq!(state_of(&fixed, id), CheckState::Green, "{id:?}");
    }
    // The new topic delivers with the setup's settings.
    let renewed = Fixture {
        known: KnownResources {
            stream_id: fixed.stream_id.clone(),
            partner_topic: fixed.partner_topic.clone(),
        },
        ..fixture
    };
    renewed.login().await;
    assert_all_green(&renewed.check().await);
}

#[tokio::test]
async fn a_failed_subscription_is_red_and_recreating_it_is_green() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let answer = cloud_sandbox::testing::admin_client(&fixture.world.info)
        .post(format!(
            "{}/azure/event-subscriptions/fail",
            fixture.world.info.admin_url
        ))
        .json(&json!({
            "resource_group": fixture.inputs.resource_group,
            "partner_topic": fixture.topic(),
            "name": fixture.inputs.event_subscription_name,
        }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());

    let failed = fixture.check().await;
    assert_eq!(
        state_of(&failed, CheckId::EventSubscription),
        CheckState::Red
    );
    assert!(sentence_of(&failed, CheckId::EventSubscription).contains("Failed"));
    assert_others_kept(&before, &failed, &[CheckId::EventSubscription]);

    let fixed = fixture
        .fix(
            &failed,
            CheckId::EventSubscription,
            FixId::RecreateSubscription,
        )
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_subscription_awaiting_validation_is_explained_with_what_the_webhook_answers() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    // Someone saves the subscription again while the webhook refuses the handshake.
    fixture.webhook.set(Mode::RefuseHandshake);
    let body = json!({"properties": {
        "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": fixture.webhook.url}},
        "eventDeliverySchema": "CloudEventSchemaV1_0",
        "filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.type", "values": ["s", "f"]}]},
    }});
    let answer = Arm::sign_in(&fixture.world.info)
        .await
        .send(
            Method::PUT,
            &format!(
                "{}/eventSubscriptions/{}?{EVENT_GRID_API}",
                fixture.topic_path(),
                fixture.inputs.event_subscription_name
            ),
            Some(body),
        )
        .await;
    assert!(answer.status().is_success());
    assert!(
        fixture
            .world
            .sandbox
            .handle()
            .wait_for_pipeline_idle(Duration::from_secs(30))
            .await
    );

    let waiting = fixture.check().await;
    let check = waiting.check(CheckId::EventSubscription).unwrap();
    assert_eq!(check.state, CheckState::Red);
    assert!(
        check.sentence.contains("AwaitingManualAction"),
        "{}",
        check.sentence
    );
    assert!(check.sentence.contains("HTTP 403"), "{}", check.sentence);
    let fix = check.fix.clone().unwrap();
    assert_eq!(fix.id, FixId::RecreateSubscription);
    assert!(fix.check_first.is_some());
    assert_others_kept(&before, &waiting, &[CheckId::EventSubscription]);

    // The endpoint's owner fixes it; the check says so; the fix makes Azure repeat the handshake.
    fixture.webhook.set(Mode::Accept);
    let ready = fixture.check().await;
    assert!(sentence_of(&ready, CheckId::EventSubscription).contains("accepts the handshake now"));
    assert!(
        ready
            .check(CheckId::EventSubscription)
            .unwrap()
            .fix
            .as_ref()
            .unwrap()
            .check_first
            .is_none()
    );
    let fixed = fixture
        .fix(
            &ready,
            CheckId::EventSubscription,
            FixId::RecreateSubscription,
        )
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn an_ending_or_ended_authorization_is_amber_and_renewing_it_is_green() {
    let fixture = Fixture::new().await;
    // Authorized for 7 days: six and a half days on, it ends within 24 hours.
    fixture.advance(Duration::from_secs(6 * 86_400 + 12 * 3600));
    let ending = fixture.check().await;
    assert_eq!(
        state_of(&ending, CheckId::PartnerAuthorization),
        CheckState::Amber
    );
    assert!(sentence_of(&ending, CheckId::PartnerAuthorization).contains("within 24 hours"));

    fixture.advance(Duration::from_secs(2 * 86_400));
    let ended = fixture.check().await;
    let check = ended.check(CheckId::PartnerAuthorization).unwrap();
    assert_eq!(check.state, CheckState::Amber);
    assert!(check.sentence.contains("ended"), "{}", check.sentence);
    assert!(check.sentence.contains("only blocks new partner topics"));
    assert_eq!(ended.overall, CheckState::Amber, "amber, never red");
    // The login is more than a day old and nothing else happened: nothing to deliver is green.
    assert!(sentence_of(&ended, CheckId::Delivery).contains("Nothing to deliver"));
    assert_others_kept(&ending, &ended, &[]);
    let mut all_green_but = states(&ended);
    all_green_but.remove(&CheckId::PartnerAuthorization);
    assert!(all_green_but.values().all(|s| *s == CheckState::Green));

    let fixed = fixture
        .fix(
            &ended,
            CheckId::PartnerAuthorization,
            FixId::RenewAuthorization,
        )
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_missing_scope_is_red_and_named_with_no_fix() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let token = auth0_token(&fixture.world.info, Some("read:log_streams read:logs")).await;
    let engine = fixture.world.engine_with(
        Auth0Credentials::ManagementToken(Secret::new(token)),
        &fixture.world.info.azure_client_id,
        &fixture.world.info.azure_client_secret,
    );
    let report = fixture.check_with(&engine).await;
    let check = report.check(CheckId::Auth0SignIn).unwrap();
    assert_eq!(check.state, CheckState::Red);
    assert!(
        check.sentence.contains("create:log_streams"),
        "{}",
        check.sentence
    );
    assert!(
        !check.sentence.contains("read:log_streams,"),
        "names only what is missing"
    );
    assert!(check.fix.is_none());
    assert_others_kept(&before, &report, &[CheckId::Auth0SignIn]);
}

#[tokio::test]
async fn deliveries_failing_for_an_hour_are_red_and_some_failures_amber() {
    let fixture = Fixture::new().await;
    // The first login's delivery is out of the last hour.
    fixture.advance(Duration::from_secs(2 * 3600));
    let before = fixture.check().await;
    assert_all_green(&before);
    fixture.webhook.set(Mode::RefuseDeliveries);
    fixture.login().await;

    let failing = fixture.check().await;
    let check = failing.check(CheckId::Delivery).unwrap();
    assert_eq!(check.state, CheckState::Red, "{}", check.sentence);
    assert!(check.sentence.contains("failing"), "{}", check.sentence);
    assert!(check.fix.is_none(), "the destination is the owner's to fix");
    let delivery = failing.delivery.as_ref().unwrap();
    assert!(delivery.last_hour.failed > 0);
    assert_eq!(delivery.last_hour.delivered, 0);
    assert_eq!(delivery.last_day.delivered, 1);
    assert!(delivery.chart.iter().any(|p| p.failed > 0));
    assert_others_kept(&before, &failing, &[CheckId::Delivery]);

    // The destination takes events again: delivered, with the failures still in the day, is amber.
    fixture.webhook.set(Mode::Accept);
    fixture.login().await;
    let recovering = fixture.check().await;
    assert_eq!(state_of(&recovering, CheckId::Delivery), CheckState::Amber);
    assert_others_kept(&before, &recovering, &[CheckId::Delivery]);
}

#[tokio::test]
async fn nothing_delivered_while_auth0_logs_activity_is_red_with_the_likely_cause() {
    let fixture = Fixture::new().await;
    // A day on, the first login is out of the counters; Auth0 now fails to publish to Event Grid.
    fixture.advance(Duration::from_secs(25 * 3600));
    let before = fixture.check().await;
    assert_all_green(&before);
    let handle = fixture.world.sandbox.handle();
    handle.add_fault(FaultRule::new(FaultKind::ServerError { status: 503 }).on_cloud("publish"));
    fixture.login().await;

    let silent = fixture.check().await;
    let check = silent.check(CheckId::Delivery).unwrap();
    assert_eq!(check.state, CheckState::Red, "{}", check.sentence);
    assert!(
        check.sentence.contains("Nothing delivered"),
        "{}",
        check.sentence
    );
    assert!(check.sentence.contains("Health tab"), "{}", check.sentence);
    assert_others_kept(&before, &silent, &[CheckId::Delivery]);

    handle.clear_faults();
    fixture.login().await;
    assert_all_green(&fixture.check().await);
}

/// Polls in milliseconds of the (virtual) clock: the sandbox answers at once.
fn quick_test_event() -> ArrivalWait {
    ArrivalWait {
        schedule: PollSchedule {
            first: Duration::from_millis(10),
            ceiling: Duration::from_millis(100),
            deadline: Duration::from_secs(30),
        },
        recorded: Duration::from_secs(5),
        metrics: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn the_test_event_is_a_check_only_when_asked_for() {
    let fixture = Fixture::new().await;
    let options = HealthOptions {
        test_event: Some(quick_test_event()),
    };
    let report = fixture
        .world
        .engine()
        .check_health(&fixture.inputs, &fixture.known, &options)
        .await
        .unwrap();
    let check = report.check(CheckId::TestEvent).expect("asked for");
    // The setup streams logins only, so the failed exchange is recorded by Auth0 and left out by the filters.
    assert_eq!(check.state, CheckState::Green, "{}", check.sentence);
    assert_all_green(&report);
    assert!(fixture.check().await.check(CheckId::TestEvent).is_none());

    // With the topic gone the setup is not complete: the test event could not be sent, and says why.
    fixture.world.delete_topic(fixture.topic()).await;
    let report = fixture
        .world
        .engine()
        .check_health(&fixture.inputs, &fixture.known, &options)
        .await
        .unwrap();
    let check = report.check(CheckId::TestEvent).unwrap();
    assert_eq!(check.state, CheckState::Unknown, "{}", check.sentence);
    assert!(check.sentence.contains("four steps"), "{}", check.sentence);
}

#[tokio::test]
async fn an_unregistered_provider_is_red_and_registering_it_is_green() {
    let fixture = Fixture::new().await;
    fixture
        .arm(
            Method::POST,
            &format!(
                "/subscriptions/{}/providers/Microsoft.EventGrid/unregister?api-version=2025-04-01",
                fixture.inputs.subscription_id
            ),
        )
        .await;
    let unregistered = fixture.check().await;
    assert_eq!(state_of(&unregistered, CheckId::Provider), CheckState::Red);
    // Event Grid shows nothing until it is registered: the Azure checks could not be read, and say so.
    let authorization = unregistered.check(CheckId::PartnerAuthorization).unwrap();
    assert_eq!(authorization.state, CheckState::Unknown);
    assert!(
        authorization.sentence.contains("not registered"),
        "{}",
        authorization.sentence
    );
    assert_eq!(
        state_of(&unregistered, CheckId::Auth0SignIn),
        CheckState::Green
    );
    assert_eq!(
        state_of(&unregistered, CheckId::LogStream),
        CheckState::Green
    );

    let fixed = fixture
        .fix(&unregistered, CheckId::Provider, FixId::RegisterProvider)
        .await;
    assert_all_green(&fixed);
}

#[tokio::test]
async fn a_deleted_stream_is_red_and_the_sentence_says_to_run_the_setup_again() {
    let fixture = Fixture::new().await;
    let before = fixture.check().await;
    let token = auth0_token(&fixture.world.info, None).await;
    let answer = reqwest::Client::new()
        .delete(format!(
            "{}/api/v2/log-streams/{}",
            fixture.world.info.auth0_domain,
            fixture.stream_id()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());

    let missing = fixture.check().await;
    let check = missing.check(CheckId::LogStream).unwrap();
    assert_eq!(check.state, CheckState::Red);
    assert!(
        check.sentence.contains("run the setup again"),
        "{}",
        check.sentence
    );
    assert!(check.fix.is_none());
    // Auth0 leaves the topic in Azure: it is still read by the name the setup remembers.
    assert_others_kept(&before, &missing, &[CheckId::LogStream]);
}

/// Checking every 15 minutes must not cost a machine-to-machine token each time (Auth0 counts and caps them):
/// one engine asks for one token and reuses it across its runs and checks.
#[tokio::test]
async fn repeated_checks_reuse_the_engines_auth0_token() {
    let world = start().await;
    let engine = world.engine();
    let inputs = world.inputs();
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    for _ in 0..3 {
        engine
            .check_health(
                &inputs,
                &KnownResources::default(),
                &HealthOptions::default(),
            )
            .await
            .unwrap();
    }
    let tokens = world
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/oauth/token")
        .count();
    assert_eq!(tokens, 1, "one token for the run and three checks");
}
