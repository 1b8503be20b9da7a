//! The Resource Manager client. Every call carries its api-version, goes through the shared retrying
//! transport, renews the token once on a 401, follows `nextLink` pages and long-running operations only on
//! the configured host (a bearer token must never be sent elsewhere), reads list pages item by item (one
//! unreadable item is reported, not fatal), and keeps Azure's clock from each answer's `Date` header.

use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use cloud_http::{Idempotency, Secret, Transport, rate_limit_delay};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use url::Url;

use crate::cloud::AzureEndpoints;
use crate::error::{ArmError, AzureError};
use crate::model::*;
use crate::poll::{PollSchedule, poll_delay};

/// Auth0's partner registration, from Microsoft's Terraform and PowerShell documentation; confirmed at run
/// time through `verifiedPartners`.
pub const AUTH0_PARTNER_IMMUTABLE_ID: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";

const EVENT_GRID: &str = "2025-02-15";
const RESOURCES: &str = "2025-04-01";
const SUBSCRIPTIONS: &str = "2022-12-01";
const MONITOR: &str = "2023-10-01";

/// Renew an Azure token this long before it expires.
const RENEW_MARGIN: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct AzureClient {
    endpoints: AzureEndpoints,
    credential: Arc<dyn TokenCredential>,
    transport: Transport,
    poll: PollSchedule,
    token: Arc<Mutex<Option<(Secret, OffsetDateTime)>>>,
    /// The latest `Date` Resource Manager sent, with the local time it arrived.
    azure_clock: Arc<std::sync::Mutex<Option<(OffsetDateTime, OffsetDateTime)>>>,
}

#[derive(Deserialize)]
struct ArmErrorBody {
    error: Option<ArmErrorDetail>,
}

#[derive(Deserialize)]
struct ArmErrorDetail {
    code: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct OperationStatus {
    status: String,
    error: Option<ArmErrorDetail>,
}

impl AzureClient {
    pub fn new(
        endpoints: AzureEndpoints,
        credential: Arc<dyn TokenCredential>,
        transport: Transport,
    ) -> Self {
        Self {
            endpoints,
            credential,
            transport,
            poll: PollSchedule::default(),
            token: Arc::new(Mutex::new(None)),
            azure_clock: Arc::default(),
        }
    }

    pub fn with_poll_schedule(mut self, poll: PollSchedule) -> Self {
        self.poll = poll;
        self
    }

