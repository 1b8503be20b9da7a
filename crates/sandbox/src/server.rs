//! Starting, wiring and stopping a sandbox: binds one loopback port per emulated host (Auth0 tenant, the
//! tenant's custom domain, identity platform, Resource Manager), mounts the admin surface under `/_sandbox/` on each, records every
//! emulated-API request, injects faults, and runs the event pipeline and the state saver in the background.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::clock::{Clock, rfc3339_ms};
use crate::config::SandboxConfig;
use crate::error::Error;
use crate::faults::{Decision, FaultRule, Faults};
use crate::http_util::{aad_error, arm_error, auth0_error};
use crate::pipeline::{self, work::PipelineJob};
use crate::shared::{RequestRecord, Shared, SimulationKind, Urls};
use crate::state::World;
use crate::tokens::TokenSigner;

/// What a client needs to talk to a running sandbox. Printed by the binary as one JSON line.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SandboxInfo {
    /// Base URL of the Auth0 tenant (`/oauth/token`, `/api/v2/...`, `/authorize`): its canonical domain.
    pub auth0_domain: String,
    /// Base URL of the same tenant reached through a custom domain. Tokens requested there carry it as their
    /// issuer and are accepted only by the Management API at this address; the Management API audience stays
    /// the canonical one (`{auth0_domain}/api/v2/`).
    #[serde(default)]
    pub auth0_custom_domain: String,
    /// Base URL of the Microsoft identity platform (`/{tenant}/oauth2/v2.0/...`).
    pub azure_authority: String,
    /// Base URL of Azure Resource Manager.
    pub azure_management: String,
    /// The seeded machine-to-machine application granted the log-stream and `read:logs` scopes.
    pub auth0_client_id: String,
    pub auth0_client_secret: String,
    pub azure_tenant_id: String,
    /// The seeded service principal with Contributor rights on the seeded subscription.
    pub azure_client_id: String,
    pub azure_client_secret: String,
    /// The seeded subscription.
    pub subscription_id: String,
    /// The seeded interactive users (sandbox-only passwords).
    pub users: Vec<SeededUserInfo>,
    /// Base URL of the admin surface (`{admin_url}/state`, `{admin_url}/requests`, ...).
    pub admin_url: String,
    /// This run's admin token, new at every start: every write to the admin surface (a POST, PUT or DELETE
    /// under `{admin_url}`, but an inbox receiving events) carries it in the `x-sandbox-admin-token` header.
    #[serde(default)]
    pub admin_token: String,
    /// A second service principal with only Reader rights.
    pub azure_reader_client_id: String,
    pub azure_reader_client_secret: String,
    /// The second Azure directory, where the seeded users (not the service principals) are guests with
    /// Contributor rights on its subscription; `None` when seeding it was turned off.
    #[serde(default)]
    pub azure_guest_directory: Option<GuestDirectoryInfo>,
}

/// The second Azure directory, as [`SandboxInfo`] shows it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct GuestDirectoryInfo {
    pub tenant_id: String,
    /// Its `*.onmicrosoft.com` domain, accepted wherever the tenant id is.
    pub domain: String,
    /// What Resource Manager's `GET /tenants` calls it (`Fabrikam Partners`).
    pub display_name: String,
    /// Its subscription.
    pub subscription_id: String,
    pub subscription_name: String,
    /// The seeded users who are its guests.
    pub guests: Vec<String>,
}

/// An interactive user who can sign in on both clouds' login pages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SeededUserInfo {
    pub name: String,
    pub password: String,
    /// Azure role on the seeded subscription (Owner, Contributor or Reader).
    pub azure_role: String,
}

/// Entry point.
pub struct Sandbox;

