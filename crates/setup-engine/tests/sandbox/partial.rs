//! A wizard filled in one step at a time: detecting and running step 1 needs only step 1's fields, and a
//! full run still refuses a bad later field before any request.

use setup_engine::{ErrorCode, SetupInputs, StepId, StepState, Unobserved};

use crate::common::{Request, World, start};

/// What the wizard holds after its first screen: later steps' fields empty or missing.
fn step_one_only(world: &World) -> SetupInputs {
    let mut inputs = world.inputs();
    inputs.stream_name = String::new();
    inputs.event_subscription_name = String::new();
    inputs.destination.webhook_url = None;
    inputs
}

/// Requests that belong to steps 2 to 4: Auth0 log streams, topic activation, event subscriptions.
fn later_step_requests(world: &World, after: u64) -> Vec<Request> {
    world
        .requests()
        .into_iter()
        .filter(|r| r.seq > after)
        .filter(|r| {
            let path = r.path.to_lowercase();
            path.contains("log-streams")
                || path.contains("/activate")
                || path.contains("eventsubscriptions")
        })
        .collect()
}

#[tokio::test]
async fn step_one_runs_with_only_its_own_inputs_and_sends_nothing_for_later_steps() {
    let world = start().await;
    let engine = world.engine();
    let inputs = step_one_only(&world);
    let before = world.last_seq();

    let report = engine
        .run_until(&inputs, &Unobserved, StepId::PrepareAzure)
        .await
        .expect("step 1 runs without the later steps' inputs");
    assert_eq!(report.steps.len(), 1);
    assert_eq!(report.steps[0].step, StepId::PrepareAzure);
    assert_eq!(report.steps[0].state, StepState::Done, "{report:#?}");
    assert!(
        !world.writes_since(before).is_empty(),
        "step 1 wrote its resources"
    );
    assert_eq!(
        later_step_requests(&world, before)
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
    assert_eq!(world.summary()["streams"], serde_json::json!([]));
    assert_eq!(world.summary()["subscriptions"], serde_json::json!([]));

    // Going further needs step 2's fields, and says so before sending anything.
    let before = world.last_seq();
    let error = engine
        .run_until(&inputs, &Unobserved, StepId::CreateStream)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field.as_deref(), Some("stream_name"));
    assert_eq!(world.last_seq(), before, "no request at all");
}

#[tokio::test]
async fn status_with_partial_inputs_reports_step_one_and_names_what_later_steps_wait_for() {
    let world = start().await;
    let engine = world.engine();
    let mut inputs = step_one_only(&world);

    // The full status still wants every field, naming the first one missing.
    let before = world.last_seq();
    let error = engine.status(&inputs).await.unwrap_err();
    assert_eq!(error.field.as_deref(), Some("stream_name"));
    assert_eq!(world.last_seq(), before, "no request at all");

    let report = engine
        .status_through(&inputs, StepId::PrepareAzure)
        .await
        .unwrap();
    let states: Vec<StepState> = report.steps.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            StepState::ToDo,
            StepState::Blocked,
            StepState::Blocked,
            StepState::Blocked
        ],
        "{report:#?}"
    );
    assert!(!report.steps[0].actions.is_empty(), "{report:#?}");
    assert!(
        report.steps[1].summary.contains("stream_name"),
        "{:?}",
        report.steps[1].summary
    );
    assert!(
        report.steps[3]
            .summary
            .contains("Create the Auth0 log stream")
            && report.steps[3].summary.contains("stream_name"),
        "{:?}",
        report.steps[3].summary
    );
    assert!(!report.complete);
    assert_eq!(
        world.writes_since(before),
        Vec::<String>::new(),
        "read only"
    );
    assert!(later_step_requests(&world, before).is_empty());

    engine
        .run_until(&inputs, &Unobserved, StepId::PrepareAzure)
        .await
        .unwrap();
    let report = engine
        .status_through(&inputs, StepId::PrepareAzure)
        .await
        .unwrap();
    assert_eq!(report.steps[0].state, StepState::Done, "{report:#?}");
    assert_eq!(
        report.last_run.map(|l| l.completed),
        Some(vec![StepId::PrepareAzure])
    );

    // Step 2 filled in: it is detected; step 4 names the field it waits for.
    inputs.stream_name = world.inputs().stream_name;
    let before = world.last_seq();
    let report = engine
        .status_through(&inputs, StepId::CreateStream)
        .await
        .unwrap();
    assert_eq!(report.steps[0].state, StepState::Done, "{report:#?}");
    assert_eq!(report.steps[1].state, StepState::ToDo, "{report:#?}");
    assert_eq!(report.steps[3].state, StepState::Blocked, "{report:#?}");
    assert!(
        report.steps[3]
            .summary
            .contains("event_subscription_name: must be 3 to 64 characters"),
        "{:?}",
        report.steps[3].summary
    );
    assert!(
        !later_step_requests(&world, before)
            .iter()
            .any(|r| r.path.to_lowercase().contains("eventsubscriptions")),
        "nothing asked about step 4"
    );

    // A bad field of step 1 itself is refused before any request.
    let mut bad = inputs.clone();
    bad.subscription_id = "not-a-guid".into();
    let before = world.last_seq();
    let error = engine
        .status_through(&bad, StepId::PrepareAzure)
        .await
        .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("subscription_id"));
    assert_eq!(world.last_seq(), before);
}

#[tokio::test]
async fn a_bad_step_four_input_is_refused_by_a_full_run_before_any_request() {
    let world = start().await;
    let engine = world.engine();
    let mut inputs = world.inputs();
    inputs.destination.webhook_url = Some("http://hooks.example.com/x".into());
    let before = world.last_seq();

    for error in [
        engine.run(&inputs, &Unobserved).await.unwrap_err(),
        engine
            .run_until(&inputs, &Unobserved, StepId::Subscribe)
            .await
            .unwrap_err(),
        engine.plan(&inputs).await.unwrap_err(),
    ] {
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert_eq!(error.field.as_deref(), Some("destination.webhook_url"));
        assert!(error.message.contains("must use https"), "{error:?}");
    }
    assert_eq!(world.last_seq(), before, "no request at all");

    // The same inputs are good enough for the steps that do not use the destination.
    let report = engine
        .run_until(&inputs, &Unobserved, StepId::ActivateTopic)
        .await
        .unwrap();
    assert_eq!(report.steps.len(), 3);
    assert!(
        later_step_requests(&world, before)
            .iter()
            .all(|r| !r.path.to_lowercase().contains("eventsubscriptions"))
    );
}

#[tokio::test]
async fn status_so_far_reports_an_empty_form_as_blocked_without_asking_azure() {
    let world = start().await;
    let engine = world.engine();
    let mut inputs = step_one_only(&world);
    inputs.subscription_id.clear();
    inputs.resource_group.clear();

    let before = world.last_seq();
    let report = engine.status_so_far(&inputs).await.unwrap();
    assert!(
        report.steps.iter().all(|s| s.state == StepState::Blocked),
        "{report:#?}"
    );
    assert!(
        report.steps[0].summary.contains("subscription_id"),
        "{:?}",
        report.steps[0].summary
    );
    assert!(!report.complete);
    assert_eq!(
        world.last_seq(),
        before,
        "nothing asked while step 1 waits for input"
    );

    // Once step 1's fields are there, step 1 is detected and the rest still waits.
    let inputs = step_one_only(&world);
    let report = engine.status_so_far(&inputs).await.unwrap();
    assert_eq!(report.steps[0].state, StepState::ToDo, "{report:#?}");
    assert_eq!(report.steps[1].state, StepState::Blocked, "{report:#?}");
}
