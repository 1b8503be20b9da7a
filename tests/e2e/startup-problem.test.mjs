// A computer whose administrator preset an Azure cloud the app does not know: the window still opens, and says
// in plain words what is wrong and who can correct it, instead of the app ending before any window shows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launch } from './app.mjs';

test('a wrong Azure preset is shown in the window, without the variable a person cannot set', async () => {
  const configHome = mkdtempSync(join(tmpdir(), 'preset-e2e-'));
  const app = await launch(configHome, 'light', { AUTH0_EVENTGRID_AZURE_CLOUD: 'mars' });
  try {
    const { session } = app;
    await session.waitForText('main h1', (text) => text === 'The app cannot start on this computer', 60_000);
    const shown = await session.waitForText('[data-testid="startup-problem"]', (text) => text.length > 0);
    assert.match(shown, /preset Azure cloud, "mars", is not one the app knows/);
    assert.match(shown, /Ask whoever set up this computer to correct it/);
    assert.doesNotMatch(shown, /AUTH0_EVENTGRID|--[a-z]/, 'no variable or flag a person in the window cannot use');
  } finally {
    await app.quit();
    rmSync(configHome, { recursive: true, force: true });
  }
});
