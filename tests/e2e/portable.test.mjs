// Export, teardown and import in the real window, in sandbox mode, through the debug build's stand-in file
// dialogs (AUTH0_EVENTGRID_TEST_SAVE_FILE and AUTH0_EVENTGRID_TEST_OPEN_FILE name the file the save and open
// dialogs "choose": a native GTK dialog is out of WebDriver's reach). Set a setup up; on its page save the JSON
// export (written whole, readable by its owner only, without a secret); remove the setup after reading what
// will be deleted; import the saved file and land on step 1 with everything filled in. Screenshots of the
// export section, the teardown dialog, its result and the imported wizard.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launch, person, shoot } from './app.mjs';

async function texts(session, css) {
  return session.execute(`return [...document.querySelectorAll(${JSON.stringify(css)})].map((e) => e.textContent.replace(/\\s+/g, ' ').trim());`);
}

async function stage(session) {
  return session.attribute(await session.find('[data-testid="teardown-dialog"]'), 'data-stage');
}

async function waitForStage(session, expected, timeoutMs = 120_000) {
  await session.waitFor(async () => {
    const found = await stage(session);
    if (found !== expected) throw new Error(`the teardown is ${found}, not ${expected}`);
  }, timeoutMs);
}

async function portableRound(theme) {
  const configHome = mkdtempSync(join(tmpdir(), `portable-e2e-${theme}-`));
  const exports = join(configHome, 'exports');
  mkdirSync(exports);
  const file = join(exports, 'security-logs.setup.json');
  const dialogs = { AUTH0_EVENTGRID_TEST_SAVE_FILE: file, AUTH0_EVENTGRID_TEST_OPEN_FILE: file };
  try {
    const app = await launch(configHome, theme, dialogs);
    try {
      const { session } = app;
      const you = person(session);
      await you.heading('Send your Auth0 logs to Azure Event Grid');
      await you.click('Try it without accounts');
      await you.heading('Sign in to Auth0 and Azure');
      await you.click('Continue');
      await you.heading('Step 1 – Prepare Azure');
      await you.click('Prepare Azure');
      await you.heading('Step 2 – Create the Auth0 stream');
      await you.type('#stream-name', 'Security logs');
      await you.click('Create the stream');
      await you.heading('Step 3 – Activate the connection');
      await you.click('Activate');
      await you.heading('Step 4 – Choose where events go');
      await you.click('Subscribe');
      await you.heading('Done: your Auth0 logs flow to Azure', 120_000);
      await session.clickElement(await session.waitFor(() => session.find('[data-testid="go-home"]')));
      await you.heading('Your setups');
      await session.clickElement(await session.waitFor(() => session.find('[data-testid="open-setup"]')));
      await you.heading('Security logs');

      // Export: the save dialog "chooses" the file; it is written there, whole and private.
      assert.deepEqual(await texts(session, '[data-testid="export-section"] h3'), ['Setup file (JSON)', 'Terraform', 'Shell script']);
      await session.clickElement(await session.find('[data-testid="save-json"]'));
      await session.waitForText('[data-testid="export-status"]', (text) => text === `Saved to ${file}.`, 30_000);
      assert.ok(existsSync(file), 'the export is written');
      assert.equal(statSync(file).mode & 0o777, 0o600, 'only its owner reads it');
      const document = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(document.inputs.stream_name, 'Security logs');
      assert.equal(document.inputs.event_subscription_name !== undefined, true);
      await shoot(session, 'export-window', theme, { at: '[data-testid="export-section"]' });

      // Teardown: the list first, nothing deleted until the destructive button; then the result, then home.
      await session.clickElement(await session.find('[data-testid="remove-setup"]'));
      await waitForStage(session, 'confirming');
      const remove = await texts(session, '[data-testid="teardown-remove"] li');
      assert.ok(remove.some((item) => item.includes('Security logs')), remove.join(' | '));
      await shoot(session, 'teardown-window', theme, { at: '[data-testid="teardown-dialog"]' });
      await session.clickElement(await session.find('[data-testid="teardown-confirm"]'));
      await waitForStage(session, 'finished', 180_000);
      const removed = await texts(session, '[data-testid="teardown-removed"] li');
      assert.deepEqual(removed.length, remove.length, `${removed.join(' | ')} vs ${remove.join(' | ')}`);
      await shoot(session, 'teardown-done-window', theme, { at: '[data-testid="teardown-dialog"]' });
      await session.clickElement(await session.find('[data-testid="teardown-finish"]'));
      await you.heading('Your setups');
      await session.waitFor(async () => {
        const cards = await texts(session, '[data-testid="setup-card"]');
        if (cards.length !== 0) throw new Error(`still listed: ${cards.join(' | ')}`);
      });

      // Import: the open dialog "chooses" the saved file; the wizard opens on step 1, prefilled.
      await session.clickElement(await session.find('[data-testid="import-setup-button"]'));
      await you.heading('Step 1 – Prepare Azure');
      const notice = await session.waitForText('[data-testid="import-notice"]', (text) => text.includes('This setup was exported'));
      assert.match(notice, /Auth0 tenant/);
      await shoot(session, 'import-window', theme);
    } finally {
      await app.quit();
    }
  } finally {
    rmSync(configHome, { recursive: true, force: true });
  }
}

test('a setup exported through the save dialog, removed after its list, and imported back through the open dialog', { timeout: 600_000 }, async () => {
  await portableRound('light');
});

test('the same in the dark theme', { timeout: 600_000 }, async () => {
  await portableRound('dark');
});