/// A started sandbox. [`RunningSandbox::shutdown`] stops it and waits; dropping it stops it too.
pub struct RunningSandbox {
    info: SandboxInfo,
    handle: SandboxHandle,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Controls a running sandbox from the embedding code: clock, faults, simulations, inspection.
#[derive(Clone)]
pub struct SandboxHandle {
    pub(crate) shared: Arc<Shared>,
}

impl Sandbox {
    /// Binds the ports, seeds (or loads) the world, and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, Error> {
        let (auth0_listener, login_listener, management_listener, custom_domain_listener) =
            bind(&config).await?;
        let base = |l: &TcpListener| -> Result<String, Error> {
            let addr = l.local_addr().map_err(|source| Error::Listen {
                address: config.listen_ip.to_string(),
                source,
            })?;
            Ok(format!("http://{}", format_addr(addr)))
        };
        let urls = Urls {
            auth0: base(&auth0_listener)?,
            auth0_custom_domain: base(&custom_domain_listener)?,
            login: base(&login_listener)?,
            management: base(&management_listener)?,
        };
        let world = match &config.state_file {
            Some(path) => match crate::persist::load(path)? {
                Some(mut world) => {
                    world.complete(&config);
                    world
                }
                None => World::seeded(&config),
            },
            None => World::seeded(&config),
        };
        let clock = if config.frozen_clock {
            Clock::frozen()
        } else {
            Clock::running()
        };
        let (pipeline_tx, pipeline_rx) = mpsc::unbounded_channel();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::HttpClient(e.to_string()))?;
        let shared = Arc::new(Shared::new(
            config,
            clock,
            TokenSigner::random()?,
            urls,
            world,
            pipeline_tx,
            http,
        )?);
        let info = sandbox_info(&shared);
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let routers = [
            (auth0_listener, crate::auth0::router(), "auth0"),
            (custom_domain_listener, crate::auth0::router(), "auth0"),
            (login_listener, crate::azure::login_router(), "login"),
            (
                management_listener,
                crate::azure::management_router(),
                "management",
            ),
        ];
        for (listener, router, cloud) in routers {
            let app = router
                .layer(middleware::from_fn_with_state(
                    (shared.clone(), cloud),
                    emulated_api,
                ))
                .merge(crate::admin::router(&shared))
                .with_state(shared.clone());
            let mut stop_rx = stop_rx.clone();
            tasks.push(tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stop_rx.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    tracing::error!("sandbox server stopped: {e}");
                }
            }));
        }
        tasks.push(tokio::spawn(pipeline::run(
            shared.clone(),
            pipeline_rx,
            stop_rx.clone(),
        )));
        if shared.config.state_file.is_some() {
            tasks.push(tokio::spawn(crate::persist::saver(shared.clone(), stop_rx)));
            shared.mark_dirty();
        }
        Ok(RunningSandbox {
            info,
            handle: SandboxHandle { shared },
            stop,
            tasks,
        })
    }
}

/// The listeners of the Auth0 tenant, the identity platform, Resource Manager and the tenant's custom domain:
/// ports P to P+3 when a port P is asked for; with 0, four consecutive free ports, so that a later start that
/// asks for the same P (a restarted app keeping its world) gets every host back at its old address.
async fn bind(
    config: &SandboxConfig,
) -> Result<(TcpListener, TcpListener, TcpListener, TcpListener), Error> {
    if config.port == 0 {
        for _ in 0..64 {
            if let Some(block) = free_block(config.listen_ip).await {
                return Ok(block);
            }
        }
    }
    let listen = |port: u16| listen(config.listen_ip, port);
    let next = |n: u16| {
        if config.port == 0 {
            0
        } else {
            config.port.saturating_add(n)
        }
    };
    Ok((
        listen(next(0)).await?,
        listen(next(1)).await?,
        listen(next(2)).await?,
        listen(next(3)).await?,
    ))
}

async fn listen(ip: IpAddr, port: u16) -> Result<TcpListener, Error> {
    let address = SocketAddr::new(ip, port);
    TcpListener::bind(address)
        .await
        .map_err(|source| Error::Listen {
            address: address.to_string(),
            source,
        })
}

/// A free port chosen by the system and the three after it, if those are free too.
async fn free_block(ip: IpAddr) -> Option<(TcpListener, TcpListener, TcpListener, TcpListener)> {
    let first = listen(ip, 0).await.ok()?;
    let port = first.local_addr().ok()?.port();
    if port > u16::MAX - 3 {
        return None;
    }
    Some((
        first,
        listen(ip, port + 1).await.ok()?,
        listen(ip, port + 2).await.ok()?,
        listen(ip, port + 3).await.ok()?,
    ))
}

fn format_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => v4.to_string(),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    }
}

