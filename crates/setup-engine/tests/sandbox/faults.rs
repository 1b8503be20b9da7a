//! Each fault the sandbox injects ends either done or with the documented error.

use std::time::Duration;

use cloud_sandbox::testing::{Arm, auth0_token};
use cloud_sandbox::{FaultKind, FaultRule, SandboxConfig};
use setup_engine::{Auth0Credentials, Clock, ErrorCode, Secret, StepId, Unobserved};

use crate::common::{Recorder, start, start_with};

#[tokio::test]
async fn a_429_storm_on_auth0_is_waited_out() {
    let world = start().await;
    world.sandbox.handle().add_fault(
        FaultRule::new(FaultKind::TooManyRequests {
            retry_after_secs: 2,
        })
        .on_cloud("auth0")
        .times(4),
    );
    let engine = world.engine();
    let report = engine
        .run(&world.inputs(), &Unobserved)
        .await
        .expect("done despite 429s");
    assert!(report.complete);
    assert!(engine.stats().retries >= 4, "{:?}", engine.stats());
    let asked: Vec<Duration> = world.time.requested.lock().unwrap().clone();
    assert!(
        asked
            .iter()
            .filter(|d| **d >= Duration::from_secs(2))
            .count()
            >= 4,
        "Retry-After honoured: {asked:?}"
    );
}

#[tokio::test]
async fn server_errors_on_reads_and_idempotent_writes_are_retried() {
    let world = start().await;
    let handle = world.sandbox.handle();
    handle.add_fault(
        FaultRule::new(FaultKind::ServerError { status: 503 })
            .on_cloud("management")
            .at_rate(0.5)
            .times(6),
    );
    handle.add_fault(
        FaultRule::new(FaultKind::ServerError { status: 500 })
            .on_method("PUT")
            .times(1),
    );
    let engine = world.engine();
    assert!(
        engine
            .run(&world.inputs(), &Unobserved)
            .await
            .expect("done despite 5xx")
            .complete
    );
    assert!(engine.stats().retries >= 7);
}

#[tokio::test]
async fn a_failed_create_is_not_blindly_repeated() {
    // A 5xx on the non-idempotent stream creation is reported, not retried; the next run finds the truth.
    let world = start().await;
    world.sandbox.handle().add_fault(
        FaultRule::new(FaultKind::ServerError { status: 503 })
            .on_method("POST")
            .on_path("/log-streams")
            .times(1),
    );
    let error = world
        .engine()
        .run(&world.inputs(), &Unobserved)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Auth0RequestFailed, "{error:?}");
    assert!(world.run_completes(&world.inputs()).await);
}

#[tokio::test]
async fn slow_answers_only_slow_things_down() {
    let world = start().await;
    world.sandbox.handle().add_fault(
        FaultRule::new(FaultKind::Latency { millis: 150 })
            .at_rate(0.25)
            .times(8),
    );
    assert!(world.run_completes(&world.inputs()).await);
}

#[tokio::test]
async fn a_token_that_expires_mid_run_is_renewed() {
    let world = start().await;
    let handle = world.sandbox.handle();
    let mut faults = handle.faults();
    faults.token_lifetime_secs = Some(60);
    handle.set_faults(faults);
    let engine = world.engine();
    // After the first step, move sandbox time past the tokens' real lifetime.
    let clock = handle.clone();
    let recorder = Recorder {
        hook: Some(Box::new(move |event| {
            if let setup_engine::SetupEvent::StepFinished { status } = event
                && status.step == StepId::PrepareAzure
            {
                clock.advance(Duration::from_secs(120));
            }
        })),
        ..Default::default()
    };
    let report = engine
        .run(&world.inputs(), &recorder)
        .await
        .expect("tokens renewed");
    assert!(report.complete);
    let refused = world.requests().iter().filter(|r| r.status == 401).count();
    assert!(refused >= 1, "the sandbox did refuse an expired token");
}

