//! Step 3 against a sandbox that behaves as the clouds are documented to: Auth0's topic is the one the stream
//! names in `sink.azurePartnerTopic` (filled in on a later read), its `source` names the tenant in a form
//! nobody documents, and `partnerRegistrationImmutableId` is optional. Other partners' topics and Auth0-looking
//! topics the stream does not name are never activated, and only a topic Azure answers 404 for by the
//! reported name leads to the advice to delete the stream.

use cloud_sandbox::{PartnerTopicSeed, SandboxConfig};
use setup_engine::{ErrorCode, SetupError, StepId, StepState, Unobserved};

use crate::common::{World, start, start_with};

const OTHER_PARTNER: &str = "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1";
const DELETE_ADVICE: &str = "Delete the log stream";

fn tenant(world: &World) -> String {
    world.sandbox.handle().state()["auth0"]["tenant"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn seed(world: &World, name: &str, partner: Option<&str>) -> serde_json::Value {
    world
        .sandbox
        .handle()
        .seed_partner_topic(PartnerTopicSeed {
            resource_group: world.inputs().resource_group,
            name: name.into(),
            partner_registration_immutable_id: partner.map(Into::into),
            ..Default::default()
        })
        .unwrap()
}

/// Activations the engine asked for, by topic name.
fn activations(world: &World) -> Vec<String> {
    world
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.to_lowercase().ends_with("/activate"))
        .map(|r| r.path.rsplit('/').nth(1).unwrap_or_default().to_owned())
        .collect()
}

fn stream_reads(world: &World) -> usize {
    world
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/api/v2/log-streams/"))
        .count()
}

fn never_advises_deleting(error: &SetupError) {
    assert_ne!(error.code, ErrorCode::PartnerTopicExpired, "{error:?}");
    assert!(
        !error.remedy.contains(DELETE_ADVICE) && !error.message.contains(DELETE_ADVICE),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_setup_completes_with_a_source_naming_the_tenant_by_name_and_no_registration_id() {
    let world = start().await;
    let inputs = world.inputs();
    let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
    assert!(report.complete, "{report:#?}");
    let topic = report.partner_topic.clone().unwrap();
    assert_eq!(world.topics(), vec![(topic.clone(), "Activated".into())]);
    assert_eq!(activations(&world), vec![topic.clone()]);
    // The user is shown what to confirm: the topic's source and description, as Azure gives them.
    let step = &report.steps[2];
    let source = format!("source \"auth0.com/{}-", tenant(&world));
    assert!(
        step.summary.contains(&topic) && step.summary.contains(&source),
        "{step:?}"
    );
    assert!(step.summary.contains("description \""), "{step:?}");
    let status = world.engine().status(&inputs).await.unwrap();
    assert!(status.steps[2].summary.contains(&source), "{status:#?}");
    assert!(status.steps[0].summary.contains("authorized until"));
}

#[tokio::test]
async fn a_name_reported_only_on_a_later_read_is_waited_for() {
    let world =
        start_with(SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(4)).await;
    let inputs = world.inputs();
    world.run_until(&inputs, StepId::CreateStream).await;
    // Before Auth0 names it, the one topic in the group is shown, not taken.
    let status = world.engine().status(&inputs).await.unwrap();
    let step = &status.steps[2];
    assert_eq!(step.state, StepState::Waiting, "{step:?}");
    assert!(
        step.summary.contains("has not reported") && step.summary.contains("could be it"),
        "{step:?}"
    );
    assert_eq!(step.expires_at, None, "nothing is confirmed yet: {step:?}");
    let waits_before = world.time.requested.lock().unwrap().len();
    let report = world.run_until(&inputs, StepId::ActivateTopic).await;
    assert_eq!(report.steps[2].state, StepState::Done, "{report:#?}");
    assert!(stream_reads(&world) >= 3, "the stream was read again");
    let waits = world.time.requested.lock().unwrap()[waits_before..].to_vec();
    assert_eq!(
        waits.first(),
        Some(&std::time::Duration::from_millis(25)),
        "polling starts fast: {waits:?}"
    );
    assert!(
        waits.windows(2).all(|w| w[1] >= w[0]),
        "then backs off: {waits:?}"
    );
    assert_eq!(activations(&world), vec![report.partner_topic.unwrap()]);
    assert!(world.run_completes(&inputs).await);
}

#[tokio::test]
async fn another_partners_topic_that_looks_like_auth0s_is_never_activated() {
    let world = start().await;
    let inputs = world.inputs();
    world.run_until(&inputs, StepId::PrepareAzure).await;
    let foreign = seed(&world, "auth0-logs-lookalike", Some(OTHER_PARTNER));
    assert!(
        foreign["properties"]["source"]
            .as_str()
            .unwrap()
            .starts_with(&format!("auth0.com/{}-", tenant(&world))),
        "same-looking source: {foreign}"
    );
    world.run_until(&inputs, StepId::CreateStream).await;
    // While Auth0 has not named its topic, the vetoed one is not even a candidate.
    let status = world.engine().status(&inputs).await.unwrap();
    assert!(
        !status.steps[2].summary.contains("auth0-logs-lookalike"),
        "{:?}",
        status.steps[2]
    );
    let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
    assert!(report.complete, "{report:#?}");
    let ours = report.partner_topic.unwrap();
    assert_ne!(ours, "auth0-logs-lookalike");
    assert_eq!(activations(&world), vec![ours.clone()]);
    assert_eq!(
        world.topics(),
        vec![
            ("auth0-logs-lookalike".into(), "NeverActivated".into()),
            (ours, "Activated".into()),
        ]
    );
}

#[tokio::test]
async fn a_reported_name_that_azure_lists_as_another_partners_topic_is_refused() {
    let world =
        start_with(SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(0)).await;
    let inputs = world.inputs();
    let report = world.run_until(&inputs, StepId::CreateStream).await;
    let stream = report.stream_id.unwrap();
    let name = format!("auth0-logs-{}", stream.replace('_', "-"));
    // Someone replaced the topic with another partner's under the same name.
    world.delete_topic(&name).await;
    seed(&world, &name, Some(OTHER_PARTNER));
    let before = world.last_seq();
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicNotFound, "{error:?}");
    assert!(
        error.message.contains(&name) && error.message.contains(OTHER_PARTNER),
        "{error:?}"
    );
    never_advises_deleting(&error);
    assert_eq!(world.writes_since(before), Vec::<String>::new());
    let status = world.engine().status(&inputs).await.unwrap();
    assert_eq!(status.steps[2].state, StepState::Attention);
    assert_eq!(status.partner_topic, None, "not taken as ours");
}

#[tokio::test]
async fn several_candidates_without_a_name_are_reported_not_guessed() {
    let world =
        start_with(SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(1_000)).await;
    let inputs = world.inputs();
    world.run_until(&inputs, StepId::PrepareAzure).await;
    seed(&world, "auth0-logs-other", None);
    let before = world.last_seq();
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicNotFound, "{error:?}");
    let topics = world.topics();
    assert_eq!(topics.len(), 2, "{topics:?}");
    for (name, state) in &topics {
        assert!(error.message.contains(name.as_str()), "{error:?}");
        assert_eq!(state, "NeverActivated");
    }
    assert!(
        error.message.contains("2 partner topics") && error.message.contains("does not guess"),
        "{error:?}"
    );
    assert_eq!(
        error
            .message
            .matches(&format!("source \"auth0.com/{}-", tenant(&world)))
            .count(),
        2,
        "each with its source: {error:?}"
    );
    assert!(error.remedy.contains("Which of these"), "{error:?}");
    never_advises_deleting(&error);
    assert!(activations(&world).is_empty());
    assert_eq!(
        world
            .writes_since(before)
            .into_iter()
            .filter(|w| !w.contains("/log-streams"))
            .collect::<Vec<_>>(),
        Vec::<String>::new(),
        "nothing written in Azure after step 1"
    );
    let status = world.engine().status(&inputs).await.unwrap();
    let step = &status.steps[2];
    assert_eq!(step.state, StepState::Waiting, "{step:?}");
    assert!(
        step.summary.contains("auth0-logs-other") && step.summary.contains("does not guess"),
        "{step:?}"
    );
    assert_eq!(status.steps[3].state, StepState::Blocked);
}

#[tokio::test]
async fn a_single_candidate_is_found_but_not_confirmed_without_its_name() {
    let world =
        start_with(SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(1_000)).await;
    let inputs = world.inputs();
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicNotFound, "{error:?}");
    let (name, state) = world.topics().remove(0);
    assert_eq!(state, "NeverActivated");
    assert!(
        error.message.starts_with("Found, not confirmed") && error.message.contains(&name),
        "{error:?}"
    );
    assert!(
        error
            .message
            .contains(&format!("source \"auth0.com/{}-", tenant(&world))),
        "{error:?}"
    );
    assert!(
        error.remedy.contains("must be activated before"),
        "{error:?}"
    );
    never_advises_deleting(&error);
    assert!(activations(&world).is_empty());
}

