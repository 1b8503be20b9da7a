// A setup taken elsewhere and removed, in Chromium against the built UI with the shared fake backend: the export
// section (save and copy, the key's warning), "Import a setup…" from the welcome page and the home (a good file
// opens the wizard; each bad file is explained beside the button), and "Remove this setup" cancelled then
// confirmed. Scanned with axe and photographed in both colour schemes (published with SCREENSHOTS_DIR).
import { describe, expect, it } from 'vitest';
import { BAD_FILES, importedDraft } from '../import-files';
import type { Scenario } from '../fake-backend';
import { ONE_SETUP, type SetupSpec } from '../setups-fixture';
import { backend, bothThemes, expectHeading, openApp, useHarness } from './harness';

const harness = useHarness();
const WITH_KEY: SetupSpec[] = [{ id: 1, name: 'Production', webhookKey: true }];

async function setupPage(scenario: Scenario) {
  const { page } = await openApp(harness(), { scenario });
  await expectHeading(page, 'Your setups');
  await page.getByTestId('open-setup').first().click();
  await expectHeading(page, 'Production');
  return page;
}

describe("a setup's export in Chromium", () => {
  it('saves and copies each format through Rust, with the warning that the key was left out', async () => {
    const page = await setupPage({ setups: WITH_KEY });
    const section = page.getByTestId('export-section');
    expect(await section.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Setup file (JSON)', 'Terraform', 'Shell script']);
    expect(await page.getByTestId('export-key-left-out').textContent()).toContain('The export leaves the key out');
    await section.scrollIntoViewIfNeeded();
    await bothThemes(page, 'setup-export');

    await page.getByTestId('save-json').click();
    await expect.poll(() => page.getByTestId('export-status').textContent(), { timeout: 15_000 }).toBe('Saved to /home/ada/Documents/production.setup.json.');
    await page.getByTestId('copy-terraform').click();
    await expect.poll(() => page.getByTestId('export-status').textContent(), { timeout: 15_000 }).toBe('Terraform copied to the clipboard.');
    expect(await backend(page, (b) => b.exports)).toEqual([
      { id: 1, format: 'json', to: 'file' },
      { id: 1, format: 'terraform', to: 'clipboard' },
    ]);
    expect(await backend(page, (b) => b.clipboard)).toContain('The webhook URL key was left out.');
  });
});

describe('importing a setup in Chromium', () => {
  it('from the welcome page opens the wizard prefilled, saying where the setup came from', async () => {
    const { page } = await openApp(harness(), { scenario: { importFile: { draft: importedDraft('sign_in') } } });
    await expectHeading(page, 'Send your Auth0 logs to Azure Event Grid');
    await page.getByTestId('import-setup-button').click();
    await expectHeading(page, 'Sign in to Auth0 and Azure');
    expect(await page.getByTestId('import-notice').textContent()).toContain('acme-staging.eu.auth0.com');
    await bothThemes(page, 'import-sign-in');
    expect(await backend(page, (b) => b.draft?.inputs.stream_name)).toBe('Staging security logs');
  });

  for (const [what, error] of Object.entries(BAD_FILES)) {
    it(`from the home, a bad file (${what}) is explained beside the button`, async () => {
      const { page } = await openApp(harness(), { scenario: { setups: ONE_SETUP, importFile: { error } } });
      await expectHeading(page, 'Your setups');
      await page.getByTestId('import-setup-button').click();
      const problem = page.getByTestId('import-setup').getByTestId('import-error');
      await expect.poll(() => problem.count(), { timeout: 15_000 }).toBe(1);
      expect(await problem.textContent()).toContain(error.message);
      expect(await problem.getByTestId('import-error-field').textContent()).toBe(`The problem is in: ${error.field}`);
      expect(await page.getByTestId('home').count()).toBe(1);
      if (what === 'secret') await bothThemes(page, 'import-refused');
    });
  }
});

describe('removing a setup in Chromium', () => {
  it('lists what goes and what stays; cancelled deletes nothing; confirmed deletes, shows the result, then home', async () => {
    const page = await setupPage({ setups: ONE_SETUP });
    await page.getByTestId('remove-setup').click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getAttribute('data-stage'), { timeout: 15_000 }).toBe('confirming');
    expect(await dialog.getByTestId('teardown-remove').locator('li').count()).toBe(4);
    expect(await dialog.getByTestId('teardown-keep').textContent()).toContain('The setup did not create it.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('teardown-cancel');
    await bothThemes(page, 'teardown-dialog', { fullPage: false });

    await page.keyboard.press('Enter');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await backend(page, (b) => b.teardowns.length)).toBe(0);

    await page.getByTestId('remove-setup').click();
    await expect.poll(() => dialog.getAttribute('data-stage'), { timeout: 15_000 }).toBe('confirming');
    await page.getByTestId('teardown-confirm').click();
    await expect.poll(() => dialog.getAttribute('data-stage'), { timeout: 15_000 }).toBe('finished');
    expect(await dialog.getByTestId('teardown-removed').locator('li').count()).toBe(4);
    await bothThemes(page, 'teardown-result', { fullPage: false });
    await page.getByTestId('teardown-finish').click();
    // The last setup is gone: the app leaves the home for the wizard's first page.
    await expect.poll(() => backend(page, (b) => b.setups.length), { timeout: 15_000 }).toBe(0);
    expect(await backend(page, (b) => b.teardowns.map((t) => t.plan.remove.length))).toEqual([4]);
  });
});
