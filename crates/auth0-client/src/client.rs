//! The Management API client. Every call goes through the shared retrying transport; a 401 renews the token
//! once (it may have expired mid-run) before giving up.

use std::sync::Arc;

use cloud_http::{Idempotency, Secret, Transport, parse_endpoint};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use url::Url;

use crate::error::Auth0Error;
use crate::model::{LogEntry, LogStream, LogStreamStatus, LogStreamUpdate, NewEventGridStream};
use crate::pacing::{Pacer, pacer_for};
use crate::token::{
    CachedToken, TokenErrorResponse, TokenResponse, granted_scopes, jwt_expiry, scope_from_message,
};

/// Scopes the setup cannot do without; `update:log_streams` is asked for only when a stream must be resumed.
pub const REQUIRED_SCOPES: [&str; 2] = ["read:log_streams", "create:log_streams"];

#[derive(Clone)]
pub enum Auth0Credentials {
    /// A machine-to-machine application authorized for the Management API.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    /// A Management API token pasted from the dashboard; cannot be renewed.
    ManagementToken(Secret),
}

impl std::fmt::Debug for Auth0Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
            Self::ManagementToken(_) => f.write_str("ManagementToken(***)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Auth0Client {
    base: Url,
    audience: String,
    credentials: Auth0Credentials,
    transport: Transport,
    token: Arc<Mutex<Option<CachedToken>>>,
    /// The tenant's Management API pacing, shared with every other client of the tenant in the process.
    pacer: Arc<Pacer>,
}

#[derive(Deserialize)]
struct ApiErrorBody {
    error: Option<String>,
    message: Option<String>,
    #[serde(rename = "errorCode")]
    error_code: Option<String>,
}

