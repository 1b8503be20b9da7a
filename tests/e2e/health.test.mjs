// The health home in the real window, in sandbox mode: set a setup up, restart the app and land on the home
// with the setup working; pause its Auth0 stream through the sandbox's admin page, check again and see it
// failing with an alert raised; press its Fix and see it working again. Screenshots of the home and of the
// setup's checks, light and dark, as wizard.test.mjs takes them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launch, person, shoot } from './app.mjs';

const IDENTIFIER = 'com.auth0eventgridsetup.app';

/** The admin page of the sandbox the app started (its Auth0 tenant's port is kept in the app's folder). */
function adminPage(configHome) {
  const port = readFileSync(join(configHome, IDENTIFIER, 'sandbox', 'port'), 'utf8').trim();
  return `http://127.0.0.1:${port}/_sandbox`;
}

/**
 * Presses the admin page's button labelled `label` ("Pause the stream X"), as its script does: a POST of `{}` with
 * the run's admin token, which the page carries in a meta element.
 */
async function pressAdminButton(configHome, label) {
  const page = adminPage(configHome);
  const html = await (await fetch(page)).text();
  const button = [...html.matchAll(/<button [^>]*data-post="([^"]+)"[^>]*aria-label="([^"]+)"/g)].find(
    ([, , name]) => name === label,
  );
  assert.ok(button, `the admin page has a button "${label}"`);
  const token = html.match(/<meta name="sandbox-admin-token" content="([^"]+)">/);
  assert.ok(token, 'the admin page carries the admin token');
  const origin = new URL(page).origin;
  const answer = await fetch(origin + button[1], {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-admin-token': token[1] },
    body: '{}',
  });
  assert.ok(answer.ok, `${label}: ${answer.status} ${await answer.text()}`);
}

async function cardState(session) {
  const card = await session.waitFor(() => session.find('[data-testid="setup-card"]'), 60_000);
  return session.attribute(card, 'data-state');
}

async function checkState(session, id) {
  return session.attribute(await session.find(`[data-testid="check-${id}"]`), 'data-state');
}

async function waitForCheck(session, id, state, timeoutMs = 60_000) {
  await session.waitFor(async () => {
    const found = await checkState(session, id);
    if (found !== state) throw new Error(`${id} is ${found}, not ${state}`);
  }, timeoutMs);
}

async function healthRound(theme) {
  const configHome = mkdtempSync(join(tmpdir(), `health-e2e-${theme}-`));
  try {
    const first = await launch(configHome, theme);
    try {
      const you = person(first.session);
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
      await you.heading('Done: your Auth0 logs flow to Azure');
      // The window saves its draft just after showing Done; quitting before then would resume the wizard.
      await first.session.waitFor(async () => {
        const draft = join(configHome, IDENTIFIER, 'draft.json');
        if (!existsSync(draft) || JSON.parse(readFileSync(draft, 'utf8')).screen !== 'done') throw new Error('the draft is not at Done yet');
      });
    } finally {
      await first.quit();
    }

    const second = await launch(configHome, theme);
    try {
      const { session } = second;
      const you = person(session);
      await you.heading('Your setups');
      await session.waitFor(async () => {
        const state = await cardState(session);
        if (state !== 'green') throw new Error(`the setup is ${state}`);
      }, 60_000);
      const name = await session.attribute(await session.find('[data-testid="setup-card"]'), 'data-setup-name');
      assert.equal(name, 'Security logs');
      await shoot(session, 'home-window', theme);

      // Checking now starts the sandbox the setup was made in (the home showed the last check, from Done).
      await session.clickElement(await session.find('[data-testid="open-setup"]'));
      await you.heading('Security logs');
      await session.clickElement(await session.waitFor(() => session.find('[data-testid="check-now"]')));
      await waitForCheck(session, 'log_stream', 'green');

      await pressAdminButton(configHome, 'Pause the stream Security logs');
      await session.clickElement(await session.waitFor(() => session.find('[data-testid="check-now"]')));
      await waitForCheck(session, 'log_stream', 'red');
      await shoot(session, 'setup-red-window', theme);

      await session.clickElement(await session.waitFor(() => session.find('[data-testid="fix-resume_stream"]')));
      await session.clickElement(await session.waitFor(() => session.find('[data-testid="confirm-fix"]')));
      await waitForCheck(session, 'log_stream', 'green');
      await shoot(session, 'setup-fixed-window', theme);

      // Back home: the check that turned red raised an alert (and a desktop notification, which Xvfb has no
      // daemon to show).
      await session.clickElement(await session.find('[data-testid="go-home"]'));
      await you.heading('Your setups');
      const alerts = await session.waitForText('[data-testid="health-alerts"]', (text) => text.includes('Security logs:'));
      assert.match(alerts, /Security logs: .*stopped working/);
      assert.equal(await cardState(session), 'green');
    } finally {
      await second.quit();
    }
  } finally {
    rmSync(configHome, { recursive: true, force: true });
  }
}

test('a setup done in the window is green on the home after a restart, red when paused, green after its fix', { timeout: 300_000 }, async () => {
  await healthRound('light');
});

test('the same in the dark theme', { timeout: 300_000 }, async () => {
  await healthRound('dark');
});
