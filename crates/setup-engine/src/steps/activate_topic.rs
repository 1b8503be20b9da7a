//! Step 3, the partner topic Auth0 creates in the resource group after the stream: found by Auth0's partner
//! registration id and a `source` that belongs to this tenant (never by parsing names), activated before
//! its expiration time. A topic left unactivated past that time is explained, with the way out.

use std::time::Duration;

use auth0_client::LogStream;
use azure_client::{PartnerTopic, poll_delay};

use super::{Context, Facts, StepId, StepState, StepStatus, rfc3339, tenant_host};
use crate::error::{ErrorCode, SetupError};

const STEP: StepId = StepId::ActivateTopic;

pub(crate) enum Plan {
    Nothing,
    WaitThenActivate,
    Activate(String),
    Refuse(SetupError),
}

pub(crate) struct Detection {
    pub status: StepStatus,
    plan: Plan,
}

/// Auth0's topic for this tenant: Auth0's partner id, and a source naming the tenant (or the stream).
pub(crate) fn belongs(
    topic: &PartnerTopic,
    partner_id: &str,
    tenant_host: &str,
    stream: Option<&LogStream>,
) -> bool {
    let partner = topic
        .properties
        .partner_registration_immutable_id
        .as_deref()
        .is_some_and(|id| id.eq_ignore_ascii_case(partner_id));
    let source = topic
        .properties
        .source
        .as_deref()
        .unwrap_or_default()
        .to_lowercase();
    let names_tenant = !tenant_host.is_empty() && source.contains(tenant_host);
    let names_stream =
        stream.is_some_and(|s| !s.id.is_empty() && source.contains(&s.id.to_lowercase()));
    partner && (names_tenant || names_stream)
}

fn find(ctx: &Context<'_>, facts: &Facts, topics: Vec<PartnerTopic>) -> Option<PartnerTopic> {
    let partner_id = facts
        .partner_id
        .as_deref()
        .unwrap_or(azure_client::AUTH0_PARTNER_IMMUTABLE_ID);
    let host = tenant_host(ctx.auth0);
    let named = facts
        .stream
        .as_ref()
        .and_then(|s| s.event_grid_sink())
        .and_then(|s| s.azure_partner_topic);
    let mut ours: Vec<PartnerTopic> = topics
        .into_iter()
        .filter(|t| belongs(t, partner_id, &host, facts.stream.as_ref()))
        .collect();
    // The topic the stream names first, then an activated one, then the one that lives longest.
    ours.sort_by_key(|t| {
        (
            named
                .as_deref()
                .is_none_or(|n| !n.eq_ignore_ascii_case(&t.name)),
            !t.is_activated(),
            std::cmp::Reverse(t.properties.expiration_time_if_not_activated_utc),
        )
    });
    ours.into_iter().next()
}

pub(crate) async fn detect(ctx: &Context<'_>, facts: &mut Facts) -> Result<Detection, SetupError> {
    if facts.stream.is_none() {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Blocked,
                "Auth0 creates the partner topic once the log stream exists.",
            ),
            plan: Plan::WaitThenActivate,
        });
    }
    let inputs = ctx.inputs;
    let topics = ctx
        .azure
        .list_partner_topics(&inputs.subscription_id, &inputs.resource_group)
        .await?;
    let Some(topic) = find(ctx, facts, topics) else {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Waiting,
                format!(
                    "Auth0 has not created its partner topic in {} yet.",
                    inputs.resource_group
                ),
            )
            .with_actions(vec![
                "Wait for Auth0's partner topic, then activate it".to_owned(),
            ]),
            plan: Plan::WaitThenActivate,
        });
    };
    let detection = judge(ctx, &topic);
    facts.topic = Some(topic);
    Ok(detection)
}

