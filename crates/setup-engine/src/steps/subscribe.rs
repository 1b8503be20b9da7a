//! Step 4, the event subscription on the partner topic: CloudEvents 1.0 (the only schema a partner topic
//! delivers), to a WebHook, Event Hub, Storage Queue, Service Bus queue or topic, or Azure Function,
//! optionally filtered to chosen Auth0 log codes (`data.type`), with a retry policy and optional
//! dead-lettering. An existing subscription that already says all that is left alone.

use azure_client::{
    AdvancedFilter, DeadLetterDestination, DeadLetterProperties, DeliveryRetryPolicy, Destination,
    DestinationProperties, EventSubscription, EventSubscriptionFilter, EventSubscriptionProperties,
};

use super::{Context, Facts, StepId, StepState, StepStatus};
use crate::error::{ErrorCode, SetupError};
use crate::inputs::{DestinationKind, SetupInputs};

const STEP: StepId = StepId::Subscribe;
const CLOUD_EVENTS: &str = "CloudEventSchemaV1_0";

pub(crate) struct Detection {
    pub status: StepStatus,
    write: bool,
}

pub(crate) async fn detect(ctx: &Context<'_>, facts: &mut Facts) -> Result<Detection, SetupError> {
    let inputs = ctx.inputs;
    let Some(topic) = facts.topic.as_ref() else {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Blocked,
                "The subscription is made once the partner topic exists.",
            ),
            write: true,
        });
    };
    let existing = ctx
        .azure
        .get_event_subscription(
            &inputs.subscription_id,
            &inputs.resource_group,
            &topic.name,
            &inputs.event_subscription_name,
        )
        .await?;
    let destination = inputs.destination.kind.endpoint_type();
    let (state, summary, actions) = match existing {
        None => (
            StepState::ToDo,
            format!(
                "There is no event subscription {} yet.",
                inputs.event_subscription_name
            ),
            vec![format!(
                "Create the event subscription {} on {} to the {destination} destination",
                inputs.event_subscription_name, topic.name
            )],
        ),
        Some(current) if matches(&current, &desired(inputs)) => (
            StepState::Done,
            format!(
                "The event subscription {} delivers CloudEvents to the {destination} destination.",
                inputs.event_subscription_name
            ),
            vec![],
        ),
        Some(current) if current.is_awaiting_manual_action() => (
            StepState::ToDo,
            format!(
                "The event subscription {} is waiting for its webhook to accept events (the CloudEvents \
                 validation handshake was not answered).",
                inputs.event_subscription_name
            ),
            vec![format!(
                "Save the event subscription {} again, so Azure repeats the validation handshake",
                inputs.event_subscription_name
            )],
        ),
        Some(current) => (
            StepState::ToDo,
            format!(
                "The event subscription {} exists ({}) but differs from the requested settings.",
                inputs.event_subscription_name,
                current
                    .properties
                    .provisioning_state
                    .as_deref()
                    .unwrap_or("state unknown")
            ),
            vec![format!(
                "Update the event subscription {}",
                inputs.event_subscription_name
            )],
        ),
    };
    Ok(Detection {
        write: state != StepState::Done,
        status: StepStatus::new(STEP, state, summary).with_actions(actions),
    })
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    if !found.write {
        return Ok(found.status);
    }
    let inputs = ctx.inputs;
    let topic = facts.topic.as_ref().ok_or_else(|| {
        SetupError::new(
            ErrorCode::PartnerTopicNotFound,
            "There is no activated partner topic to subscribe to.",
            "Run the setup again from the start.",
        )
    })?;
    ctx.applying(
        STEP,
        format!(
            "Creating the event subscription {}",
            inputs.event_subscription_name
        ),
    );
    ctx.waiting(STEP, "Azure to provision the event subscription");
    let created = ctx
        .azure
        .put_event_subscription(
            &inputs.subscription_id,
            &inputs.resource_group,
            &topic.name,
            &inputs.event_subscription_name,
            &desired(inputs),
        )
        .await?;
    if created.is_awaiting_manual_action() {
        return Err(awaiting_webhook(inputs));
    }
    if created
        .properties
        .provisioning_state
        .as_deref()
        .is_some_and(|s| s != "Succeeded")
    {
        return Err(SetupError::new(
            ErrorCode::OperationFailed,
            format!(
                "The event subscription ended in state {}.",
                created.properties.provisioning_state.unwrap_or_default()
            ),
            "For a webhook, check that the endpoint answers the CloudEvents validation (an OPTIONS request with \
             WebHook-Request-Origin) quickly; then run the setup again.",
        ));
    }
    Ok(StepStatus::new(
        STEP,
        StepState::Done,
        format!(
            "The event subscription {} delivers CloudEvents to the {} destination.",
            inputs.event_subscription_name,
            inputs.destination.kind.endpoint_type()
        ),
    ))
}

