//! Undoing a setup as carefully as it was done: the plan names every resource the setup created that would be
//! removed, in reverse order, and every one it leaves alone with why. Nothing is deleted before the person
//! confirmed that plan; a teardown re-reads each resource before deleting it, so an interrupted one resumes
//! and a second one writes nothing.
//!
//! The rules, one module per kind, in the order of removal:
//!
//! | kind | removed | kept (and named, with why) |
//! |---|---|---|
//! | [`event_subscription`] | the setup's (its name, on its topic) | its destination changed; every other subscription of the topic |
//! | [`log_stream`] | the setup's (remembered id, else its name) | it now sends to another subscription or group, or is not an Event Grid stream; the topic it feeds has other subscriptions |
//! | [`partner_topic`] | the one the stream reports (or the setup remembers), if it remains: deleting a stream does not delete its topic in Azure | another partner's registration id; tags added; other subscriptions |
//! | [`partner_authorization`] | Auth0's entry, by `unauthorizePartner` | every other partner's entry; Auth0's while the setup's stream stays or another stream of the tenant sends to the group |
//! | [`resource_group`] | only when the setup created it, untagged, and empty once the above are gone (a partner configuration left authorizing no one goes with it) | not created by the setup; tags added; other resources, named |
//!
//! What the setup created is known from the saved setup ([`TeardownScope`]): the stream's id and the topic's
//! name it remembers (never guessed), and whether its run created the resource group
//! ([`crate::SetupProgress::resource_group_created`]). [`Engine::teardown`] judges every kind again, from a fresh
//! read, before each delete: a resource that is gone is skipped (no write); one the fresh read would keep, or
//! that is another resource than the one confirmed, is kept and named; one the plan did not list is never
//! removed. Each Azure delete waits for its long-running operation. A complete teardown forgets the setup's
//! progress record, so a later setup in the same group starts from nothing.

mod event_subscription;
mod log_stream;
mod partner_authorization;
mod partner_topic;
mod plan;
mod read;
mod resource_group;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::Engine;
use crate::error::SetupError;
use crate::health::KnownResources;
use crate::inputs::SetupInputs;
use crate::progress::setup_key;
use crate::steps::StepId;
use crate::validate::validate_through;

/// The kinds of resource a setup creates, in the order a teardown removes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TeardownKind {
    EventSubscription,
    LogStream,
    PartnerTopic,
    PartnerAuthorization,
    ResourceGroup,
}

/// One resource the teardown would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownItem {
    pub kind: TeardownKind,
    /// Its name as the portals show it.
    pub name: String,
    /// Its id (an Azure resource id, an Auth0 stream id).
    pub id: String,
    /// What the teardown will do, in plain words ("Delete the event subscription auth0-logs").
    pub action: String,
}

/// One resource the teardown leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptResource {
    pub kind: TeardownKind,
    pub name: String,
    pub reason: String,
}

/// What a teardown would do, read now; shown and confirmed before anything is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownPlan {
    /// In the order they are removed.
    pub remove: Vec<TeardownItem>,
    pub keep: Vec<KeptResource>,
}

/// What a teardown did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TeardownReport {
    pub removed: Vec<TeardownItem>,
    pub kept: Vec<KeptResource>,
}

/// What the saved setup knows beyond its inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeardownScope {
    pub known: KnownResources,
    /// The setup's run created the resource group (only then may it be removed, and only when empty).
    pub resource_group_created: bool,
}

/// What the plan decides for the setup's own resource of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Remove(TeardownItem),
    Keep(KeptResource),
    /// There is none (never made, or already gone).
    Absent,
}

impl Engine {
    /// What a teardown would remove and keep. Read only.
    pub async fn plan_teardown(
        &self,
        inputs: &SetupInputs,
        scope: &TeardownScope,
    ) -> Result<TeardownPlan, SetupError> {
        validate_through(inputs, self.validation_context(), StepId::CreateStream)?;
        let found = read::read(self, inputs, scope).await?;
        Ok(plan::judge(&found, inputs, scope).plan)
    }

