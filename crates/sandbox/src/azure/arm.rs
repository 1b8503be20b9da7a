//! Resource Manager's front door: bearer-token authentication, api-version checks, role checks (a Reader
//! gets `AuthorizationFailed` on writes), the error envelope and request-id headers, and routing of the
//! case-insensitive paths to the resource handlers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

use super::destinations::{self, Parent};
use super::request::Ctx;
use super::{eventgrid, resources};
use crate::http_util::{arm_error, bearer, with_arm_headers};
use crate::shared::Shared;
use crate::state::Member;
use crate::tokens::TokenProblem;

/// The audiences Resource Manager accepts in a token.
pub fn management_audiences(shared: &Shared) -> Vec<String> {
    vec![
        "https://management.azure.com".into(),
        "https://management.azure.com/".into(),
        "https://management.core.windows.net/".into(),
        "https://management.core.windows.net".into(),
        shared.urls.management.clone(),
        format!("{}/", shared.urls.management),
    ]
}

/// A 401 with the `WWW-Authenticate` challenge naming the authority to get a token from.
fn unauthorized(shared: &Shared, tenant_id: &str, code: &str, message: &str) -> Response {
    let mut response = arm_error(StatusCode::UNAUTHORIZED, code, message);
    if let Ok(v) = format!(
        "Bearer authorization_uri=\"{}/{tenant_id}\", error=\"invalid_token\"",
        shared.urls.login
    )
    .parse()
    {
        response.headers_mut().insert("www-authenticate", v);
    }
    response
}

/// Who is calling: the token's principal in the directory the token was issued in.
struct Caller {
    tenant_id: String,
    member: Member,
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Response> {
    let home = shared.world().azure.tenant_id.clone();
    let unauthorized = |code: &str, message: &str| unauthorized(shared, &home, code, message);
    let Some(token) = bearer(headers) else {
        return Err(unauthorized(
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        ));
    };
    let claims = match shared.signer.verify(token) {
        Ok(claims) => claims,
        Err(TokenProblem::Malformed) => {
            return Err(unauthorized(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
            ));
        }
        Err(TokenProblem::BadSignature) => {
            return Err(unauthorized(
                "InvalidAuthenticationToken",
                "The access token has an invalid signature.",
            ));
        }
    };
    let audience = claims["aud"].as_str().unwrap_or("");
    if !management_audiences(shared).iter().any(|a| a == audience) {
        return Err(unauthorized(
            "InvalidAuthenticationTokenAudience",
            &format!(
                "The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'."
            ),
        ));
    }
    let now = shared.clock.now_secs();
    let early = shared
        .faults()
        .token_lifetime_secs
        .is_some_and(|life| now >= claims["iat"].as_i64().unwrap_or(0) + life as i64);
    if now >= claims["exp"].as_i64().unwrap_or(0) || early {
        return Err(unauthorized(
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
        ));
    }
    let oid = claims["oid"].as_str().unwrap_or("");
    let tid = claims["tid"].as_str().unwrap_or("");
    let world = shared.world();
    if world.directory(tid).is_none_or(|d| d.tenant_id != tid) {
        drop(world);
        return Err(unauthorized(
            "InvalidAuthenticationTokenTenant",
            "The access token is from the wrong issuer. It must match the tenant associated with this subscription.",
        ));
    }
    let member = world.member_by_object_id(tid, oid);
    drop(world);
    match member {
        Some(member) => Ok(Caller {
            tenant_id: tid.to_owned(),
            member,
        }),
        None => Err(unauthorized(
            "InvalidAuthenticationToken",
            "The access token's principal does not exist in this tenant.",
        )),
    }
}

/// A subscription of another directory than the token's answers as Resource Manager does: 401, naming
/// the authority to get a token from.
fn check_subscription_tenant(ctx: &Ctx, sub: &str) -> Result<(), Response> {
    let Some(owner) = ctx
        .shared
        .world()
        .subscription(sub)
        .map(|s| s.tenant_id.clone())
    else {
        return Ok(());
    };
    if owner == ctx.tenant_id {
        return Ok(());
    }
    let sts = |tenant: &str| format!("https://sts.windows.net/{tenant}/");
    Err(unauthorized(
        ctx.shared,
        &owner,
        "InvalidAuthenticationTokenTenant",
        &format!(
            "The access token is from the wrong issuer '{}'. It must match the tenant '{}' associated with this subscription. Please use the authority (URL) '{}/{owner}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.",
            sts(&ctx.tenant_id),
            sts(&owner),
            ctx.shared.urls.login
        ),
    ))
}

/// Routes every Resource Manager request.
pub async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let correlation = headers.get("x-ms-correlation-request-id").cloned();
    let echo = |mut response: Response| {
        // ARM echoes a client-chosen correlation id, so clients can quote their own id to the user.
        if let Some(id) = &correlation {
            response
                .headers_mut()
                .insert("x-ms-correlation-request-id", id.clone());
        }
        // Every answer is dated by the sandbox's clock (RFC 9110 §6.6.1), not the machine's: clients that
        // compute expiry times Azure checks (a partner authorization) read Azure's time from it.
        if let Ok(date) = crate::clock::http_date(shared.clock.now_ms()).parse() {
            response.headers_mut().insert("date", date);
        }
        with_arm_headers(response)
    };
    let caller = match authenticate(&shared, &headers) {
        Ok(caller) => caller,
        Err(response) => return echo(response),
    };
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| crate::http_util::percent_decode(s).unwrap_or_else(|_| s.to_owned()))
        .collect();
    let ctx = Ctx {
        shared: &shared,
        method,
        segments,
        query,
        body,
        object_id: caller.member.object_id,
        role: caller.member.role,
        tenant_id: caller.tenant_id,
        user: caller.member.user,
    };
    let response = route(&ctx).unwrap_or_else(|response| response);
    echo(response)
}

