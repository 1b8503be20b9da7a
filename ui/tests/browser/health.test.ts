// The health home and a setup's page in Chromium, against the built UI with IPC answered by the shared fake
// backend: one setup, three with one failing, a setup's checks, and a fix said first then applied. Every page
// is scanned with axe in both colour schemes; with SCREENSHOTS_DIR set (relative to the repository, as for the
// real-window tests: `make screenshots` sets docs/screenshots) each is also saved there as NAME-THEME.png.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ONE_SETUP, THREE_SETUPS_ONE_RED } from '../setups-fixture';
import { backend, bothThemes, expectHeading, openApp, useHarness } from './harness';
import { seriousViolations } from './axe';

const harness = useHarness();

const cards = (page: Page) =>
  page.getByTestId('setup-card').evaluateAll((all) => all.map((c) => [c.getAttribute('data-setup-name'), c.getAttribute('data-state')]));

describe('the health home in Chromium', () => {
  it('opens on the home with one setup working', async () => {
    const { page } = await openApp(harness(), { scenario: { setups: ONE_SETUP } });
    await expectHeading(page, 'Your setups');
    expect(await cards(page)).toEqual([['Production', 'green']]);
    const card = page.getByTestId('setup-card');
    expect(await card.textContent()).toContain('acme.eu.auth0.com');
    expect(await card.textContent()).toContain('checked 3 min ago');
    expect(await card.getByTestId('delivery-chart').locator('rect').count()).toBeGreaterThan(20);
    expect(await page.getByTestId('health-alerts').textContent()).toContain('No alerts since the app started.');
    await bothThemes(page, 'home-one');
  });

  it('shows three setups with the failing one in words, and checks them all again', async () => {
    const { page } = await openApp(harness(), { scenario: { setups: THREE_SETUPS_ONE_RED } });
    await expectHeading(page, 'Your setups');
    expect(await cards(page)).toEqual([
      ['Production', 'green'],
      ['Staging', 'red'],
      ['Development', 'amber'],
    ]);
    const staging = page.locator('[data-testid="setup-card"][data-setup-name="Staging"]');
    expect(await staging.textContent()).toContain('Not working');
    // Each card's button is named after its setup (Chromium's accessible name, not only the text).
    expect(await page.getByRole('button', { name: 'Open Staging', exact: true }).count()).toBe(1);
    expect(await staging.getByTestId('delivery-chart').textContent()).toMatch(/Most failures in the hour from \d\d:\d\d/);
    await bothThemes(page, 'home-three-one-red');
    await backend(page, (b) => b.breakSetup(1, { partner_topic: 'red' }));
    await page.getByRole('button', { name: 'Check all now' }).click();
    await expect.poll(() => cards(page), { timeout: 15_000 }).toEqual([
      ['Production', 'red'],
      ['Staging', 'red'],
      ['Development', 'amber'],
    ]);
    await expect.poll(() => page.getByTestId('health-alerts').textContent(), { timeout: 15_000 }).toContain('Production: The partner topic stopped working at');
  });

  it("shows a setup's checks, and a fix says what it will do before it is applied", async () => {
    const { page } = await openApp(harness(), { scenario: { setups: THREE_SETUPS_ONE_RED } });
    await expectHeading(page, 'Your setups');
    await page.locator('[data-testid="setup-card"][data-setup-name="Staging"]').getByTestId('open-setup').click();
    await expectHeading(page, 'Staging');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    const stream = page.getByTestId('check-log_stream');
    expect(await stream.getAttribute('data-state')).toBe('red');
    // A time today, or with its date when it was yesterday (a run just after midnight).
    expect(await stream.textContent()).toMatch(/failing since ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d/);
    await bothThemes(page, 'setup-checks');

    await page.getByTestId('fix-resume_stream').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Set the log stream "Azure Event Grid" to active');
    expect(await dialog.textContent()).toContain('Check first');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await backend(page, (b) => b.fixRequests.length)).toBe(0);
    await page.getByTestId('confirm-fix').click();
    await expect.poll(() => stream.getAttribute('data-state'), { timeout: 15_000 }).toBe('green');
    expect(await page.getByTestId('check-delivery').getAttribute('data-state')).toBe('red');
    await expect.poll(() => page.getByTestId('setup-status').textContent(), { timeout: 15_000 }).toBe('Done. The log stream is now: Working.');
    expect(await backend(page, (b) => b.fixRequests)).toEqual([{ id: 2, fix: 'resume_stream' }]);

    await page.getByTestId('go-home').click();
    await expectHeading(page, 'Your setups');
    expect(await cards(page)).toEqual([
      ['Production', 'green'],
      ['Staging', 'red'],
      ['Development', 'amber'],
    ]);
  });

  it('Check now reads the page again, announced', async () => {
    const { page } = await openApp(harness(), { scenario: { setups: ONE_SETUP } });
    await expectHeading(page, 'Your setups');
    await page.getByTestId('open-setup').click();
    await expectHeading(page, 'Production');
    await backend(page, (b) => b.breakSetup(1, { event_subscription: 'amber' }));
    await page.getByTestId('check-now').click();
    await expect.poll(() => page.getByTestId('check-event_subscription').getAttribute('data-state'), { timeout: 15_000 }).toBe('amber');
    expect(await page.getByTestId('setup-status').textContent()).toMatch(/^Checked at \d\d:\d\d: Needs attention\.$/);
  });

  it('is usable by keyboard alone: open a setup, fix it, back home', async () => {
    const { page } = await openApp(harness(), { scenario: { setups: THREE_SETUPS_ONE_RED } });
    await expectHeading(page, 'Your setups');
    const focusedName = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return (element?.getAttribute('aria-label') ?? element?.textContent ?? '').replace(/\s+/g, ' ').trim();
      });
    const tabTo = async (name: string) => {
      for (let i = 0; i < 60; i++) {
        if ((await focusedName()) === name) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`no focusable "${name}"; last: ${await focusedName()}`);
    };
    await tabTo('Open Staging');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Staging');
    await tabTo('Resume the stream');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(), { timeout: 15_000 }).toBe('Do it');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('check-log_stream').getAttribute('data-state'), { timeout: 15_000 }).toBe('green');
    // Focus stays at the check that was fixed.
    await expect.poll(() => focusedName(), { timeout: 15_000 }).toBe('The log stream');
    await tabTo('← Back to your setups'); // the arrow is hidden from screen readers, not from textContent
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Your setups');
  });
});
