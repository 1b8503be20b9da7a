//! A full setup, the second run, status and dry run, and input validation before any request.

use cloud_sandbox::testing::auth0_token;
use setup_engine::{DestinationKind, ErrorCode, StepId, StepState, Unobserved};

use crate::common::{Recorder, start};

#[tokio::test]
async fn full_setup_completes_and_a_second_run_writes_nothing() {
    let world = start().await;
    let engine = world.engine();
    let inputs = world.inputs();

    let recorder = Recorder::default();
    let report = engine
        .run(&inputs, &recorder)
        .await
        .expect("setup completes");
    assert!(report.complete, "{report:#?}");
    assert!(report.steps.iter().all(|s| s.state == StepState::Done));
    let summary = world.summary();
    assert_eq!(summary["streams"].as_array().unwrap().len(), 1, "{summary}");
    assert_eq!(
        summary["topics"][0]["activation_state"], "Activated",
        "{summary}"
    );
    assert_eq!(
        summary["subscriptions"][0]["provisioning_state"], "Succeeded",
        "{summary}"
    );
    let events = recorder.events.lock().unwrap().clone();
    assert!(events.iter().any(|e| matches!(
        e,
        setup_engine::SetupEvent::Applying {
            step: StepId::ActivateTopic,
            ..
        }
    )));

    let progress = engine
        .progress_store()
        .get(&setup_engine::setup_key(&inputs))
        .unwrap()
        .unwrap();
    assert_eq!(progress.completed.len(), 4);
    assert_eq!(progress.stream_id, report.stream_id);
    let raw = std::fs::read_to_string(engine.progress_store().path()).unwrap();
    assert!(
        !raw.contains(&world.info.auth0_client_secret) && !raw.contains("inbox"),
        "no secret, no webhook URL"
    );

    let before = world.last_seq();
    let again = engine
        .run(&inputs, &Unobserved)
        .await
        .expect("second run completes");
    assert!(again.complete);
    assert_eq!(
        world.writes_since(before),
        Vec::<String>::new(),
        "the second run must not write"
    );
    assert_eq!(world.summary(), summary);
}

#[tokio::test]
async fn status_and_dry_run_are_read_only_and_say_what_would_happen() {
    let world = start().await;
    let engine = world.engine();
    let inputs = world.inputs();
    let before = world.last_seq();
    let plan = engine.plan(&inputs).await.expect("plan");
    assert_eq!(world.writes_since(before), Vec::<String>::new());
    assert!(!plan.complete);
    assert_eq!(plan.steps[0].state, StepState::ToDo);
    assert!(
        plan.steps[0]
            .actions
            .iter()
            .any(|a| a.contains("Create resource group auth0-events")),
        "{plan:#?}"
    );
    assert!(
        plan.steps[0]
            .actions
            .iter()
            .any(|a| a.contains("Authorize Auth0"))
    );
    assert_eq!(plan.steps[1].state, StepState::ToDo);
    assert_eq!(plan.steps[2].state, StepState::Blocked);
    assert_eq!(plan.steps[3].state, StepState::Blocked);

    engine.run(&inputs, &Unobserved).await.unwrap();
    let status = engine.status(&inputs).await.unwrap();
    assert!(status.complete, "{status:#?}");
    assert!(
        status.steps[0].summary.contains("authorized until"),
        "{:?}",
        status.steps[0]
    );
}

