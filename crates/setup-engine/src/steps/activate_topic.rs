//! Step 3, the partner topic Auth0 creates in the resource group for the stream, activated before its
//! expiration time.
//!
//! Auth0's topic is the one whose name the stream reports in `sink.azurePartnerTopic` (documented as the
//! partner topic's name; Auth0 fills it in, possibly only some time after the stream is created). That name
//! is read with `GET …/partnerTopics/{name}`:
//! - found, and its `partnerRegistrationImmutableId` (optional in Azure's schema) is absent or Auth0's: the
//!   topic is Auth0's and is activated; its `source` and `partnerTopicFriendlyDescription` (whose formats
//!   nobody documents, so nothing here parses them) are shown for the user to confirm;
//! - found, with another partner's immutable id: not Auth0's topic (a veto), never activated;
//! - 404: the topic is gone (Azure deletes a topic not activated before its expiration time): the one case
//!   where the user is told to delete and re-create the stream.
//!
//! While the stream names no topic yet, the stream is read again (quickly at first, then backing off) within
//! the topic-wait deadline. Topics in the group that could be Auth0's (not vetoed) are listed for the user,
//! never activated: with one, the deadline ends with "found, not confirmed"; with several, with the question
//! which one it is.

use std::time::Duration;

use auth0_client::LogStream;
use azure_client::{AzureError, PartnerTopic, poll_delay};

use super::{Context, Facts, StepId, StepState, StepStatus, TopicFacts, rfc3339};
use crate::error::{ErrorCode, SetupError};

const STEP: StepId = StepId::ActivateTopic;

pub(crate) enum Plan {
    Nothing,
    /// Auth0 has not named the topic yet: read the stream again until it does (or the deadline passes).
    Wait,
    Activate(String),
    Refuse(SetupError),
}

pub(crate) struct Detection {
    pub status: StepStatus,
    plan: Plan,
}

/// What the stream's reported name leads to.
pub(crate) enum Found {
    /// The stream names the topic and Azure has it, not marked as another partner's.
    Confirmed(PartnerTopic),
    /// The stream names a topic Azure answers 404 for.
    Gone(String),
    /// The stream names a topic Azure lists with another partner's registration id.
    Foreign(PartnerTopic),
    /// The stream names no topic yet; the topics in the group that could be Auth0's (none vetoed).
    Unnamed(Vec<PartnerTopic>),
}

/// The partner topic name the stream reports, once Auth0 has filled it in.
pub(crate) fn reported_name(stream: &LogStream) -> Option<String> {
    stream
        .event_grid_sink()
        .and_then(|s| s.azure_partner_topic)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// A topic that carries another partner's registration id is not Auth0's. An absent id proves nothing.
pub(crate) fn vetoed(topic: &PartnerTopic, partner_id: &str) -> bool {
    topic
        .properties
        .partner_registration_immutable_id
        .as_deref()
        .map(str::trim)
        .is_some_and(|id| !id.is_empty() && !id.eq_ignore_ascii_case(partner_id))
}

/// The topic the stream names, as Azure has it (`GET` by name).
pub(crate) async fn by_name(
    ctx: &Context<'_>,
    partner_id: &str,
    name: &str,
) -> Result<Found, SetupError> {
    let inputs = ctx.inputs;
    let topic = ctx
        .azure
        .get_partner_topic(&inputs.subscription_id, &inputs.resource_group, name)
        .await?;
    Ok(match topic {
        None => Found::Gone(name.to_owned()),
        Some(topic) if vetoed(&topic, partner_id) => Found::Foreign(topic),
        Some(topic) => Found::Confirmed(topic),
    })
}

async fn identify(
    ctx: &Context<'_>,
    partner_id: &str,
    stream: &LogStream,
) -> Result<Found, SetupError> {
    if let Some(name) = reported_name(stream) {
        return by_name(ctx, partner_id, &name).await;
    }
    let inputs = ctx.inputs;
    let mut candidates: Vec<PartnerTopic> = ctx
        .azure
        .list_partner_topics(&inputs.subscription_id, &inputs.resource_group)
        .await?
        .into_iter()
        .filter(|t| !vetoed(t, partner_id))
        .collect();
    candidates.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Found::Unnamed(candidates))
}

fn partner_id(facts: &Facts) -> String {
    facts
        .partner_id
        .clone()
        .unwrap_or_else(|| azure_client::AUTH0_PARTNER_IMMUTABLE_ID.to_owned())
}

