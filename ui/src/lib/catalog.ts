// Mapping between the plain-language event groups the wizard offers and Auth0's event categories. The groups
// themselves (and the regions Auth0 accepts) come from the engine over IPC (`Wizard.loadCatalog`), so the
// window keeps no copy of them.
import { t } from './i18n';
import type { Catalog, EventGroup, EventGroupId } from './ipc';

/** A region or a resource group's location as people read it, "West Europe (westeurope)", from the engine's
 *  names; a code the catalog does not name (or before it has loaded) is shown as it is. */
export function regionLabel(catalog: Catalog | null, code: string): string {
  const compact = code.replace(/\s/g, '').toLowerCase();
  const region = catalog && [...catalog.regions, ...catalog.other_regions].find((r) => r.code === compact);
  return region ? t.common.region(region.name, region.code) : code;
}

/** The groups whose categories are all in `categories`. */
export function groupsOf(groups: readonly EventGroup[], categories: readonly string[]): EventGroupId[] {
  return groups.filter((g) => g.categories.every((c) => categories.includes(c))).map((g) => g.id);
}

/** The Auth0 categories for the chosen groups, in the catalog's stable order. */
export function categoriesOf(groups: readonly EventGroup[], chosen: readonly EventGroupId[]): string[] {
  return groups.filter((g) => chosen.includes(g.id)).flatMap((g) => g.categories);
}

/** Azure's rule for a resource group's name, as the engine checks it: the first rule broken, or null. */
export type NameProblem = { rule: 'empty' | 'too_long' | 'ends_with_dot' } | { rule: 'characters'; bad: string[] };

export function resourceGroupNameProblem(name: string): NameProblem | null {
  if (name.length === 0) return { rule: 'empty' };
  if ([...name].length > 90) return { rule: 'too_long' };
  const bad = [...new Set([...name].filter((c) => !/^[\p{L}\p{N}_\-.()]$/u.test(c)))];
  if (bad.length > 0) return { rule: 'characters', bad };
  if (name.endsWith('.')) return { rule: 'ends_with_dot' };
  return null;
}