#[tokio::test]
async fn every_destination_kind_is_subscribed() {
    let world = start().await;
    let engine = world.engine();
    let sub = &world.info.subscription_id;
    let rid = |tail: &str| format!("/subscriptions/{sub}/resourceGroups/targets/providers/{tail}");
    let kinds = [
        (
            DestinationKind::Eventhub,
            rid("Microsoft.EventHub/namespaces/ns/eventhubs/hub"),
            None,
        ),
        (
            DestinationKind::Storagequeue,
            rid("Microsoft.Storage/storageAccounts/acct"),
            Some("auth0-logs"),
        ),
        (
            DestinationKind::Servicebusqueue,
            rid("Microsoft.ServiceBus/namespaces/ns/queues/q"),
            None,
        ),
        (
            DestinationKind::Servicebustopic,
            rid("Microsoft.ServiceBus/namespaces/ns/topics/t"),
            None,
        ),
        (
            DestinationKind::Azurefunction,
            rid("Microsoft.Web/sites/app/functions/fn"),
            None,
        ),
    ];
    for (i, (kind, id, queue)) in kinds.into_iter().enumerate() {
        let mut inputs = world.inputs();
        inputs.event_subscription_name = format!("dest-{i}");
        inputs.destination.kind = kind;
        inputs.destination.webhook_url = None;
        inputs.destination.resource_id = Some(id);
        inputs.destination.queue_name = queue.map(Into::into);
        inputs.dead_letter = Some(setup_engine::DeadLetterInput {
            storage_account_id: rid("Microsoft.Storage/storageAccounts/dl"),
            container_name: "dead-letters".into(),
        });
        let report = engine
            .run(&inputs, &Unobserved)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        assert!(report.complete, "{kind:?}");
        let before = world.last_seq();
        engine.run(&inputs, &Unobserved).await.unwrap();
        assert_eq!(
            world.writes_since(before),
            Vec::<String>::new(),
            "{kind:?} second run"
        );
    }
    assert_eq!(
        world.summary()["subscriptions"].as_array().unwrap().len(),
        5
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let world = start().await;
    let engine = world.engine();
    let before = world.last_seq();
    let mut inputs = world.inputs();
    inputs.region = "westus3".into();
    let error = engine.run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.field.as_deref(), Some("region"));
    let mut inputs = world.inputs();
    inputs.destination.webhook_url = Some("http://hooks.example.com/x".into());
    let error = engine.status(&inputs).await.unwrap_err();
    assert_eq!(error.field.as_deref(), Some("destination.webhook_url"));
    assert_eq!(world.last_seq(), before, "no request at all");
}

#[tokio::test]
async fn a_stream_with_the_same_name_and_another_sink_is_explained() {
    let world = start().await;
    let engine = world.engine();
    let mut inputs = world.inputs();
    engine.run(&inputs, &Unobserved).await.unwrap();
    inputs.region = "northeurope".into();
    let before = world.last_seq();
    let error = engine.run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::StreamSinkMismatch);
    assert!(error.message.contains("westeurope"), "{error:?}");
    assert!(error.remedy.contains("delete"), "{error:?}");
    assert_eq!(world.writes_since(before), Vec::<String>::new());
    let status = engine.status(&inputs).await.unwrap();
    assert_eq!(status.steps[1].state, StepState::Attention);
}