    /// Removes what `confirmed` lists, in its order, re-reading each resource first: one that is gone is
    /// skipped, one that changed since the plan is kept and named. Each Azure delete waits for its
    /// long-running operation.
    pub async fn teardown(
        &self,
        inputs: &SetupInputs,
        scope: &TeardownScope,
        confirmed: &TeardownPlan,
    ) -> Result<TeardownReport, SetupError> {
        self.teardown_observed(inputs, scope, confirmed, &|_| {})
            .await
    }

    /// [`Engine::teardown`], telling `deleting` about each delete just before it is sent (a front end shows it).
    pub async fn teardown_observed(
        &self,
        inputs: &SetupInputs,
        scope: &TeardownScope,
        confirmed: &TeardownPlan,
        deleting: &(dyn Fn(&TeardownItem) + Sync),
    ) -> Result<TeardownReport, SetupError> {
        validate_through(inputs, self.validation_context(), StepId::CreateStream)?;
        let auth0 = self.auth0_client(inputs)?;
        // Once the stream is deleted it no longer names its topic: the name read first is kept for the reads after.
        let mut scope = scope.clone();
        if scope.known.partner_topic.is_none() {
            scope.known.partner_topic = confirmed
                .remove
                .iter()
                .find(|i| i.kind == TeardownKind::PartnerTopic)
                .map(|i| i.name.clone());
        }
        let scope = &mut scope;
        let mut removed = Vec::new();
        let mut changed: Vec<KeptResource> = Vec::new();
        let mut order: Vec<&TeardownItem> = confirmed.remove.iter().collect();
        order.sort_by_key(|item| item.kind);
        for item in order {
            let found = read::read(self, inputs, scope).await?;
            if scope.known.partner_topic.is_none() {
                scope.known.partner_topic = found.topic_name.clone();
            }
            let judged = plan::judge(&found, inputs, scope);
            let now = match judged.verdict(item.kind) {
                Verdict::Absent => continue,
                Verdict::Keep(kept) => {
                    changed.push(kept.clone());
                    continue;
                }
                Verdict::Remove(now) if !now.id.eq_ignore_ascii_case(&item.id) => {
                    changed.push(KeptResource {
                        kind: item.kind,
                        name: now.name.clone(),
                        reason: format!(
                            "Changed since the plan: it is not the one confirmed ({}). Plan the teardown again to \
                             remove it.",
                            item.name
                        ),
                    });
                    continue;
                }
                Verdict::Remove(now) => now.clone(),
            };
            deleting(&now);
            tracing::info!(kind = ?now.kind, name = %now.name, "teardown: deleting");
            match now.kind {
                TeardownKind::EventSubscription => {
                    event_subscription::remove(self.azure(), inputs, &found, &now).await?
                }
                TeardownKind::LogStream => log_stream::remove(&auth0, &now).await?,
                TeardownKind::PartnerTopic => {
                    partner_topic::remove(self.azure(), inputs, &now).await?
                }
                TeardownKind::PartnerAuthorization => {
                    partner_authorization::remove(self.azure(), inputs, &now).await?
                }
                TeardownKind::ResourceGroup => {
                    resource_group::remove(self.azure(), inputs, &now).await?
                }
            }
            removed.push(now);
        }
        let found = read::read(self, inputs, scope).await?;
        let judged = plan::judge(&found, inputs, scope);
        let mut kept = judged.plan.keep;
        for left in judged.plan.remove {
            if !confirmed.remove.iter().any(|c| c.kind == left.kind) {
                kept.push(KeptResource {
                    kind: left.kind,
                    name: left.name,
                    reason:
                        "It was not in the confirmed plan. Plan the teardown again to remove it."
                            .into(),
                });
            }
        }
        for change in changed {
            if !kept
                .iter()
                .any(|k| k.kind == change.kind && k.name == change.name)
            {
                kept.push(change);
            }
        }
        kept.sort_by_key(|k| k.kind);
        self.progress_store().remove(&setup_key(inputs))?;
        Ok(TeardownReport { removed, kept })
    }
}