/// `source "…", description "…"`: what Azure shows of a topic's origin, for the user to confirm.
fn origin(topic: &PartnerTopic) -> String {
    let shown = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut parts = vec![format!(
        "source \"{}\"",
        shown(&topic.properties.source).unwrap_or_else(|| "(none)".into())
    )];
    if let Some(description) = shown(&topic.properties.partner_topic_friendly_description) {
        parts.push(format!("description \"{description}\""));
    }
    parts.join(", ")
}

fn candidate_list(candidates: &[PartnerTopic]) -> String {
    candidates
        .iter()
        .map(|t| format!("{} ({})", t.name, origin(t)))
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) async fn detect(ctx: &Context<'_>, facts: &mut Facts) -> Result<Detection, SetupError> {
    let Some(stream) = facts.stream.clone() else {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Blocked,
                "Auth0 creates the partner topic once the log stream exists.",
            ),
            plan: Plan::Wait,
        });
    };
    let inputs = ctx.inputs;
    let here = stream.event_grid_sink().is_some_and(|sink| {
        sink.azure_subscription_id
            .eq_ignore_ascii_case(&inputs.subscription_id)
            && sink
                .azure_resource_group
                .eq_ignore_ascii_case(&inputs.resource_group)
    });
    if !here {
        // Its topic is not in this group; step 2 explains (and a run stops there).
        let error = SetupError::new(
            ErrorCode::StreamSinkMismatch,
            format!(
                "The log stream \"{}\" does not send to resource group {}, so its partner topic is not there.",
                inputs.stream_name, inputs.resource_group
            ),
            "Resolve step 2 first.",
        );
        return Ok(Detection {
            status: StepStatus::new(STEP, StepState::Blocked, error.message.clone()),
            plan: Plan::Refuse(error),
        });
    }
    let found = identify(ctx, &partner_id(facts), &stream).await?;
    Ok(match found {
        Found::Confirmed(topic) => {
            let detection = judge(ctx, &topic, &stream);
            facts.topic = Some(topic);
            detection
        }
        Found::Gone(name) => refuse(gone(ctx, &name)),
        Found::Foreign(topic) => refuse(foreign(ctx, &topic, &partner_id(facts))),
        Found::Unnamed(candidates) => Detection {
            status: StepStatus::new(STEP, StepState::Waiting, unnamed(ctx, &candidates))
                .with_actions(vec![
                    "Wait for Auth0 to report its partner topic, then activate it".to_owned(),
                ]),
            plan: Plan::Wait,
        },
    })
}

fn refuse(error: SetupError) -> Detection {
    Detection {
        status: StepStatus::new(
            STEP,
            StepState::Attention,
            format!("{} {}", error.message, error.remedy),
        ),
        plan: Plan::Refuse(error),
    }
}

/// While Auth0 has not named the topic: what is in the group that could be it.
fn unnamed(ctx: &Context<'_>, candidates: &[PartnerTopic]) -> String {
    let inputs = ctx.inputs;
    let waiting = format!(
        "Auth0 has not reported the partner topic of the stream \"{}\" yet.",
        inputs.stream_name
    );
    match candidates {
        [] => format!(
            "{waiting} No partner topic that could be Auth0's is in {} yet.",
            inputs.resource_group
        ),
        [one] => format!(
            "{waiting} One partner topic in {} could be it: {} ({}); it is activated only once Auth0 names it.",
            inputs.resource_group,
            one.name,
            origin(one)
        ),
        several => format!(
            "{waiting} {} partner topics in {} could be it: {}. The setup does not guess: it activates the one \
             Auth0 names.",
            several.len(),
            inputs.resource_group,
            candidate_list(several)
        ),
    }
}

/// What Azure reports of the topic and the stream it is for, as the person confirms them.
fn topic_facts(topic: &PartnerTopic, stream: &LogStream) -> TopicFacts {
    let shown = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    TopicFacts {
        name: topic.name.clone(),
        source: shown(&topic.properties.source),
        friendly_description: shown(&topic.properties.partner_topic_friendly_description),
        message_for_activation: shown(&topic.properties.message_for_activation),
        activation_state: shown(&topic.properties.activation_state),
        stream_name: stream.name.clone(),
        stream_id: stream.id.clone(),
    }
}

fn judge(ctx: &Context<'_>, topic: &PartnerTopic, stream: &LogStream) -> Detection {
    let mut detection = judge_without_stream(ctx, topic);
    detection.status.topic = Some(topic_facts(topic, stream));
    detection
}

