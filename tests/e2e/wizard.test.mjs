// The real app window in sandbox mode, driven like a person: click and type through all four steps to Done
// and count the actions; quit in the middle of step 2 and restart, which resumes there. Screenshots of every
// screen, light and dark, go to tests/e2e/artifacts/screenshots/, or to $SCREENSHOTS_DIR (`make screenshots`
// writes docs/screenshots/ this way). Needs a display (xvfb-run) and `make app`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launch, person, shoot } from './app.mjs';

const IDENTIFIER = 'com.auth0eventgridsetup.app';

/** Waits until the draft on disk holds `text`: the app saves after every change, and quitting is abrupt. */
async function draftContains(configHome, text, session) {
  const file = join(configHome, IDENTIFIER, 'draft.json');
  await session.waitFor(async () => {
    if (!existsSync(file) || !readFileSync(file, 'utf8').includes(text)) throw new Error(`draft has no ${text}`);
  });
}

async function walkToDone(theme) {
  const configHome = mkdtempSync(join(tmpdir(), 'wizard-e2e-'));
  const app = await launch(configHome, theme);
  try {
    const { session } = app;
    const you = person(session);
    await you.heading('Send your Auth0 logs to Azure Event Grid');
    await session.waitForText('[data-testid="app-version"]', (text) => text.startsWith('Version '));
    await shoot(session, 'welcome', theme);
    await you.click('Try it without accounts');

    await you.heading('Sign in to Auth0 and Azure');
    await shoot(session, 'sign-in', theme);
    await you.click('Continue');

    await you.heading('Step 1 – Prepare Azure');
    // The sandbox world starts with three resource groups (one holds the destinations step 4 lists); the one in
    // northeurope is used as it is.
    await you.choose('Use an existing resource group');
    await session.waitForText('[data-testid="resource-group-status"]', (text) => text.startsWith('3 resource groups'));
    await you.tick('analytics');
    const region = await session.waitForText('[data-testid="group-region"]', (text) => text.length > 0);
    assert.match(region, /Auth0 will deliver events to North Europe \(northeurope\)/);
    await shoot(session, 'prepare-azure', theme);
    await you.click('Prepare Azure');

    await you.heading('Step 2 – Create the Auth0 stream');
    assert.equal(await you.value('#stream-region'), 'northeurope', 'the region comes from the resource group');
    await you.choose('Only these');
    await you.tick('Failed logins');
    await you.tick('Successful logins');
    await shoot(session, 'create-stream', theme);
    await you.click('Create the stream');

    await you.heading('Step 3 – Activate the connection');
    await session.waitForText('[data-testid="topic-facts"], [data-testid="topic-summary"]', (text) => text.length > 0);
    await shoot(session, 'activate', theme);
    await you.click('Activate');

    await you.heading('Step 4 – Choose where events go');
    assert.match(await you.value('#webhook-url'), /\/_sandbox\/inbox\/wizard$/);
    await shoot(session, 'subscribe', theme);
    await you.click('Subscribe');

    await you.heading('Done: your Auth0 logs flow to Azure');
    // Done sends the test event by itself and says when the first event arrived.
    await session.waitForText('[data-testid="first-event"]', (text) => text.startsWith('The first event arrived on'), 60_000);
    const arrived = await session.waitForText('[data-testid="test-event"]', (text) => text.startsWith('Arrived'));
    assert.match(arrived, /the test event \(com\.auth0\.Log\) is at the receiver, which now holds [1-9]\d* event\(s\)/);
    await shoot(session, 'done', theme);
    const states = await session.execute(
      'return Array.from(document.querySelectorAll("[data-testid^=step-]")).map((e) => e.dataset.state)',
    );
    assert.deepEqual(states, ['done', 'done', 'done', 'done', 'done', 'current']);
    const actions = you.actions;

    // Settings, over the Done screen (not counted: finishing does not need it), and back with Escape.
    await session.clickElement(await session.find('[data-testid="open-settings"]'));
    await you.heading('Settings');
    await shoot(session, 'settings', theme);
    await session.execute("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));");
    await you.heading('Done: your Auth0 logs flow to Azure');
    return actions;
  } finally {
    await app.quit();
    rmSync(configHome, { recursive: true, force: true });
  }
}

test('a newcomer completes all four steps in the sandbox by clicking and typing', { timeout: 300_000 }, async () => {
  const actions = await walkToDone('light');
  console.log(`user actions from launch to Done (sandbox, light): ${actions}`);
  // Launch to Done: 2 to sign in, 3 on step 1 (existing group chosen from the list), 4 on step 2 ("Only
  // these", two groups ticked), 1 each on steps 3 and 4; the test event runs by itself.
  assert.equal(actions, 11);
});

test('the same walk in the dark theme', { timeout: 300_000 }, async () => {
  const actions = await walkToDone('dark');
  console.log(`user actions from launch to Done (sandbox, dark): ${actions}`);
  assert.equal(actions, 11, 'the theme changes no step of the walk');
});

test('quitting in the middle of step 2 and starting again resumes there', { timeout: 300_000 }, async () => {
  const configHome = mkdtempSync(join(tmpdir(), 'wizard-e2e-resume-'));
  try {
    const first = await launch(configHome, 'light');
    try {
      const you = person(first.session);
      await you.heading('Send your Auth0 logs to Azure Event Grid');
      await you.click('Try it without accounts');
      await you.heading('Sign in to Auth0 and Azure');
      await you.click('Continue');
      await you.heading('Step 1 – Prepare Azure');
      await you.click('Prepare Azure');
      await you.heading('Step 2 – Create the Auth0 stream');
      await you.type('#stream-name', 'Security team stream');
      await draftContains(configHome, 'Security team stream', first.session);
    } finally {
      await first.quit();
    }

    const second = await launch(configHome, 'light');
    try {
      const you = person(second.session);
      await you.heading('Step 2 – Create the Auth0 stream');
      assert.equal(await you.value('#stream-name'), 'Security team stream');
      const step1 = await second.session.attribute(await second.session.find('[data-testid="step-prepare_azure"]'), 'data-state');
      assert.equal(step1, 'done', 'the sandbox world of the first run was found again');
      await shoot(second.session, 'resumed', 'light');
    } finally {
      await second.quit();
    }
  } finally {
    rmSync(configHome, { recursive: true, force: true });
  }
});
