// Signing in to the user's own clouds in Chromium against the built UI, IPC answered by the shared fake
// backend: the browser flow (link shown and copyable, Cancel), the device code, the remedy when no app
// registration is configured, a missing Auth0 scope named, and the notice when no keychain keeps sign-ins.
// Every state is scanned with axe.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REGISTRATION_COMMAND, SIGN_IN_URL, type FakeBackend } from '../fake-backend';
import { check, signInScreen, useHarness } from './harness';

const harness = useHarness();

const azureWaiting = (page: Page) =>
  page.evaluate(() => (window as unknown as { __FAKE_BACKEND__: FakeBackend }).__FAKE_BACKEND__.azureWaiting);

describe('signing in to Auth0 and Azure in Chromium', () => {
  it('shows the browser sign-in link, copies it, and Cancel ends the wait', async () => {
    const page = await signInScreen(harness());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness().baseUrl });
    await check(page, 'sign-in-choices');
    await page.getByRole('button', { name: 'Sign in to Azure in the browser' }).click();
    await expect.poll(() => page.getByLabel('Sign-in link').inputValue(), { timeout: 15_000 }).toBe(SIGN_IN_URL);
    await expect.poll(() => azureWaiting(page), { timeout: 15_000 }).toBe(true);
    await check(page, 'sign-in-browser-waiting');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Link copied.' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SIGN_IN_URL);
    await page.getByRole('button', { name: 'Cancel sign-in' }).click();
    await expect.poll(() => page.getByTestId('azure-cancelled').textContent(), { timeout: 15_000 }).toContain('Sign-in cancelled.');
    expect(await page.getByTestId('azure-error').count()).toBe(0);
    expect(await azureWaiting(page)).toBe(false);
    await check(page, 'sign-in-cancelled');
  });

  it('shows the device code and the page to type it on, then who signed in', async () => {
    const page = await signInScreen(harness());
    await page.getByLabel('With a code, on any device').check();
    await page.getByRole('button', { name: 'Get a sign-in code' }).click();
    await expect.poll(() => page.getByTestId('device-code').textContent(), { timeout: 15_000 }).toBe('GHJK-LMNP');
    expect(await page.getByText('Open https://microsoft.com/devicelogin in any browser').count()).toBe(1);
    await check(page, 'sign-in-device-code');
    await expect.poll(() => azureWaiting(page), { timeout: 15_000 }).toBe(true);
    await page.evaluate(() => (window as unknown as { __FAKE_BACKEND__: FakeBackend }).__FAKE_BACKEND__.approveAzureSignIn());
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('ada@contoso.com');
  });

  it('without an app registration says so before the click, with a message for IT holding the exact command', async () => {
    const page = await signInScreen(harness(), { noAzureClientId: true });
    await expect.poll(() => page.getByTestId('no-registration').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByLabel('Message to your IT department').inputValue()).toContain(REGISTRATION_COMMAND);
    await check(page, 'sign-in-no-client-id');
    await page.getByRole('button', { name: 'Sign in to Azure in the browser' }).click();
    await expect.poll(() => page.getByTestId('azure-error').textContent(), { timeout: 15_000 }).toContain('Settings shows the command');
  });

  it('names the Auth0 scopes the application lacks, and the secret never shows again', async () => {
    const page = await signInScreen(harness(), { missingScopes: ['read:logs'] });
    await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
    await page.getByLabel('Client ID').fill('m2m-1');
    await page.getByLabel('Client secret', { exact: true }).fill('auth0-s3cret');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => page.getByTestId('missing-scopes').textContent(), { timeout: 15_000 }).toContain('It lacks: read:logs.');
    expect(await page.content()).not.toContain('s3cret');
    await check(page, 'sign-in-missing-scope');
  });

  it('says when no keychain keeps the sign-in, and what to do', async () => {
    const page = await signInScreen(harness(), { sessionOnly: true });
    await expect.poll(() => page.getByTestId('session-only').textContent(), { timeout: 15_000 }).toContain('will not be remembered');
    expect(await page.getByTestId('session-only').textContent()).toContain('gnome-keyring');
    await check(page, 'sign-in-session-only');
  });

  it('opens the guide, reachable and clean for axe', async () => {
    const page = await signInScreen(harness());
    await page.getByText('How to create the Auth0 application').click();
    await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
    await page.getByRole('button', { name: 'Open the Applications page' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __FAKE_BACKEND__: FakeBackend }).__FAKE_BACKEND__.opened))
      .toEqual(['auth0_applications:acme.eu.auth0.com']);
    await check(page, 'sign-in-guide');
  });
});
