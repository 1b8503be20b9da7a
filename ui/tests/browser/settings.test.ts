// The Settings screen in Chromium, by keyboard only: reached from the header on the welcome page and in the
// middle of the wizard, the app registration's client id saved, an Azure sign-out, Escape back to where the
// user was with focus on the Settings button. Scanned with axe in both themes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { backend, check, openApp, useHarness } from './harness';

const harness = useHarness();


const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    if (!element) return '';
    const name = element.labels?.[0]?.textContent ?? element.getAttribute('aria-label') ?? element.textContent ?? '';
    return `${element.tagName.toLowerCase()}:${name.trim()}`;
  });

/** Presses Tab (or Shift+Tab) until the focused element's name is `text` (bounded), as a keyboard user would. */
async function tabTo(page: Page, text: string, key: 'Tab' | 'Shift+Tab' = 'Tab', limit = 100) {
  for (let i = 0; i < limit; i++) {
    if ((await focused(page)).endsWith(`:${text}`)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`no focusable "${text}" within ${limit} tabs; last: ${await focused(page)}`);
}


describe('Settings in Chromium, keyboard only', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`opens from the welcome page, saves the client id, and Escape returns (${colorScheme})`, async () => {
      const { page } = await openApp(harness(), { colorScheme, scenario: { noAzureClientId: true } });
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Send your Auth0 logs to Azure Event Grid');
      await tabTo(page, '⚙ Settings', 'Shift+Tab');
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(page), { timeout: 15_000 }).toBe('h1:Settings');
      await expect.poll(() => page.getByTestId('registration-command').textContent(), { timeout: 15_000 }).toContain('az ad app create');
      await expect.poll(() => page.getByTestId('settings-version').textContent(), { timeout: 15_000 }).toContain('Version 9.8.7');
      await check(page, `settings-${colorScheme}`);
      await tabTo(page, 'Application (client) ID of the app registration');
      await page.keyboard.type('5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
      await tabTo(page, 'Save');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByText('Saved. Start the Azure sign-in again to use it.').count(), { timeout: 15_000 }).toBe(1);
      expect(await backend(page, (b) => b.settings.azureClientId)).toBe('5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Send your Auth0 logs to Azure Event Grid');
      expect(await focused(page)).toBe('button:⚙ Settings');
    });
  }

  it('in the middle of signing in: shows who is signed in, signs Azure out, and Back returns to Sign in', async () => {
    const { page } = await openApp(harness());
    await page.getByRole('main').getByRole('button', { name: /Connect my Auth0 and Azure/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Sign in to Auth0 and Azure');
    await page.getByLabel('With my Azure CLI sign-in (az login)').check();
    await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('ada@contoso.com');
    await tabTo(page, '⚙ Settings', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('settings-azure').textContent(), { timeout: 15_000 }).toContain("the Azure CLI's sign-in");
    expect(await page.getByTestId('settings-auth0').textContent()).toContain('Not signed in.');
    await check(page, 'settings-signed-in');
    await tabTo(page, 'Sign out of Azure');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('settings-azure').textContent(), { timeout: 15_000 }).toContain('Not signed in.');
    await tabTo(page, 'Back');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Sign in to Auth0 and Azure');
    await expect.poll(() => page.getByRole('button', { name: 'Sign in to Azure in the browser' }).count(), { timeout: 15_000 }).toBe(1);
  });
});
