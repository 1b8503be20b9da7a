//! Tenants, subscriptions, resource providers (register: `Registering` for a configurable while, then
//! `Registered`) and resource groups (GET, HEAD, PUT 201/200, list, the resources in one, and DELETE, which
//! is long-running: 202 with a `Location` to poll, as `ResourceGroups_Delete` answers).

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::request::{Ctx, RESOURCES_API, SUBSCRIPTIONS_API, json};
use crate::http_util::arm_error;
use crate::state::{ResourceGroup, Subscription};

/// Regions where Event Grid offers partner topics (display names, as the provider lists them).
pub const PARTNER_TOPIC_LOCATIONS: &[&str] = &[
    "Australia Central",
    "Australia East",
    "Australia Southeast",
    "Brazil South",
    "Canada Central",
    "Canada East",
    "Central India",
    "Central US",
    "East Asia",
    "East US",
    "East US 2",
    "France Central",
    "Germany West Central",
    "Japan East",
    "Japan West",
    "Korea Central",
    "Korea South",
    "North Central US",
    "North Europe",
    "Norway East",
    "South Africa North",
    "South Central US",
    "Southeast Asia",
    "South India",
    "Sweden Central",
    "Switzerland North",
    "UAE North",
    "UK South",
    "UK West",
    "West Central US",
    "West Europe",
    "West India",
    "West US",
    "West US 2",
    "West US 3",
    "Italy North",
    "Poland Central",
];

fn method_not_allowed(ctx: &Ctx) -> Response {
    arm_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!(
            "The requested method '{}' is not allowed on this resource.",
            ctx.method
        ),
    )
}

/// The directories the caller belongs to: a user's home directory and those it is a guest of; a service
/// principal's home directory only.
pub fn tenants(ctx: &Ctx) -> Result<Response, Response> {
    ctx.api_version(SUBSCRIPTIONS_API, "tenants")?;
    let world = ctx.shared.world();
    let directories = match &ctx.user {
        Some(user) => world.directories_of_user(user),
        None => vec![world.home_directory()],
    };
    let value: Vec<Value> = directories
        .iter()
        .map(|d| {
            json!({
                "id": format!("/tenants/{}", d.tenant_id),
                "tenantId": d.tenant_id,
                "countryCode": "US",
                "displayName": d.display_name,
                "domains": [d.domain],
                "defaultDomain": d.domain,
                "tenantCategory": "Home",
                "tenantType": "AAD",
            })
        })
        .collect();
    Ok(json(StatusCode::OK, json!({ "value": value })))
}

fn subscription_json(sub: &Subscription) -> Value {
    json!({
        "id": format!("/subscriptions/{}", sub.subscription_id),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub.subscription_id,
        "tenantId": sub.tenant_id,
        "displayName": sub.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    })
}

/// The subscriptions of the token's directory only.
pub fn subscriptions(ctx: &Ctx) -> Result<Response, Response> {
    ctx.api_version(SUBSCRIPTIONS_API, "subscriptions")?;
    let world = ctx.shared.world();
    let value: Vec<Value> = world
        .azure
        .subscriptions
        .iter()
        .filter(|s| s.tenant_id == ctx.tenant_id)
        .map(subscription_json)
        .collect();
    let count = value.len();
    Ok(json(
        StatusCode::OK,
        json!({"value": value, "count": {"type": "Total", "value": count}}),
    ))
}

pub fn subscription(ctx: &Ctx, sub: &str) -> Result<Response, Response> {
    ctx.api_version(SUBSCRIPTIONS_API, "subscriptions")?;
    let world = ctx.shared.world();
    match world.subscription(sub) {
        Some(s) => Ok(json(StatusCode::OK, subscription_json(s))),
        None => Err(arm_error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            &format!("The subscription '{sub}' could not be found."),
        )),
    }
}

