//! Runs stopped after each step (as by a kill between steps), or killed at each write (before the write
//! reached the clouds, or after it did but before its answer came back), resume and end exactly like an
//! uninterrupted run, never duplicating anything.

use cloud_sandbox::testing::auth0_token;
use cloud_sandbox::{FaultKind, FaultRule};
use setup_engine::{STEPS, Unobserved};

use crate::common::{World, find, start};

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

/// The writes a run made, as the sandbox logged them (method and path of every request but GET, HEAD and
/// OPTIONS, token exchanges included), with the ids a sandbox makes up (subscription, directory, stream,
/// partner topic) named instead, so that two sandboxes' runs compare.
fn writes(world: &World) -> Vec<String> {
    let state = world.sandbox.handle().state();
    let mut ids = vec![
        (world.info.subscription_id.clone(), "{subscription}"),
        (world.info.azure_tenant_id.clone(), "{directory}"),
    ];
    ids.extend(
        world
            .topics()
            .into_iter()
            .map(|(name, _)| (name, "{topic}")),
    );
    ids.extend(
        find(&state, "streams")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str())
            .map(|id| (id.to_owned(), "{stream}")),
    );
    world
        .requests()
        .into_iter()
        .filter(|r| r.write)
        .map(|r| {
            let path = ids
                .iter()
                .fold(r.path, |path, (id, name)| path.replace(id.as_str(), name));
            format!("{} {path}", r.method)
        })
        .collect()
}

/// Waits (a hang guard, not a timing assertion) until `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// For every write an uninterrupted run makes, a fresh run is killed at exactly that write: once before the
/// sandbox applies it, once after it applied it but before the answer reached the engine. The sandbox holds
/// that one request unanswered (a dropped connection a minute later), and the run's future is dropped while
/// it waits, as a kill would end the process. A new engine then resumes from the clouds and the progress file,
/// and must end exactly where the uninterrupted run did.
#[tokio::test]
async fn a_run_killed_at_each_write_resumes_like_an_uninterrupted_run() {
    let reference = start().await;
    let inputs = reference.inputs();
    assert!(reference.run_completes(&inputs).await);
    let expected = reference.summary();
    let all_writes = writes(&reference);
    assert!(
        all_writes.len() >= 6,
        "a full run writes at least six times: {all_writes:#?}"
    );
    for (index, write) in all_writes.iter().enumerate() {
        for applied in [false, true] {
            let at = format!(
                "killed at write {} ({write}), applied: {applied}",
                index + 1
            );
            let world = start().await;
            let inputs = world.inputs();
            let handle = world.sandbox.handle();
            handle.add_fault(
                FaultRule::new(FaultKind::DropConnection {
                    handled: applied,
                    delay_millis: 60_000,
                })
                .on_writes()
                .after(index as u32)
                .times(1),
            );
            let engine = world.engine();
            let held = until(&at, || {
                handle.faults().rules[0].fired == 1
                    && (!applied || writes(&world).len() == index + 1)
            });
            tokio::select! {
                biased;
                () = held => {}
                outcome = engine.run(&inputs, &Unobserved) => {
                    panic!("{at}: the run ended before the write was held: {outcome:?}")
                }
            }
            // The kill: the run's future is gone, and with it its engine and connections.
            drop(engine);
            let reached = if applied { index + 1 } else { index };
            assert_eq!(
                writes(&world),
                all_writes[..reached],
                "{at}: the writes that reached the sandbox"
            );
            let report = world.engine().run(&inputs, &Unobserved).await.unwrap();
            assert!(report.complete, "{at}: {report:#?}");
            assert_eq!(world.summary(), expected, "{at}");
            assert_eq!(creations(&world), 1, "{at}: one stream created");
            let saved = world
                .progress()
                .get(&setup_engine::setup_key(&inputs))
                .unwrap()
                .unwrap();
            assert_eq!(saved.completed, STEPS.to_vec(), "{at}: progress complete");
            assert!(
                saved.stream_id.is_some() && saved.partner_topic.is_some(),
                "{at}: {saved:?}"
            );
        }
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
