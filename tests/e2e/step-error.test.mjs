// A step failing for real in the window, in sandbox mode: step 4 with a webhook that does not answer Event
// Grid's CloudEvents validation handshake (the sandbox's Resource Manager sends it the OPTIONS request and
// leaves the event subscription waiting, as Azure does). The error panel says what happened and what to do with
// the engine's code, the stepper marks the step failed; the person puts the sandbox's receiver back, presses
// Retry and reaches Done, where the test event arrives.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launch, person, shoot } from './app.mjs';

test('a webhook that fails the validation handshake stops step 4 with what to do, and Retry recovers', { timeout: 300_000 }, async () => {
  const configHome = mkdtempSync(join(tmpdir(), 'step-error-e2e-'));
  const app = await launch(configHome, 'light');
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
    await you.click('Create the stream');
    await you.heading('Step 3 – Activate the connection');
    await you.click('Activate');
    await you.heading('Step 4 – Choose where events go');

    const receiver = await you.value('#webhook-url');
    assert.match(receiver, /\/_sandbox\/inbox\/wizard$/);
    // An address on the sandbox's own host where nothing answers the handshake.
    const nowhere = receiver.replace(/\/_sandbox\/inbox\/wizard$/, '/_sandbox/no-receiver-here');
    await you.type('#webhook-url', nowhere);
    await you.click('Subscribe');

    const panel = await session.waitFor(() => session.find('[data-testid="error"]'), 120_000);
    assert.equal(await session.attribute(panel, 'data-code'), 'operation_failed');
    const text = await session.waitForText('[data-testid="error"]', (t) => t.includes('validation handshake'));
    assert.match(text, /Azure created the event subscription auth0-logs but is waiting for the webhook .*\/_sandbox\/no-receiver-here to accept events/);
    assert.match(text, /did not answer the CloudEvents validation handshake/);
    assert.match(text, /Make the endpoint answer that OPTIONS request with status 200 and the header WebHook-Allowed-Origin: eventgrid\.azure\.net/);
    assert.equal(await session.attribute(await session.find('[data-testid="step-subscribe"]'), 'data-state'), 'failed');
    await shoot(session, 'step-error', 'light', { at: '[data-testid="error"]' });

    // The person puts the receiver back and tries again: Azure repeats the handshake, which the receiver grants.
    await you.type('#webhook-url', receiver);
    await you.click('Retry');
    await you.heading('Done: your Auth0 logs flow to Azure');
    await session.waitForText('[data-testid="first-event"]', (t) => t.startsWith('The first event arrived on'), 60_000);
    const states = await session.execute(
      'return Array.from(document.querySelectorAll("[data-testid^=step-]")).map((e) => e.dataset.state)',
    );
    assert.deepEqual(states, ['done', 'done', 'done', 'done', 'done', 'current']);
  } finally {
    await app.quit();
    rmSync(configHome, { recursive: true, force: true });
  }
});
