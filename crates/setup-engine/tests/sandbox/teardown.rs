//! Teardown against the sandbox over real HTTP: a plan that writes nothing; a full removal (the group only
//! when the setup created it and it is empty); another partner and another event subscription kept and
//! named with what depends on them; a teardown interrupted by failing deletes and resumed; something changed
//! between the plan and the teardown; and a second teardown with zero writes.

use cloud_sandbox::testing::Arm;
use cloud_sandbox::{FaultKind, FaultRule};
use setup_engine::{
    Engine, KnownResources, SetupInputs, TeardownKind, TeardownPlan, TeardownScope, Unobserved,
    setup_key,
};

use crate::common::{World, start};

const EVERY_KIND: [TeardownKind; 5] = [
    TeardownKind::EventSubscription,
    TeardownKind::LogStream,
    TeardownKind::PartnerTopic,
    TeardownKind::PartnerAuthorization,
    TeardownKind::ResourceGroup,
];

/// A finished setup (its group created by the run), and what a saved setup would know of it.
async fn set_up(world: &World) -> (Engine, SetupInputs, TeardownScope) {
    let inputs = world.inputs();
    let engine = world.engine();
    let report = engine.run(&inputs, &Unobserved).await.unwrap();
    assert!(report.complete);
    let last_run = report.last_run.clone().unwrap();
    assert!(
        last_run.resource_group_created,
        "the run created the group and says so"
    );
    let scope = TeardownScope {
        known: KnownResources {
            stream_id: report.stream_id.clone(),
            partner_topic: report.partner_topic.clone(),
        },
        resource_group_created: last_run.resource_group_created,
    };
    (engine, inputs, scope)
}

fn kinds(plan: &TeardownPlan) -> Vec<TeardownKind> {
    plan.remove.iter().map(|i| i.kind).collect()
}

fn kept_names(kept: &[setup_engine::KeptResource], kind: TeardownKind) -> Vec<String> {
    kept.iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.name.clone())
        .collect()
}

fn state(world: &World) -> serde_json::Value {
    world.sandbox.handle().state()
}