    pub fn endpoints(&self) -> &AzureEndpoints {
        &self.endpoints
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Azure's time now, by its clock rather than this machine's: the `Date` of the latest Resource Manager
    /// answer (RFC 9110 §6.6.1, whole seconds) plus the local time elapsed since it arrived. `None` before
    /// the first answer. Expiry times Azure checks against its own clock are computed from this.
    pub fn azure_now(&self) -> Option<OffsetDateTime> {
        let seen = *self.azure_clock.lock().unwrap_or_else(|e| e.into_inner());
        let (date, arrived) = seen?;
        let elapsed = self.transport.clock().now() - arrived;
        Some(date + elapsed.max(time::Duration::ZERO))
    }

    fn note_date(&self, response: &Response) {
        let Some(date) = header(response, "date").and_then(|d| parse_http_date(&d)) else {
            return;
        };
        let arrived = self.transport.clock().now();
        *self.azure_clock.lock().unwrap_or_else(|e| e.into_inner()) = Some((date, arrived));
    }

    // ---- tenants and subscriptions -------------------------------------------------------------------

    pub async fn list_tenants(&self) -> Result<Vec<Tenant>, AzureError> {
        self.list("tenants", SUBSCRIPTIONS).await
    }

    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, AzureError> {
        self.list("subscriptions", SUBSCRIPTIONS).await
    }

    // ---- provider -----------------------------------------------------------------------------------

    pub async fn get_event_grid_provider(
        &self,
        subscription: &str,
    ) -> Result<Provider, AzureError> {
        let path = format!("subscriptions/{subscription}/providers/Microsoft.EventGrid");
        self.get(&path, RESOURCES).await
    }

    /// Asks for registration; the provider then stays `Registering` for a while (see `wait_for_registration`).
    /// The specification answers 200 with the provider; an answer without one (an empty 202) is followed by
    /// a read of the provider.
    pub async fn register_event_grid_provider(
        &self,
        subscription: &str,
    ) -> Result<Provider, AzureError> {
        let path = format!("subscriptions/{subscription}/providers/Microsoft.EventGrid/register");
        let response = self
            .send(
                Method::POST,
                &path,
                RESOURCES,
                None,
                Idempotency::Idempotent,
            )
            .await?;
        match optional_json(response, "provider").await? {
            Some(provider) => serde_json::from_value(provider).map_err(|e| AzureError::Decode {
                context: "provider",
                detail: e.to_string(),
            }),
            None => self.get_event_grid_provider(subscription).await,
        }
    }

    /// Polls the provider until `Registered`, within the poll schedule's deadline. `NotRegistered` is read
    /// as "not yet": Resource Manager's reads may lag a register call that has just been accepted.
    pub async fn wait_for_registration(&self, subscription: &str) -> Result<Provider, AzureError> {
        let mut waited = Duration::ZERO;
        for poll in 0.. {
            let provider = self.get_event_grid_provider(subscription).await?;
            if provider.is_registered() {
                return Ok(provider);
            }
            let not_yet = provider.is_registering()
                || provider
                    .registration_state
                    .eq_ignore_ascii_case("NotRegistered");
            if !not_yet {
                return Err(AzureError::OperationFailed {
                    operation: "Microsoft.EventGrid registration".into(),
                    status: provider.registration_state,
                    code: "RegistrationNotProgressing".into(),
                    message: "the provider is neither registered nor registering".into(),
                    correlation_id: None,
                });
            }
            let wait = poll_delay(&self.poll, poll, None);
            if waited + wait > self.poll.deadline {
                break;
            }
            waited += wait;
            self.transport.poll_wait(wait).await;
        }
        Err(AzureError::OperationTimedOut {
            operation: "Microsoft.EventGrid registration".into(),
            waited_secs: waited.as_secs(),
        })
    }

    // ---- resource groups ----------------------------------------------------------------------------

    pub async fn get_resource_group(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<Option<ResourceGroup>, AzureError> {
        let path = format!("subscriptions/{subscription}/resourcegroups/{group}");
        not_found_is_none(self.get(&path, RESOURCES).await)
    }

    /// Every resource group in the subscription (name and location, for a picker), all pages.
    pub async fn list_resource_groups(
        &self,
        subscription: &str,
    ) -> Result<Vec<ResourceGroup>, AzureError> {
        let path = format!("subscriptions/{subscription}/resourcegroups");
        self.list(&path, RESOURCES).await
    }

    pub async fn create_resource_group(
        &self,
        subscription: &str,
        group: &str,
        location: &str,
    ) -> Result<ResourceGroup, AzureError> {
        let path = format!("subscriptions/{subscription}/resourcegroups/{group}");
        let body = serde_json::json!({ "location": location });
        let response = self
            .send(
                Method::PUT,
                &path,
                RESOURCES,
                Some(body),
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, "resource group").await
    }

    /// Deletes the group and everything in it (`ResourceGroups_Delete`, long-running: a 202 is followed
    /// through its `Location` until the group is gone). Absent already is success.
    pub async fn delete_resource_group(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<(), AzureError> {
        let path = format!("subscriptions/{subscription}/resourcegroups/{group}");
        let url = self.versioned(&path, RESOURCES)?;
        match self
            .long_running(Method::DELETE, url, None, "resource group delete")
            .await
        {
            Ok(_) => Ok(()),
            Err(AzureError::Arm(e)) if e.status == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// What the group holds (`Resources_ListByResourceGroup`), all pages.
    pub async fn list_group_resources(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<Vec<GroupResource>, AzureError> {
        let path = format!("subscriptions/{subscription}/resourceGroups/{group}/resources");
        self.list(&path, RESOURCES).await
    }

    // ---- partner authorization ------------------------------------------------------------------------

    fn partner_configuration_path(subscription: &str, group: &str) -> String {
        format!(
            "subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.EventGrid/partnerConfigurations/default"
        )
    }

    pub async fn get_partner_configuration(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<Option<PartnerConfiguration>, AzureError> {
        let path = Self::partner_configuration_path(subscription, group);
        not_found_is_none(self.get(&path, EVENT_GRID).await)
    }

    /// Creates or replaces the group's partner configuration (the whole partner list is sent).
    pub async fn put_partner_configuration(
        &self,
        subscription: &str,
        group: &str,
        configuration: &PartnerConfiguration,
    ) -> Result<PartnerConfiguration, AzureError> {
        let path = Self::partner_configuration_path(subscription, group);
        let body = to_json(configuration)?;
        self.write_resource(
            Method::PUT,
            &path,
            EVENT_GRID,
            body,
            "partner configuration",
        )
        .await
    }

    /// Changes the configuration's settings (`PartnerConfigurations_Update`, PATCH): its body has no
    /// partner list, so every authorized partner is kept.
    pub async fn update_partner_configuration(
        &self,
        subscription: &str,
        group: &str,
        update: &PartnerConfigurationUpdate,
    ) -> Result<PartnerConfiguration, AzureError> {
        let path = Self::partner_configuration_path(subscription, group);
        let body = to_json(update)?;
        self.write_resource(
            Method::PATCH,
            &path,
            EVENT_GRID,
            body,
            "partner configuration",
        )
        .await
    }

    /// Adds or renews one partner, keeping the others already authorized.
    pub async fn authorize_partner(
        &self,
        subscription: &str,
        group: &str,
        partner: &AuthorizedPartner,
    ) -> Result<PartnerConfiguration, AzureError> {
        let path = format!(
            "{}/authorizePartner",
            Self::partner_configuration_path(subscription, group)
        );
        let body = to_json(partner)?;
        let response = self
            .send(
                Method::POST,
                &path,
                EVENT_GRID,
                Some(body),
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, "partner configuration").await
    }

    /// Removes one partner from the configuration (`PartnerConfigurations_UnauthorizePartner`), keeping the
    /// others; the configuration as it then is.
    pub async fn unauthorize_partner(
        &self,
        subscription: &str,
        group: &str,
        partner: &AuthorizedPartner,
    ) -> Result<PartnerConfiguration, AzureError> {
        let path = format!(
            "{}/unauthorizePartner",
            Self::partner_configuration_path(subscription, group)
        );
        let body = to_json(partner)?;
        let response = self
            .send(
                Method::POST,
                &path,
                EVENT_GRID,
                Some(body),
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, "partner configuration").await
    }

    pub async fn list_verified_partners(&self) -> Result<Vec<VerifiedPartner>, AzureError> {
        self.list("providers/Microsoft.EventGrid/verifiedPartners", EVENT_GRID)
            .await
    }

    // ---- partner topics -------------------------------------------------------------------------------

    fn partner_topics_path(subscription: &str, group: &str) -> String {
        format!(
            "subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.EventGrid/partnerTopics"
        )
    }

    pub async fn list_partner_topics(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<Vec<PartnerTopic>, AzureError> {
        self.list(&Self::partner_topics_path(subscription, group), EVENT_GRID)
            .await
    }

    pub async fn get_partner_topic(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
    ) -> Result<Option<PartnerTopic>, AzureError> {
        let path = format!("{}/{topic}", Self::partner_topics_path(subscription, group));
        not_found_is_none(self.get(&path, EVENT_GRID).await)
    }

    /// Activation is synchronous and harmless to repeat.
    pub async fn activate_partner_topic(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
    ) -> Result<PartnerTopic, AzureError> {
        let path = format!(
            "{}/{topic}/activate",
            Self::partner_topics_path(subscription, group)
        );
        let response = self
            .send(
                Method::POST,
                &path,
                EVENT_GRID,
                None,
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, "partner topic").await
    }

    /// Deletes the topic and its event subscriptions (`PartnerTopics_Delete`, long-running) and returns once
    /// it is gone. Absent already is success.
    pub async fn delete_partner_topic(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
    ) -> Result<(), AzureError> {
        let path = format!("{}/{topic}", Self::partner_topics_path(subscription, group));
        let url = self.versioned(&path, EVENT_GRID)?;
        match self
            .long_running(Method::DELETE, url, None, "partner topic delete")
            .await
        {
            Ok(_) => Ok(()),
            Err(AzureError::Arm(e)) if e.status == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ---- event subscriptions ----------------------------------------------------------------------------

    fn event_subscription_path(subscription: &str, group: &str, topic: &str, name: &str) -> String {
        format!(
            "{}/{topic}/eventSubscriptions/{name}",
            Self::partner_topics_path(subscription, group)
        )
    }

    pub async fn get_event_subscription(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
    ) -> Result<Option<EventSubscription>, AzureError> {
        let path = Self::event_subscription_path(subscription, group, topic, name);
        not_found_is_none(self.get(&path, EVENT_GRID).await)
    }

    /// Every subscription of a partner topic, read item by item: one Azure or another tool wrote in a shape
    /// this client cannot read is listed in `unreadable`, not fatal for the others.
    pub async fn list_event_subscriptions(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
    ) -> Result<Listed<EventSubscription>, AzureError> {
        let path = format!(
            "{}/{topic}/eventSubscriptions",
            Self::partner_topics_path(subscription, group)
        );
        self.list_reporting(&path, EVENT_GRID, "event subscription")
            .await
    }

    /// Creates or updates the subscription and waits until its provisioning ends: `Succeeded`, `Failed`
    /// and `Canceled` (an error), or `AwaitingManualAction`, which is returned at once for the caller to
    /// explain, since only the WebHook's owner can end it (see [`EventSubscription::is_awaiting_manual_action`]).
    pub async fn put_event_subscription(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
        body: &EventSubscription,
    ) -> Result<EventSubscription, AzureError> {
        let path = Self::event_subscription_path(subscription, group, topic, name);
        let body = to_json(body)?;
        self.write_resource(Method::PUT, &path, EVENT_GRID, body, "event subscription")
            .await
    }

    /// Deletes the subscription and returns once it is gone: a delete Azure accepts with 202 is followed to
    /// its end, so the name can be used again right away. Absent already is success.
    pub async fn delete_event_subscription(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
    ) -> Result<(), AzureError> {
        let path = Self::event_subscription_path(subscription, group, topic, name);
        let url = self.versioned(&path, EVENT_GRID)?;
        match self
            .long_running(Method::DELETE, url, None, "event subscription delete")
            .await
        {
            Ok(_) => Ok(()),
            Err(AzureError::Arm(e)) if e.status == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The headers Event Grid adds to each delivery of the subscription (`getDeliveryAttributes`), static
    /// values included, which a GET does not show.
    pub async fn get_event_subscription_delivery_attributes(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
    ) -> Result<Vec<DeliveryAttribute>, AzureError> {
        #[derive(Deserialize)]
        struct Attributes {
            #[serde(default)]
            value: Vec<DeliveryAttribute>,
        }
        let attributes: Attributes = self
            .event_subscription_action(
                subscription,
                group,
                topic,
                name,
                "getDeliveryAttributes",
                "delivery attributes",
            )
            .await?;
        Ok(attributes.value)
    }

    /// The full endpoint URL of a WebHook subscription (Azure only returns the base URL otherwise).
    pub async fn get_event_subscription_full_url(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
    ) -> Result<Secret, AzureError> {
        #[derive(Deserialize)]
        struct FullUrl {
            #[serde(rename = "endpointUrl")]
            endpoint_url: String,
        }
        let url: FullUrl = self
            .event_subscription_action(subscription, group, topic, name, "getFullUrl", "full URL")
            .await?;
        Ok(Secret::new(url.endpoint_url))
    }

    // ---- metrics -------------------------------------------------------------------------------------

    /// Totals per hour over the last day for `metric_names` on a resource (a partner topic's id).
    pub async fn get_metrics(
        &self,
        resource_id: &str,
        metric_names: &[&str],
    ) -> Result<Metrics, AzureError> {
        self.metrics(resource_id, metric_names, None).await
    }

    /// Like `get_metrics`, with one time series per event subscription (`EventSubscriptionName`).
    pub async fn get_metrics_by_subscription(
        &self,
        resource_id: &str,
        metric_names: &[&str],
    ) -> Result<Metrics, AzureError> {
        self.metrics(
            resource_id,
            metric_names,
            Some("EventSubscriptionName eq '*'"),
        )
        .await
    }

    /// Totals per minute from `since` until now (one time series per event subscription when
    /// `per_subscription`): a window with a fixed start, so a count read twice can only grow (a rolling
    /// `PT24H` window also loses old points).
    pub async fn get_metrics_since(
        &self,
        resource_id: &str,
        metric_names: &[&str],
        since: std::time::SystemTime,
        per_subscription: bool,
    ) -> Result<Metrics, AzureError> {
        let format = |at: OffsetDateTime| {
            at.replace_nanosecond(0)
                .unwrap_or(at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        let since = OffsetDateTime::from(since);
        let now = OffsetDateTime::now_utc().max(since + Duration::from_secs(60));
        let timespan = format!("{}/{}", format(since), format(now));
        self.metrics_over(
            resource_id,
            metric_names,
            (&timespan, "PT1M"),
            per_subscription.then_some("EventSubscriptionName eq '*'"),
        )
        .await
    }

    /// Totals of `metric_names` over `timespan` (an ISO 8601 duration back from Azure's now, such as `PT1H`, or
    /// `start/end` in RFC 3339) per `interval` (`PT1M`, `PT1H`), every series summed into one.
    pub async fn get_metrics_over(
        &self,
        resource_id: &str,
        metric_names: &[&str],
        timespan: &str,
        interval: &str,
    ) -> Result<Metrics, AzureError> {
        self.metrics_over(resource_id, metric_names, (timespan, interval), None)
            .await
    }

    async fn metrics(
        &self,
        resource_id: &str,
        metric_names: &[&str],
        filter: Option<&str>,
    ) -> Result<Metrics, AzureError> {
        self.metrics_over(resource_id, metric_names, ("PT24H", "PT1H"), filter)
            .await
    }

    async fn metrics_over(
        &self,
        resource_id: &str,
        metric_names: &[&str],
        (timespan, interval): (&str, &str),
        filter: Option<&str>,
    ) -> Result<Metrics, AzureError> {
        let mut url = self.url(&format!(
            "{}/providers/Microsoft.Insights/metrics",
            resource_id.trim_start_matches('/')
        ))?;
        url.query_pairs_mut()
            .append_pair("api-version", MONITOR)
            .append_pair("metricnames", &metric_names.join(","))
            .append_pair("timespan", timespan)
            .append_pair("interval", interval)
            .append_pair("aggregation", "total");
        if let Some(filter) = filter {
            url.query_pairs_mut().append_pair("$filter", filter);
        }
        let response = self
            .send_url(Method::GET, url, None, Idempotency::Idempotent)
            .await?;
        decode(response, "metrics").await
    }

    // ---- plumbing ------------------------------------------------------------------------------------

    fn url(&self, path: &str) -> Result<Url, AzureError> {
        self.endpoints
            .management
            .join(path)
            .map_err(|e| AzureError::Decode {
                context: "request URL",
                detail: e.to_string(),
            })
    }

    fn versioned(&self, path: &str, api_version: &str) -> Result<Url, AzureError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut()
            .append_pair("api-version", api_version);
        Ok(url)
    }

    /// Refuses a server-supplied URL (next page, operation status) that points away from Resource Manager.
    fn same_host(&self, raw: &str) -> Result<Url, AzureError> {
        let url = Url::parse(raw).map_err(|_| AzureError::ForeignUrl {
            url: raw.to_owned(),
        })?;
        let ours = &self.endpoints.management;
        if url.scheme() == ours.scheme()
            && url.host() == ours.host()
            && url.port_or_known_default() == ours.port_or_known_default()
        {
            Ok(url)
        } else {
            Err(AzureError::ForeignUrl {
                url: raw.to_owned(),
            })
        }
    }

    /// A POST of the event subscription's `action` (`getFullUrl`, `getDeliveryAttributes`: it changes
    /// nothing, so it may be retried), its answer decoded as `what`.
    async fn event_subscription_action<T: DeserializeOwned>(
        &self,
        subscription: &str,
        group: &str,
        topic: &str,
        name: &str,
        action: &str,
        what: &'static str,
    ) -> Result<T, AzureError> {
        let path = format!(
            "{}/{action}",
            Self::event_subscription_path(subscription, group, topic, name)
        );
        let response = self
            .send(
                Method::POST,
                &path,
                EVENT_GRID,
                None,
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, what).await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
    ) -> Result<T, AzureError> {
        let response = self
            .send(
                Method::GET,
                path,
                api_version,
                None,
                Idempotency::Idempotent,
            )
            .await?;
        decode(response, "resource").await
    }

    /// Every item of a paged list; items that do not decode are left out and logged (see `list_reporting`).
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
    ) -> Result<Vec<T>, AzureError> {
        let kind = path.rsplit('/').next().unwrap_or("item");
        Ok(self.list_reporting(path, api_version, kind).await?.items)
    }

    /// Every item of a paged list, following `nextLink`. Each item is decoded on its own: one in a shape
    /// this client cannot read (written by the portal or another tool) is reported in `unreadable` and
    /// through `tracing`, and the rest of the page is kept.
    async fn list_reporting<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
        kind: &str,
    ) -> Result<Listed<T>, AzureError> {
        let mut listed = Listed {
            items: Vec::new(),
            unreadable: Vec::new(),
        };
        let mut next = Some(self.versioned(path, api_version)?);
        while let Some(url) = next.take() {
            let response = self
                .send_url(Method::GET, url, None, Idempotency::Idempotent)
                .await?;
            let page: Page<serde_json::Value> = decode(response, "list").await?;
            for raw in page.value {
                let id = ["id", "name"]
                    .iter()
                    .find_map(|k| raw.get(*k).and_then(|v| v.as_str()))
                    .map(str::to_owned);
                match serde_json::from_value::<T>(raw) {
                    Ok(item) => listed.items.push(item),
                    Err(error) => {
                        tracing::warn!(kind, id = id.as_deref().unwrap_or("?"), %error,
                            "an item of an Azure list could not be read and was left out");
                        listed.unreadable.push(Unreadable {
                            id,
                            error: error.to_string(),
                        });
                    }
                }
            }
            if let Some(link) = page.next_link.filter(|l| !l.is_empty()) {
                next = Some(self.same_host(&link)?);
            }
        }
        Ok(listed)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: Option<serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<Response, AzureError> {
        let url = self.versioned(path, api_version)?;
        self.send_url(method, url, body, idempotency).await
    }

    async fn send_url(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<Response, AzureError> {
        let mut renewed = false;
        loop {
            let token = self.token(renewed).await?;
            let client = self.transport.client().clone();
            let make = || {
                let request = client
                    .request(method.clone(), url.clone())
                    .bearer_auth(token.expose());
                match &body {
                    Some(json) => request.json(json),
                    // ARM wants a length on body-less POSTs.
                    None if method == Method::POST => request.header("content-length", "0"),
                    None => request,
                }
            };
            let response = self.transport.send(&make, idempotency).await?;
            self.note_date(&response);
            if response.status() == StatusCode::UNAUTHORIZED && !renewed {
                renewed = true;
                continue;
            }
            return check(response).await;
        }
    }

    async fn token(&self, force: bool) -> Result<Secret, AzureError> {
        let mut slot = self.token.lock().await;
        let now = self.transport.clock().now();
        if let Some((token, expires)) = slot.as_ref()
            && !force
            && now + RENEW_MARGIN < *expires
        {
            return Ok(token.clone());
        }
        let scope = self.endpoints.scope.as_str();
        let access = self
            .credential
            .get_token(&[scope], None)
            .await
            .map_err(|e| AzureError::Credential {
                message: e.to_string(),
            })?;
        let token = Secret::new(access.token.secret().to_owned());
        *slot = Some((token.clone(), access.expires_on));
        Ok(token)
    }

    /// A PUT or PATCH that may finish later, followed to its end (see `long_running`); the resource as it
    /// then is.
    async fn write_resource<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: serde_json::Value,
        operation: &'static str,
    ) -> Result<T, AzureError> {
        let url = self.versioned(path, api_version)?;
        let (resource, correlation_id) = self
            .long_running(method, url.clone(), Some(body), operation)
            .await?;
        let resource = match resource {
            Some(resource) => resource,
            // An operation that ended without a body (a 204, or Location's empty 200): read the resource.
            None => {
                let response = self
                    .send_url(Method::GET, url, None, Idempotency::Idempotent)
                    .await?;
                decode(response, operation).await?
            }
        };
        finish(resource, operation, correlation_id)
    }

    /// Sends a write Resource Manager may finish later and follows it until it ends, as ARM's
    /// asynchronous-operation guidelines describe: through `Azure-AsyncOperation` when offered (an
    /// operation resource whose `status` ends `Succeeded`, `Failed` or `Canceled`); else, after a 202,
    /// through `Location` (202 while running, the operation's own answer once done); else by reading the
    /// resource (its `provisioningState`; for a delete, until it is gone). A 202 may carry no body. An event
    /// subscription waiting for its WebHook (`AwaitingManualAction`) ends the wait at once: only the
    /// endpoint's owner can move it on. Returns the final resource when the answer had one, with the
    /// correlation id of the first answer.
    async fn long_running(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
        operation: &'static str,
    ) -> Result<(Option<serde_json::Value>, Option<String>), AzureError> {
        let delete = method == Method::DELETE;
        let response = self
            .send_url(method, url.clone(), body, Idempotency::Idempotent)
            .await?;
        let status = response.status();
        let correlation_id = header(&response, "x-ms-correlation-request-id");
        let status_url = header(&response, "azure-asyncoperation")
            .map(|u| self.same_host(&u))
            .transpose()?;
        // `Location` names an operation only on a 202 (on a 201 it would name the resource itself).
        let location = header(&response, "location")
            .filter(|_| status == StatusCode::ACCEPTED)
            .map(|u| self.same_host(&u))
            .transpose()?;
        let first_wait = rate_limit_delay(
            response.headers(),
            self.transport.clock().now(),
            self.poll.ceiling,
        );
        let first = optional_json(response, operation).await?;
        let accepted = status == StatusCode::ACCEPTED;
        if status_url.is_none() && location.is_none() {
            match &first {
                _ if delete && !accepted => return Ok((None, correlation_id)),
                Some(resource) if !accepted && is_terminal(resource) => {
                    return Ok((first, correlation_id));
                }
                None if !accepted => return Ok((None, correlation_id)),
                _ => {}
            }
        }
        let failed = |status: String, error: Option<ArmErrorDetail>| {
            let error = error.unwrap_or(ArmErrorDetail {
                code: None,
                message: None,
            });
            AzureError::OperationFailed {
                operation: operation.to_owned(),
                status,
                code: error.code.unwrap_or_else(|| "OperationFailed".into()),
                message: error.message.unwrap_or_default(),
                correlation_id: correlation_id.clone(),
            }
        };
        let mut waited = Duration::ZERO;
        let mut retry_after = first_wait;
        for poll in 0.. {
            let wait = poll_delay(&self.poll, poll, retry_after);
            if waited + wait > self.poll.deadline {
                break;
            }
            waited += wait;
            self.transport.poll_wait(wait).await;
            let look = status_url.as_ref().or(location.as_ref()).unwrap_or(&url);
            let result = self
                .send_url(Method::GET, look.clone(), None, Idempotency::Idempotent)
                .await;
            if status_url.is_some() {
                let response = result?;
                retry_after = self.retry_after(&response);
                let current: OperationStatus = decode(response, "operation status").await?;
                match current.status.as_str() {
                    // The resource is read next (for a write), where the caller sees its state.
                    "Succeeded" | AWAITING_MANUAL_ACTION => return Ok((None, correlation_id)),
                    "Failed" | "Canceled" => return Err(failed(current.status, current.error)),
                    _ => continue,
                }
            }
            if location.is_some() {
                let response = match result {
                    Ok(response) => response,
                    // The operation's own failure, in ARM's error shape.
                    Err(AzureError::Arm(e)) => {
                        return Err(failed(
                            "Failed".into(),
                            Some(ArmErrorDetail {
                                code: Some(e.code),
                                message: Some(e.message),
                            }),
                        ));
                    }
                    Err(e) => return Err(e),
                };
                retry_after = self.retry_after(&response);
                if response.status() == StatusCode::ACCEPTED {
                    continue;
                }
                let done = optional_json(response, operation).await?;
                return Ok((if delete { None } else { done }, correlation_id));
            }
            // No operation to follow: the resource itself says how far it is.
            let response = match result {
                Err(AzureError::Arm(e)) if delete && e.status == 404 => {
                    return Ok((None, correlation_id));
                }
                other => other?,
            };
            retry_after = self.retry_after(&response);
            let current: serde_json::Value = decode(response, operation).await?;
            if !delete && is_terminal(&current) {
                return Ok((Some(current), correlation_id));
            }
        }
        Err(AzureError::OperationTimedOut {
            operation: operation.to_owned(),
            waited_secs: waited.as_secs(),
        })
    }

    fn retry_after(&self, response: &Response) -> Option<Duration> {
        rate_limit_delay(
            response.headers(),
            self.transport.clock().now(),
            self.poll.ceiling,
        )
    }
}

fn provisioning_state(resource: &serde_json::Value) -> Option<&str> {
    resource
        .pointer("/properties/provisioningState")
        .and_then(|v| v.as_str())
}

/// Succeeded, Failed and Canceled end an operation (ARM's terminal states; a resource without a
/// provisioning state is done); so does an event subscription's AwaitingManualAction, which no amount of
/// waiting ends.
fn is_terminal(resource: &serde_json::Value) -> bool {
    provisioning_state(resource).is_none_or(|s| {
        matches!(s, "Succeeded" | "Failed" | "Canceled")
            || s.eq_ignore_ascii_case(AWAITING_MANUAL_ACTION)
    })
}

fn finish<T: DeserializeOwned>(
    resource: serde_json::Value,
    operation: &'static str,
    correlation_id: Option<String>,
) -> Result<T, AzureError> {
    if let Some(state @ ("Failed" | "Canceled")) = provisioning_state(&resource) {
        return Err(AzureError::OperationFailed {
            operation: operation.to_owned(),
            status: state.to_owned(),
            code: format!("Provisioning{state}"),
            message: format!("the {operation} ended in provisioning state {state}"),
            correlation_id,
        });
    }
    serde_json::from_value(resource).map_err(|e| AzureError::Decode {
        context: operation,
        detail: e.to_string(),
    })
}

/// An HTTP date (RFC 9110 §5.6.7 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(text.trim(), &format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// A body that may be empty (a 202 or 204 carries none): `None` then.
async fn optional_json(
    response: Response,
    context: &'static str,
) -> Result<Option<serde_json::Value>, AzureError> {
    let accepted = response.status() == StatusCode::ACCEPTED;
    let bytes = response.bytes().await.map_err(|e| AzureError::Decode {
        context,
        detail: cloud_http::error_text(e),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice(&bytes) {
        Ok(value) => Ok(Some(value)),
        // What a 202 says is only informative; the operation is followed either way.
        Err(_) if accepted => Ok(None),
        Err(e) => Err(AzureError::Decode {
            context,
            detail: e.to_string(),
        }),
    }
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AzureError> {
    serde_json::to_value(value).map_err(|e| AzureError::Decode {
        context: "request body",
        detail: e.to_string(),
    })
}

fn not_found_is_none<T>(result: Result<T, AzureError>) -> Result<Option<T>, AzureError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(AzureError::Arm(e)) if e.status == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

async fn check(response: Response) -> Result<Response, AzureError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let correlation_id = header(&response, "x-ms-correlation-request-id");
    let request_id = header(&response, "x-ms-request-id");
    let text = response.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<ArmErrorBody>(&text)
        .ok()
        .and_then(|b| b.error);
    let (code, message) = match detail {
        Some(d) => (
            d.code.unwrap_or_else(|| status.as_str().to_owned()),
            d.message.unwrap_or_default(),
        ),
        None => (
            status
                .canonical_reason()
                .unwrap_or("HttpError")
                .replace(' ', ""),
            text.chars().take(300).collect(),
        ),
    };
    Err(AzureError::Arm(ArmError {
        status: status.as_u16(),
        code,
        message,
        correlation_id,
        request_id,
    }))
}

async fn decode<T: DeserializeOwned>(
    response: Response,
    context: &'static str,
) -> Result<T, AzureError> {
    let bytes = response.bytes().await.map_err(|e| AzureError::Decode {
        context,
        detail: cloud_http::error_text(e),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| AzureError::Decode {
        context,
        detail: e.to_string(),
    })
}
