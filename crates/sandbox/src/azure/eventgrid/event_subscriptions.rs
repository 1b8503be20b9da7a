//! Partner-topic event subscriptions: long-running PUT and DELETE, CloudEvents schema required, the
//! WebHook handshake that may leave a subscription `AwaitingManualAction` (and its completion through the
//! callback URL), getFullUrl, getDeliveryAttributes, and subscriptions made elsewhere.

use super::operations::{accepted, new_operation, set_operation_headers};
use super::partner_topics::find_topic;
use super::scope::{bad_request, method_not_allowed, not_found};
use super::wire::event_subscription_json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::azure::request::{Ctx, group_scope, json};
use crate::http_util::arm_error;
use crate::state::{EventSubscription, Operation, World};
use crate::tokens::random_guid;

// ---- event subscriptions ----

pub(super) fn list_event_subscriptions(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
) -> Result<Response, Response> {
    let mut world = ctx.shared.world();
    if find_topic(&mut world, sub, rg, topic).is_none() {
        return Err(not_found("partnerTopics", topic, rg));
    }
    let value: Vec<Value> = world
        .azure
        .event_subscriptions
        .iter()
        .filter(|e| same_topic(e, sub, rg, topic))
        .map(event_subscription_json)
        .collect();
    drop(world);
    Ok(crate::azure::request::paged(ctx, value))
}

pub(super) fn same_topic(es: &EventSubscription, sub: &str, rg: &str, topic: &str) -> bool {
    es.subscription_id.eq_ignore_ascii_case(sub)
        && es.resource_group.eq_ignore_ascii_case(rg)
        && es.topic.eq_ignore_ascii_case(topic)
}

/// The event subscription `name` of the partner topic, if there is one.
fn find_event_subscription<'w>(
    world: &'w World,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Option<&'w EventSubscription> {
    world
        .azure
        .event_subscriptions
        .iter()
        .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
}

/// The scope an event subscription's role checks are made at.
fn event_subscription_scope(sub: &str, rg: &str, topic: &str, name: &str) -> String {
    format!(
        "{}/providers/Microsoft.EventGrid/partnerTopics/{topic}/eventSubscriptions/{name}",
        group_scope(sub, rg)
    )
}

/// A POST action on an event subscription (`getFullUrl`, `getDeliveryAttributes`): the method and the
/// caller's right to `Microsoft.EventGrid/eventSubscriptions/{action}/action` checked, the subscription
/// found (404 otherwise), then `answer` for it.
fn post_action(
    ctx: &Ctx,
    (sub, rg, topic, name): (&str, &str, &str, &str),
    action: &str,
    answer: impl FnOnce(&EventSubscription) -> Result<Response, Response>,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    ctx.require_write(
        &format!("Microsoft.EventGrid/eventSubscriptions/{action}/action"),
        &event_subscription_scope(sub, rg, topic, name),
    )?;
    let world = ctx.shared.world();
    let es = find_event_subscription(&world, sub, rg, topic, name)
        .ok_or_else(|| not_found("partnerTopics/eventSubscriptions", name, rg))?;
    answer(es)
}

pub(super) fn event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    let scope = event_subscription_scope(sub, rg, topic, name);
    match ctx.method {
        Method::GET => {
            let world = ctx.shared.world();
            find_event_subscription(&world, sub, rg, topic, name)
                .map(|e| json(StatusCode::OK, event_subscription_json(e)))
                .ok_or_else(|| not_found("partnerTopics/eventSubscriptions", name, rg))
        }
        Method::PUT => {
            ctx.require_write("Microsoft.EventGrid/eventSubscriptions/write", &scope)?;
            put_event_subscription(ctx, sub, rg, topic, name)
        }
        Method::DELETE => {
            ctx.require_write("Microsoft.EventGrid/eventSubscriptions/delete", &scope)?;
            delete_event_subscription(ctx, sub, rg, topic, name)
        }
        _ => Ok(method_not_allowed(ctx)),
    }
}