/// Azure holds the subscription in `AwaitingManualAction`: the webhook did not agree to receive events in
/// the CloudEvents validation handshake. Only the endpoint's owner can change that, so the setup stops at
/// once and says what the endpoint must do.
fn awaiting_webhook(inputs: &SetupInputs) -> SetupError {
    let url = inputs.destination.webhook_url.as_deref().unwrap_or("");
    let base = url.split('?').next().unwrap_or(url);
    SetupError::new(
        ErrorCode::OperationFailed,
        format!(
            "Azure created the event subscription {} but is waiting for the webhook {base} to accept events: it \
             did not answer the CloudEvents validation handshake (an HTTP OPTIONS request carrying \
             WebHook-Request-Origin: eventgrid.azure.net). No events are delivered until it does.",
            inputs.event_subscription_name
        ),
        "Make the endpoint answer that OPTIONS request with status 200 and the header WebHook-Allowed-Origin: \
         eventgrid.azure.net (or call the WebHook-Request-Callback address it was sent, within a few minutes), \
         then run the setup again: it saves the subscription again and Azure repeats the handshake.",
    )
}

/// The subscription the inputs ask for.
pub(crate) fn desired(inputs: &SetupInputs) -> EventSubscription {
    let d = &inputs.destination;
    let webhook = d.kind == DestinationKind::Webhook;
    let destination = Destination {
        endpoint_type: d.kind.endpoint_type().to_owned(),
        properties: DestinationProperties {
            endpoint_url: if webhook { d.webhook_url.clone() } else { None },
            endpoint_base_url: None,
            resource_id: if webhook { None } else { d.resource_id.clone() },
            queue_name: d.queue_name.clone(),
            max_events_per_batch: d.max_events_per_batch,
            preferred_batch_size_in_kilobytes: d.preferred_batch_size_in_kilobytes,
        },
    };
    let filter = (!inputs.log_codes.is_empty()).then(|| EventSubscriptionFilter {
        advanced_filters: vec![AdvancedFilter::string_in(
            "data.type",
            inputs.log_codes.clone(),
        )],
    });
    EventSubscription {
        id: None,
        name: None,
        properties: EventSubscriptionProperties {
            destination: Some(destination),
            filter,
            event_delivery_schema: Some(CLOUD_EVENTS.into()),
            retry_policy: Some(DeliveryRetryPolicy {
                max_delivery_attempts: inputs.retry.max_delivery_attempts,
                event_time_to_live_in_minutes: inputs.retry.event_time_to_live_in_minutes,
            }),
            dead_letter_destination: inputs.dead_letter.as_ref().map(|dl| DeadLetterDestination {
                endpoint_type: "StorageBlob".into(),
                properties: DeadLetterProperties {
                    resource_id: dl.storage_account_id.clone(),
                    blob_container_name: dl.container_name.clone(),
                },
            }),
            provisioning_state: None,
        },
    }
}

