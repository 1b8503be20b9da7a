//! The partner topic check, by the name the stream reports (`sink.azurePartnerTopic`, else the name the setup
//! remembers): activated is green; deactivated or never activated is red with the fix that activates it;
//! gone (Azure answers 404 for that name) is red and, then only, the fix re-creates the stream, which makes
//! Auth0 create a new topic; a topic carrying another partner's registration id is red with no fix. The
//! event subscription and the delivery counts hang off the same topic, so they are read here, together.

use azure_client::{AzureClient, EventSubscription, PartnerTopic};

use super::delivery::{self, DeliveryReads};
use super::{Check, CheckId, CheckState, Fix, FixId};
use crate::error::SetupError;
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::vetoed;

const ID: CheckId = CheckId::PartnerTopic;

/// Everything read about one partner topic.
pub(super) struct TopicReads {
    pub name: String,
    pub topic: Result<Option<PartnerTopic>, String>,
    pub subscription: Result<Option<EventSubscription>, String>,
    pub metrics: Result<DeliveryReads, String>,
}

impl TopicReads {
    /// The topic, when it exists.
    pub fn found(&self) -> Option<&PartnerTopic> {
        self.topic.as_ref().ok().and_then(Option::as_ref)
    }
}

pub(super) fn resource_id(inputs: &SetupInputs, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{name}",
        inputs.subscription_id, inputs.resource_group
    )
}

/// The topic, its event subscription and its delivery counts, read at once.
pub(super) async fn read(azure: &AzureClient, inputs: &SetupInputs, name: &str) -> TopicReads {
    let (sub, rg) = (
        inputs.subscription_id.as_str(),
        inputs.resource_group.as_str(),
    );
    let id = resource_id(inputs, name);
    let (topic, subscription, metrics) = tokio::join!(
        azure.get_partner_topic(sub, rg, name),
        azure.get_event_subscription(sub, rg, name, &inputs.event_subscription_name),
        delivery::read(azure, &id),
    );
    let words = |e| SetupError::from(e).message;
    TopicReads {
        name: name.to_owned(),
        topic: topic.map_err(words),
        subscription: subscription.map_err(words),
        metrics,
    }
}

/// What the stream side says when there is no topic name to read.
pub(super) enum NoName {
    /// The stream is not there (its own check says so).
    NoStream,
    /// The stream exists but Auth0 has not reported its topic.
    NotReported,
    /// The stream could not be read.
    Unreadable,
}

pub(super) fn check(
    reads: Result<&TopicReads, NoName>,
    partner_id: &str,
    recreate: Fix,
    at: &str,
) -> Check {
    let reads = match reads {
        Ok(reads) => reads,
        Err(NoName::NoStream) => {
            return Check::unknown(ID, "there is no log stream to name its partner topic", at);
        }
        Err(NoName::NotReported) => {
            return Check::unknown(
                ID,
                "Auth0 has not reported the stream's partner topic yet",
                at,
            );
        }
        Err(NoName::Unreadable) => {
            return Check::unknown(
                ID,
                "the log stream that names the partner topic could not be read",
                at,
            );
        }
    };
    let name = &reads.name;
    let topic = match &reads.topic {
        Err(why) => return Check::unknown(ID, why, at),
        Ok(None) => {
            return Check::new(
                ID,
                CheckState::Red,
                format!(
                    "The partner topic {name} that the stream reports no longer exists (Azure answers 404 for it): \
                     it was deleted, or expired before it was activated. Auth0 cannot send anywhere until the \
                     stream is created again."
                ),
                at,
            )
            .with_fix(recreate);
        }
        Ok(Some(topic)) => topic,
    };
    if vetoed(topic, partner_id) {
        return Check::new(
            ID,
            CheckState::Red,
            format!(
                "The stream reports the partner topic {name}, but Azure lists it with another partner's \
                 registration id; it is not Auth0's, and nothing here changes it. Compare the stream in the Auth0 \
                 dashboard with the topic in the Azure portal."
            ),
            at,
        );
    }
    if topic.is_activated() {
        return Check::new(
            ID,
            CheckState::Green,
            format!("The partner topic {name} is activated."),
            at,
        );
    }
    let state = topic
        .properties
        .activation_state
        .as_deref()
        .unwrap_or("NeverActivated");
    let sentence = if state.eq_ignore_ascii_case("Deactivated") {
        format!(
            "The partner topic {name} is deactivated: Event Grid refuses the events Auth0 sends to it."
        )
    } else {
        format!(
            "The partner topic {name} has never been activated: Event Grid refuses the events Auth0 sends to it."
        )
    };
    Check::new(ID, CheckState::Red, sentence, at).with_fix(Fix::new(
        FixId::ActivateTopic,
        "Activate the topic",
        vec![format!("Activate the partner topic {name}")],
    ))
}

/// The fix offered for a topic that is gone: what re-creating the stream writes, in order.
pub(super) fn recreate_stream_fix(
    inputs: &SetupInputs,
    stream_exists: bool,
    authorization_needed: bool,
) -> Fix {
    let mut actions = Vec::new();
    if authorization_needed {
        actions.push(format!(
            "Authorize Auth0 as a partner in {} for {} day(s) (other authorized partners are kept)",
            inputs.resource_group, inputs.authorization_days
        ));
    }
    if stream_exists {
        actions.push(format!(
            "Delete the log stream \"{}\" (its partner topic is gone; nothing else is deleted)",
            inputs.stream_name
        ));
    }
    actions.push(format!(
        "Create the log stream \"{}\" again, to Event Grid in {} (resource group {})",
        inputs.stream_name, inputs.region, inputs.resource_group
    ));
    actions.push("Activate the new partner topic Auth0 creates for it".to_owned());
    actions.push(format!(
        "Create the event subscription {} on the new topic to the {} destination, with the setup's settings",
        inputs.event_subscription_name,
        inputs.destination.kind.endpoint_type()
    ));
    Fix::new(FixId::RecreateStream, "Re-create the stream", actions)
}
