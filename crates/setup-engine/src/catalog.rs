//! The choices the engine accepts, for front ends to offer instead of keeping their own copies: the Azure
//! regions Auth0 can deliver to, plain-language groups of Auth0's event categories, and the personal fields
//! Auth0 can mask or hash.

use auth0_client::EVENT_GRID_REGIONS;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything a front end offers as a choice, in the order to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Catalog {
    /// Auth0's `LogStreamEventGridRegionEnum`: the only regions the engine accepts for `region`.
    pub regions: Vec<String>,
    /// Groups of event categories, each standing for categories the engine accepts.
    pub event_groups: Vec<EventGroup>,
    /// Auth0's `LogStreamPiiLogFieldsEnum`: the personal fields a stream can mask or hash (`pii.log_fields`).
    pub pii_log_fields: Vec<String>,
}

/// A group of Auth0 event categories a non-engineer recognises ("Failed logins").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventGroup {
    pub id: EventGroupId,
    /// Auth0 category names (`auth.login.fail`), in a stable order.
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EventGroupId {
    FailedLogins,
    SuccessfulLogins,
    Logouts,
    Signups,
    AdminChanges,
    UserChanges,
}

/// The personal fields Auth0 can mask or hash in the logs it streams.
pub(crate) const PII_LOG_FIELDS: [&str; 6] = [
    "first_name",
    "last_name",
    "username",
    "email",
    "phone",
    "address",
];

const EVENT_GROUPS: [(EventGroupId, &[&str]); 6] = [
    (
        EventGroupId::FailedLogins,
        &[
            "auth.login.fail",
            "auth.silent_auth.fail",
            "auth.token_exchange.fail",
        ],
    ),
    (
        EventGroupId::SuccessfulLogins,
        &[
            "auth.login.success",
            "auth.silent_auth.success",
            "auth.token_exchange.success",
        ],
    ),
    (
        EventGroupId::Logouts,
        &["auth.logout.success", "auth.logout.fail"],
    ),
    (
        EventGroupId::Signups,
        &["auth.signup.success", "auth.signup.fail"],
    ),
    (
        EventGroupId::AdminChanges,
        &["management.success", "management.fail"],
    ),
    (
        EventGroupId::UserChanges,
        &["user.success", "user.fail", "user.notification"],
    ),
];

/// The engine's lists, for a front end to load once.
pub fn catalog() -> Catalog {
    Catalog {
        regions: EVENT_GRID_REGIONS.iter().map(|&r| r.to_owned()).collect(),
        event_groups: EVENT_GROUPS
            .iter()
            .map(|(id, categories)| EventGroup {
                id: *id,
                categories: categories.iter().map(|&c| c.to_owned()).collect(),
            })
            .collect(),
        pii_log_fields: PII_LOG_FIELDS.iter().map(|&f| f.to_owned()).collect(),
    }
}

/// The region Auth0 accepts for an Azure location as Azure spells it (`westeurope`, or a display name such
/// as `West Europe`), or `None` when Auth0 cannot deliver there.
pub fn auth0_region(location: &str) -> Option<&'static str> {
    let compact: String = location
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    EVENT_GRID_REGIONS.iter().copied().find(|r| *r == compact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth0_client::EVENT_CATEGORIES;

    #[test]
    fn every_grouped_category_is_one_auth0_accepts_and_in_one_group_only() {
        let catalog = catalog();
        let all: Vec<&String> = catalog
            .event_groups
            .iter()
            .flat_map(|g| &g.categories)
            .collect();
        for category in &all {
            assert!(EVENT_CATEGORIES.contains(&category.as_str()), "{category}");
        }
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "{all:?}");
    }

    #[test]
    fn the_regions_are_auth0s_and_serialize_with_snake_case_ids() {
        let json = serde_json::to_value(catalog()).unwrap();
        assert_eq!(json["regions"].as_array().unwrap().len(), 34);
        assert_eq!(json["event_groups"][0]["id"], "failed_logins");
        assert_eq!(json["event_groups"][0]["categories"][0], "auth.login.fail");
        assert_eq!(json["pii_log_fields"][0], "first_name");
    }

    #[test]
    fn locations_map_to_the_region_auth0_accepts() {
        assert_eq!(auth0_region("westeurope"), Some("westeurope"));
        assert_eq!(auth0_region("West Europe"), Some("westeurope"));
        assert_eq!(auth0_region("EastUS2"), Some("eastus2"));
        assert_eq!(auth0_region("westus3"), None);
        assert_eq!(auth0_region(""), None);
    }
}