fn sandbox_info(shared: &Shared) -> SandboxInfo {
    let world = shared.world();
    let contributor = world
        .azure
        .principals
        .iter()
        .find(|p| !p.is_user && p.role == "Contributor");
    let reader = world
        .azure
        .principals
        .iter()
        .find(|p| !p.is_user && p.role == "Reader");
    SandboxInfo {
        auth0_domain: shared.urls.auth0.clone(),
        auth0_custom_domain: shared.urls.auth0_custom_domain.clone(),
        azure_authority: shared.urls.login.clone(),
        azure_management: shared.urls.management.clone(),
        auth0_client_id: world.auth0.m2m_client_id.clone(),
        auth0_client_secret: world.auth0.m2m_client_secret.clone(),
        azure_tenant_id: world.azure.tenant_id.clone(),
        azure_client_id: contributor.map(|p| p.client_id.clone()).unwrap_or_default(),
        azure_client_secret: contributor.map(|p| p.secret.clone()).unwrap_or_default(),
        subscription_id: world
            .azure
            .subscriptions
            .first()
            .map(|s| s.subscription_id.clone())
            .unwrap_or_default(),
        users: world
            .auth0
            .users
            .iter()
            .map(|u| SeededUserInfo {
                name: u.name.clone(),
                password: u.password.clone(),
                azure_role: u.azure_role.clone(),
            })
            .collect(),
        admin_url: format!("{}/_sandbox", shared.urls.auth0),
        admin_token: shared.admin_token.clone(),
        azure_reader_client_id: reader.map(|p| p.client_id.clone()).unwrap_or_default(),
        azure_reader_client_secret: reader.map(|p| p.secret.clone()).unwrap_or_default(),
        azure_guest_directory: world.azure.guest_directories.first().map(|d| {
            let subscription = world
                .azure
                .subscriptions
                .iter()
                .find(|s| s.tenant_id == d.tenant_id);
            GuestDirectoryInfo {
                tenant_id: d.tenant_id.clone(),
                domain: d.domain.clone(),
                display_name: d.display_name.clone(),
                subscription_id: subscription
                    .map(|s| s.subscription_id.clone())
                    .unwrap_or_default(),
                subscription_name: subscription
                    .map(|s| s.display_name.clone())
                    .unwrap_or_default(),
                guests: d.guests.iter().map(|g| g.user.clone()).collect(),
            }
        }),
    }
}

/// Middleware on every emulated API: injects faults, records the request, schedules a state save.
async fn emulated_api(
    State((shared, cloud)): State<(Arc<Shared>, &'static str)>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let decisions = shared.faults().decide(cloud, method.as_str(), &path);
    let mut injected = None;
    let mut dropped = None;
    for decision in decisions {
        match decision {
            Decision::Delay(delay) => tokio::time::sleep(delay).await,
            Decision::TooManyRequests(secs) => {
                injected = Some(too_many(cloud, Some(secs), shared.clock.now_secs()))
            }
            Decision::TooManyRequestsWithoutRetryAfter => {
                injected = Some(too_many(cloud, None, shared.clock.now_secs()))
            }
            Decision::ServerError(status) => injected = Some(server_error(cloud, status)),
            Decision::DropConnection { handled, delay } => dropped = Some((handled, delay)),
        }
    }
    let write = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let record = |status: u16| {
        let mut requests = shared.requests();
        let seq = requests.len() as u64 + 1;
        requests.push(RequestRecord {
            seq,
            at: rfc3339_ms(shared.clock.now_ms()),
            cloud: cloud.to_owned(),
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status,
            write,
        });
    };
    if let Some((handled, delay)) = dropped {
        // Handled: the request takes effect and is logged with the answer the client never sees.
        if handled {
            let response = next.run(request).await;
            record(response.status().as_u16());
            if write {
                shared.mark_dirty();
            }
        }
        tokio::time::sleep(delay).await;
        return dropped_connection();
    }
    let response = match injected {
        Some(response) => response,
        None => next.run(request).await,
    };
    record(response.status().as_u16());
    if write {
        shared.mark_dirty();
    }
    response
}

/// A response whose body fails before its first byte: hyper then closes the connection without writing
/// anything, so the client sees the connection end with no answer.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped (injected by the sandbox)",
        ))
    });
    Response::new(axum::body::Body::from_stream(failing))
}