fn judge_without_stream(ctx: &Context<'_>, topic: &PartnerTopic) -> Detection {
    let expires = topic.properties.expiration_time_if_not_activated_utc;
    if topic.is_activated() {
        return Detection {
            status: StepStatus::new(
                STEP,
                StepState::Done,
                format!(
                    "The partner topic {} is activated ({}).",
                    topic.name,
                    origin(topic)
                ),
            ),
            plan: Plan::Nothing,
        };
    }
    let state = topic
        .properties
        .activation_state
        .as_deref()
        .unwrap_or("NeverActivated");
    let confirm = format!(
        "Azure shows its {}: check that they are your Auth0 tenant's.",
        origin(topic)
    );
    let never_activated = state.eq_ignore_ascii_case("NeverActivated");
    let summary = match expires {
        // Azure deletes such a topic, but one still listed is no proof that it cannot be activated: try.
        Some(at) if never_activated && at <= ctx.clock.now() => format!(
            "Auth0's partner topic {} (the one the stream reports) was to be activated before {}, which has \
             passed; Azure deletes such topics and may refuse to activate it. {confirm}",
            topic.name,
            rfc3339(at)
        ),
        Some(at) if never_activated => format!(
            "Auth0's partner topic {} (the one the stream reports) waits for activation (it must be activated \
             before {}). {confirm}",
            topic.name,
            rfc3339(at)
        ),
        _ if never_activated => format!(
            "Auth0's partner topic {} (the one the stream reports) waits for activation. {confirm}",
            topic.name
        ),
        _ => format!(
            "Auth0's partner topic {} (the one the stream reports) is {state}. {confirm}",
            topic.name
        ),
    };
    let mut status = StepStatus::new(STEP, StepState::ToDo, summary)
        .with_actions(vec![format!("Activate the partner topic {}", topic.name)]);
    status.expires_at = expires.filter(|_| never_activated).map(rfc3339);
    Detection {
        status,
        plan: Plan::Activate(topic.name.clone()),
    }
}

/// Azure answers 404 for the name the stream reports: the only case where deleting the stream is advised.
fn gone(ctx: &Context<'_>, name: &str) -> SetupError {
    let inputs = ctx.inputs;
    SetupError::new(
        ErrorCode::PartnerTopicExpired,
        format!(
            "The partner topic {name} that Auth0 reports for the stream \"{}\" does not exist in {} (Azure answers \
             404 for it): it was not activated before its expiration time (Azure then deletes it), or it was \
             deleted.",
            inputs.stream_name, inputs.resource_group
        ),
        format!(
            "Delete the log stream \"{}\" in the Auth0 dashboard (Monitoring > Streams), then run the setup again: \
             it authorizes Auth0 again if needed, creates the stream anew and activates the new topic at once.",
            inputs.stream_name
        ),
    )
}

fn foreign(ctx: &Context<'_>, topic: &PartnerTopic, partner_id: &str) -> SetupError {
    let inputs = ctx.inputs;
    SetupError::new(
        ErrorCode::PartnerTopicNotFound,
        format!(
            "The stream \"{}\" reports the partner topic {}, but Azure lists that topic in {} with another \
             partner's registration id ({}, not Auth0's {partner_id}); the setup does not activate it.",
            inputs.stream_name,
            topic.name,
            inputs.resource_group,
            topic
                .properties
                .partner_registration_immutable_id
                .as_deref()
                .unwrap_or_default()
        ),
        format!(
            "Look at the topic {} in the Azure portal (Event Grid > Partner topics: its {}) and at the stream in \
             the Auth0 dashboard (Monitoring > Streams); run the setup again once they agree.",
            topic.name,
            origin(topic)
        ),
    )
}