#[tokio::test]
async fn nothing_found_is_said_as_such() {
    let world =
        start_with(SandboxConfig::for_tests().with_partner_topic_name_hidden_reads(1_000)).await;
    let inputs = world.inputs();
    let report = world.run_until(&inputs, StepId::CreateStream).await;
    let name = format!("auth0-logs-{}", report.stream_id.unwrap().replace('_', "-"));
    world.delete_topic(&name).await;
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicNotFound, "{error:?}");
    assert!(
        error.message.contains("did not report") && error.message.contains("no partner topic"),
        "{error:?}"
    );
    never_advises_deleting(&error);
}

#[tokio::test]
async fn a_topic_gone_by_its_reported_name_gets_the_delete_and_recreate_advice() {
    let world = start().await;
    let inputs = world.inputs();
    let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
    let topic = report.partner_topic.unwrap();
    world.delete_topic(&topic).await;
    // Another Auth0-looking topic in the group changes nothing: the stream names the one that is gone.
    seed(&world, "auth0-logs-other", None);
    let status = world.engine().status(&inputs).await.unwrap();
    assert_eq!(status.steps[2].state, StepState::Attention);
    assert!(
        status.steps[2].summary.contains(DELETE_ADVICE),
        "{:?}",
        status.steps[2]
    );
    let before = world.last_seq();
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicExpired, "{error:?}");
    assert!(
        error.message.contains(&topic) && error.message.contains("404"),
        "{error:?}"
    );
    assert!(error.remedy.contains(DELETE_ADVICE), "{error:?}");
    assert_eq!(world.writes_since(before), Vec::<String>::new());
}