impl Auth0Client {
    /// `domain` is the tenant's domain ("acme.eu.auth0.com", a custom domain) or, for the sandbox, a loopback
    /// base URL. The audience is `https://{domain}/api/v2/` unless given (custom domains need the canonical one).
    pub fn new(
        domain: &str,
        audience: Option<String>,
        credentials: Auth0Credentials,
        transport: Transport,
    ) -> Result<Self, Auth0Error> {
        let base = parse_endpoint("auth0_domain", domain)?;
        let audience = audience.unwrap_or_else(|| format!("{base}api/v2/"));
        let pacer = pacer_for(&format!(
            "{}:{}",
            base.host_str().unwrap_or_default(),
            base.port_or_known_default().unwrap_or_default()
        ));
        Ok(Self {
            pacer,
            base,
            audience,
            credentials,
            transport,
            token: Arc::new(Mutex::new(None)),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The Management API audience; its host is the tenant's canonical domain even behind a custom domain.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The granted scopes, when the token says (a JWT). Acquires a token if needed.
    pub async fn scopes(&self) -> Result<Option<Vec<String>>, Auth0Error> {
        Ok(self.token(false).await?.scopes)
    }

    /// Fails with `MissingScope` naming the first of `needed` the token lacks; silent for opaque tokens.
    pub async fn require_scopes(&self, needed: &[&str]) -> Result<(), Auth0Error> {
        let Some(granted) = self.scopes().await? else {
            return Ok(());
        };
        match needed.iter().find(|s| !granted.iter().any(|g| g == *s)) {
            Some(scope) => Err(Auth0Error::MissingScope {
                scope: (*scope).to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// Every log stream of the tenant. Streams are decoded one by one: one this client cannot read (another
    /// stream type's shape, a field Auth0 changed) is left out and logged, not fatal for the others.
    pub async fn list_log_streams(&self) -> Result<Vec<LogStream>, Auth0Error> {
        let response = self
            .call(
                Method::GET,
                "api/v2/log-streams",
                None,
                Idempotency::Idempotent,
            )
            .await?;
        decode_each(response, "log stream").await
    }

    pub async fn get_log_stream(&self, id: &str) -> Result<Option<LogStream>, Auth0Error> {
        let path = format!("api/v2/log-streams/{}", encode(id));
        let response = self
            .call(Method::GET, &path, None, Idempotency::Idempotent)
            .await;
        match response {
            Err(Auth0Error::Api { status: 404, .. }) => Ok(None),
            other => decode(other?, "log stream").await.map(Some),
        }
    }

    /// Creates the stream. Not idempotent: a lost answer is resolved by listing again, never by resending.
    pub async fn create_event_grid_stream(
        &self,
        stream: &NewEventGridStream,
    ) -> Result<LogStream, Auth0Error> {
        let body = serde_json::to_value(stream).map_err(|e| Auth0Error::Decode {
            context: "create body",
            detail: e.to_string(),
        })?;
        let response = self
            .call(
                Method::POST,
                "api/v2/log-streams",
                Some(body),
                Idempotency::NotIdempotent,
            )
            .await?;
        decode(response, "created log stream").await
    }

    /// Resumes a paused or suspended stream (`suspended` cannot be set by clients, only left).
    pub async fn set_log_stream_status(
        &self,
        id: &str,
        status: LogStreamStatus,
    ) -> Result<LogStream, Auth0Error> {
        self.update_log_stream(
            id,
            &LogStreamUpdate {
                status: Some(status),
                filters: None,
            },
        )
        .await
    }

    /// `PATCH /log-streams/{id}` with the fields that are set (the sink cannot be changed this way).
    pub async fn update_log_stream(
        &self,
        id: &str,
        update: &LogStreamUpdate,
    ) -> Result<LogStream, Auth0Error> {
        let path = format!("api/v2/log-streams/{}", encode(id));
        let body = serde_json::to_value(update).map_err(|e| Auth0Error::Decode {
            context: "update body",
            detail: e.to_string(),
        })?;
        let response = self
            .call(Method::PATCH, &path, Some(body), Idempotency::Idempotent)
            .await?;
        decode(response, "updated log stream").await
    }

    pub async fn delete_log_stream(&self, id: &str) -> Result<(), Auth0Error> {
        let path = format!("api/v2/log-streams/{}", encode(id));
        match self
            .call(Method::DELETE, &path, None, Idempotency::Idempotent)
            .await
        {
            Ok(_) | Err(Auth0Error::Api { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Log search (`q` in Auth0's query syntax, e.g. `type:seccft`), newest first, at most `per_page` (≤ 100).
    pub async fn search_logs(&self, q: &str, per_page: u8) -> Result<Vec<LogEntry>, Auth0Error> {
        let per_page = per_page.clamp(1, 100).to_string();
        let mut url = self.url("api/v2/logs")?;
        url.query_pairs_mut()
            .append_pair("q", q)
            .append_pair("per_page", &per_page)
            .append_pair("sort", "date:-1");
        let response = self
            .call_url(Method::GET, url, None, Idempotency::Idempotent)
            .await?;
        decode_each(response, "log entry").await
    }

    fn url(&self, path: &str) -> Result<Url, Auth0Error> {
        self.base.join(path).map_err(|e| Auth0Error::Decode {
            context: "request URL",
            detail: e.to_string(),
        })
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<Response, Auth0Error> {
        let url = self.url(path)?;
        self.call_url(method, url, body, idempotency).await
    }

    async fn call_url(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<Response, Auth0Error> {
        let mut renewed = false;
        loop {
            let token = self.token(renewed).await?;
            let client = self.transport.client().clone();
            let make = || {
                let request = client
                    .request(method.clone(), url.clone())
                    .bearer_auth(token.value.expose());
                match &body {
                    Some(json) => request.json(json),
                    None => request,
                }
            };
            self.pacer.wait_turn(self.transport.clock().as_ref()).await;
            let response = self.transport.send(&make, idempotency).await?;
            self.pacer.observe(response.headers());
            if response.status() == StatusCode::UNAUTHORIZED && !renewed && self.can_renew() {
                renewed = true;
                continue;
            }
            return check(response).await;
        }
    }

    fn can_renew(&self) -> bool {
        matches!(self.credentials, Auth0Credentials::ClientCredentials { .. })
    }

    /// The cached token, or a new one when it is about to expire or `force` says the server refused it.
    async fn token(&self, force: bool) -> Result<CachedToken, Auth0Error> {
        let mut slot = self.token.lock().await;
        let now = self.transport.clock().now();
        if let Some(token) = slot.as_ref().filter(|t| !force && t.is_fresh(now)) {
            return Ok(token.clone());
        }
        let fresh = match &self.credentials {
            Auth0Credentials::ManagementToken(value) => CachedToken {
                scopes: granted_scopes(value.expose()),
                expires_at: jwt_expiry(value.expose()),
                value: value.clone(),
            },
            Auth0Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => self.request_token(client_id, client_secret).await?,
        };
        *slot = Some(fresh.clone());
        Ok(fresh)
    }

    async fn request_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<CachedToken, Auth0Error> {
        let url = self.url("oauth/token")?;
        let client = self.transport.client().clone();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret.expose()),
            ("audience", self.audience.as_str()),
        ];
        let make = || client.post(url.clone()).form(&form);
        // Asking twice for a token is harmless, so the exchange counts as idempotent.
        let response = self.transport.send(&make, Idempotency::Idempotent).await?;
        let status = response.status();
        if matches!(status.as_u16(), 400 | 401 | 403) {
            let body: Option<TokenErrorResponse> = response.json().await.ok();
            let message = body
                .map(|b| {
                    let error = b.error.unwrap_or_default();
                    let description = b.error_description.unwrap_or_default();
                    format!("{error}: {description}")
                        .trim_matches([':', ' '])
                        .to_owned()
                })
                .unwrap_or_else(|| status.to_string());
            return Err(Auth0Error::InvalidCredentials { message });
        }
        let response = check(response).await?;
        let token: TokenResponse = decode(response, "token").await?;
        let now = self.transport.clock().now();
        let scopes = token
            .scope
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .or_else(|| granted_scopes(token.access_token.expose()));
        Ok(CachedToken {
            expires_at: token
                .expires_in
                .map(|s| now + std::time::Duration::from_secs(s)),
            scopes,
            value: token.access_token,
        })
    }
}

fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// The header Auth0 names each request with in its answers (`X-Auth0-RequestId`). Auth0's public
/// documentation does not describe it; its answers carry it, and its support asks for it.
const REQUEST_ID_HEADER: &str = "x-auth0-requestid";

async fn check(response: Response) -> Result<Response, Auth0Error> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Auth0Error::RateLimited);
    }
    let request_id = response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.unwrap_or_default();
    let body: Option<ApiErrorBody> = serde_json::from_str(&text).ok();
    let (error, message, error_code) = match body {
        Some(b) => (
            b.error
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_owned()),
            b.message.unwrap_or_default(),
            b.error_code,
        ),
        None => (
            status.canonical_reason().unwrap_or("").to_owned(),
            text.chars().take(300).collect(),
            None,
        ),
    };
    if status == StatusCode::FORBIDDEN
        && let Some(scope) = scope_from_message(&message)
    {
        return Err(Auth0Error::MissingScope { scope });
    }
    if status == StatusCode::UNAUTHORIZED {
        return Err(Auth0Error::Unauthorized { message });
    }
    Err(Auth0Error::Api {
        status: status.as_u16(),
        error,
        message,
        error_code,
        request_id,
    })
}

async fn decode<T: DeserializeOwned>(
    response: Response,
    context: &'static str,
) -> Result<T, Auth0Error> {
    let bytes = response.bytes().await.map_err(|e| Auth0Error::Decode {
        context,
        detail: cloud_http::error_text(e),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Auth0Error::Decode {
        context,
        detail: e.to_string(),
    })
}

/// A JSON array read item by item: items that do not decode are left out and reported through `tracing`
/// (with their `id` or `log_id`), so one odd entry never costs the whole page.
async fn decode_each<T: DeserializeOwned>(
    response: Response,
    kind: &'static str,
) -> Result<Vec<T>, Auth0Error> {
    let items: Vec<serde_json::Value> = decode(response, kind).await?;
    Ok(items
        .into_iter()
        .filter_map(|raw| {
            let id = ["id", "log_id"]
                .iter()
                .find_map(|k| raw.get(*k).and_then(|v| v.as_str()))
                .unwrap_or("?")
                .to_owned();
            serde_json::from_value(raw)
                .map_err(|error| {
                    tracing::warn!(kind, id, %error, "an item of an Auth0 list could not be read and was left out");
                })
                .ok()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_print_the_secret() {
        let creds = Auth0Credentials::ClientCredentials {
            client_id: "abc".into(),
            client_secret: Secret::new("s3cr3t"),
        };
        let text = format!("{creds:?}");
        assert!(text.contains("abc") && !text.contains("s3cr3t"));
        assert!(!format!("{:?}", Auth0Credentials::ManagementToken("tok".into())).contains("tok"));
    }
}
