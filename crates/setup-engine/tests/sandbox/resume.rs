//! Runs stopped after each step (as by a kill between steps), or right after a write whose answer was lost,
//! resume and end exactly like an uninterrupted run, never duplicating anything.

use cloud_sandbox::testing::auth0_token;
use setup_engine::{STEPS, Unobserved};

use crate::common::{World, start};

async fn uninterrupted() -> serde_json::Value {
    let world = start().await;
    world
        .engine()
        .run(&world.inputs(), &Unobserved)
        .await
        .unwrap();
    world.summary()
}

fn creations(world: &World) -> usize {
    world
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/log-streams"))
        .count()
}

#[tokio::test]
async fn stopped_after_each_step_then_resumed_ends_like_an_uninterrupted_run() {
    let expected = uninterrupted().await;
    for last in STEPS {
        let world = start().await;
        let inputs = world.inputs();
        // A new engine per run: nothing survives the "kill" but the clouds and the progress file.
        let partial = world
            .engine()
            .run_until(&inputs, &Unobserved, last)
            .await
            .unwrap();
        assert_eq!(
            partial.steps.len(),
            STEPS.iter().filter(|s| **s <= last).count()
        );
        let saved = world
            .progress()
            .get(&setup_engine::setup_key(&inputs))
            .unwrap()
            .unwrap();
        assert_eq!(saved.completed.last(), Some(&last));
        let status = world.engine().status(&inputs).await.unwrap();
        assert_eq!(
            status.last_run.as_ref().map(|l| l.completed.clone()),
            Some(saved.completed.clone())
        );
        let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
        assert!(report.complete, "after {last:?}: {report:#?}");
        assert_eq!(world.summary(), expected, "resumed after {last:?}");
        assert_eq!(creations(&world), 1, "one stream created, after {last:?}");
    }
}

#[tokio::test]
async fn a_run_killed_mid_step_resumes_without_duplicates() {
    let expected = uninterrupted().await;
    for kill_at in 1..=4usize {
        let world = start().await;
        let inputs = world.inputs();
        let engine = world.engine();
        // Kill the run when the kill_at-th write begins: the future is dropped at its next await.
        let writes = std::sync::atomic::AtomicUsize::new(0);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let tx = std::sync::Mutex::new(Some(tx));
        let recorder = crate::common::Recorder {
            hook: Some(Box::new(move |event| {
                if matches!(event, setup_engine::SetupEvent::Applying { .. })
                    && writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == kill_at
                    && let Some(tx) = tx.lock().unwrap().take()
                {
                    let _ = tx.send(());
                }
            })),
            ..Default::default()
        };
        tokio::select! {
            biased;
            _ = rx => {}
            _ = engine.run(&inputs, &recorder) => {}
        }
        drop(engine);
        let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
        assert!(report.complete, "killed at write {kill_at}");
        assert_eq!(world.summary(), expected, "killed at write {kill_at}");
        assert_eq!(creations(&world), 1, "killed at write {kill_at}");
    }
}

#[tokio::test]
async fn a_stream_created_by_a_run_that_died_before_saving_is_recognised() {
    let world = start().await;
    let inputs = world.inputs();
    world
        .engine()
        .run_until(&inputs, &Unobserved, setup_engine::StepId::PrepareAzure)
        .await
        .unwrap();
    // The dead run's POST reached Auth0; its answer (and the progress update) never came back.
    let http = reqwest::Client::new();
    let token = auth0_token(&world.info, None).await;
    let created = http
        .post(format!("{}/api/v2/log-streams", world.info.auth0_domain))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "name": inputs.stream_name, "type": "eventgrid",
            "sink": {"azureSubscriptionId": inputs.subscription_id, "azureRegion": inputs.region,
                     "azureResourceGroup": inputs.resource_group}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
    assert!(report.complete);
    assert_eq!(
        creations(&world),
        1,
        "the engine did not create a second stream"
    );
}
