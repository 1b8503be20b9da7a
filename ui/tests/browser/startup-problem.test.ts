// A computer whose administrator preset an Azure cloud the app does not know: the window opens on a page that says
// what is wrong and who can correct it, with the diagnostics and Close, in Chromium. Scanned with axe in both themes.
import { describe, expect, it } from 'vitest';
import { backend, check, expectHeading, openApp, useHarness } from './harness';

const harness = useHarness();

const problem = {
  code: 'invalid_input' as const,
  message: 'This computer\'s preset Azure cloud, "mars", is not one the app knows.',
  remedy: 'Ask whoever set up this computer to correct it.',
  field: null,
  correlation_id: null,
};

describe('a computer the app cannot work on', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`says why, offers the diagnostics and Close, and nothing else (${colorScheme})`, async () => {
      const { page } = await openApp(harness(), { colorScheme, scenario: { startupProblem: problem } });
      await expectHeading(page, 'The app cannot start on this computer');
      await expect.poll(() => page.getByTestId('startup-problem').textContent(), { timeout: 10_000 }).toContain('"mars"');
      expect(await page.getByRole('button').allTextContents()).toEqual(['Copy diagnostics', 'Close']);
      await check(page, `startup-problem-${colorScheme}`);
      await page.getByRole('button', { name: 'Copy diagnostics' }).click();
      await expect.poll(() => backend(page, (b) => b.clipboard), { timeout: 10_000 }).not.toBeNull();
      await page.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => backend(page, (b) => b.windowClosed), { timeout: 10_000 }).toBe(1);
    });
  }
});