/// An event subscription DELETE is long-running (EventGrid.json: 200, 202 with `Location`, 204): 202 with
/// no body, `Location` (and `Azure-AsyncOperation`) to poll. The subscription shows `Deleting` until the
/// deletion completes after `event_subscription_delete_time` of sandbox time (at once when zero); until
/// then its name cannot be used again. Absent: 204.
pub(super) fn delete_event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    let now = ctx.shared.clock.now_ms();
    let delay = ctx.shared.config.event_subscription_delete_time.as_millis() as i64;
    let mut world = ctx.shared.world();
    let location = find_topic(&mut world, sub, rg, topic).map(|t| t.location.clone());
    let Some(index) = world
        .azure
        .event_subscriptions
        .iter()
        .position(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name))
    else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let location = location.unwrap_or_default();
    let es = &world.azure.event_subscriptions[index];
    let resource_id = es.arm_id();
    // A second DELETE while one runs answers with the running operation.
    if let Some(running) = es
        .operation_id
        .clone()
        .filter(|_| es.deleting_until_ms.is_some())
    {
        drop(world);
        return Ok(accepted(ctx, sub, &location, &running));
    }
    let operation_id = if delay == 0 {
        world.azure.event_subscriptions.remove(index);
        new_operation(
            &mut world,
            now,
            &location,
            "delete",
            &resource_id,
            "Succeeded",
        )
    } else {
        let id = new_operation(
            &mut world,
            now,
            &location,
            "delete",
            &resource_id,
            "InProgress",
        );
        let es = &mut world.azure.event_subscriptions[index];
        es.provisioning_state = "Deleting".into();
        es.validation = None;
        es.deleting_until_ms = Some(now + delay);
        es.operation_id = Some(id.clone());
        id
    };
    drop(world);
    Ok(accepted(ctx, sub, &location, &operation_id))
}

pub(super) fn valid_subscription_name(name: &str) -> bool {
    (3..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub(super) const ENDPOINT_TYPES: &[&str] = &[
    "WebHook",
    "EventHub",
    "StorageQueue",
    "ServiceBusQueue",
    "ServiceBusTopic",
    "HybridConnection",
    "AzureFunction",
    "MonitorAlert",
    "NamespaceTopic",
];

pub(super) const FILTER_OPERATORS: &[&str] = &[
    "NumberIn",
    "NumberNotIn",
    "NumberLessThan",
    "NumberGreaterThan",
    "NumberLessThanOrEquals",
    "NumberGreaterThanOrEquals",
    "BoolEquals",
    "StringIn",
    "StringNotIn",
    "StringBeginsWith",
    "StringEndsWith",
    "StringContains",
    "NumberInRange",
    "NumberNotInRange",
    "StringNotBeginsWith",
    "StringNotEndsWith",
    "StringNotContains",
    "IsNullOrUndefined",
    "IsNotNull",
];

/// Whether a webhook URL is acceptable: https, or (sandbox only) http on loopback.
pub fn acceptable_webhook(url: &str) -> bool {
    url.starts_with("https://") || crate::signin::is_loopback_redirect(url)
}

/// Checks an event subscription's properties and fills in defaults; Err names the field and the rule.
pub(super) fn validated_properties(body: &Value) -> Result<Value, String> {
    let mut properties = body.get("properties").cloned().unwrap_or(json!({}));
    if !properties.is_object() {
        return Err("properties must be an object.".into());
    }
    let schema = properties["eventDeliverySchema"]
        .as_str()
        .unwrap_or("EventGridSchema");
    if schema != "CloudEventSchemaV1_0" {
        return Err(format!(
            "properties.eventDeliverySchema: '{schema}' is not supported for event subscriptions on partner topics; partner topics receive CloudEvents, use 'CloudEventSchemaV1_0'."
        ));
    }
    let destination = &properties["destination"];
    let endpoint_type = destination["endpointType"].as_str().unwrap_or("");
    if !ENDPOINT_TYPES.contains(&endpoint_type) {
        return Err(format!(
            "properties.destination.endpointType: '{endpoint_type}' is not one of {}.",
            ENDPOINT_TYPES.join(", ")
        ));
    }
    let dp = &destination["properties"];
    if endpoint_type == "WebHook" {
        let url = dp["endpointUrl"].as_str().unwrap_or("");
        if url.is_empty() {
            return Err("properties.destination.properties.endpointUrl is required for a WebHook destination.".into());
        }
        if !acceptable_webhook(url) {
            return Err(format!(
                "properties.destination.properties.endpointUrl: '{url}' must be an https URL (the sandbox also accepts http on loopback)."
            ));
        }
        if let Some(n) = dp["maxEventsPerBatch"].as_i64()
            && !(1..=5000).contains(&n)
        {
            return Err(
                "properties.destination.properties.maxEventsPerBatch must be between 1 and 5000."
                    .into(),
            );
        }
        if let Some(n) = dp["preferredBatchSizeInKilobytes"].as_i64()
            && !(1..=1024).contains(&n)
        {
            return Err("properties.destination.properties.preferredBatchSizeInKilobytes must be between 1 and 1024.".into());
        }
    } else if dp["resourceId"].as_str().is_none_or(str::is_empty) {
        return Err(format!(
            "properties.destination.properties.resourceId is required for a {endpoint_type} destination."
        ));
    } else if endpoint_type == "StorageQueue" && dp["queueName"].as_str().is_none_or(str::is_empty)
    {
        return Err("properties.destination.properties.queueName is required for a StorageQueue destination.".into());
    }
    let retry = properties.get("retryPolicy").cloned().unwrap_or(json!({}));
    let attempts = retry["maxDeliveryAttempts"].as_i64().unwrap_or(30);
    let ttl = retry["eventTimeToLiveInMinutes"].as_i64().unwrap_or(1440);
    if !(1..=30).contains(&attempts) {
        return Err("properties.retryPolicy.maxDeliveryAttempts must be between 1 and 30.".into());
    }
    if !(1..=1440).contains(&ttl) {
        return Err(
            "properties.retryPolicy.eventTimeToLiveInMinutes must be between 1 and 1440.".into(),
        );
    }
    properties["retryPolicy"] =
        json!({"maxDeliveryAttempts": attempts, "eventTimeToLiveInMinutes": ttl});
    if let Some(dead_letter) = properties
        .get("deadLetterDestination")
        .filter(|d| !d.is_null())
    {
        if dead_letter["endpointType"] != "StorageBlob" {
            return Err(
                "properties.deadLetterDestination.endpointType must be 'StorageBlob'.".into(),
            );
        }
        if dead_letter["properties"]["resourceId"]
            .as_str()
            .is_none_or(str::is_empty)
            || dead_letter["properties"]["blobContainerName"]
                .as_str()
                .is_none_or(str::is_empty)
        {
            return Err("properties.deadLetterDestination.properties needs resourceId and blobContainerName.".into());
        }
    }
    let filter = properties.get("filter").cloned().unwrap_or(json!({}));
    let advanced = filter["advancedFilters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if advanced.len() > 25 {
        return Err(
            "properties.filter.advancedFilters: at most 25 advanced filters are allowed.".into(),
        );
    }
    for (i, f) in advanced.iter().enumerate() {
        let op = f["operatorType"].as_str().unwrap_or("");
        if !FILTER_OPERATORS.contains(&op) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].operatorType: '{op}' is not a known operator."
            ));
        }
        if f["key"].as_str().is_none_or(str::is_empty) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].key is required."
            ));
        }
        let needs_values = op.ends_with("In")
            || op.contains("BeginsWith")
            || op.contains("EndsWith")
            || op.contains("Contains")
            || op.contains("Range");
        if needs_values && f["values"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].values must be a non-empty array for {op}."
            ));
        }
        if matches!(
            op,
            "NumberLessThan"
                | "NumberGreaterThan"
                | "NumberLessThanOrEquals"
                | "NumberGreaterThanOrEquals"
        ) && !f["value"].is_number()
        {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].value must be a number for {op}."
            ));
        }
        if op == "BoolEquals" && !f["value"].is_boolean() {
            return Err(format!(
                "properties.filter.advancedFilters[{i}].value must be a boolean for BoolEquals."
            ));
        }
    }
    properties["filter"] = filter;
    properties
        .as_object_mut()
        .map(|p| p.remove("provisioningState"));
    Ok(properties)
}