#[tokio::test]
async fn after_setup_logins_arrive_as_cloud_events_and_the_clients_read_url_and_metrics() {
    use std::sync::Arc;
    let world = start().await;
    let inputs = world.inputs();
    let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
    let topic = report.partner_topic.clone().unwrap();
    let endpoints = azure_client::AzureEndpoints::for_cloud(&azure_client::AzureCloud::Custom {
        authority: world.info.azure_authority.clone(),
        management: world.info.azure_management.clone(),
    })
    .unwrap();
    let credential = azure_client::service_principal_credential(
        &endpoints,
        &world.info.azure_tenant_id,
        &world.info.azure_client_id,
        &setup_engine::Secret::new(world.info.azure_client_secret.clone()),
    )
    .unwrap();
    let transport = cloud_http::Transport::new(
        Default::default(),
        Arc::new(setup_engine::SystemClock),
        Arc::new(|| 0.5),
    )
    .unwrap();
    let azure = azure_client::AzureClient::new(endpoints, credential, transport);
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let full = azure
        .get_event_subscription_full_url(sub, rg, &topic, &inputs.event_subscription_name)
        .await
        .unwrap();
    assert_eq!(
        full.expose(),
        inputs.destination.webhook_url.as_deref().unwrap()
    );
    assert_eq!(format!("{full}"), "***");
    let found = azure
        .get_partner_topic(sub, rg, &topic)
        .await
        .unwrap()
        .unwrap();
    assert!(found.is_activated());
    let metrics = azure
        .get_metrics(&found.id, &["PublishSuccessCount", "DeliverySuccessCount"])
        .await
        .unwrap();
    let names: Vec<&str> = metrics
        .value
        .iter()
        .map(|m| m.name.value.as_str())
        .collect();
    assert_eq!(names, vec!["PublishSuccessCount", "DeliverySuccessCount"]);
    world
        .sandbox
        .handle()
        .simulate(cloud_sandbox::SimulationKind::Login, 3);
    assert!(
        world
            .sandbox
            .handle()
            .wait_for_pipeline_idle(std::time::Duration::from_secs(30))
            .await
    );
    let split = azure
        .get_metrics_by_subscription(&found.id, &["DeliverySuccessCount"])
        .await
        .unwrap();
    let series = &split.value[0].timeseries;
    assert!(
        series.iter().any(|t| t
            .metadatavalues
            .iter()
            .any(|m| m.value == inputs.event_subscription_name)),
        "{split:?}"
    );
    assert_eq!(
        split.value[0].total(),
        3.0,
        "three logins delivered: {split:?}"
    );
    let inbox: Vec<serde_json::Value> = reqwest::get(format!(
        "{}/_sandbox/inbox/engine-test",
        world.info.azure_management
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(inbox.len(), 3, "{inbox:?}");
    assert!(
        inbox
            .iter()
            .all(|e| e["specversion"] == "1.0" && e["data"]["type"] == "s"),
        "{inbox:?}"
    );
    azure
        .delete_event_subscription(sub, rg, &topic, &inputs.event_subscription_name)
        .await
        .unwrap();
    assert!(
        azure
            .get_event_subscription(sub, rg, &topic, &inputs.event_subscription_name)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn changed_event_categories_update_the_stream_in_place() {
    let world = start().await;
    let engine = world.engine();
    let mut inputs = world.inputs();
    engine.run(&inputs, &Unobserved).await.unwrap();
    inputs.event_categories = vec!["auth.signup.success".into()];
    let plan = engine.plan(&inputs).await.unwrap();
    assert_eq!(plan.steps[1].state, StepState::ToDo);
    assert!(
        plan.steps[1].actions[0].contains("event categories"),
        "{:?}",
        plan.steps[1]
    );
    let before = world.last_seq();
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    let writes = world.writes_since(before);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(
        writes[0].starts_with("PATCH") && writes[0].contains("/log-streams/"),
        "{writes:?}"
    );
    let state = world.sandbox.handle().state().to_string();
    assert!(state.contains("auth.signup.success"));
    let before = world.last_seq();
    engine.run(&inputs, &Unobserved).await.unwrap();
    assert_eq!(world.writes_since(before), Vec::<String>::new());
}

#[tokio::test]
async fn a_paused_stream_is_resumed() {
    let world = start().await;
    let engine = world.engine();
    let inputs = world.inputs();
    let report = engine.run(&inputs, &Unobserved).await.unwrap();
    let http = reqwest::Client::new();
    let token = auth0_token(&world.info, None).await;
    let paused = http
        .patch(format!(
            "{}/api/v2/log-streams/{}",
            world.info.auth0_domain,
            report.stream_id.unwrap()
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({"status": "paused"}))
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    let status = engine.status(&inputs).await.unwrap();
    assert!(
        status.steps[1].summary.contains("paused"),
        "{:?}",
        status.steps[1]
    );
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    assert_eq!(world.summary()["streams"][0]["status"], "active");
}
