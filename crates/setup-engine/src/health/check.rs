//! Reading every check of one setup, and applying one fix. The Auth0 side (the token's scopes, the stream),
//! the Azure side (provider, partner configuration) and, when the setup already knows its topic's name, the
//! topic side (topic, event subscription, delivery counters) are read at once; the topic side is read again
//! only when the stream reports another name. Every cloud failure becomes an `unknown` check saying why.

use auth0_client::LogStream;

use super::delivery::{self, Surroundings};
use super::topic::{self, NoName, TopicReads};
use super::{CheckId, CheckState, auth0, azure, stream, subscription};
use crate::engine::{Engine, SetupObserver};
use crate::error::SetupError;
use crate::health::{Check, FixId, HealthReport};
use crate::inputs::SetupInputs;
use crate::steps::activate_topic::reported_name;
use crate::steps::rfc3339;
use crate::validate::validate;
use crate::verify::{ArrivalState, ArrivalWait, StageReport};

/// What a saved setup (or the progress file) already knows, so the checks need not search for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownResources {
    pub stream_id: Option<String>,
    pub partner_topic: Option<String>,
}

/// What a health check does beyond reading.
#[derive(Debug, Clone, Default)]
pub struct HealthOptions {
    /// Send the test event and follow it, with these limits (the `TestEvent` check); `None` leaves it out.
    pub test_event: Option<ArrivalWait>,
}

impl Engine {
    /// Every check of the setup, read now. Bad inputs are refused before anything is sent (`invalid_input`);
    /// after that nothing fails: a check that could not be read is `unknown`, saying why.
    pub async fn check_health(
        &self,
        inputs: &SetupInputs,
        known: &KnownResources,
        options: &HealthOptions,
    ) -> Result<HealthReport, SetupError> {
        validate(inputs, self.validation_context())?;
        let auth0_client = self.auth0_client(inputs)?;
        let clock = self.clock();
        let azure_client = self.azure();
        let checked_at = rfc3339(clock.now());
        let auth0_side = async {
            let scopes = auth0_client.scopes().await;
            let found = stream::find(&auth0_client, inputs, known.stream_id.as_deref()).await;
            (scopes, found, rfc3339(clock.now()))
        };
        let azure_side = async {
            let reads = azure::read(azure_client, inputs, clock).await;
            (reads, rfc3339(clock.now()))
        };
        let known_topic = async {
            match known.partner_topic.as_deref() {
                Some(name) => Some(topic::read(azure_client, inputs, name).await),
                None => None,
            }
        };
        let ((scopes, found, auth0_at), (azure_reads, azure_at), early) =
            tokio::join!(auth0_side, azure_side, known_topic);

        let stream: Option<&LogStream> = found.as_ref().ok().and_then(Option::as_ref);
        let name = stream
            .and_then(reported_name)
            .or_else(|| known.partner_topic.clone());
        let topic_reads: Option<TopicReads> = match (name, early) {
            (None, _) => None,
            (Some(name), Some(early)) if early.name == name => Some(early),
            (Some(name), _) => Some(topic::read(azure_client, inputs, &name).await),
        };
        let topic_at = rfc3339(clock.now());
        let no_name = match &found {
            Err(_) => NoName::Unreadable,
            Ok(None) => NoName::NoStream,
            Ok(Some(_)) => NoName::NotReported,
        };

        let mut checks = vec![
            auth0::sign_in(&inputs.auth0_domain, &scopes, &auth0_at),
            stream::check(&found, inputs, &auth0_at),
            azure::provider(&azure_reads, inputs, &azure_at),
        ];
        let authorization = azure::authorization(&azure_reads, inputs, &azure_at);
        let recreate = topic::recreate_stream_fix(
            inputs,
            stream.is_some(),
            authorization.state != CheckState::Green,
        );
        checks.push(authorization);
        checks.push(topic::check(
            topic_reads.as_ref().ok_or(no_name),
            &azure_reads.partner_id,
            recreate,
            &topic_at,
        ));
        let around = Surroundings {
            inputs,
            auth0: &auth0_client,
            own_client_id: self.auth0_client_id(),
            stream,
            now: clock.now(),
        };
        let (subscription_check, (delivery_check, delivery)) = tokio::join!(
            subscription::check(topic_reads.as_ref(), inputs, &topic_at),
            delivery::check(topic_reads.as_ref(), &around, azure_client, &topic_at),
        );
        checks.push(subscription_check);
        checks.push(delivery_check);
        if let Some(wait) = options.test_event {
            checks.push(self.test_event_check(inputs, wait).await);
        }
        Ok(HealthReport {
            overall: HealthReport::overall_of(&checks),
            checked_at,
            checks,
            delivery,
            stream_id: stream
                .map(|s| s.id.clone())
                .or_else(|| known.stream_id.clone()),
            partner_topic: topic_reads.map(|r| r.name),
        })
    }

    /// Applies one fix, only what it needs, reporting each write to `observer`, then checks again.
    pub async fn apply_fix(
        &self,
        inputs: &SetupInputs,
        known: &KnownResources,
        fix: FixId,
        observer: &dyn SetupObserver,
    ) -> Result<HealthReport, SetupError> {
        validate(inputs, self.validation_context())?;
        let known = self.fix(inputs, known, fix, observer).await?;
        self.check_health(inputs, &known, &HealthOptions::default())
            .await
    }

    /// The test event, followed as the Done screen follows it, as one check: every stage seen is green, a
    /// stage not seen is red, a stage that could not be read is unknown.
    async fn test_event_check(&self, inputs: &SetupInputs, wait: ArrivalWait) -> Check {
        const ID: CheckId = CheckId::TestEvent;
        let quiet = |_: &StageReport| {};
        let result = self
            .send_test_event(inputs, self.auth0_client_id(), wait, &quiet)
            .await;
        let at = rfc3339(self.clock().now());
        let result = match result {
            Err(error) => return Check::unknown(ID, error.message, &at),
            Ok(result) => result,
        };
        if result.arrived() {
            return Check::new(
                ID,
                CheckState::Green,
                "The test event (a deliberately failed sign-in) was recorded by Auth0, received by Event Grid and \
                 delivered, or left out by the setup's filters.",
                &at,
            );
        }
        let stage = |s: &StageReport| format!("{:?}", s.stage).to_lowercase();
        if let Some(missing) = result
            .stages
            .iter()
            .find(|s| s.state == ArrivalState::NotSeen)
        {
            return Check::new(
                ID,
                CheckState::Red,
                format!(
                    "The test event was not {} within {} s.",
                    stage(missing),
                    missing.limit_secs
                ),
                &at,
            );
        }
        let unread = result
            .stages
            .iter()
            .find(|s| s.state == ArrivalState::Unavailable);
        Check::unknown(
            ID,
            match unread {
                Some(s) => format!(
                    "whether the test event was {} could not be read: {}",
                    stage(s),
                    s.detail.clone().unwrap_or_default()
                ),
                None => "the test event's stages did not finish".to_owned(),
            },
            &at,
        )
    }
}
