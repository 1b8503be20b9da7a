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
