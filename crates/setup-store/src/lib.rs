//! The saved setups: every setup the window or the command line ran (finished or not), which accounts it uses
//! (who, never a secret: those stay in the keychain), what it created, and its health history, in one SQLite
//! file both front ends read and write at the same time.

mod model;
mod store;
mod webhook_key;

pub use model::{CheckSince, CreatedResources, SavedSetup, SetupAccounts};
pub use store::{HEALTH_HISTORY, HealthChange, NewSetup, Opened, STORE_VERSION, Saved, SetupStore};
pub use webhook_key::WebhookKeys;