#[tokio::test]
async fn step_one_knows_auth0s_topic_by_the_name_the_stream_reports() {
    let world = start().await;
    let inputs = world.inputs();
    assert!(world.run_completes(&inputs).await);
    // The authorization runs out; the activated topic stays, so no new authorization is needed.
    world
        .sandbox
        .handle()
        .advance(std::time::Duration::from_secs(8 * 86_400));
    let plan = world.engine().plan(&inputs).await.unwrap();
    assert_eq!(plan.steps[0].state, StepState::Done, "{:?}", plan.steps[0]);
    assert!(
        plan.steps[0]
            .summary
            .contains("partner topic already exists"),
        "{:?}",
        plan.steps[0]
    );
    let before = world.last_seq();
    assert!(world.run_completes(&inputs).await);
    assert_eq!(world.writes_since(before), Vec::<String>::new());
}

#[tokio::test]
async fn a_stream_sending_to_another_group_blocks_step_three_without_advice_of_its_own() {
    let world = start().await;
    let mut inputs = world.inputs();
    assert!(world.run_completes(&inputs).await);
    inputs.resource_group = "elsewhere".into();
    let status = world.engine().status(&inputs).await.unwrap();
    assert_eq!(status.steps[1].state, StepState::Attention, "{status:#?}");
    let step = &status.steps[2];
    assert_eq!(step.state, StepState::Blocked, "{step:?}");
    assert!(!step.summary.contains(DELETE_ADVICE), "{step:?}");
    assert_eq!(status.partner_topic, None);
}

