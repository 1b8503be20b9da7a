//! The engine against the cloud sandbox over real HTTP: a full setup, a second run that writes nothing, runs
//! stopped after each step and resumed, a wizard filled in one step at a time, and every injected fault
//! ending done or with the documented error; and the checks that a setup works (the test event, a
//! webhook's handshake).

mod azure_behaviour;
mod common;
mod faults;
mod health;
mod partial;
mod resume;
mod setup;
mod soak;
mod sovereign;
mod teardown;
mod test_event;
mod topic;
mod verify_endpoint;