/// The deadline passed and Auth0 still names no topic.
fn unconfirmed(ctx: &Context<'_>, candidates: &[PartnerTopic], waited: Duration) -> SetupError {
    let inputs = ctx.inputs;
    let within = format!(
        "Auth0 did not report the partner topic of the stream \"{}\" within {} s",
        inputs.stream_name,
        waited.as_secs_f64().ceil()
    );
    match candidates {
        [] => SetupError::new(
            ErrorCode::PartnerTopicNotFound,
            format!(
                "{within}, and no partner topic that could be Auth0's is in {}.",
                inputs.resource_group
            ),
            "Check that Auth0 is authorized as a partner in the resource group and that the authorization has not \
             expired (step 1 renews it), and that Microsoft.EventGrid is registered; then run the setup again.",
        ),
        [one] => SetupError::new(
            ErrorCode::PartnerTopicNotFound,
            format!(
                "Found, not confirmed: {within}. The partner topic {} in {} could be it ({}), but the setup \
                 activates only the topic Auth0 names.",
                one.name,
                inputs.resource_group,
                origin(one)
            ),
            format!(
                "Check that this source and description are your Auth0 tenant's, then run the setup again in a few \
                 minutes: once Auth0 reports the topic, the setup activates it{}.",
                one.properties
                    .expiration_time_if_not_activated_utc
                    .map(|at| format!(" (it must be activated before {})", rfc3339(at)))
                    .unwrap_or_default()
            ),
        ),
        several => SetupError::new(
            ErrorCode::PartnerTopicNotFound,
            format!(
                "{within}, and {} partner topics in {} could be it: {}. The setup does not guess which one.",
                several.len(),
                inputs.resource_group,
                candidate_list(several)
            ),
            "Which of these is this stream's? Their sources and descriptions are above. Run the setup again in a few \
             minutes: once Auth0 reports the topic's name, the setup activates that one and leaves the others alone.",
        ),
    }
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &mut Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    let found = match found.plan {
        Plan::Wait => {
            let topic = wait_for_topic(ctx, facts).await?;
            let detection = match &facts.stream {
                Some(stream) => judge(ctx, &topic, stream),
                None => judge_without_stream(ctx, &topic),
            };
            facts.topic = Some(topic);
            detection
        }
        _ => found,
    };
    let name = match found.plan {
        Plan::Nothing => return Ok(found.status),
        Plan::Refuse(error) => return Err(error),
        Plan::Activate(name) => name,
        Plan::Wait => unreachable!("resolved above"),
    };
    let inputs = ctx.inputs;
    ctx.applying(STEP, format!("Activating the partner topic {name}"));
    let activated = ctx
        .azure
        .activate_partner_topic(&inputs.subscription_id, &inputs.resource_group, &name)
        .await;
    let topic = match activated {
        Ok(topic) => topic,
        Err(error) => return Err(activation_refused(ctx, facts, &name, error).await),
    };
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
        format!(
            "The partner topic {} is activated ({}).",
            topic.name,
            origin(&topic)
        ),
    );
    facts.topic = Some(topic);
    Ok(status)
}

/// Azure refused the activation: a topic it now answers 404 for is gone; one past its activation deadline is
/// explained without advising to delete anything; anything else is Azure's own error.
async fn activation_refused(
    ctx: &Context<'_>,
    facts: &Facts,
    name: &str,
    error: AzureError,
) -> SetupError {
    let refused = matches!(&error, AzureError::Arm(e) if matches!(e.status, 400 | 404 | 409));
    if !refused {
        return error.into();
    }
    match by_name(ctx, &partner_id(facts), name).await {
        Ok(Found::Gone(name)) => return gone(ctx, &name),
        Ok(Found::Confirmed(topic)) | Ok(Found::Foreign(topic)) => {
            let deadline = topic
                .properties
                .expiration_time_if_not_activated_utc
                .filter(|at| *at <= ctx.clock.now() && !topic.is_activated());
            if let Some(at) = deadline {
                // Azure's own error (its code, its correlation id), explained; nothing to delete.
                let azure = error.to_string();
                let mut explained = SetupError::from(error);
                explained.message = format!(
                    "Azure refused to activate the partner topic {name}, which was to be activated before {} \
                     ({azure}). Azure deletes a partner topic that was not activated in time, but it still \
                     lists this one.",
                    rfc3339(at)
                );
                explained.remedy = "Run the setup again later. Once Azure no longer has the topic, the setup \
                                    says how to have Auth0 create a new one; until then there is nothing to \
                                    delete."
                    .to_owned();
                return explained;
            }
        }
        _ => {}
    }
    error.into()
}