pub(super) fn put_event_subscription(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    if !valid_subscription_name(name) {
        return Err(bad_request(&format!(
            "Event subscription name '{name}' is invalid: it must be 3 to 64 characters of letters, digits and hyphens."
        )));
    }
    let body = ctx.json_body()?;
    let properties = validated_properties(&body).map_err(|m| bad_request(&m))?;
    let now = ctx.shared.clock.now_ms();
    let operation_id = random_guid();
    let (status, es, location) = {
        let mut world = ctx.shared.world();
        let Some(topic_res) = find_topic(&mut world, sub, rg, topic) else {
            return Err(not_found("partnerTopics", topic, rg));
        };
        let location = topic_res.location.clone();
        let topic_name = topic_res.name.clone();
        let rg_name = topic_res.resource_group.clone();
        let sub_id = topic_res.subscription_id.clone();
        let existing = world
            .azure
            .event_subscriptions
            .iter_mut()
            .find(|e| same_topic(e, sub, rg, topic) && e.name.eq_ignore_ascii_case(name));
        if existing
            .as_ref()
            .is_some_and(|e| e.deleting_until_ms.is_some())
        {
            return Err(arm_error(
                StatusCode::CONFLICT,
                "Conflict",
                &format!(
                    "The event subscription '{name}' is being deleted. Wait for the deletion to finish (poll the Location of the DELETE) before creating it again."
                ),
            ));
        }
        let (status, es) = match existing {
            Some(existing) => {
                existing.properties = properties;
                existing.provisioning_state = "Updating".into();
                existing.validation = None;
                existing.operation_id = Some(operation_id.clone());
                (StatusCode::OK, existing.clone())
            }
            None => {
                let es = EventSubscription {
                    subscription_id: sub_id,
                    resource_group: rg_name,
                    topic: topic_name,
                    name: name.to_owned(),
                    properties,
                    provisioning_state: "Creating".into(),
                    operation_id: Some(operation_id.clone()),
                    validation: None,
                    deleting_until_ms: None,
                };
                world.azure.event_subscriptions.push(es.clone());
                (StatusCode::CREATED, es)
            }
        };
        world.azure.operations.insert(
            operation_id.clone(),
            Operation {
                id: operation_id.clone(),
                location: location.clone(),
                status: "InProgress".into(),
                error: None,
                start_ms: now,
                end_ms: None,
                kind: "put".into(),
                resource_id: es.arm_id(),
            },
        );
        (status, es, location)
    };
    tokio::spawn(crate::pipeline::validation::provision_event_subscription(
        ctx.shared.clone(),
        es.clone(),
        operation_id.clone(),
    ));
    // EventGrid.json: 201/200 with the resource, `provisioningState` non-terminal, and an operation to
    // follow. As an older provider would (`location_only_operations`): an empty 202 with `Location` only.
    if ctx.shared.faults().location_only_operations {
        return Ok(accepted(ctx, sub, &location, &operation_id));
    }
    let mut response = json(status, event_subscription_json(&es));
    set_operation_headers(&mut response, ctx, sub, &location, &operation_id, false);
    Ok(response)
}

