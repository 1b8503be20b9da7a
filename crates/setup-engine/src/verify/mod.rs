//! Whether a setup works, checked the same way by every front end: the test event (a deliberately failed
//! sign-in attempt followed through Auth0's logs and Event Grid's metrics, `Engine::send_test_event`) and a
//! webhook's CloudEvents validation handshake (`check_endpoint`). Progress goes to an observer; a caller
//! stops a check by dropping its future.

mod endpoint;
mod test_event;

pub use endpoint::{EndpointCheck, check_endpoint};
pub use test_event::{
    ArrivalStage, ArrivalState, ArrivalWait, StageReport, TestEventObserver, TestEventResult,
};