fn judge(ctx: &Context<'_>, topic: &PartnerTopic) -> Detection {
    let expires = topic.properties.expiration_time_if_not_activated_utc;
    if topic.is_activated() {
        return Detection {
            status: StepStatus::new(
                STEP,
                StepState::Done,
                format!("The partner topic {} is activated.", topic.name),
            ),
            plan: Plan::Nothing,
        };
    }
    if let Some(at) = expires.filter(|at| *at <= ctx.clock.now()) {
        let error = SetupError::new(
            ErrorCode::PartnerTopicExpired,
            format!(
                "The partner topic {} was not activated before {} and has expired; Azure deletes such topics.",
                topic.name,
                rfc3339(at)
            ),
            format!(
                "Delete the log stream \"{}\" in the Auth0 dashboard (Monitoring > Streams) and delete the topic in \
                 the Azure portal, then run the setup again: it authorizes Auth0 again and a fresh topic is created \
                 and activated at once.",
                ctx.inputs.stream_name
            ),
        );
        let mut status = StepStatus::new(
            STEP,
            StepState::Attention,
            format!("{} {}", error.message, error.remedy),
        );
        status.expires_at = Some(rfc3339(at));
        return Detection {
            status,
            plan: Plan::Refuse(error),
        };
    }
    let deadline = expires
        .map(|at| format!(" (it must be activated before {})", rfc3339(at)))
        .unwrap_or_default();
    let mut status = StepStatus::new(
        STEP,
        StepState::ToDo,
        format!(
            "Auth0's partner topic {} waits for activation{deadline}.",
            topic.name
        ),
    )
    .with_actions(vec![format!("Activate the partner topic {}", topic.name)]);
    status.expires_at = expires.map(rfc3339);
    Detection {
        status,
        plan: Plan::Activate(topic.name.clone()),
    }
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &mut Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    let found = match found.plan {
        Plan::WaitThenActivate => {
            let topic = wait_for_topic(ctx, facts).await?;
            let detection = judge(ctx, &topic);
            facts.topic = Some(topic);
            detection
        }
        _ => found,
    };
    let name = match found.plan {
        Plan::Nothing => return Ok(found.status),
        Plan::Refuse(error) => return Err(error),
        Plan::Activate(name) => name,
        Plan::WaitThenActivate => unreachable!("resolved above"),
    };
    let inputs = ctx.inputs;
    ctx.applying(STEP, format!("Activating the partner topic {name}"));
    let topic = ctx
        .azure
        .activate_partner_topic(&inputs.subscription_id, &inputs.resource_group, &name)
        .await?;
    if !topic.is_activated() {
        return Err(SetupError::new(
            ErrorCode::UnexpectedResponse,
            format!(
                "Azure answered the activation of {name} with the state {}.",
                topic
                    .properties
                    .activation_state
                    .as_deref()
                    .unwrap_or("(none)")
            ),
            "Run the setup again; if the topic stays inactive, activate it in the Azure portal (Event Grid > Partner topics).",
        ));
    }
    let status = StepStatus::new(
        STEP,
        StepState::Done,
        format!("The partner topic {} is activated.", topic.name),
    );
    facts.topic = Some(topic);
    Ok(status)
}

/// Auth0 creates the topic shortly after the stream: look again, quickly at first, within a deadline.
async fn wait_for_topic(ctx: &Context<'_>, facts: &Facts) -> Result<PartnerTopic, SetupError> {
    let inputs = ctx.inputs;
    ctx.waiting(STEP, "Auth0 to create the partner topic");
    let mut waited = Duration::ZERO;
    for poll in 0.. {
        let topics = ctx
            .azure
            .list_partner_topics(&inputs.subscription_id, &inputs.resource_group)
            .await?;
        if let Some(topic) = find(ctx, facts, topics) {
            return Ok(topic);
        }
        let wait = poll_delay(&ctx.topic_wait, poll, None);
        if waited + wait > ctx.topic_wait.deadline {
            break;
        }
        waited += wait;
        ctx.azure.transport().poll_wait(wait).await;
    }
    let named = facts
        .stream
        .as_ref()
        .and_then(|s| s.event_grid_sink())
        .and_then(|s| s.azure_partner_topic);
    if let Some(name) = named {
        // Auth0 did create a topic for this stream, and it is gone: Azure deletes a partner topic that was not
        // activated before its expiration time.
        return Err(SetupError::new(
            ErrorCode::PartnerTopicExpired,
            format!(
                "The partner topic {name} that Auth0 created for the stream \"{}\" no longer exists in {}: it was \
                 not activated before its expiration time (Azure then deletes it), or it was deleted.",
                inputs.stream_name, inputs.resource_group
            ),
            format!(
                "Delete the log stream \"{}\" in the Auth0 dashboard (Monitoring > Streams), then run the setup again: \
                 it creates the stream anew and activates the new topic at once.",
                inputs.stream_name
            ),
        ));
    }
    Err(SetupError::new(
        ErrorCode::PartnerTopicNotFound,
        format!(
            "Auth0 did not create a partner topic in {} within {} s.",
            inputs.resource_group,
            waited.as_secs()
        ),
        "Check that Auth0 is authorized as a partner in the resource group and that the authorization has not \
         expired (step 1 renews it), and that Microsoft.EventGrid is registered; then run the setup again.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(partner: &str, source: &str) -> PartnerTopic {
        serde_json::from_value(serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/t",
            "name": "t",
            "properties": {"partnerRegistrationImmutableId": partner, "source": source}
        }))
        .unwrap()
    }

    fn stream(id: &str) -> LogStream {
        serde_json::from_value(serde_json::json!({"id": id, "name": "n", "type": "eventgrid"}))
            .unwrap()
    }

    #[test]
    fn a_topic_belongs_when_auth0_made_it_for_this_tenant() {
        let auth0 = azure_client::AUTH0_PARTNER_IMMUTABLE_ID;
        let host = "acme.eu.auth0.com";
        assert!(belongs(
            &topic(auth0, "urn:auth0:ACME.eu.auth0.com:logs"),
            auth0,
            host,
            None
        ));
        assert!(belongs(
            &topic(&auth0.to_uppercase(), "acme.eu.auth0.com"),
            auth0,
            host,
            None
        ));
        assert!(belongs(
            &topic(auth0, "stream lst_42"),
            auth0,
            host,
            Some(&stream("LST_42"))
        ));
        assert!(!belongs(
            &topic(auth0, "other.eu.auth0.com"),
            auth0,
            host,
            Some(&stream("lst_42"))
        ));
        assert!(!belongs(
            &topic("someone-else", "acme.eu.auth0.com"),
            auth0,
            host,
            None
        ));
        assert!(!belongs(&topic(auth0, ""), auth0, "", None));
    }
}