#[tokio::test]
async fn a_failed_long_running_operation_shows_the_correlation_id_and_the_next_run_finishes() {
    let world = start().await;
    let handle = world.sandbox.handle();
    let mut faults = handle.faults();
    faults.failing_operations = 1;
    handle.set_faults(faults);
    let error = world
        .engine()
        .run(&world.inputs(), &Unobserved)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::OperationFailed, "{error:?}");
    assert!(error.correlation_id.is_some(), "{error:?}");
    assert!(world.run_completes(&world.inputs()).await);
}

#[tokio::test]
async fn missing_azure_rights_name_the_role_and_write_nothing() {
    let world = start().await;
    let engine = world.engine_with(
        Auth0Credentials::ClientCredentials {
            client_id: world.info.auth0_client_id.clone(),
            client_secret: Secret::new(world.info.auth0_client_secret.clone()),
        },
        &world.info.azure_reader_client_id,
        &world.info.azure_reader_client_secret,
    );
    let error = engine.run(&world.inputs(), &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::AzureAuthorizationFailed, "{error:?}");
    assert!(error.remedy.contains("Contributor"));
    assert!(error.correlation_id.is_some());
    let landed: Vec<_> = world
        .requests()
        .into_iter()
        .filter(|r| r.write && r.status < 300 && !r.path.ends_with("/token"))
        .collect();
    assert!(landed.is_empty(), "{landed:?}");
}

#[tokio::test]
async fn a_missing_auth0_scope_is_named_before_any_write() {
    let world = start().await;
    let token = auth0_token(&world.info, Some("read:log_streams")).await;
    let engine = world.engine_with(
        Auth0Credentials::ManagementToken(Secret::new(token)),
        &world.info.azure_client_id,
        &world.info.azure_client_secret,
    );
    let before = world.last_seq();
    let error = engine.run(&world.inputs(), &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Auth0MissingScope);
    assert!(
        error.message.contains("create:log_streams") && error.remedy.contains("create:log_streams")
    );
    assert_eq!(world.writes_since(before), Vec::<String>::new());
}

#[tokio::test]
async fn an_expired_partner_authorization_is_renewed() {
    let world = start().await;
    let inputs = world.inputs();
    world.run_until(&inputs, StepId::PrepareAzure).await;
    world
        .sandbox
        .handle()
        .advance(Duration::from_secs(8 * 86_400));
    let plan = world.engine().plan(&inputs).await.unwrap();
    assert!(
        plan.steps[0].actions.iter().any(|a| a.contains("expired")),
        "{:?}",
        plan.steps[0]
    );
    assert!(world.run_completes(&inputs).await);
    assert!(
        world
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/authorizePartner")),
        "renewed through authorizePartner, keeping other partners"
    );
}

#[tokio::test]
async fn an_expired_topic_is_explained_with_the_way_out() {
    let world = start_with(SandboxConfig::for_tests()).await;
    let inputs = world.inputs();
    world.run_until(&inputs, StepId::CreateStream).await;
    // Auth0 reports the topic's name on a later read of the stream; from then on the expiry is shown.
    let mut status = world.engine().status(&inputs).await.unwrap();
    for _ in 0..3 {
        if status.steps[2].expires_at.is_some() {
            break;
        }
        status = world.engine().status(&inputs).await.unwrap();
    }
    assert!(
        status.steps[2].expires_at.is_some(),
        "the expiry is shown: {:?}",
        status.steps[2]
    );
    world
        .sandbox
        .handle()
        .advance(Duration::from_secs(8 * 86_400));
    let error = world.engine().run(&inputs, &Unobserved).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PartnerTopicExpired, "{error:?}");
    assert!(error.remedy.contains("Delete the log stream"), "{error:?}");
}