fn groups(world: &World) -> Vec<String> {
    state(world)["azure"]["subscriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["resource_groups"].as_array().cloned().unwrap_or_default())
        .map(|g| g["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn count(world: &World, list: &str) -> usize {
    let state = state(world);
    let list = if list == "streams" {
        &state["auth0"]["streams"]
    } else {
        &state["azure"][list]
    };
    list.as_array().map_or(0, Vec::len)
}

/// Another partner authorized in the setup's group (within the group's maximum of 7 days).
async fn authorize_another_partner(world: &World, inputs: &SetupInputs) {
    let path = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerConfigurations/default/authorizePartner?api-version=2025-02-15",
        inputs.subscription_id, inputs.resource_group
    );
    let until = (world.sandbox.handle().clock().now() + std::time::Duration::from_secs(6 * 86_400))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let answer = Arm::sign_in(&world.info)
        .await
        .request(reqwest::Method::POST, &path)
        .json(&serde_json::json!({"partnerRegistrationImmutableId": "11111111-0000-0000-0000-000000000000",
                                   "partnerName": "Contoso.Finance",
                                   "authorizationExpirationTimeInUtc": until}))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{:?}", answer.text().await);
}

/// An event subscription someone made on the topic in the portal.
async fn subscribe_elsewhere(world: &World, inputs: &SetupInputs, topic: &str) {
    let stored = cloud_sandbox::testing::admin_client(&world.info)
        .post(format!(
            "{}/_sandbox/azure/event-subscriptions",
            world.info.azure_management
        ))
        .json(&serde_json::json!({
            "resource_group": inputs.resource_group, "partner_topic": topic, "name": "security-team",
            "properties": {"destination": {"endpointType": "WebHook", "properties": {
                "endpointUrl": "https://siem.example.com/ingest"}},
                "eventDeliverySchema": "CloudEventSchemaV1_0"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
}

#[tokio::test]
async fn a_full_teardown_removes_everything_in_reverse_order_and_a_second_writes_nothing() {
    let world = start().await;
    let (engine, inputs, scope) = set_up(&world).await;
    let topic = scope.known.partner_topic.clone().unwrap();

    let before = world.last_seq();
    let plan = engine.plan_teardown(&inputs, &scope).await.unwrap();
    assert_eq!(
        world.writes_since(before),
        Vec::<String>::new(),
        "a plan writes nothing"
    );
    assert_eq!(kinds(&plan), EVERY_KIND);
    let names: Vec<&str> = plan.remove.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "auth0-to-webhook",
            "Azure Event Grid",
            topic.as_str(),
            "Auth0",
            "auth0-events"
        ]
    );
    assert!(plan.keep.is_empty(), "{:?}", plan.keep);

    let before = world.last_seq();
    let report = engine.teardown(&inputs, &scope, &plan).await.unwrap();
    assert_eq!(report.removed, plan.remove);
    assert!(report.kept.is_empty(), "{:?}", report.kept);
    let writes: Vec<String> = world
        .writes_since(before)
        .into_iter()
        .map(|w| w.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let tail = |w: &String| w.rsplit('/').next().unwrap_or_default().to_owned();
    assert_eq!(writes.len(), 5, "one write per resource: {writes:?}");
    assert!(
        writes[0].starts_with("DELETE") && tail(&writes[0]) == "auth0-to-webhook",
        "{writes:?}"
    );
    assert!(
        writes[1].starts_with("DELETE") && writes[1].contains("/log-streams/"),
        "{writes:?}"
    );
    assert!(
        writes[2].starts_with("DELETE") && tail(&writes[2]) == topic,
        "{writes:?}"
    );
    assert!(
        writes[3].starts_with("POST") && tail(&writes[3]) == "unauthorizePartner",
        "{writes:?}"
    );
    assert!(
        writes[4].starts_with("DELETE") && tail(&writes[4]) == "auth0-events",
        "{writes:?}"
    );
    assert_eq!(count(&world, "streams"), 0);
    assert_eq!(count(&world, "partner_topics"), 0);
    assert_eq!(count(&world, "event_subscriptions"), 0);
    assert_eq!(count(&world, "partner_configurations"), 0);
    assert!(
        !groups(&world).contains(&"auth0-events".to_owned()),
        "{:?}",
        groups(&world)
    );
    assert_eq!(
        world.progress().get(&setup_key(&inputs)).unwrap(),
        None,
        "progress forgotten"
    );

    // A second teardown (with the same confirmed plan) finds everything gone and writes nothing.
    let before = world.last_seq();
    let again = engine.teardown(&inputs, &scope, &plan).await.unwrap();
    assert!(again.removed.is_empty(), "{:?}", again.removed);
    assert_eq!(world.writes_since(before), Vec::<String>::new());
    let nothing = engine.plan_teardown(&inputs, &scope).await.unwrap();
    assert!(
        nothing.remove.is_empty() && nothing.keep.is_empty(),
        "{nothing:?}"
    );
}

#[tokio::test]
async fn a_group_the_setup_did_not_create_stays_with_an_empty_partner_configuration() {
    let world = start().await;
    let (engine, inputs, mut scope) = set_up(&world).await;
    scope.resource_group_created = false;
    let plan = engine.plan_teardown(&inputs, &scope).await.unwrap();
    assert_eq!(kinds(&plan), &EVERY_KIND[..4]);
    assert_eq!(
        kept_names(&plan.keep, TeardownKind::ResourceGroup),
        ["auth0-events"]
    );
    assert!(
        plan.keep[0].reason.contains("did not create"),
        "{:?}",
        plan.keep
    );
    engine.teardown(&inputs, &scope, &plan).await.unwrap();
    assert!(groups(&world).contains(&"auth0-events".to_owned()));
    let configurations = &state(&world)["azure"]["partner_configurations"];
    assert_eq!(
        configurations[0]["authorized"].as_array().map(Vec::len),
        Some(0),
        "Auth0's entry went, the configuration stays: {configurations}"
    );
}

#[tokio::test]
async fn another_partner_and_another_subscription_are_kept_and_named_with_their_dependants() {
    let world = start().await;
    let (engine, inputs, scope) = set_up(&world).await;
    let topic = scope.known.partner_topic.clone().unwrap();
    authorize_another_partner(&world, &inputs).await;
    subscribe_elsewhere(&world, &inputs, &topic).await;

    let before = world.last_seq();
    let plan = engine.plan_teardown(&inputs, &scope).await.unwrap();
    assert_eq!(world.writes_since(before), Vec::<String>::new());
    assert_eq!(kinds(&plan), [TeardownKind::EventSubscription]);
    assert_eq!(plan.remove[0].name, "auth0-to-webhook");
    let kept = |kind| kept_names(&plan.keep, kind);
    assert_eq!(kept(TeardownKind::EventSubscription), ["security-team"]);
    assert_eq!(kept(TeardownKind::LogStream), ["Azure Event Grid"]);
    assert_eq!(kept(TeardownKind::PartnerTopic), [topic.as_str()]);
    assert_eq!(
        kept(TeardownKind::PartnerAuthorization),
        ["Auth0", "Contoso.Finance"]
    );
    assert_eq!(kept(TeardownKind::ResourceGroup), ["auth0-events"]);
    for kept in &plan.keep {
        assert!(!kept.reason.is_empty(), "{kept:?}");
    }
    let stream = plan
        .keep
        .iter()
        .find(|k| k.kind == TeardownKind::LogStream)
        .unwrap();
    assert!(stream.reason.contains("security-team"), "{}", stream.reason);

    let report = engine.teardown(&inputs, &scope, &plan).await.unwrap();
    assert_eq!(report.removed, plan.remove);
    assert_eq!(report.kept, plan.keep);
    assert_eq!(count(&world, "streams"), 1);
    assert_eq!(count(&world, "partner_topics"), 1);
    let subscriptions = &state(&world)["azure"]["event_subscriptions"];
    assert_eq!(subscriptions.as_array().map(Vec::len), Some(1));
    assert_eq!(subscriptions[0]["name"], "security-team");
    let partners = &state(&world)["azure"]["partner_configurations"][0]["authorized"];
    assert_eq!(partners.as_array().map(Vec::len), Some(2), "{partners}");
}

#[tokio::test]
async fn an_interrupted_teardown_resumes_where_it_stopped() {
    let world = start().await;
    let (engine, inputs, scope) = set_up(&world).await;
    let plan = engine.plan_teardown(&inputs, &scope).await.unwrap();
    // The third delete (the partner topic's) and every one after it fails, retries included.
    world.sandbox.handle().add_fault(
        FaultRule::new(FaultKind::ServerError { status: 500 })
            .on_method("DELETE")
            .after(2),
    );
    let error = engine.teardown(&inputs, &scope, &plan).await.unwrap_err();
    assert!(!error.message.is_empty());
    assert_eq!(count(&world, "event_subscriptions"), 0);
    assert_eq!(count(&world, "streams"), 0);
    assert_eq!(
        count(&world, "partner_topics"),
        1,
        "the topic's delete failed"
    );

    world.sandbox.handle().clear_faults();
    let before = world.last_seq();
    let report = engine.teardown(&inputs, &scope, &plan).await.unwrap();
    let resumed: Vec<TeardownKind> = report.removed.iter().map(|i| i.kind).collect();
    assert_eq!(resumed, &EVERY_KIND[2..], "only what was left");
    let writes = world.writes_since(before);
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert_eq!(count(&world, "partner_topics"), 0);
    assert_eq!(count(&world, "partner_configurations"), 0);
    assert!(!groups(&world).contains(&"auth0-events".to_owned()));
}

#[tokio::test]
async fn what_changed_after_the_plan_is_kept_and_named_and_what_was_not_confirmed_stays() {
    let world = start().await;
    let (engine, inputs, scope) = set_up(&world).await;
    let topic = scope.known.partner_topic.clone().unwrap();
    let plan = engine.plan_teardown(&inputs, &scope).await.unwrap();
    assert_eq!(kinds(&plan), EVERY_KIND);
    // After the plan was confirmed, someone subscribes to the topic and tags it.
    subscribe_elsewhere(&world, &inputs, &topic).await;
    let path = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{topic}?api-version=2025-02-15",
        inputs.subscription_id, inputs.resource_group
    );
    let tagged = Arm::sign_in(&world.info)
        .await
        .request(reqwest::Method::PATCH, &path)
        .json(&serde_json::json!({"tags": {"owner": "security"}}))
        .send()
        .await
        .unwrap();
    assert!(tagged.status().is_success());

    let report = engine.teardown(&inputs, &scope, &plan).await.unwrap();
    let removed: Vec<TeardownKind> = report.removed.iter().map(|i| i.kind).collect();
    assert_eq!(removed, [TeardownKind::EventSubscription]);
    let kept = |kind| kept_names(&report.kept, kind);
    assert_eq!(kept(TeardownKind::LogStream), ["Azure Event Grid"]);
    assert_eq!(kept(TeardownKind::PartnerTopic), [topic.as_str()]);
    assert_eq!(kept(TeardownKind::EventSubscription), ["security-team"]);
    assert_eq!(kept(TeardownKind::ResourceGroup), ["auth0-events"]);
    let topic_kept = report
        .kept
        .iter()
        .find(|k| k.kind == TeardownKind::PartnerTopic)
        .unwrap();
    assert!(
        topic_kept.reason.contains("owner=security"),
        "{}",
        topic_kept.reason
    );
    assert_eq!(count(&world, "streams"), 1);
    assert_eq!(count(&world, "partner_topics"), 1);
}
