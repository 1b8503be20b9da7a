import { describe, expect, it } from 'vitest';
import { canonicalDomainProblem, isCustomDomain } from './auth0-domain';

describe('Auth0 domains', () => {
  it('tells a custom domain from a tenant\'s own domain and the sandbox on this machine', () => {
    for (const own of ['acme.eu.auth0.com', 'https://acme.auth0.com/', 'ACME.us.auth0.com', '127.0.0.1:4000', 'http://localhost:4000', '']) {
      expect(isCustomDomain(own), own).toBe(false);
    }
    for (const custom of ['login.acme.com', 'https://login.acme.com/', 'auth0.com.evil.example']) {
      expect(isCustomDomain(custom), custom).toBe(true);
    }
  });

  it('takes a tenant\'s own domain bare, with https:// or as the Management API identifier', () => {
    for (const good of ['acme.eu.auth0.com', 'dev-xyz.auth0.com', 'https://acme.eu.auth0.com', 'https://acme.eu.auth0.com/api/v2/', ' acme.eu.auth0.com ', 'http://127.0.0.1:4000']) {
      expect(canonicalDomainProblem(good), good).toBeNull();
    }
    expect(canonicalDomainProblem('  ')).toBe('missing');
    for (const bad of ['login.acme.com', 'auth0.com', 'a.b.c.auth0.com', '-acme.auth0.com', 'http://acme.eu.auth0.com', 'acme.eu.auth0.com.evil.example']) {
      expect(canonicalDomainProblem(bad), bad).toBe('rule');
    }
  });
});