#[tokio::test]
async fn provider_registration_is_waited_for_with_backoff() {
    let world =
        start_with(SandboxConfig::for_tests().with_registration_delay(Duration::from_secs(30)))
            .await;
    let engine = world.engine();
    let recorder = Recorder::default();
    assert!(
        engine
            .run(&world.inputs(), &recorder)
            .await
            .unwrap()
            .complete
    );
    // The wait is announced once, naming the provider and the state Azure reported after registering.
    let registrations: Vec<_> = recorder
        .events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            setup_engine::SetupEvent::Waiting {
                step,
                registration: Some(registration),
                ..
            } => Some((*step, registration.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        registrations,
        vec![(
            StepId::PrepareAzure,
            setup_engine::ProviderRegistration {
                provider: "Microsoft.EventGrid".into(),
                state: "Registering".into(),
            }
        )]
    );
    let waits = world.time.requested.lock().unwrap().clone();
    assert_eq!(
        waits[0],
        Duration::from_millis(25),
        "polling starts fast: {waits:?}"
    );
    assert!(
        waits.windows(2).take(5).all(|w| w[1] >= w[0]),
        "then backs off: {waits:?}"
    );
    assert!(engine.stats().poll_wait >= Duration::from_secs(30));
}

#[tokio::test]
async fn provider_registration_is_not_waited_for_forever() {
    let world =
        start_with(SandboxConfig::for_tests().with_registration_delay(Duration::from_secs(3600)))
            .await;
    let error = world
        .engine()
        .run(&world.inputs(), &Unobserved)
        .await
        .unwrap_err();
    assert_eq!(
        error.code,
        ErrorCode::ProviderRegistrationTimeout,
        "{error:?}"
    );
    assert!(error.remedy.contains("again later"));
}

#[tokio::test]
async fn other_authorized_partners_are_kept() {
    let world = start().await;
    let inputs = world.inputs();
    let engine = world.engine();
    engine
        .run_until(&inputs, &Unobserved, StepId::PrepareAzure)
        .await
        .unwrap();
    // Someone authorizes another partner in the group, then Auth0's authorization runs out.
    let other = "11111111-0000-0000-0000-000000000000";
    let arm = Arm::sign_in(&world.info).await;
    let path = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerConfigurations/default/authorizePartner?api-version=2025-02-15",
        inputs.subscription_id, inputs.resource_group
    );
    // Within the configuration's maximum (the 7 days the setup asked for), as Azure requires.
    let until = (world.time.now() + Duration::from_secs(6 * 86_400))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let answer = arm
        .request(reqwest::Method::POST, &path)
        .json(
            &serde_json::json!({"partnerRegistrationImmutableId": other, "partnerName": "Other",
                                  "authorizationExpirationTimeInUtc": until}),
        )
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{:?}", answer.text().await);
    world
        .sandbox
        .handle()
        .advance(Duration::from_secs(8 * 86_400));
    assert!(engine.run(&inputs, &Unobserved).await.unwrap().complete);
    let state = world.sandbox.handle().state().to_string();
    assert!(
        state.contains(other),
        "the other partner is still authorized"
    );
}

#[tokio::test]
async fn auth0_rate_limiting_is_waited_out_by_its_headers() {
    // One Management API call per second: every second call of a run would be throttled.
    let config = SandboxConfig::for_tests().with_rate_limit(Some(cloud_sandbox::RateLimit {
        limit: 1,
        window: Duration::from_secs(1),
    }));
    let world = start_with(config).await;
    let engine = world.engine();
    assert!(
        engine
            .run(&world.inputs(), &Unobserved)
            .await
            .unwrap()
            .complete
    );
    // The tenant said after each call that nothing remained until the next second: the engine waited for it
    // (on its clock) instead of being refused.
    let throttled = world.requests().iter().filter(|r| r.status == 429).count();
    assert_eq!(
        throttled, 0,
        "the engine waited for the reset instead of being refused"
    );
    let waits = world.time.requested.lock().unwrap().clone();
    assert!(
        waits
            .iter()
            .any(|w| *w > Duration::ZERO && *w <= Duration::from_millis(1100)),
        "the engine waited for the tenant's reset: {waits:?}"
    );
}
