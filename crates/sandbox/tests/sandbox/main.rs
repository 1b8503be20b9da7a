//! Conformance and scenario tests of the cloud sandbox, over real HTTP with reqwest. One test binary
//! (modules per area) so the suite links once.

mod admin;
mod auth0_api;
mod azure_arm;
mod binary;
mod client_assertions;
mod common;
mod destinations;
mod directories;
mod eventgrid;
mod identity;
mod operations;
mod partner_authorization;
mod persistence;
mod pipeline;
mod scenario;