fn provider_json(sub: &str, namespace: &str, state: &str) -> Value {
    let resource_types = if namespace.eq_ignore_ascii_case("Microsoft.EventGrid") {
        json!([
            {"resourceType": "partnerTopics", "locations": PARTNER_TOPIC_LOCATIONS,
             "apiVersions": super::request::EVENTGRID_API, "capabilities": "None"},
            {"resourceType": "partnerTopics/eventSubscriptions", "locations": [],
             "apiVersions": super::request::EVENTGRID_API, "capabilities": "None"},
            {"resourceType": "partnerConfigurations", "locations": ["global"],
             "apiVersions": super::request::EVENTGRID_API, "capabilities": "None"},
            {"resourceType": "verifiedPartners", "locations": [],
             "apiVersions": super::request::EVENTGRID_API, "capabilities": "None"},
        ])
    } else {
        json!([])
    };
    json!({
        "id": format!("/subscriptions/{sub}/providers/{namespace}"),
        "namespace": namespace,
        "registrationState": state,
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": resource_types,
    })
}

/// The namespaces the sandbox knows; only Event Grid needs registering, the rest are always Registered.
fn canonical_namespace(namespace: &str) -> Option<&'static str> {
    [
        "Microsoft.EventGrid",
        "Microsoft.Resources",
        "Microsoft.Insights",
    ]
    .into_iter()
    .find(|n| n.eq_ignore_ascii_case(namespace))
}

pub fn providers(ctx: &Ctx, sub: &str) -> Result<Response, Response> {
    ctx.api_version(RESOURCES_API, "providers")?;
    let state = ctx
        .shared
        .world()
        .subscription(sub)
        .map(|s| s.event_grid.state.clone())
        .unwrap_or_default();
    Ok(json(
        StatusCode::OK,
        json!({"value": [
            provider_json(sub, "Microsoft.EventGrid", &state),
            provider_json(sub, "Microsoft.Insights", "Registered"),
            provider_json(sub, "Microsoft.Resources", "Registered"),
        ]}),
    ))
}

fn unknown_namespace(namespace: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "InvalidResourceNamespace",
        &format!("The resource namespace '{namespace}' is invalid."),
    )
}

pub fn provider(ctx: &Ctx, sub: &str, namespace: &str) -> Result<Response, Response> {
    if ctx.method != Method::GET {
        return Ok(method_not_allowed(ctx));
    }
    ctx.api_version(RESOURCES_API, "providers")?;
    let Some(namespace) = canonical_namespace(namespace) else {
        return Err(unknown_namespace(namespace));
    };
    let mut state = if namespace == "Microsoft.EventGrid" {
        ctx.shared
            .world()
            .subscription(sub)
            .map(|s| s.event_grid.state.clone())
            .unwrap_or_default()
    } else {
        "Registered".into()
    };
    // A replica that has not yet seen the register call (the `stale_registration_reads` fault).
    if state == "Registering" {
        let mut faults = ctx.shared.faults();
        if faults.stale_registration_reads > 0 {
            faults.stale_registration_reads -= 1;
            state = "NotRegistered".into();
        }
    }
    Ok(json(StatusCode::OK, provider_json(sub, namespace, &state)))
}

pub fn register(
    ctx: &Ctx,
    sub: &str,
    namespace: &str,
    register: bool,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    ctx.api_version(RESOURCES_API, "providers")?;
    let Some(namespace) = canonical_namespace(namespace) else {
        return Err(unknown_namespace(namespace));
    };
    let verb = if register { "register" } else { "unregister" };
    ctx.require_write(
        &format!("{namespace}/{verb}/action"),
        &format!("/subscriptions/{sub}"),
    )?;
    if namespace != "Microsoft.EventGrid" {
        return Ok(json(
            StatusCode::OK,
            provider_json(sub, namespace, "Registered"),
        ));
    }
    let now = ctx.shared.clock.now_ms();
    let delay = ctx.shared.config.registration_delay.as_millis() as i64;
    let mut world = ctx.shared.world();
    let subscription = world.subscription_mut(sub).expect("checked by the router");
    let registration = &mut subscription.event_grid;
    if register {
        if registration.state != "Registered" && registration.state != "Registering" {
            registration.state = "Registering".into();
            registration.ready_ms = now + delay;
        }
    } else {
        registration.state = "NotRegistered".into();
    }
    world.settle(now);
    let state = world
        .subscription(sub)
        .map(|s| s.event_grid.state.clone())
        .unwrap_or_default();
    Ok(json(StatusCode::OK, provider_json(sub, namespace, &state)))
}

fn group_json(sub: &str, group: &ResourceGroup) -> Value {
    let mut body = json!({
        "id": format!("/subscriptions/{sub}/resourceGroups/{}", group.name),
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "properties": {"provisioningState": "Succeeded"},
    });
    if !group.tags.is_null() {
        body["tags"] = group.tags.clone();
    }
    body
}

