// Which Auth0 domains need the tenant's own (canonical) domain beside them, and whether a typed canonical domain
// can be one. The same rules as the sign-in crate's `canonical_domain` (Rust decides; the form only spares a
// round trip): a custom domain is any but `*.auth0.com` and the sandbox on this machine, and a canonical domain
// is TENANT.auth0.com or TENANT.REGION.auth0.com, typed bare, with https:// or as the Management API identifier.

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const LABEL = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
const TENANT_DOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})?\\.auth0\\.com$`, 'i');

/** The host a typed domain names: without scheme, path and port; lowercase. */
function hostOf(typed: string): string {
  const withoutScheme = typed.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split(/[/?#]/)[0] ?? '';
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0];
  return (host ?? '').toLowerCase();
}

/** Whether `domain` is a custom domain, so the tenant's own domain must be asked for too. */
export function isCustomDomain(domain: string): boolean {
  const host = hostOf(domain);
  if (!host) return false;
  return !host.endsWith('.auth0.com') && !LOOPBACK.test(host);
}

/** What is wrong with a typed canonical domain: 'missing', 'rule', or null when it can be one. */
export function canonicalDomainProblem(typed: string): 'missing' | 'rule' | null {
  const value = typed.trim();
  if (!value) return 'missing';
  if (/^http:\/\//i.test(value)) return LOOPBACK.test(hostOf(value)) ? null : 'rule';
  const host = value
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '')
    .replace(/\/api\/v2$/i, '');
  return TENANT_DOMAIN.test(host) ? null : 'rule';
}
