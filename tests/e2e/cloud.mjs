// The app in cloud mode against a separate sandbox process, as the cloud tests run it: the sandbox binary stands
// in for Auth0, Entra ID and Resource Manager, set through the environment the way an administrator presets a
// sovereign or proxied cloud; the system browser is Debian's Chromium driven by Playwright, and the app "opens"
// links with a stand-in xdg-open that records them.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launch, root } from './app.mjs';
import { killOnExit } from './processes.mjs';

export const { chromium } = createRequire(join(root, 'ui/package.json'))('playwright-core');
const SANDBOX = process.env.SANDBOX_BINARY ?? join(root, 'target/debug/cloud-sandbox');
// Any application (client) id: the sandbox's identity platform plays a tenant where it is registered.
const APP_CLIENT_ID = '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab';

/** The sandbox binary (with `args`), ready once it prints its one JSON line. */
export async function startSandbox(args = []) {
  const child = spawn(SANDBOX, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Killed with this file's process, however it ends (a failed `before` never reaches `after`).
  const guard = killOnExit(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code} before it was ready`)));
    lines.once('line', resolve);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    info: JSON.parse(first),
    /** Stops it and waits for its exit. */
    async stop() {
      child.kill('SIGKILL');
      await exited;
      guard.release();
    },
  };
}

/** Launches Chromium as the person's browser. */
export function startBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A folder holding a stand-in `xdg-open` that records each link the app opens, one per line. */
export function recordingOpener() {
  const folder = mkdtempSync(join(tmpdir(), 'opened-'));
  const log = join(folder, 'opened.txt');
  const script = join(folder, 'xdg-open');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return {
    folder,
    /** Waits for the next link the app opens after `seen` links. */
    async next(seen, session) {
      return session.waitFor(async () => {
        const links = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
        if (links.length <= seen) throw new Error('the app has not opened a link yet');
        return links[seen];
      });
    },
  };
}

/** The app in cloud mode, pointed at the sandbox `info`, with its own config folder and link recorder. */
export async function launchCloudApp(info, configHome = mkdtempSync(join(tmpdir(), 'cloud-e2e-')), { keep = false } = {}) {
  const opener = recordingOpener();
  const app = await launch(configHome, 'light', {
    PATH: `${opener.folder}:${process.env.PATH}`,
    AUTH0_EVENTGRID_AZURE_CLOUD: 'custom',
    AUTH0_EVENTGRID_AZURE_AUTHORITY_URL: info.azure_authority,
    AUTH0_EVENTGRID_AZURE_MANAGEMENT_URL: info.azure_management,
    AUTH0_EVENTGRID_AZURE_CLIENT_ID: APP_CLIENT_ID,
  });
  const cleanUp = () => {
    if (!keep) rmSync(configHome, { recursive: true, force: true });
    rmSync(opener.folder, { recursive: true, force: true });
  };
  return {
    ...app,
    opener,
    configHome,
    async quit() {
      await app.quit();
      cleanUp();
    },
    async crash() {
      const killed = await app.crash();
      cleanUp();
      return killed;
    },
  };
}

/** The person, in the system browser: signs in on the identity platform's page and is sent back to the app. */
export async function signInInBrowser(browser, link, user) {
  const page = await browser.newPage();
  try {
    await page.goto(link);
    await page.getByLabel('Email').fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await Promise.all([page.waitForURL(/^http:\/\/localhost:\d+\//), page.getByRole('button').first().click()]);
    return await page.textContent('body');
  } finally {
    await page.close();
  }
}

/** Signs in to Auth0 with the sandbox tenant's machine-to-machine application, typing like a person. */
export async function signInToAuth0(you, info) {
  await you.type('#auth0-domain', info.auth0_domain);
  await you.type('#auth0-client-id', info.auth0_client_id);
  await you.type('#auth0-client-secret', info.auth0_client_secret);
  await you.click('Check and sign in to Auth0');
}