pub fn list_groups(ctx: &Ctx, sub: &str) -> Result<Response, Response> {
    ctx.api_version(RESOURCES_API, "resourceGroups")?;
    let world = ctx.shared.world();
    let value: Vec<Value> = world
        .subscription(sub)
        .map(|s| {
            s.resource_groups
                .iter()
                .map(|g| group_json(sub, g))
                .collect()
        })
        .unwrap_or_default();
    drop(world);
    Ok(super::request::paged(ctx, value))
}

fn group_not_found(rg: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        &format!("Resource group '{rg}' could not be found."),
    )
}

/// Resource group names: 1-90 characters of letters, digits, `_ - . ( )`, not ending in a period.
pub fn valid_group_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 90
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
}

pub fn group(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    ctx.api_version(RESOURCES_API, "resourceGroups")?;
    match ctx.method {
        Method::GET | Method::HEAD => {
            let world = ctx.shared.world();
            let found = world.resource_group(sub, rg).map(|g| group_json(sub, g));
            match (found, ctx.method == Method::HEAD) {
                (Some(_), true) => Ok(StatusCode::NO_CONTENT.into_response()),
                (None, true) => Ok(StatusCode::NOT_FOUND.into_response()),
                (Some(body), false) => Ok(json(StatusCode::OK, body)),
                (None, false) => Err(group_not_found(rg)),
            }
        }
        Method::PUT => put_group(ctx, sub, rg),
        Method::DELETE => delete_group(ctx, sub, rg),
        _ => Ok(method_not_allowed(ctx)),
    }
}

/// `ResourceGroups_Delete`: the group and everything in it. Long-running (200 or 202 with `Location`):
/// the sandbox deletes at once and answers 202 with a `Location` whose operation is already done, so a
/// client follows it as it must for Azure; 404 `ResourceGroupNotFound` when there is no such group.
fn delete_group(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    ctx.require_write(
        "Microsoft.Resources/subscriptions/resourceGroups/delete",
        &super::request::group_scope(sub, rg),
    )?;
    let now = ctx.shared.clock.now_ms();
    let mut world = ctx.shared.world();
    let subscription = world.subscription_mut(sub).expect("checked by the router");
    let before = subscription.resource_groups.len();
    subscription
        .resource_groups
        .retain(|g| !g.name.eq_ignore_ascii_case(rg));
    if subscription.resource_groups.len() == before {
        return Err(group_not_found(rg));
    }
    subscription
        .resources
        .retain(|r| !r.resource_group.eq_ignore_ascii_case(rg));
    let topics: Vec<String> = world
        .azure
        .partner_topics
        .iter()
        .filter(|t| {
            t.subscription_id.eq_ignore_ascii_case(sub) && t.resource_group.eq_ignore_ascii_case(rg)
        })
        .map(|t| t.name.clone())
        .collect();
    for topic in topics {
        world.remove_partner_topic(sub, rg, &topic);
    }
    world.azure.partner_configurations.retain(|c| {
        !(c.subscription_id.eq_ignore_ascii_case(sub) && c.resource_group.eq_ignore_ascii_case(rg))
    });
    let id = crate::tokens::random_guid();
    world.azure.operations.insert(
        id.clone(),
        crate::state::Operation {
            id: id.clone(),
            location: String::new(),
            status: "Succeeded".into(),
            error: None,
            start_ms: now,
            end_ms: Some(now),
            kind: "delete".into(),
            resource_id: super::request::group_scope(sub, rg),
        },
    );
    drop(world);
    let version = ctx
        .query
        .get("api-version")
        .map(String::as_str)
        .unwrap_or(RESOURCES_API[0]);
    let mut response = StatusCode::ACCEPTED.into_response();
    let url = format!(
        "{}/subscriptions/{sub}/operationresults/{id}?api-version={version}",
        ctx.shared.urls.management
    );
    if let Ok(value) = url.parse() {
        response.headers_mut().insert("location", value);
    }
    response
        .headers_mut()
        .insert("retry-after", axum::http::HeaderValue::from_static("1"));
    Ok(response)
}

