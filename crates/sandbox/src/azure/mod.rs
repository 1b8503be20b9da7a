//! The emulated Azure: the Microsoft identity platform (its own host) and Azure Resource Manager (another
//! host). Resource Manager paths are case-insensitive, so they are dispatched by hand from path segments.

pub mod arm;
mod destinations;
pub mod eventgrid;
mod identity;
pub mod metrics;
mod request;
mod resources;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::shared::Shared;

pub fn login_router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(identity::authorize_page).post(identity::authorize_submit),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(identity::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(identity::device_code),
        )
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(identity::discovery),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(identity::keys))
        .route(
            "/common/discovery/instance",
            get(identity::instance_discovery),
        )
        .route(
            "/devicelogin",
            get(identity::devicelogin_page).post(identity::devicelogin_submit),
        )
        .fallback(not_found)
}

async fn not_found() -> axum::response::Response {
    crate::http_util::aad_error(
        axum::http::StatusCode::NOT_FOUND,
        "invalid_request",
        900_561,
        "The endpoint does not exist on the identity platform.",
    )
}

pub fn management_router() -> Router<Arc<Shared>> {
    Router::new().fallback(arm::dispatch)
}
