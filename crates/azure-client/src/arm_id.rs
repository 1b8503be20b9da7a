//! A resource's Resource Manager id, read back from what Azure listed, so a child list (the event hubs of a
//! namespace, the functions of an app) is asked of exactly the parent Azure named, never of a path put
//! together from guesses.

/// `Microsoft.EventHub/namespaces`
pub const EVENT_HUB_NAMESPACES: &str = "Microsoft.EventHub/namespaces";
/// `Microsoft.Storage/storageAccounts`
pub const STORAGE_ACCOUNTS: &str = "Microsoft.Storage/storageAccounts";
/// `Microsoft.ServiceBus/namespaces`
pub const SERVICE_BUS_NAMESPACES: &str = "Microsoft.ServiceBus/namespaces";
/// `Microsoft.Web/sites`
pub const WEB_SITES: &str = "Microsoft.Web/sites";

/// `/subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/{name}` of one resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmId {
    subscription: String,
    resource_group: String,
    resource_type: &'static str,
    name: String,
}

impl ArmId {
    /// Reads `id` as a top-level resource of `resource_type` (one of the constants above; keywords and type
    /// compared without case, as Resource Manager does). `None` for anything else: another type, a child
    /// resource, an empty segment, or characters a path segment cannot carry (`?`, `#`, `%`, spaces).
    pub fn parse(id: &str, resource_type: &'static str) -> Option<Self> {
        let segments: Vec<&str> = id.trim().strip_prefix('/')?.split('/').collect();
        let [
            subs,
            subscription,
            groups,
            group,
            providers,
            namespace,
            kind,
            name,
        ] = segments.as_slice()
        else {
            return None;
        };
        let plain = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '?' | '#' | '%' | '\\'))
        };
        let ok = subs.eq_ignore_ascii_case("subscriptions")
            && groups.eq_ignore_ascii_case("resourceGroups")
            && providers.eq_ignore_ascii_case("providers")
            && format!("{namespace}/{kind}").eq_ignore_ascii_case(resource_type)
            && [subscription, group, name].iter().all(|s| plain(s));
        ok.then(|| Self {
            subscription: (*subscription).to_owned(),
            resource_group: (*group).to_owned(),
            resource_type,
            name: (*name).to_owned(),
        })
    }

    pub fn subscription(&self) -> &str {
        &self.subscription
    }

    pub fn resource_group(&self) -> &str {
        &self.resource_group
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The id, in Azure's spelling of the keywords.
    pub fn id(&self) -> String {
        format!("/{}", self.path())
    }

    /// The id as a path relative to Resource Manager's base URL.
    pub(crate) fn path(&self) -> String {
        format!(
            "subscriptions/{}/resourceGroups/{}/providers/{}/{}",
            self.subscription, self.resource_group, self.resource_type, self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-1/providers/Microsoft.EventHub/namespaces/contoso-events";

    #[test]
    fn reads_a_namespace_id_whatever_the_case_of_its_keywords() {
        let id = ArmId::parse(NS, EVENT_HUB_NAMESPACES).unwrap();
        assert_eq!(id.subscription(), "11111111-2222-3333-4444-555555555555");
        assert_eq!(id.resource_group(), "rg-1");
        assert_eq!(id.name(), "contoso-events");
        assert_eq!(id.id(), NS);
        let lower = NS.to_lowercase();
        assert_eq!(
            ArmId::parse(&lower, EVENT_HUB_NAMESPACES).unwrap().name(),
            "contoso-events"
        );
    }

    #[test]
    fn refuses_another_type_a_child_or_a_segment_a_path_cannot_carry() {
        assert!(ArmId::parse(NS, SERVICE_BUS_NAMESPACES).is_none());
        assert!(ArmId::parse(&format!("{NS}/eventhubs/hub"), EVENT_HUB_NAMESPACES).is_none());
        assert!(ArmId::parse(&NS.replace("contoso-events", "a?b"), EVENT_HUB_NAMESPACES).is_none());
        assert!(ArmId::parse(&NS.replace("rg-1", ".."), EVENT_HUB_NAMESPACES).is_none());
        assert!(ArmId::parse(&NS.replace("rg-1", ""), EVENT_HUB_NAMESPACES).is_none());
        assert!(ArmId::parse(NS.trim_start_matches('/'), EVENT_HUB_NAMESPACES).is_none());
        assert!(ArmId::parse("", EVENT_HUB_NAMESPACES).is_none());
    }
}
