//! The choices the engine accepts, for front ends to offer instead of keeping their own copies: the Azure
//! regions Auth0 can deliver to (with Azure's display names), plain-language groups of Auth0's event
//! categories, and the personal fields Auth0 can mask or hash.

use auth0_client::EVENT_GRID_REGIONS;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything a front end offers as a choice, in the order to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Catalog {
    /// Auth0's `LogStreamEventGridRegionEnum`: the only regions the engine accepts for `region`, by name.
    pub regions: Vec<Region>,
    /// Azure's other public regions, where Auth0 cannot deliver: named so that a resource group's location
    /// reads as the Azure portal shows it.
    pub other_regions: Vec<Region>,
    /// Groups of event categories, each standing for categories the engine accepts.
    pub event_groups: Vec<EventGroup>,
    /// Auth0's `LogStreamPiiLogFieldsEnum`: the personal fields a stream can mask or hash (`pii.log_fields`).
    pub pii_log_fields: Vec<String>,
}

/// An Azure region as people read it ("West Europe") with the code the engine and Azure take (`westeurope`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Region {
    pub code: String,
    pub name: String,
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

/// Azure's public regions by code, with the display names `az account list-locations` gives them.
const AZURE_REGION_NAMES: [(&str, &str); 58] = [
    ("australiacentral", "Australia Central"),
    ("australiacentral2", "Australia Central 2"),
    ("australiaeast", "Australia East"),
    ("australiasoutheast", "Australia Southeast"),
    ("austriaeast", "Austria East"),
    ("belgiumcentral", "Belgium Central"),
    ("brazilsouth", "Brazil South"),
    ("brazilsoutheast", "Brazil Southeast"),
    ("canadacentral", "Canada Central"),
    ("canadaeast", "Canada East"),
    ("centralindia", "Central India"),
    ("centralus", "Central US"),
    ("chilecentral", "Chile Central"),
    ("eastasia", "East Asia"),
    ("eastus", "East US"),
    ("eastus2", "East US 2"),
    ("francecentral", "France Central"),
    ("francesouth", "France South"),
    ("germanynorth", "Germany North"),
    ("germanywestcentral", "Germany West Central"),
    ("indonesiacentral", "Indonesia Central"),
    ("israelcentral", "Israel Central"),
    ("italynorth", "Italy North"),
    ("japaneast", "Japan East"),
    ("japanwest", "Japan West"),
    ("jioindiacentral", "Jio India Central"),
    ("jioindiawest", "Jio India West"),
    ("koreacentral", "Korea Central"),
    ("koreasouth", "Korea South"),
    ("malaysiawest", "Malaysia West"),
    ("mexicocentral", "Mexico Central"),
    ("newzealandnorth", "New Zealand North"),
    ("northcentralus", "North Central US"),
    ("northeurope", "North Europe"),
    ("norwayeast", "Norway East"),
    ("norwaywest", "Norway West"),
    ("polandcentral", "Poland Central"),
    ("qatarcentral", "Qatar Central"),
    ("southafricanorth", "South Africa North"),
    ("southafricawest", "South Africa West"),
    ("southcentralus", "South Central US"),
    ("southeastasia", "Southeast Asia"),
    ("southindia", "South India"),
    ("spaincentral", "Spain Central"),
    ("swedencentral", "Sweden Central"),
    ("swedensouth", "Sweden South"),
    ("switzerlandnorth", "Switzerland North"),
    ("switzerlandwest", "Switzerland West"),
    ("uaecentral", "UAE Central"),
    ("uaenorth", "UAE North"),
    ("uksouth", "UK South"),
    ("ukwest", "UK West"),
    ("westcentralus", "West Central US"),
    ("westeurope", "West Europe"),
    ("westindia", "West India"),
    ("westus", "West US"),
    ("westus2", "West US 2"),
    ("westus3", "West US 3"),
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
        regions: regions(|code| EVENT_GRID_REGIONS.contains(&code)),
        other_regions: regions(|code| !EVENT_GRID_REGIONS.contains(&code)),
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

/// Azure's regions whose code passes `keep`, sorted by display name as a person scans the list.
fn regions(keep: impl Fn(&str) -> bool) -> Vec<Region> {
    let mut regions: Vec<Region> = AZURE_REGION_NAMES
        .iter()
        .filter(|(code, _)| keep(code))
        .map(|&(code, name)| Region {
            code: code.to_owned(),
            name: name.to_owned(),
        })
        .collect();
    regions.sort_by(|a, b| a.name.cmp(&b.name));
    regions
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
    fn every_auth0_region_has_azures_display_name_and_the_others_are_apart() {
        let catalog = catalog();
        let mut codes: Vec<&str> = catalog.regions.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(codes, EVENT_GRID_REGIONS);
        let west_europe = catalog.regions.iter().find(|r| r.code == "westeurope");
        assert_eq!(west_europe.unwrap().name, "West Europe");
        assert!(
            catalog
                .other_regions
                .iter()
                .all(|r| !EVENT_GRID_REGIONS.contains(&r.code.as_str()))
        );
        let west_us_3 = catalog.other_regions.iter().find(|r| r.code == "westus3");
        assert_eq!(west_us_3.unwrap().name, "West US 3");
        // A display name is its code once spaces go and letters are lowercased, as Azure accepts either.
        for region in catalog.regions.iter().chain(&catalog.other_regions) {
            let compact: String = region
                .name
                .split_whitespace()
                .collect::<String>()
                .to_lowercase();
            assert_eq!(compact, region.code);
        }
        let names: Vec<&str> = catalog.regions.iter().map(|r| r.name.as_str()).collect();
        assert!(names.is_sorted(), "{names:?}");
    }

    #[test]
    fn the_regions_are_auth0s_and_serialize_with_snake_case_ids() {
        let json = serde_json::to_value(catalog()).unwrap();
        assert_eq!(json["regions"].as_array().unwrap().len(), 34);
        assert_eq!(json["regions"][0]["code"], "australiacentral");
        assert_eq!(json["regions"][0]["name"], "Australia Central");
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
