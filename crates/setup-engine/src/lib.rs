//! The setup engine: the documented Auth0 → Azure Event Grid integration performed by code, idempotently
//! and resumably, against the real services or the sandbox through the same code path. The desktop app
//! and the `auth0-eventgrid` command line both drive it; it knows nothing of either.

mod azure_cloud;
mod catalog;
mod destinations;
mod document;
mod engine;
mod error;
mod events;
mod health;
mod inputs;
mod ipc;
mod progress;
mod steps;
mod teardown;
mod validate;
mod verify;

pub use azure_cloud::{AzureCloudKind, check_auth0_delivers};
pub use catalog::{Catalog, EventGroup, EventGroupId, Region, auth0_region, catalog};
pub use destinations::{DestinationChild, DestinationParent, list_destinations};
pub use document::{
    MIGRATIONS, Migration, SETUP_DOCUMENT_SCHEMA_URL, SETUP_DOCUMENT_VERSION, SetupDocument,
    default_inputs,
};
pub use engine::{
    AzureSignIn, Connection, Engine, EngineOptions, ProviderRegistration, SetupEvent,
    SetupObserver, SetupReport, Unobserved, require_complete,
};
pub use error::{ErrorCode, FrontEnd, FrontEndRemedy, SetupError};
pub use health::{
    ChartPoint, Check, CheckId, CheckState, Delivery, DeliveryCounts, Fix, FixId, HealthLink,
    HealthOptions, HealthReport, KnownResources,
};
pub use inputs::{
    DeadLetterInput, DeliveryRetryInput, DestinationInput, DestinationKind, PiiInput, SetupInputs,
    default_authorization_days,
};
pub use ipc::typescript_declarations;
pub use progress::{PROGRESS_VERSION, ProgressFile, ProgressStore, SetupProgress, setup_key};
pub use steps::{STEPS, StepId, StepState, StepStatus, TopicFacts};
pub use teardown::{
    KeptResource, TeardownItem, TeardownKind, TeardownPlan, TeardownReport, TeardownScope,
};
pub use validate::{
    ValidationContext, guid, validate, validate_all, validate_all_through, validate_step,
    validate_through,
};
pub use verify::{
    ArrivalStage, ArrivalState, ArrivalWait, EndpointCheck, StageReport, TestEventObserver,
    TestEventResult, check_endpoint,
};

// Re-exported so front ends configure the engine without naming the client crates.
pub use auth0_client::Auth0Credentials;
pub use azure_client::{AzureCloud, PollSchedule};
pub use cloud_http::{Clock, RetryPolicy, Secret, SystemClock};