#[tokio::test]
async fn a_topic_still_listed_past_its_activation_deadline_is_tried_and_explained_not_condemned() {
    let day = std::time::Duration::from_secs(86_400);
    let world = start_with(
        SandboxConfig::for_tests()
            .with_partner_topic_deletion_delay(2 * day)
            .with_partner_topic_name_hidden_reads(0),
    )
    .await;
    let inputs = world.inputs();
    let report = world.run_until(&inputs, StepId::CreateStream).await;
    let name = format!("auth0-logs-{}", report.stream_id.unwrap().replace('_', "-"));
    world.sandbox.handle().advance(8 * day);
    // Past its deadline, still listed: said so, and activation is still tried (Azure decides).
    let plan = world.engine().plan(&inputs).await.unwrap();
    let step = &plan.steps[2];
    assert_eq!(step.state, StepState::ToDo, "{step:?}");
    assert!(
        step.summary.contains(&name) && step.summary.contains("has passed"),
        "{step:?}"
    );
    assert!(!step.summary.contains(DELETE_ADVICE), "{step:?}");
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert!(
        error.message.contains("Azure refused to activate") && error.message.contains(&name),
        "{error:?}"
    );
    never_advises_deleting(&error);
    assert_eq!(activations(&world), vec![name.clone()]);
    // Once Azure has deleted it (404 by the reported name), the way out is given.
    world.sandbox.handle().advance(2 * day);
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicExpired, "{error:?}");
    assert!(error.remedy.contains(DELETE_ADVICE), "{error:?}");
}

#[tokio::test]
async fn step_3_shows_the_topic_as_azure_reports_it_and_the_stream_it_is_for() {
    let world = start().await;
    let inputs = world.inputs();
    let created = world.run_until(&inputs, StepId::CreateStream).await;
    // Auth0 names its topic on a later read of the stream (as the sandbox plays it): read until it does.
    let mut status = world.engine().status(&inputs).await.unwrap();
    for _ in 0..10 {
        if status.steps[2].state != StepState::Waiting {
            break;
        }
        status = world.engine().status(&inputs).await.unwrap();
    }
    let step = &status.steps[2];
    assert_eq!(step.state, StepState::ToDo, "{step:?}");
    let facts = step.topic.as_ref().expect("the topic to confirm");
    let state = world.sandbox.handle().state();
    let topic = state["azure"]["partner_topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == facts.name.as_str())
        .expect("the topic the facts name")
        .clone();
    // Whatever Azure (here the sandbox) reports, shown as it is: no format is assumed.
    assert_eq!(facts.source.as_deref(), topic["source"].as_str(), "{topic}");
    assert_eq!(
        facts.friendly_description.as_deref(),
        topic["description"].as_str(),
        "{topic}"
    );
    assert_eq!(facts.activation_state.as_deref(), Some("NeverActivated"));
    assert!(facts.message_for_activation.is_some());
    assert_eq!(facts.stream_name, inputs.stream_name);
    assert_eq!(Some(facts.stream_id.clone()), created.stream_id);
    assert!(step.expires_at.is_some(), "one date: when to activate by");
}

#[tokio::test]
async fn the_default_masks_personal_data_in_the_stream_auth0_creates() {
    let world = start().await;
    let mut inputs = world.inputs();
    inputs.pii = setup_engine::default_inputs().pii;
    world.run_until(&inputs, StepId::CreateStream).await;
    let state = world.sandbox.handle().state();
    let stream = state["auth0"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == inputs.stream_name.as_str())
        .expect("the stream")
        .clone();
    assert_eq!(
        stream["pii_config"],
        serde_json::json!({
            "log_fields": ["first_name", "last_name", "username", "email", "phone", "address"],
            "method": "mask"
        }),
        "{stream}"
    );
}
