//! What a Resource Manager handler works with: the authenticated request ([`Ctx`]: segments, query,
//! body, caller and role, with the api-version and write-permission checks), the api-versions each
//! resource family supports, and ARM's answer shapes (JSON, paged lists). Its own module so the handlers
//! and the front door that routes to them (`arm.rs`) both import it, and no handler imports the router.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::http_util::arm_error;
use crate::shared::Shared;

pub const SUBSCRIPTIONS_API: &[&str] = &["2022-12-01", "2021-01-01", "2020-01-01", "2016-06-01"];
pub const RESOURCES_API: &[&str] = &[
    "2025-04-01",
    "2025-03-01",
    "2024-11-01",
    "2024-07-01",
    "2024-03-01",
    "2022-09-01",
    "2021-04-01",
];
pub const EVENTGRID_API: &[&str] = &[
    "2025-02-15",
    "2025-04-01-preview",
    "2024-12-15-preview",
    "2024-06-01-preview",
    "2023-12-15-preview",
    "2023-06-01-preview",
    "2022-06-15",
];
/// Microsoft.EventHub (namespaces, event hubs).
pub const EVENTHUB_API: &[&str] = &[
    "2024-01-01",
    "2022-10-01-preview",
    "2021-11-01",
    "2017-04-01",
];
/// Microsoft.Storage (storage accounts, queues).
pub const STORAGE_API: &[&str] = &["2024-01-01", "2023-05-01", "2023-01-01", "2022-09-01"];
/// Microsoft.ServiceBus (namespaces, queues, topics).
pub const SERVICEBUS_API: &[&str] = &["2021-11-01", "2022-10-01-preview", "2017-04-01"];
/// Microsoft.Web (sites, functions).
pub const WEB_API: &[&str] = &["2024-04-01", "2023-12-01", "2023-01-01", "2022-09-01"];
pub const METRICS_API: &[&str] = &[
    "2023-10-01",
    "2024-02-01",
    "2021-05-01",
    "2019-07-01",
    "2018-01-01",
];

/// An authenticated Resource Manager request.
pub struct Ctx<'a> {
    pub shared: &'a Arc<Shared>,
    pub method: Method,
    pub segments: Vec<String>,
    pub query: HashMap<String, String>,
    pub body: Bytes,
    pub object_id: String,
    pub role: String,
    /// The directory the token was issued in (its `tid`).
    pub tenant_id: String,
    /// The signed-in user's name (also for a guest object); `None` for a service principal.
    pub user: Option<String>,
}

impl Ctx<'_> {
    /// Lowercased segment `i`.
    pub fn seg(&self, i: usize) -> &str {
        self.segments.get(i).map(String::as_str).unwrap_or("")
    }

    /// The api-version check: missing or unsupported versions are refused with ARM's codes.
    pub fn api_version(&self, supported: &[&str], resource_type: &str) -> Result<(), Response> {
        let Some(version) = self.query.get("api-version") else {
            return Err(arm_error(
                StatusCode::BAD_REQUEST,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            ));
        };
        if supported.contains(&version.as_str()) {
            return Ok(());
        }
        Err(arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            &format!(
                "The api-version '{version}' is invalid. The supported versions for resource type '{resource_type}' are '{}'.",
                supported.join(",")
            ),
        ))
    }

    /// Refuses a write by a principal without Contributor (or Owner) rights.
    pub fn require_write(&self, action: &str, scope: &str) -> Result<(), Response> {
        if matches!(self.role.as_str(), "Owner" | "Contributor") {
            return Ok(());
        }
        Err(arm_error(
            StatusCode::FORBIDDEN,
            "AuthorizationFailed",
            &format!(
                "The client '{oid}' with object id '{oid}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                oid = self.object_id
            ),
        ))
    }

    pub fn json_body(&self) -> Result<Value, Response> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(serde_json::Map::new()));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            arm_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContent",
                &format!("The request content was invalid and could not be deserialized: '{e}'."),
            )
        })
    }
}

/// A list answer paged as ARM pages: `$top` items per page (default 100) and a `nextLink` carrying
/// `$skiptoken` while more remain.
pub fn paged(ctx: &Ctx, items: Vec<Value>) -> Response {
    paged_by(ctx, items, 100)
}

/// [`paged`] with another page size when the client names none (Azure picks its own per list).
pub fn paged_by(ctx: &Ctx, items: Vec<Value>, page_size: usize) -> Response {
    let top: usize = ctx
        .query
        .get("$top")
        .and_then(|t| t.parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(page_size);
    let skip: usize = ctx
        .query
        .get("$skiptoken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(skip).take(top).collect();
    let mut body = serde_json::json!({ "value": page });
    if skip + top < total {
        let mut query: Vec<String> = ctx
            .query
            .iter()
            .filter(|(k, _)| k.as_str() != "$skiptoken")
            .map(|(k, v)| format!("{k}={}", crate::http_util::percent_encode(v)))
            .collect();
        query.sort();
        query.push(format!("$skiptoken={}", skip + top));
        body["nextLink"] = serde_json::json!(format!(
            "{}/{}?{}",
            ctx.shared.urls.management,
            ctx.segments.join("/"),
            query.join("&")
        ));
    }
    json(StatusCode::OK, body)
}

/// Response helper: JSON with a status.
pub fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// The scope string of a subscription and group, for error messages.
pub fn group_scope(sub: &str, rg: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}")
}
