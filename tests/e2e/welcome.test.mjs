// The real app window, end to end: the built binary launched by tauri-driver, driven over WebDriver through
// WebKitGTK. Needs a display (run under xvfb-run) and a debug build of the app (`make app`).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { newSession, startDriver } from './webdriver.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const application = process.env.APP_BINARY ?? join(root, 'target/debug/auth0-eventgrid-setup');
const artifacts = join(root, 'tests/e2e/artifacts');
const workspaceVersion = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

let driver;
let session;
// A config folder of its own, so a draft left by someone's `make run` does not skip the welcome page.
const configHome = mkdtempSync(join(tmpdir(), 'welcome-e2e-'));

before(async () => {
  driver = await startDriver({ env: { ...process.env, XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: join(configHome, 'data') } });
  session = await newSession(driver, application);
});

after(async () => {
  await session?.close();
  await driver?.stop();
  rmSync(configHome, { recursive: true, force: true });
});

test('the window shows the welcome page with the version read from Rust', async () => {
  const heading = await session.waitForText('h1', (text) => text.length > 0);
  assert.equal(heading, 'Send your Auth0 logs to Azure Event Grid');
  const version = await session.waitForText('[data-testid="app-version"]', (text) => text.startsWith('Version '));
  assert.match(version, new RegExp(`^Version ${workspaceVersion.replaceAll('.', '\\.')} · Tauri 2\\.\\d+\\.\\d+$`));
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'welcome.png'), await session.screenshot());
});

// src-tauri/src/rendering.rs: the window draws without accelerated compositing, which the log records for
// support; the first paint is logged once the page reports it.
test('the window draws without accelerated compositing, and its log says so', async () => {
  const logs = join(configHome, 'data', 'com.auth0eventgridsetup.app', 'logs');
  const text = await session.waitFor(async () => {
    const files = existsSync(logs) ? readdirSync(logs) : [];
    const all = files.map((file) => readFileSync(join(logs, file), 'utf8')).join('');
    if (!all.includes('window painted')) throw new Error(`no "window painted" in ${logs} yet`);
    return all;
  }, 20_000);
  assert.match(text, /webview main: drawing without accelerated compositing/);
});
