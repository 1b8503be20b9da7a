//! Step 2, the Auth0 log stream of type Event Grid. A stream with the same name and the same sink is the one
//! we made before and is kept; the same name with another sink cannot be fixed in place (Auth0 does not let
//! the sink change), so the user is told to delete and re-create it.

use auth0_client::{
    LogStream, LogStreamFilter, LogStreamStatus, LogStreamUpdate, NewEventGridSink,
    NewEventGridStream, PiiConfig, PiiLogField, PiiMethod,
};

use super::{Context, Facts, StepId, StepState, StepStatus};
use crate::error::{ErrorCode, SetupError};
use crate::inputs::SetupInputs;

const STEP: StepId = StepId::CreateStream;

pub(crate) enum Plan {
    Nothing,
    Create,
    /// Resume it and/or set its event categories.
    Update(String, LogStreamUpdate),
    Refuse(SetupError),
}

pub(crate) struct Detection {
    pub status: StepStatus,
    plan: Plan,
}

pub(crate) async fn detect(ctx: &Context<'_>, facts: &mut Facts) -> Result<Detection, SetupError> {
    let inputs = ctx.inputs;
    let streams = ctx.auth0.list_log_streams().await?;
    let Some(stream) = streams.into_iter().find(|s| s.name == inputs.stream_name) else {
        let action = format!(
            "Create the Auth0 log stream \"{}\" to Event Grid in {} (resource group {})",
            inputs.stream_name, inputs.region, inputs.resource_group
        );
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::ToDo,
                "No Auth0 log stream with this name exists yet.",
            )
            .with_actions(vec![action]),
            plan: Plan::Create,
        });
    };
    facts.stream = Some(stream.clone());
    if let Some(error) = mismatch(&stream, inputs) {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Attention,
                format!("{} {}", error.message, error.remedy),
            ),
            plan: Plan::Refuse(error),
        });
    }
    let mut update = LogStreamUpdate::default();
    let mut actions = Vec::new();
    let mut problems = Vec::new();
    if let Some(state @ (LogStreamStatus::Paused | LogStreamStatus::Suspended)) = stream.status {
        problems.push(format!("is {}", format!("{state:?}").to_lowercase()));
        actions.push(format!("Resume the log stream \"{}\"", stream.name));
        update.status = Some(LogStreamStatus::Active);
    }
    if categories(&stream.filters) != categories(&wanted_filters(inputs)) {
        problems.push("streams other event categories than requested".to_owned());
        actions.push(format!("Set the event categories of \"{}\"", stream.name));
        update.filters = Some(wanted_filters(inputs));
    }
    if actions.is_empty() {
        return Ok(Detection {
            status: StepStatus::new(
                STEP,
                StepState::Done,
                format!(
                    "The log stream \"{}\" ({}) sends to Event Grid and is active.",
                    stream.name, stream.id
                ),
            ),
            plan: Plan::Nothing,
        });
    }
    Ok(Detection {
        status: StepStatus::new(
            STEP,
            StepState::ToDo,
            format!(
                "The log stream \"{}\" ({}) exists but {}.",
                stream.name,
                stream.id,
                problems.join(" and ")
            ),
        )
        .with_actions(actions),
        plan: Plan::Update(stream.id, update),
    })
}

fn wanted_filters(inputs: &SetupInputs) -> Vec<LogStreamFilter> {
    inputs
        .event_categories
        .iter()
        .map(|c| LogStreamFilter::category(c.clone()))
        .collect()
}

/// The categories a filter list selects; empty means every event.
fn categories(filters: &[LogStreamFilter]) -> std::collections::BTreeSet<&str> {
    filters
        .iter()
        .filter(|f| f.kind == "category")
        .map(|f| f.name.as_str())
        .collect()
}

pub(crate) async fn apply(
    ctx: &Context<'_>,
    facts: &mut Facts,
    found: Detection,
) -> Result<StepStatus, SetupError> {
    let stream = match found.plan {
        Plan::Nothing => return Ok(found.status),
        Plan::Refuse(error) => return Err(error),
        Plan::Update(id, update) => {
            ctx.applying(
                STEP,
                format!("Updating the log stream \"{}\"", ctx.inputs.stream_name),
            );
            ctx.auth0.update_log_stream(&id, &update).await?
        }
        Plan::Create => {
            ctx.applying(
                STEP,
                format!("Creating the log stream \"{}\"", ctx.inputs.stream_name),
            );
            ctx.auth0
                .create_event_grid_stream(&new_stream(ctx.inputs))
                .await?
        }
    };
    if let Some(error) = mismatch(&stream, ctx.inputs) {
        return Err(SetupError::new(
            ErrorCode::UnexpectedResponse,
            format!(
                "Auth0 saved the stream differently from what was asked: {}",
                error.message
            ),
            "Check the stream in the Auth0 dashboard (Monitoring > Streams).",
        ));
    }
    let summary = format!(
        "The log stream \"{}\" ({}) sends to Event Grid.",
        stream.name, stream.id
    );
    facts.stream = Some(stream);
    Ok(StepStatus::new(STEP, StepState::Done, summary))
}

fn new_stream(inputs: &SetupInputs) -> NewEventGridStream {
    let mut stream = NewEventGridStream::new(
        inputs.stream_name.clone(),
        NewEventGridSink {
            azure_subscription_id: inputs.subscription_id.clone(),
            azure_region: inputs.region.clone(),
            azure_resource_group: inputs.resource_group.clone(),
        },
    );
    stream.filters = wanted_filters(inputs);
    stream.pii_config = inputs.pii.as_ref().map(|pii| PiiConfig {
        log_fields: pii.log_fields.iter().filter_map(|f| pii_field(f)).collect(),
        method: if pii.method == "hash" {
            PiiMethod::Hash
        } else {
            PiiMethod::Mask
        },
        algorithm: (pii.method == "hash").then(|| "xxhash".to_owned()),
    });
    stream.start_from = inputs.start_from.clone();
    stream
}

fn pii_field(name: &str) -> Option<PiiLogField> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// Why an existing stream with our name is not ours to reuse, if it is not.
fn mismatch(stream: &LogStream, inputs: &SetupInputs) -> Option<SetupError> {
    let refuse = |what: String| {
        let mut error = SetupError::new(
            ErrorCode::StreamSinkMismatch,
            format!(
                "An Auth0 log stream named \"{}\" already exists {what}.",
                inputs.stream_name
            ),
            format!(
                "Auth0 cannot change where a stream sends its events. Choose another stream name, or delete \"{}\" \
                 in the Auth0 dashboard (Monitoring > Streams) and run the setup again. Its old partner topic stays \
                 in Azure until you remove it there.",
                inputs.stream_name
            ),
        );
        error.field = Some("stream_name".into());
        error
    };
    let Some(sink) = stream.event_grid_sink() else {
        return Some(refuse(format!(
            "but sends to \"{}\", not to Event Grid",
            stream.kind
        )));
    };
    let same = sink
        .azure_subscription_id
        .eq_ignore_ascii_case(&inputs.subscription_id)
        && sink.azure_region == inputs.region
        && sink
            .azure_resource_group
            .eq_ignore_ascii_case(&inputs.resource_group);
    (!same).then(|| {
        refuse(format!(
            "and sends to subscription {}, region {}, resource group {}",
            sink.azure_subscription_id, sink.azure_region, sink.azure_resource_group
        ))
    })
}
