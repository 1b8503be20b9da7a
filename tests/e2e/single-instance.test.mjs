// One app per folder: launching the app a second time while its window is open (the same user, the same config
// folder) ends the second launch at once, and the first window stays open and usable. The lock is a name on the
// D-Bus session bus, which `make test-e2e` provides (dbus-run-session, for the keychain too).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { application, launch, person } from './app.mjs';
import { killOnExit } from './processes.mjs';

/** Runs the app binary directly, as a second launch from the desktop would, and waits for it to end. */
function secondLaunch(configHome) {
  const child = spawn(application, [], {
    stdio: 'ignore',
    env: { ...process.env, XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: join(configHome, 'data') },
  });
  const guard = killOnExit(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    // A hang guard, not a timing: a second launch that opened a window of its own never ends by itself.
    const hang = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the second launch did not end within 60 s: it started a second app'));
    }, 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(hang);
      guard.release();
      resolve({ code, signal });
    });
  });
}

test('a second launch with the same folder ends at once and leaves the open window working', { timeout: 300_000 }, async () => {
  assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'a D-Bus session bus (run through make test-e2e)');
  const configHome = mkdtempSync(join(tmpdir(), 'single-instance-e2e-'));
  const first = await launch(configHome, 'light');
  try {
    const you = person(first.session);
    await you.heading('Send your Auth0 logs to Azure Event Grid');

    assert.deepEqual(await secondLaunch(configHome), { code: 0, signal: null });

    // The first window is still there and still answers.
    await you.heading('Send your Auth0 logs to Azure Event Grid');
    await you.click('Try it without accounts');
    await you.heading('Sign in to Auth0 and Azure');
  } finally {
    await first.quit();
    rmSync(configHome, { recursive: true, force: true });
  }
});
