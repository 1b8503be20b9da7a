//! The fixes, each doing only what its check found wanting, through the setup steps' own detect and apply
//! (so a fix writes exactly what a setup run would write for that part, and nothing when it is already in
//! place). Re-creating the stream, the one fix that deletes, deletes only the stream the setup named, and only
//! when the partner topic it reports is gone; the setup run that follows authorizes Auth0 if needed, creates
//! the stream, activates the new topic and subscribes to it with the setup's settings.

use auth0_client::Auth0Client;

use super::check::KnownResources;
use crate::engine::{Engine, SetupObserver};
use crate::error::{ErrorCode, SetupError};
use crate::health::FixId;
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::{self, Found, reported_name};
use crate::steps::prepare_azure::authorize_partner::{auth0_partner_id, authorize_partner};
use crate::steps::prepare_azure::register_provider::register_provider;
use crate::steps::{Context, Facts, StepId, StepState, create_stream, subscribe};

impl Engine {
    /// Applies `fix`; answers what the setup's resources are afterwards (a re-created stream is a new one).
    pub(super) async fn fix(
        &self,
        inputs: &SetupInputs,
        known: &KnownResources,
        fix: FixId,
        observer: &dyn SetupObserver,
    ) -> Result<KnownResources, SetupError> {
        let auth0 = self.auth0_client(inputs)?;
        let ctx = self.context(&auth0, inputs, observer);
        let (sub, rg) = (
            inputs.subscription_id.as_str(),
            inputs.resource_group.as_str(),
        );
        let mut facts = Facts {
            partner_id: Some(auth0_partner_id(
                self.azure().list_verified_partners().await.ok(),
            )),
            ..Facts::default()
        };
        match fix {
            FixId::ResumeStream => {
                let found = create_stream::detect(&ctx, &mut facts).await?;
                if facts.stream.is_none() {
                    return Err(no_stream(inputs));
                }
                create_stream::apply(&ctx, &mut facts, found).await?;
            }
            FixId::RegisterProvider => {
                let provider = self.azure().get_event_grid_provider(sub).await?;
                if !provider.is_registered() {
                    register_provider(&ctx, sub, provider).await?;
                }
            }
            FixId::RenewAuthorization => {
                let configuration = self.azure().get_partner_configuration(sub, rg).await?;
                let partner_id = facts.partner_id.clone().unwrap_or_default();
                authorize_partner(&ctx, &partner_id, configuration).await?;
            }
            FixId::ActivateTopic => {
                create_stream::detect(&ctx, &mut facts).await?;
                let found = activate_topic::detect(&ctx, &mut facts).await?;
                activate_topic::apply(&ctx, &mut facts, found).await?;
            }
            FixId::RecreateSubscription => {
                create_stream::detect(&ctx, &mut facts).await?;
                activate_topic::detect(&ctx, &mut facts).await?;
                let Some(topic) = facts.topic.clone() else {
                    return Err(SetupError::new(
                        ErrorCode::PartnerTopicNotFound,
                        "There is no partner topic to subscribe to.",
                        "Fix the partner topic first (its check says how), then re-create the subscription.",
                    ));
                };
                let name = &inputs.event_subscription_name;
                ctx.applying(
                    StepId::Subscribe,
                    format!("Deleting the event subscription {name} on {}", topic.name),
                );
                self.azure()
                    .delete_event_subscription(sub, rg, &topic.name, name)
                    .await?;
                let found = subscribe::detect(&ctx, &mut facts).await?;
                subscribe::apply(&ctx, &facts, found).await?;
            }
            FixId::RecreateStream => {
                return self.recreate_stream(&ctx, &auth0, known, observer).await;
            }
        }
        Ok(KnownResources {
            stream_id: facts
                .stream
                .map(|s| s.id)
                .or_else(|| known.stream_id.clone()),
            partner_topic: facts
                .topic
                .map(|t| t.name)
                .or_else(|| known.partner_topic.clone()),
        })
    }

    /// Only when the topic the stream reports is gone: deletes that stream (the setup's, by name), then runs the
    /// setup, which creates it again, activates Auth0's new topic and subscribes with the setup's settings.
    async fn recreate_stream(
        &self,
        ctx: &Context<'_>,
        auth0: &Auth0Client,
        known: &KnownResources,
        observer: &dyn SetupObserver,
    ) -> Result<KnownResources, SetupError> {
        let inputs = ctx.inputs;
        let mut facts = Facts::default();
        let found = create_stream::detect(ctx, &mut facts).await?;
        // A stream of that name sending elsewhere is not the setup's: it is never deleted.
        if found.status.state == StepState::Attention {
            return Err(SetupError::new(
                ErrorCode::StreamSinkMismatch,
                found.status.summary,
                "Nothing was deleted. Resolve the stream in the Auth0 dashboard (Monitoring > Streams) first.",
            ));
        }
        if let Some(stream) = &facts.stream {
            let name = reported_name(stream).or_else(|| known.partner_topic.clone());
            let partner_id = auth0_partner_id(self.azure().list_verified_partners().await.ok());
            let gone = match &name {
                Some(name) => matches!(
                    activate_topic::by_name(ctx, &partner_id, name).await?,
                    Found::Gone(_)
                ),
                None => false,
            };
            if !gone {
                return Err(SetupError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "The partner topic of the log stream \"{}\" still exists, so the stream is not re-created.",
                        inputs.stream_name
                    ),
                    "Check the setup again: the partner topic's own fix (activate) applies instead.",
                ));
            }
            ctx.applying(
                StepId::CreateStream,
                format!(
                    "Deleting the log stream \"{}\" (its partner topic is gone)",
                    stream.name
                ),
            );
            auth0.delete_log_stream(&stream.id).await?;
        }
        let report = self.run(inputs, observer).await?;
        Ok(KnownResources {
            stream_id: report.stream_id,
            partner_topic: report.partner_topic,
        })
    }
}

fn no_stream(inputs: &SetupInputs) -> SetupError {
    SetupError::new(
        ErrorCode::InvalidInput,
        format!(
            "There is no log stream named \"{}\" to resume.",
            inputs.stream_name
        ),
        "Run the setup again: it creates the stream.",
    )
}
