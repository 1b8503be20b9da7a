//! From what was read to what a teardown would do: each kind judged in the order of removal, a later one
//! knowing what the earlier ones decided (the topic stays with its stream's other subscribers; the group is
//! empty only of what goes before it). Pure: no request is sent here.

use super::read::Found;
use super::{
    TeardownKind, TeardownPlan, TeardownScope, Verdict, event_subscription, log_stream,
    partner_authorization, partner_topic, resource_group,
};
use crate::inputs::SetupInputs;

/// The plan, and the verdict on the setup's own resource of each kind (in removal order).
pub(super) struct Judged {
    pub plan: TeardownPlan,
    pub verdicts: Vec<(TeardownKind, Verdict)>,
}

impl Judged {
    pub fn verdict(&self, kind: TeardownKind) -> &Verdict {
        self.verdicts
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v)
            .unwrap_or(&Verdict::Absent)
    }
}

pub(super) fn judge(found: &Found, inputs: &SetupInputs, scope: &TeardownScope) -> Judged {
    let (subscription, other_subscriptions) = event_subscription::judge(found, inputs);
    let stream = log_stream::judge(found, inputs);
    let topic = partner_topic::judge(found, inputs);
    let stream_stays = matches!(stream, Verdict::Keep(_)) && found.stream_is_ours(inputs);
    let (authorization, other_partners) = partner_authorization::judge(found, inputs, stream_stays);
    let removing = resource_group::Removing {
        topic: matches!(topic, Verdict::Remove(_)),
        authorization_or_none: !matches!(authorization, Verdict::Keep(_)),
    };
    let group = resource_group::judge(found, inputs, scope.resource_group_created, removing);
    let verdicts = vec![
        (TeardownKind::EventSubscription, subscription),
        (TeardownKind::LogStream, stream),
        (TeardownKind::PartnerTopic, topic),
        (TeardownKind::PartnerAuthorization, authorization),
        (TeardownKind::ResourceGroup, group),
    ];
    let mut plan = TeardownPlan {
        remove: Vec::new(),
        keep: Vec::new(),
    };
    for (kind, verdict) in &verdicts {
        match verdict {
            Verdict::Remove(item) => plan.remove.push(item.clone()),
            Verdict::Keep(kept) => plan.keep.push(kept.clone()),
            Verdict::Absent => {}
        }
        match kind {
            TeardownKind::EventSubscription => {
                plan.keep.extend(other_subscriptions.iter().cloned())
            }
            TeardownKind::PartnerAuthorization => plan.keep.extend(other_partners.iter().cloned()),
            _ => {}
        }
    }
    Judged { plan, verdicts }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::health::KnownResources;
    use crate::inputs::{DestinationInput, DestinationKind};

    const SUB: &str = "11111111-2222-3333-4444-555555555555";
    const AUTH0: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";

    fn inputs() -> SetupInputs {
        SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            stream_name: "Azure Event Grid".into(),
            subscription_id: SUB.into(),
            resource_group: "auth0-events".into(),
            event_subscription_name: "auth0-logs".into(),
            destination: DestinationInput {
                kind: DestinationKind::Webhook,
                webhook_url: Some("https://hooks.example.com/auth0?code=k".into()),
                ..DestinationInput::default()
            },
            ..SetupInputs::default()
        }
    }

    fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    fn group_id() -> String {
        format!("/subscriptions/{SUB}/resourceGroups/auth0-events")
    }

    /// A finished setup as Azure and Auth0 show it: nothing changed since.
    fn untouched() -> Found {
        let topic_id = format!(
            "{}/providers/Microsoft.EventGrid/partnerTopics/auth0-logs-1",
            group_id()
        );
        Found {
            partner_id: AUTH0.into(),
            stream: Some(from(
                json!({"id": "lst_1", "name": "Azure Event Grid", "type": "eventgrid",
                "sink": {"azureSubscriptionId": SUB, "azureResourceGroup": "auth0-events",
                         "azureRegion": "westeurope", "azurePartnerTopic": "auth0-logs-1"}}),
            )),
            neighbours: Vec::new(),
            topic_name: Some("auth0-logs-1".into()),
            topic: Some(from(json!({"id": topic_id, "name": "auth0-logs-1"}))),
            subscriptions: vec![from(
                json!({"id": format!("{topic_id}/eventSubscriptions/auth0-logs"),
                "name": "auth0-logs", "properties": {"destination": {"endpointType": "WebHook",
                "properties": {"endpointBaseUrl": "https://hooks.example.com/auth0"}}}}),
            )],
            unreadable_subscriptions: Vec::new(),
            configuration: Some(from(
                json!({"location": "global", "properties": {"partnerAuthorization": {
                "authorizedPartnersList": [{"partnerRegistrationImmutableId": AUTH0, "partnerName": "Auth0"}]}}}),
            )),
            group: Some(from(
                json!({"id": group_id(), "name": "auth0-events", "location": "westeurope"}),
            )),
            resources: vec![
                from(
                    json!({"id": topic_id, "name": "auth0-logs-1", "type": "Microsoft.EventGrid/partnerTopics"}),
                ),
                from(
                    json!({"id": format!("{}/providers/Microsoft.EventGrid/partnerConfigurations/default", group_id()),
                    "name": "default", "type": "Microsoft.EventGrid/partnerConfigurations"}),
                ),
            ],
        }
    }

    fn created() -> TeardownScope {
        TeardownScope {
            known: KnownResources::default(),
            resource_group_created: true,
        }
    }

    fn kept(plan: &TeardownPlan, kind: TeardownKind) -> Vec<(String, String)> {
        plan.keep
            .iter()
            .filter(|k| k.kind == kind)
            .map(|k| (k.name.clone(), k.reason.clone()))
            .collect()
    }

    #[test]
    fn an_untouched_setup_is_removed_whole_in_reverse_order() {
        let plan = judge(&untouched(), &inputs(), &created()).plan;
        let kinds: Vec<TeardownKind> = plan.remove.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                TeardownKind::EventSubscription,
                TeardownKind::LogStream,
                TeardownKind::PartnerTopic,
                TeardownKind::PartnerAuthorization,
                TeardownKind::ResourceGroup
            ]
        );
        assert!(plan.keep.is_empty(), "{:?}", plan.keep);
    }

    #[test]
    fn a_stream_that_now_sends_elsewhere_stays_and_the_remembered_topic_goes() {
        let mut found = untouched();
        found.stream = Some(from(
            json!({"id": "lst_9", "name": "Azure Event Grid", "type": "eventgrid",
            "sink": {"azureSubscriptionId": SUB, "azureResourceGroup": "elsewhere", "azureRegion": "westeurope"}}),
        ));
        let plan = judge(&found, &inputs(), &created()).plan;
        let stream = kept(&plan, TeardownKind::LogStream);
        assert_eq!(stream.len(), 1);
        assert!(stream[0].1.contains("elsewhere"), "{}", stream[0].1);
        let removed: Vec<TeardownKind> = plan.remove.iter().map(|i| i.kind).collect();
        assert!(!removed.contains(&TeardownKind::LogStream));
        assert!(removed.contains(&TeardownKind::PartnerTopic));
        assert!(removed.contains(&TeardownKind::ResourceGroup));
    }

    #[test]
    fn a_changed_destination_keeps_the_subscription_and_what_feeds_it_goes_on() {
        let mut found = untouched();
        found.subscriptions = vec![from(
            json!({"id": "x", "name": "auth0-logs", "properties": {"destination":
            {"endpointType": "WebHook", "properties": {"endpointBaseUrl": "https://other.example.com/in"}}}}),
        )];
        let plan = judge(&found, &inputs(), &created()).plan;
        let subscription = kept(&plan, TeardownKind::EventSubscription);
        assert_eq!(subscription.len(), 1);
        assert!(
            subscription[0].1.contains("other.example.com"),
            "{}",
            subscription[0].1
        );
    }

    #[test]
    fn a_group_with_tags_or_other_resources_stays_and_names_them() {
        let mut tagged = untouched();
        tagged.group = Some(from(
            json!({"id": group_id(), "name": "auth0-events", "location": "westeurope",
            "tags": {"cost-center": "42"}}),
        ));
        let plan = judge(&tagged, &inputs(), &created()).plan;
        assert!(
            kept(&plan, TeardownKind::ResourceGroup)[0]
                .1
                .contains("cost-center=42")
        );

        let mut crowded = untouched();
        crowded
            .resources
            .push(from(json!({"id": "/x/storage", "name": "logsarchive",
            "type": "Microsoft.Storage/storageAccounts"})));
        let plan = judge(&crowded, &inputs(), &created()).plan;
        let group = kept(&plan, TeardownKind::ResourceGroup);
        assert!(
            group[0]
                .1
                .contains("logsarchive (Microsoft.Storage/storageAccounts)"),
            "{}",
            group[0].1
        );
        assert_eq!(plan.remove.len(), 4, "everything else still goes");
    }

    #[test]
    fn auth0_stays_authorized_while_another_stream_of_the_tenant_sends_to_the_group() {
        let mut found = untouched();
        found.neighbours = vec![from(
            json!({"id": "lst_2", "name": "Staging", "type": "eventgrid",
            "sink": {"azureSubscriptionId": SUB, "azureResourceGroup": "auth0-events", "azureRegion": "westeurope"}}),
        )];
        let plan = judge(&found, &inputs(), &created()).plan;
        let auth0 = kept(&plan, TeardownKind::PartnerAuthorization);
        assert!(auth0[0].1.contains("\"Staging\""), "{}", auth0[0].1);
        assert!(
            !kept(&plan, TeardownKind::ResourceGroup).is_empty(),
            "the configuration still authorizes Auth0, so the group is not empty"
        );
    }
}