pub(super) fn full_url(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    post_action(ctx, (sub, rg, topic, name), "getFullUrl", |es| {
        if es.properties["destination"]["endpointType"] != "WebHook" {
            return Err(bad_request(
                "getFullUrl is only available for WebHook destinations.",
            ));
        }
        Ok(json(
            StatusCode::OK,
            json!({"endpointUrl": es.properties["destination"]["properties"]["endpointUrl"]}),
        ))
    })
}

/// `getDeliveryAttributes` (POST): the delivery attribute mappings of the destination, static values
/// marked secret included (a GET hides them).
pub(super) fn delivery_attributes(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
) -> Result<Response, Response> {
    post_action(ctx, (sub, rg, topic, name), "getDeliveryAttributes", |es| {
        let value = es.properties["destination"]["properties"]["deliveryAttributeMappings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(json(StatusCode::OK, json!({ "value": value })))
    })
}

/// What the admin API's "made elsewhere" injection stores: an event subscription written by the portal
/// or another tool, taken as given (no validation, no handshake), `Succeeded` unless it says otherwise.
pub fn insert_foreign_event_subscription(
    world: &mut World,
    sub: &str,
    rg: &str,
    topic: &str,
    name: &str,
    mut properties: Value,
) -> Result<Value, String> {
    let Some(found) = find_topic(world, sub, rg, topic) else {
        return Err(format!("no partner topic {topic} in {rg}"));
    };
    let (sub, rg, topic) = (
        found.subscription_id.clone(),
        found.resource_group.clone(),
        found.name.clone(),
    );
    let state = properties["provisioningState"]
        .as_str()
        .unwrap_or("Succeeded")
        .to_owned();
    if let Some(p) = properties.as_object_mut() {
        p.remove("provisioningState");
    }
    world
        .azure
        .event_subscriptions
        .retain(|e| !(same_topic(e, &sub, &rg, &topic) && e.name.eq_ignore_ascii_case(name)));
    let es = EventSubscription {
        subscription_id: sub,
        resource_group: rg,
        topic,
        name: name.to_owned(),
        properties,
        provisioning_state: state,
        operation_id: None,
        validation: None,
        deleting_until_ms: None,
    };
    let answer = event_subscription_json(&es);
    world.azure.event_subscriptions.push(es);
    Ok(answer)
}

/// Completes a WebHook validation through its callback URL (`WebHook-Request-Callback`): the
/// subscription, waiting in `AwaitingManualAction`, is provisioned. Err when the token is unknown or
/// its time has passed.
pub fn complete_validation(world: &mut World, token: &str, now: i64) -> Result<String, String> {
    let Some(es) = world.azure.event_subscriptions.iter_mut().find(|e| {
        e.validation
            .as_ref()
            .is_some_and(|v| v.token == token && now < v.until_ms)
    }) else {
        return Err("unknown or expired validation callback".into());
    };
    es.validation = None;
    es.provisioning_state = "Succeeded".into();
    let name = es.name.clone();
    if let Some(op) = es
        .operation_id
        .clone()
        .and_then(|id| world.azure.operations.get_mut(&id))
    {
        op.status = "Succeeded".into();
        op.error = None;
        op.end_ms = Some(now);
    }
    Ok(name)
}
