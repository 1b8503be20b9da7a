//! What a teardown looks at, read now and all at once: the tenant's log streams (the setup's own, found by
//! the id it remembers or else by its name, and any other Event Grid stream into the same group), the
//! partner topic the stream names (or the one the setup remembers), that topic's event subscriptions, the
//! group's partner configuration, the group and what it holds. Read only; a resource that is not there is
//! `None` or empty, never an error.

use auth0_client::LogStream;
use azure_client::{
    AzureError, EventSubscription, GroupResource, PartnerConfiguration, PartnerTopic, ResourceGroup,
};

use super::TeardownScope;
use crate::engine::Engine;
use crate::error::SetupError;
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::reported_name;
use crate::steps::prepare_azure::authorize_partner::auth0_partner_id;

pub(super) struct Found {
    /// Auth0's partner registration id (confirmed through `verifiedPartners` when possible).
    pub partner_id: String,
    /// The stream with the id the setup remembers, else the one with the setup's stream name.
    pub stream: Option<LogStream>,
    /// Other Event Grid streams of the tenant that send to the same subscription and group.
    pub neighbours: Vec<LogStream>,
    /// The topic's name: reported by the setup's stream when it still sends where the setup sent it, else
    /// the name the setup remembers. Never guessed.
    pub topic_name: Option<String>,
    pub topic: Option<PartnerTopic>,
    /// Every event subscription of the topic, the setup's included.
    pub subscriptions: Vec<EventSubscription>,
    /// Ids of subscriptions Azure listed in a shape this client cannot read: somebody's, so they count.
    pub unreadable_subscriptions: Vec<String>,
    pub configuration: Option<PartnerConfiguration>,
    pub group: Option<ResourceGroup>,
    pub resources: Vec<GroupResource>,
}

impl Found {
    /// The setup's stream still sends to the setup's subscription and group.
    pub fn stream_is_ours(&self, inputs: &SetupInputs) -> bool {
        self.stream.as_ref().is_some_and(|s| sends_here(s, inputs))
    }
}

/// An Event Grid stream whose sink is the setup's subscription and group.
pub(super) fn sends_here(stream: &LogStream, inputs: &SetupInputs) -> bool {
    stream.event_grid_sink().is_some_and(|sink| {
        sink.azure_subscription_id
            .eq_ignore_ascii_case(&inputs.subscription_id)
            && sink
                .azure_resource_group
                .eq_ignore_ascii_case(&inputs.resource_group)
    })
}

/// Event Grid answers `MissingSubscriptionRegistration` while the provider is not registered: then none
/// of its resources exist.
fn unless_unregistered<T: Default>(result: Result<T, AzureError>) -> Result<T, AzureError> {
    match result {
        Err(e) if e.arm_code() == Some("MissingSubscriptionRegistration") => Ok(T::default()),
        Err(AzureError::Arm(e)) if e.status == 404 => Ok(T::default()),
        other => other,
    }
}

pub(super) async fn read(
    engine: &Engine,
    inputs: &SetupInputs,
    scope: &TeardownScope,
) -> Result<Found, SetupError> {
    let auth0 = engine.auth0_client(inputs)?;
    let azure = engine.azure();
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let (streams, partners, configuration, group) = tokio::join!(
        auth0.list_log_streams(),
        azure.list_verified_partners(),
        azure.get_partner_configuration(sub, rg),
        azure.get_resource_group(sub, rg),
    );
    let streams = streams?;
    let configuration = unless_unregistered(configuration)?;
    let group = group?;
    let known_id = scope.known.stream_id.as_deref();
    let stream = known_id
        .and_then(|id| streams.iter().find(|s| s.id == id))
        .or_else(|| streams.iter().find(|s| s.name == inputs.stream_name))
        .cloned();
    let neighbours: Vec<LogStream> = streams
        .into_iter()
        .filter(|s| stream.as_ref().is_none_or(|own| own.id != s.id))
        .filter(|s| sends_here(s, inputs))
        .collect();
    let reported = stream
        .as_ref()
        .filter(|s| sends_here(s, inputs))
        .and_then(reported_name);
    let topic_name = reported.or_else(|| scope.known.partner_topic.clone());
    let topic = match (&topic_name, &group) {
        (Some(name), Some(_)) => unless_unregistered(azure.get_partner_topic(sub, rg, name).await)?,
        _ => None,
    };
    let (subscriptions, unreadable_subscriptions) = match &topic {
        Some(topic) => {
            let listed = unless_unregistered(
                azure
                    .list_event_subscriptions(sub, rg, &topic.name)
                    .await
                    .map(Some),
            )?;
            match listed {
                Some(listed) => (
                    listed.items,
                    listed
                        .unreadable
                        .into_iter()
                        .map(|u| u.id.unwrap_or_else(|| "(unnamed)".into()))
                        .collect(),
                ),
                None => (Vec::new(), Vec::new()),
            }
        }
        None => (Vec::new(), Vec::new()),
    };
    let resources = match &group {
        Some(_) => unless_unregistered(azure.list_group_resources(sub, rg).await)?,
        None => Vec::new(),
    };
    Ok(Found {
        partner_id: auth0_partner_id(partners.ok()),
        stream,
        neighbours,
        topic_name,
        topic,
        subscriptions,
        unreadable_subscriptions,
        configuration,
        group,
        resources,
    })
}