fn no_route(ctx: &Ctx) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "NoRegisteredProviderFound",
        &format!(
            "No registered resource provider found for path '/{}' and method '{}'.",
            ctx.segments.join("/"),
            ctx.method
        ),
    )
}

fn route(ctx: &Ctx) -> Result<Response, Response> {
    let lower: Vec<String> = ctx
        .segments
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    match l.as_slice() {
        ["tenants"] => resources::tenants(ctx),
        ["subscriptions"] => resources::subscriptions(ctx),
        [
            "providers",
            "microsoft.eventgrid",
            "verifiedpartners",
            rest @ ..,
        ] if rest.len() <= 1 => eventgrid::partner_configurations::verified_partners(
            ctx,
            rest.first().map(|_| ctx.seg(3)),
        ),
        ["subscriptions", _, rest @ ..] => subscription_scoped(ctx, rest),
        _ => Ok(no_route(ctx)),
    }
}

fn subscription_scoped(ctx: &Ctx, rest: &[&str]) -> Result<Response, Response> {
    let sub = ctx.seg(1).to_owned();
    check_subscription_tenant(ctx, &sub)?;
    if rest.is_empty() {
        return resources::subscription(ctx, &sub);
    }
    if ctx.shared.world().subscription(&sub).is_none() {
        return Err(arm_error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            &format!("The subscription '{sub}' could not be found."),
        ));
    }
    match rest {
        ["providers"] => resources::providers(ctx, &sub),
        ["providers", "microsoft.eventgrid", "partnertopics"] => {
            eventgrid::partner_topics::list_topics(ctx, &sub, None)
        }
        [
            "providers",
            "microsoft.eventgrid",
            "locations",
            _,
            "operationsstatus",
            _,
        ] => eventgrid::operations::operation_status(ctx, &sub, ctx.seg(7)),
        [
            "providers",
            "microsoft.eventgrid",
            "locations",
            _,
            "operationresults",
            _,
        ] => eventgrid::operations::operation_result(ctx, ctx.seg(7)),
        ["providers", provider, resource_type]
            if Parent::from_segments(provider, resource_type).is_some() =>
        {
            let parent = Parent::from_segments(provider, resource_type).expect("matched");
            destinations::list_parents(ctx, &sub, parent)
        }
        ["providers", _] => resources::provider(ctx, &sub, ctx.seg(3)),
        ["providers", _, action @ ("register" | "unregister")] => {
            resources::register(ctx, &sub, ctx.seg(3), action == &"register")
        }
        ["operationresults", _] => resources::operation_result(ctx, ctx.seg(3)),
        ["resourcegroups"] => resources::list_groups(ctx, &sub),
        ["resourcegroups", _] => resources::group(ctx, &sub, ctx.seg(3)),
        ["resourcegroups", _, "resources"] => resources::group_resources(ctx, &sub, ctx.seg(3)),
        [
            "resourcegroups",
            _,
            "providers",
            provider,
            resource_type,
            _,
            tail @ ..,
        ] if Parent::from_segments(provider, resource_type)
            .and_then(|p| p.collection(tail))
            .is_some() =>
        {
            let parent = Parent::from_segments(provider, resource_type).expect("matched");
            let collection = parent.collection(tail).expect("matched");
            let (rg, name) = (ctx.seg(3).to_owned(), ctx.seg(7).to_owned());
            destinations::list_children(ctx, &sub, &rg, parent, &name, collection)
        }
        [
            "resourcegroups",
            _,
            "providers",
            "microsoft.eventgrid",
            tail @ ..,
        ] => {
            let rg = ctx.seg(3).to_owned();
            eventgrid::route(ctx, &sub, &rg, tail)
        }
        _ => Ok(no_route(ctx)),
    }
}
