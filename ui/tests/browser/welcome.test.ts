import { describe, expect, it } from 'vitest';
import { openApp, screenshots, useHarness } from './harness';

const harness = useHarness();

describe('the built welcome page in Chromium', () => {
  it('shows the version Rust reports over IPC', async () => {
    const { page } = await openApp(harness());
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toBe('Version 9.8.7 · Tauri 2.99.0');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Send your Auth0 logs to Azure Event Grid');
    await page.screenshot({ path: `${screenshots}/welcome-light.png`, fullPage: true });
  });

  it('says so when the version cannot be read', async () => {
    const { page } = await openApp(harness(), { scenario: { appInfo: 'fail' } });
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 15_000 }).toBe('Version unavailable');
  });

  it('follows the system dark theme', async () => {
    const light = await openApp(harness(), { colorScheme: 'light' });
    const dark = await openApp(harness(), { colorScheme: 'dark' });
    const background = (page: typeof light.page) =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background(light.page)).toBe('rgb(246, 247, 251)');
    expect(await background(dark.page)).toBe('rgb(14, 20, 36)');
    await dark.page.screenshot({ path: `${screenshots}/welcome-dark.png`, fullPage: true });
  });

  it('loads nothing from outside the app', async () => {
    const { page, offOrigin } = await openApp(harness());
    await page.waitForLoadState('networkidle');
    expect(offOrigin).toEqual([]);
  });
});
