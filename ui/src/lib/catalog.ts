// Choices the wizard offers, in Auth0's terms. The region list is Auth0's `LogStreamEventGridRegionEnum`
// (crates/auth0-client/src/model.rs); the engine refuses anything else, naming the field.
export const AUTH0_REGIONS = [
  'australiacentral', 'australiaeast', 'australiasoutheast', 'brazilsouth', 'canadacentral', 'canadaeast',
  'centralindia', 'centralus', 'eastasia', 'eastus', 'eastus2', 'francecentral', 'germanywestcentral', 'japaneast',
  'japanwest', 'koreacentral', 'koreasouth', 'northcentralus', 'northeurope', 'norwayeast', 'southafricanorth',
  'southcentralus', 'southeastasia', 'southindia', 'swedencentral', 'switzerlandnorth', 'uaenorth', 'uksouth',
  'ukwest', 'westcentralus', 'westeurope', 'westindia', 'westus', 'westus2',
] as const;

/** Plain-language event groups and the Auth0 categories each one stands for. */
export const EVENT_GROUPS = [
  { id: 'failed_logins', categories: ['auth.login.fail', 'auth.silent_auth.fail', 'auth.token_exchange.fail'] },
  { id: 'successful_logins', categories: ['auth.login.success', 'auth.silent_auth.success', 'auth.token_exchange.success'] },
  { id: 'logouts', categories: ['auth.logout.success', 'auth.logout.fail'] },
  { id: 'signups', categories: ['auth.signup.success', 'auth.signup.fail'] },
  { id: 'admin_changes', categories: ['management.success', 'management.fail'] },
  { id: 'user_changes', categories: ['user.success', 'user.fail', 'user.notification'] },
] as const;

export type EventGroupId = (typeof EVENT_GROUPS)[number]['id'];

/** The groups whose categories are all in `categories`. */
export function groupsOf(categories: readonly string[]): EventGroupId[] {
  return EVENT_GROUPS.filter((g) => g.categories.every((c) => categories.includes(c))).map((g) => g.id);
}

/** The Auth0 categories for the chosen groups, in a stable order. */
export function categoriesOf(groups: readonly EventGroupId[]): string[] {
  return EVENT_GROUPS.filter((g) => groups.includes(g.id)).flatMap((g) => [...g.categories]);
}
