//! Sign-in scenarios over real HTTP against the in-process cloud sandbox.

mod auth0;
mod browser;
mod cancel;
mod certificate;
mod common;
mod credential;
mod device;
mod nothing_sensitive_on_disk;
mod replace;
mod sandbox_ports;
mod service_principal;
mod tenants;