/// Auth0 names its topic some time after the stream exists: read the stream again, quickly at first, within
/// the deadline. A reported name that Azure does not have yet is looked up again too, until the deadline.
async fn wait_for_topic(ctx: &Context<'_>, facts: &mut Facts) -> Result<PartnerTopic, SetupError> {
    let inputs = ctx.inputs;
    let Some(stream_id) = facts.stream.as_ref().map(|s| s.id.clone()) else {
        return Err(SetupError::new(
            ErrorCode::PartnerTopicNotFound,
            "There is no log stream whose partner topic could be activated.",
            "Run the setup again from the start.",
        ));
    };
    let partner_id = partner_id(facts);
    ctx.waiting(STEP, "Auth0 to report its partner topic");
    let mut waited = Duration::ZERO;
    let mut last = Found::Unnamed(Vec::new());
    for poll in 0.. {
        let Some(stream) = ctx.auth0.get_log_stream(&stream_id).await? else {
            return Err(SetupError::new(
                ErrorCode::OperationFailed,
                format!(
                    "The log stream \"{}\" ({stream_id}) was deleted while waiting for its partner topic.",
                    inputs.stream_name
                ),
                "Run the setup again: it creates the stream anew.",
            ));
        };
        let found = identify(ctx, &partner_id, &stream).await?;
        facts.stream = Some(stream);
        match found {
            Found::Confirmed(topic) => return Ok(topic),
            Found::Foreign(topic) => return Err(foreign(ctx, &topic, &partner_id)),
            other => last = other,
        }
        let wait = poll_delay(&ctx.topic_wait, poll, None);
        if waited + wait > ctx.topic_wait.deadline {
            break;
        }
        waited += wait;
        ctx.azure.transport().poll_wait(wait).await;
    }
    Err(match last {
        Found::Gone(name) => gone(ctx, &name),
        Found::Unnamed(candidates) => unconfirmed(ctx, &candidates, waited),
        Found::Confirmed(_) | Found::Foreign(_) => unreachable!("returned above"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(partner: Option<&str>, source: &str) -> PartnerTopic {
        let mut properties = serde_json::json!({"source": source});
        if let Some(partner) = partner {
            properties["partnerRegistrationImmutableId"] = serde_json::json!(partner);
        }
        serde_json::from_value(serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/t",
            "name": "t",
            "properties": properties
        }))
        .unwrap()
    }

    fn stream(sink: serde_json::Value) -> LogStream {
        serde_json::from_value(serde_json::json!({
            "id": "lst_1", "name": "n", "type": "eventgrid", "sink": sink
        }))
        .unwrap()
    }

    #[test]
    fn the_facts_to_confirm_are_azure_s_documented_fields_as_reported_and_the_stream_s_own() {
        let topic: PartnerTopic = serde_json::from_value(serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/partnerTopics/auth0-logs-1",
            "name": "auth0-logs-1",
            "properties": {
                "source": " any-format/whatever ",
                "partnerTopicFriendlyDescription": "Auth0 log stream of tenant acme",
                "messageForActivation": "",
                "activationState": "NeverActivated",
                "expirationTimeIfNotActivatedUtc": "2031-01-08T10:00:00Z"
            }
        }))
        .unwrap();
        let facts = topic_facts(&topic, &stream(serde_json::json!({})));
        assert_eq!(
            facts,
            TopicFacts {
                name: "auth0-logs-1".into(),
                // Shown as Azure reports it (trimmed), whatever its format; an empty value is no value.
                source: Some("any-format/whatever".into()),
                friendly_description: Some("Auth0 log stream of tenant acme".into()),
                message_for_activation: None,
                activation_state: Some("NeverActivated".into()),
                stream_name: "n".into(),
                stream_id: "lst_1".into(),
            }
        );
    }

    #[test]
    fn only_another_partners_registration_id_vetoes_a_topic() {
        let auth0 = azure_client::AUTH0_PARTNER_IMMUTABLE_ID;
        // No id at all (Azure's own examples omit it), or Auth0's in any case: not vetoed.
        assert!(!vetoed(&topic(None, "anything"), auth0));
        assert!(!vetoed(&topic(Some(""), "anything"), auth0));
        assert!(!vetoed(&topic(Some(&auth0.to_uppercase()), ""), auth0));
        // Another partner's id: vetoed, whatever its source says.
        assert!(vetoed(
            &topic(
                Some("5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1"),
                "auth0.com/acme-6f1c3c2e-1d9b-4a51-9d59-4e0f5f0a2b7d/auth0.logs"
            ),
            auth0
        ));
    }

    #[test]
    fn the_topic_is_the_one_the_stream_names_and_no_source_format_is_required() {
        let sink = |topic: Option<&str>| {
            let mut sink = serde_json::json!({
                "azureSubscriptionId": "11111111-2222-3333-4444-555555555555",
                "azureRegion": "westeurope",
                "azureResourceGroup": "rg"
            });
            if let Some(topic) = topic {
                sink["azurePartnerTopic"] = serde_json::json!(topic);
            }
            sink
        };
        assert_eq!(
            reported_name(&stream(sink(Some("auth0-logs-abc")))).as_deref(),
            Some("auth0-logs-abc")
        );
        assert_eq!(reported_name(&stream(sink(None))), None);
        assert_eq!(reported_name(&stream(sink(Some("  ")))), None);
        // What a topic's origin looks like to the user: shown, never parsed.
        let shown = origin(&topic(None, "some partner-defined text"));
        assert_eq!(shown, "source \"some partner-defined text\"");
        assert_eq!(origin(&topic(None, "")), "source \"(none)\"");
    }
}