/// Whether an existing subscription already delivers what is asked. Azure echoes a webhook only as its base
/// URL (without the query, which may hold a key), and fills in batch defaults, so those compare loosely.
pub(crate) fn matches(current: &EventSubscription, wanted: &EventSubscription) -> bool {
    let (c, w) = (&current.properties, &wanted.properties);
    if c.provisioning_state
        .as_deref()
        .is_some_and(|s| s != "Succeeded")
    {
        return false;
    }
    let same_text = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    };
    let destination = match (&c.destination, &w.destination) {
        (Some(cd), Some(wd)) => {
            let (cp, wp) = (&cd.properties, &wd.properties);
            let url_ok = match wp.endpoint_url.as_deref() {
                Some(url) => {
                    let base = url.split('?').next().unwrap_or(url).trim_end_matches('/');
                    [cp.endpoint_base_url.as_deref(), cp.endpoint_url.as_deref()]
                        .into_iter()
                        .flatten()
                        .any(|have| {
                            have.split('?').next().unwrap_or(have).trim_end_matches('/') == base
                        })
                }
                None => true,
            };
            let batch_ok = wp
                .max_events_per_batch
                .is_none_or(|n| cp.max_events_per_batch == Some(n))
                && wp
                    .preferred_batch_size_in_kilobytes
                    .is_none_or(|n| cp.preferred_batch_size_in_kilobytes == Some(n));
            cd.endpoint_type.eq_ignore_ascii_case(&wd.endpoint_type)
                && url_ok
                && same_text(cp.resource_id.as_deref(), wp.resource_id.as_deref())
                && cp.queue_name == wp.queue_name
                && batch_ok
        }
        _ => false,
    };
    // The log codes of a `StringIn` on `data.type`, and how many other filters there are (any operator,
    // numeric or unknown ones included, makes a subscription differ from what the setup writes).
    let codes = |f: &Option<EventSubscriptionFilter>| {
        let log_codes = |a: &AdvancedFilter| match a {
            AdvancedFilter::StringIn(f) if f.key.eq_ignore_ascii_case("data.type") => {
                Some(f.values.clone())
            }
            _ => None,
        };
        let filters = f.iter().flat_map(|f| &f.advanced_filters);
        let mut values: Vec<String> = filters.clone().filter_map(log_codes).flatten().collect();
        values.sort();
        let others = filters.filter(|a| log_codes(a).is_none()).count();
        (values, others)
    };
    let retry = |r: Option<DeliveryRetryPolicy>| {
        r.unwrap_or(DeliveryRetryPolicy {
            max_delivery_attempts: 30,
            event_time_to_live_in_minutes: 1440,
        })
    };
    let dead_letter = match (&c.dead_letter_destination, &w.dead_letter_destination) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.properties
                .resource_id
                .eq_ignore_ascii_case(&b.properties.resource_id)
                && a.properties.blob_container_name == b.properties.blob_container_name
        }
        _ => false,
    };
    destination
        && c.event_delivery_schema.as_deref() == Some(CLOUD_EVENTS)
        && codes(&c.filter) == codes(&w.filter)
        && retry(c.retry_policy) == retry(w.retry_policy)
        && dead_letter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{DeadLetterInput, DestinationInput};

    fn inputs() -> SetupInputs {
        serde_json::from_value(serde_json::json!({
            "auth0_domain": "acme.auth0.com", "stream_name": "s",
            "subscription_id": "11111111-2222-3333-4444-555555555555", "resource_group": "rg",
            "region": "westeurope", "event_subscription_name": "auth0-logs",
            "destination": {"kind": "webhook", "webhook_url": "https://hooks.example.com/in?code=secret"},
            "log_codes": ["s", "f"]
        }))
        .unwrap()
    }

    /// What Azure would answer for the subscription it was sent: base URL only, defaults filled in.
    fn as_azure_returns(mut sub: EventSubscription) -> EventSubscription {
        if let Some(d) = sub.properties.destination.as_mut() {
            d.properties.endpoint_base_url = d
                .properties
                .endpoint_url
                .take()
                .map(|u| u.split('?').next().unwrap().to_owned());
            d.properties.max_events_per_batch.get_or_insert(1);
            d.properties
                .preferred_batch_size_in_kilobytes
                .get_or_insert(64);
        }
        if let Some(f) = sub.properties.filter.as_mut()
            && let AdvancedFilter::StringIn(codes) = &mut f.advanced_filters[0]
        {
            codes.values.reverse();
        }
        sub.properties.provisioning_state = Some("Succeeded".into());
        sub
    }

    #[test]
    fn an_echoed_subscription_matches_what_was_asked() {
        let wanted = desired(&inputs());
        assert!(matches(&as_azure_returns(wanted.clone()), &wanted));
    }

    #[test]
    fn any_real_difference_is_detected() {
        let base = inputs();
        let mut variants: Vec<SetupInputs> = Vec::new();
        let mut v = base.clone();
        v.destination.webhook_url = Some("https://other.example.com/in".into());
        variants.push(v);
        let mut v = base.clone();
        v.log_codes = vec!["s".into()];
        variants.push(v);
        let mut v = base.clone();
        v.retry.max_delivery_attempts = 5;
        variants.push(v);
        let mut v = base.clone();
        v.dead_letter = Some(DeadLetterInput {
            storage_account_id:
                "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a"
                    .into(),
            container_name: "dl".into(),
        });
        variants.push(v);
        let mut v = base.clone();
        v.destination = DestinationInput {
            kind: DestinationKind::Eventhub,
            webhook_url: None,
            resource_id: Some("/subscriptions/x/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/n/eventhubs/h".into()),
            queue_name: None,
            max_events_per_batch: None,
            preferred_batch_size_in_kilobytes: None,
        };
        variants.push(v);
        let existing = as_azure_returns(desired(&base));
        for variant in variants {
            assert!(!matches(&existing, &desired(&variant)), "{variant:?}");
        }
        let mut failed = existing.clone();
        failed.properties.provisioning_state = Some("Failed".into());
        assert!(!matches(&failed, &desired(&base)));
    }

    #[test]
    fn body_uses_cloud_events_and_the_data_type_filter() {
        let body = serde_json::to_value(desired(&inputs())).unwrap();
        assert_eq!(
            body["properties"]["eventDeliverySchema"],
            "CloudEventSchemaV1_0"
        );
        assert_eq!(
            body["properties"]["filter"]["advancedFilters"],
            serde_json::json!([{"operatorType": "StringIn", "key": "data.type", "values": ["s", "f"]}])
        );
        assert_eq!(body["properties"]["destination"]["endpointType"], "WebHook");
    }
}