/// A 429; `retry_after` `None` leaves out every header saying how long to wait.
fn too_many(cloud: &str, retry_after: Option<u64>, now_secs: i64) -> Response {
    let mut response = match cloud {
        "auth0" => auth0_error(
            StatusCode::TOO_MANY_REQUESTS,
            "Global limit has been reached",
            Some("too_many_requests"),
        ),
        "login" => aad_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            90055,
            "The request was throttled. Retry after the interval in the Retry-After header.",
        ),
        _ => arm_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "The request is being throttled. Retry after the interval in the Retry-After header.",
        ),
    };
    let Some(retry_after) = retry_after else {
        return response;
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert("retry-after", value);
    }
    if cloud == "auth0" {
        // Auth0 clients may rely on x-ratelimit-reset when Retry-After is absent; give both.
        let reset = now_secs + retry_after as i64;
        for (name, value) in [
            ("x-ratelimit-limit", "0".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}

fn server_error(cloud: &str, status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match cloud {
        "auth0" => auth0_error(status, "Internal error (injected by the sandbox)", None),
        "login" => aad_error(
            status,
            "server_error",
            50000,
            "There was an error issuing a token (injected by the sandbox).",
        ),
        _ => arm_error(
            status,
            if status == StatusCode::SERVICE_UNAVAILABLE {
                "ServiceUnavailable"
            } else {
                "InternalServerError"
            },
            "The service encountered an internal error (injected by the sandbox). Please retry.",
        ),
    }
}

impl RunningSandbox {
    pub fn info(&self) -> &SandboxInfo {
        &self.info
    }

    /// A cloneable handle for the clock, faults and simulations.
    pub fn handle(&self) -> SandboxHandle {
        self.handle.clone()
    }

    /// Stops serving, lets the pipeline finish its current step, and saves the state file.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        if let Some(path) = &self.handle.shared.config.state_file {
            let world = self.handle.shared.world().clone();
            if let Err(e) = crate::persist::save(path, &world) {
                tracing::error!("{e}");
            }
        }
    }
}

/// Dropping a running sandbox stops its servers and background work (without the final state save that
/// [`RunningSandbox::shutdown`] does; the saver has written every change already).
impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl SandboxHandle {
    /// The sandbox clock (advance it to expire tokens, finish registrations, expire topics).
    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }

    /// Moves sandbox time forward.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
        let _ = self.shared.pipeline.send(PipelineJob::Tick);
    }

    pub fn faults(&self) -> Faults {
        self.shared.faults().clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults() = faults;
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults().rules.push(rule);
    }

    /// Turns Auth0 Management API rate limiting on or off while running.
    pub fn set_rate_limit(&self, limit: Option<crate::config::RateLimit>) {
        self.shared.set_rate_limit(limit);
    }

    pub fn clear_faults(&self) {
        *self.shared.faults() = Faults::default();
    }

    /// Writes `count` tenant log entries of the given kind (they flow through the pipeline).
    pub fn simulate(&self, kind: SimulationKind, count: u32) -> Vec<Value> {
        crate::auth0::simulate(&self.shared, kind, count, None)
    }

    /// Registers a machine-to-machine application granted `scopes` on the Management API that authenticates
    /// with private-key JWTs signed by the private half of `public_key_pem` (RSA, PEM) with `alg` (`RS256`,
    /// `RS384` or `PS256`).
    pub fn register_auth0_application(
        &self,
        name: &str,
        scopes: &[&str],
        public_key_pem: &str,
        alg: &str,
    ) -> Result<crate::Auth0ApplicationInfo, Error> {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        crate::credentials::register_auth0_application(
            &self.shared,
            name,
            &scopes,
            public_key_pem,
            alg,
        )
    }

    /// Adds a private-key JWT credential (public key in PEM) to an existing Auth0 application, such as the
    /// seeded one; returns its `kid`.
    pub fn add_auth0_public_key(
        &self,
        client_id: &str,
        public_key_pem: &str,
        alg: &str,
    ) -> Result<String, Error> {
        crate::credentials::add_auth0_public_key(&self.shared, client_id, public_key_pem, alg)
    }

    /// Uploads a certificate (PEM) to the service principal with application id `client_id`, so it can sign
    /// in with client assertions signed by the certificate's key.
    pub fn add_azure_certificate(
        &self,
        client_id: &str,
        certificate_pem: &str,
    ) -> Result<crate::CertificateInfo, Error> {
        crate::credentials::add_azure_certificate(&self.shared, client_id, certificate_pem)
    }

    /// Puts a partner topic into an existing resource group, as another partner (a different
    /// `partner_registration_immutable_id`) or a second Auth0 stream would; returns it as Resource Manager
    /// shows it. Without `source`, the source looks like Auth0's for this tenant (another uuid).
    pub fn seed_partner_topic(&self, seed: crate::PartnerTopicSeed) -> Result<Value, Error> {
        crate::azure::eventgrid::partner_topics::seed_partner_topic_now(&self.shared, seed)
            .map_err(Error::Seed)
    }

    /// Everything that exists, as `GET /_sandbox/state` shows it.
    pub fn state(&self) -> Value {
        crate::admin::state_json(&self.shared)
    }

    /// Every emulated-API request so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests().clone()
    }

    /// Waits (bounded) until every event the pipeline knows of has ended; true when it did.
    pub async fn wait_for_pipeline_idle(&self, limit: Duration) -> bool {
        crate::pipeline::wait_idle(&self.shared, limit).await
    }
}