/// What a group deletion's `Location` answers: 202 while it runs, then 200 (no body) once the group is gone.
pub fn operation_result(ctx: &Ctx, id: &str) -> Result<Response, Response> {
    ctx.api_version(RESOURCES_API, "operationresults")?;
    let world = ctx.shared.world();
    match world.azure.operations.get(id).map(|op| op.status.clone()) {
        None => Err(arm_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!("The operation '{id}' was not found."),
        )),
        Some(status) if status == "InProgress" => Ok(StatusCode::ACCEPTED.into_response()),
        Some(_) => Ok(StatusCode::OK.into_response()),
    }
}

/// `Resources_ListByResourceGroup`: the group's resources (`id`, `name`, `type`, `location`): its partner
/// topics, its partner configuration and the destinations seeded there (event subscriptions are extension resources, not listed). 404
/// `ResourceGroupNotFound` for a missing group.
pub fn group_resources(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    ctx.api_version(RESOURCES_API, "resources")?;
    if ctx.method != Method::GET {
        return Ok(method_not_allowed(ctx));
    }
    let world = ctx.shared.world();
    if world.resource_group(sub, rg).is_none() {
        return Err(group_not_found(rg));
    }
    let in_group = |s: &str, g: &str| s.eq_ignore_ascii_case(sub) && g.eq_ignore_ascii_case(rg);
    let mut value: Vec<Value> = world
        .azure
        .partner_topics
        .iter()
        .filter(|t| in_group(&t.subscription_id, &t.resource_group))
        .map(|t| {
            json!({"id": t.arm_id(), "name": t.name, "type": "Microsoft.EventGrid/partnerTopics",
                   "location": t.location})
        })
        .collect();
    value.extend(
        world
            .azure
            .partner_configurations
            .iter()
            .filter(|c| in_group(&c.subscription_id, &c.resource_group))
            .map(|c| {
                json!({
                    "id": format!("{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
                        super::request::group_scope(&c.subscription_id, &c.resource_group)),
                    "name": "default", "type": "Microsoft.EventGrid/partnerConfigurations",
                    "location": "global",
                })
            }),
    );
    if let Some(subscription) = world.subscription(sub) {
        value.extend(
            subscription
                .resources
                .iter()
                .filter(|r| r.resource_group.eq_ignore_ascii_case(rg))
                .map(|r| {
                    json!({"id": r.arm_id(&subscription.subscription_id), "name": r.name,
                           "type": r.resource_type, "location": r.location})
                }),
        );
    }
    drop(world);
    Ok(super::request::paged(ctx, value))
}

fn put_group(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    ctx.require_write(
        "Microsoft.Resources/subscriptions/resourceGroups/write",
        &super::request::group_scope(sub, rg),
    )?;
    let body = ctx.json_body()?;
    if !valid_group_name(rg) {
        return Err(arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidResourceGroup",
            &format!(
                "The provided resource group name '{rg}' has these invalid characters or length. The name can be 1-90 characters of letters, digits, underscores, hyphens, periods and parentheses, and cannot end in a period."
            ),
        ));
    }
    let Some(location) = body
        .get("location")
        .and_then(Value::as_str)
        .filter(|l| !l.is_empty())
    else {
        return Err(arm_error(
            StatusCode::BAD_REQUEST,
            "LocationRequired",
            "The location property is required for this definition.",
        ));
    };
    let location = location.to_ascii_lowercase().replace(' ', "");
    let tags = body.get("tags").cloned().unwrap_or(Value::Null);
    let mut world = ctx.shared.world();
    let subscription = world.subscription_mut(sub).expect("checked by the router");
    if let Some(existing) = subscription
        .resource_groups
        .iter_mut()
        .find(|g| g.name.eq_ignore_ascii_case(rg))
    {
        if existing.location != location {
            return Err(arm_error(
                StatusCode::CONFLICT,
                "InvalidResourceGroupLocation",
                &format!(
                    "Invalid resource group location '{location}'. The Resource group already exists in location '{}'.",
                    existing.location
                ),
            ));
        }
        if !tags.is_null() {
            existing.tags = tags;
        }
        let body = group_json(sub, existing);
        return Ok(json(StatusCode::OK, body));
    }
    let group = ResourceGroup {
        name: rg.to_owned(),
        location,
        tags,
    };
    let body = group_json(sub, &group);
    subscription.resource_groups.push(group);
    Ok(json(StatusCode::CREATED, body))
}
