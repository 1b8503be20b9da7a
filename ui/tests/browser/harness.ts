// Serves the built UI (ui/dist) with Vite's preview server and opens it in Debian's Chromium through
// playwright-core, with Tauri's IPC replaced by @tauri-apps/api/mocks. No browser is downloaded.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FakeBackend, Scenario } from '../fake-backend';
import { seriousViolations } from './axe';

const uiRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The main window's default size, from src-tauri/tauri.conf.json: every page opens at it. */
export const windowSize: { width: number; height: number } = (() => {
  const conf = JSON.parse(readFileSync(resolve(uiRoot, '../src-tauri/tauri.conf.json'), 'utf8'));
  const main = conf.app.windows.find((w: { label: string }) => w.label === 'main');
  return { width: main.width, height: main.height };
})();

export type Harness = { browser: Browser; server: PreviewServer; baseUrl: string; mockScript: string };

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(uiRoot, 'dist/index.html'))) throw new Error('ui/dist is missing: run `npm run build` first');
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: install Debian's chromium`);
  const mockScript = await bundleMockIpc();
  const server = await preview({
    root: uiRoot,
    configFile: false,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return { browser, server, baseUrl: `http://127.0.0.1:${address.port}/`, mockScript };
}

export async function stopHarness(harness: Harness | undefined): Promise<void> {
  await harness?.browser.close();
  await harness?.server.close();
}

/** Where the browser tests save their screenshots. */
export const screenshots = 'test-results/browser';

const repoRoot = resolve(uiRoot, '..');
/** Where screenshots are published too (`make screenshots`: docs/screenshots), relative to the repository. */
export const published = process.env.SCREENSHOTS_DIR ? resolve(repoRoot, process.env.SCREENSHOTS_DIR) : null;

/** In both colour schemes: no serious axe violation, and a screenshot (published too when asked): the whole
 * page, or only what the window shows (`fullPage: false`, for a modal dialog over the page). */
export async function bothThemes(page: Page, name: string, { fullPage = true } = {}) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), `${name}-${colorScheme}`).toEqual([]);
    await page.screenshot({ path: `${screenshots}/${name}-${colorScheme}.png`, fullPage });
    if (published) {
      mkdirSync(published, { recursive: true });
      await page.screenshot({ path: join(published, `${name}-${colorScheme}.png`), fullPage });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}


/** Starts the harness before a test file's tests and stops it after them; call the answer for the harness. */
export function useHarness(): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness();
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(() => stopHarness(harness));
  return () => {
    if (!harness) throw new Error('the browser harness has not started');
    return harness;
  };
}

/** What a person needs to act on the current screen, at the window's default size: the heading and every
 * action (the screen's primary, or the welcome page's two ways in) within the window without scrolling;
 * nothing wider than the window; the stepper, when shown, on one line with its current step marked. Answers
 * the problems found, each in words. */
export async function foldProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const height = window.innerHeight;
    const width = window.innerWidth;
    const visible = (element: Element, what: string) => {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) problems.push(`${what} is not shown`);
      else if (box.top < 0 || box.bottom > height) problems.push(`${what} is outside the window (${Math.round(box.top)}–${Math.round(box.bottom)} of ${height})`);
      else if (box.left < 0 || box.right > width) problems.push(`${what} is cut off at the side`);
    };
    const heading = document.querySelector('main h1');
    if (heading) visible(heading, 'the heading');
    else problems.push('no heading');
    const actions = [...document.querySelectorAll('main button.primary, main .choices button')];
    if (actions.length === 0) problems.push('no action');
    for (const action of actions) visible(action, `the button “${action.textContent?.trim().slice(0, 40)}”`);
    if (document.documentElement.scrollWidth > width) problems.push(`the page is wider than the window (${document.documentElement.scrollWidth} > ${width})`);
    const stepper = document.querySelector('nav.stepper ol');
    if (stepper) {
      const tops = new Set([...stepper.children].map((li) => Math.round(li.getBoundingClientRect().top)));
      if (tops.size !== 1) problems.push(`the stepper wraps onto ${tops.size} lines`);
      if (stepper.scrollWidth > stepper.clientWidth) problems.push('the stepper is wider than the window');
      for (const label of stepper.querySelectorAll('.label')) {
        if (label.scrollWidth > label.clientWidth + 1) problems.push(`the step “${label.textContent}” is clipped`);
      }
      const current = stepper.querySelector('[aria-current="step"]');
      if (current) visible(current, 'the current step');
    }
    const name = document.querySelector('header .app-name');
    if (!name?.textContent?.trim()) problems.push('the header does not carry the app’s name');
    return problems;
  });
}

/** Scans the page with axe (no serious violation) and saves a screenshot as `name`. */
export async function check(page: Page, name: string) {
  expect(await seriousViolations(page), name).toEqual([]);
  await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
}

export const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

export async function expectHeading(page: Page, text: string) {
  await expect.poll(() => heading(page), { timeout: 10_000 }).toBe(text);
}

/** Reads the fake backend's record inside the page. */
export const backend = <T>(page: Page, read: (backend: FakeBackend) => T) =>
  page.evaluate(`(${read.toString()})(window.__FAKE_BACKEND__)`) as Promise<T>;

/** The app opened on the Sign in screen, through the welcome page's button. */
export async function signInScreen(harness: Harness, scenario: Scenario = {}, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { page } = await openApp(harness, { scenario, colorScheme });
  await page.getByRole('main').getByRole('button', { name: /Connect my Auth0 and Azure/ }).click();
  await expect.poll(() => heading(page), { timeout: 15_000 }).toBe('Sign in to Auth0 and Azure');
  return page;
}

/** A fresh page with the IPC mock installed before any of the app's scripts run. */
export async function openApp(
  harness: Harness,
  options: { colorScheme?: 'light' | 'dark'; scenario?: Scenario } = {},
): Promise<{ page: Page; offOrigin: string[] }> {
  const context = await harness.browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: windowSize });
  const page = await context.newPage();
  const offOrigin: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(harness.baseUrl) && !url.startsWith('data:')) offOrigin.push(url);
  });
  await page.addInitScript((scenario) => {
    (window as unknown as { __IPC_SCENARIO__?: unknown }).__IPC_SCENARIO__ = scenario;
  }, options.scenario ?? {});
  await page.addInitScript({ path: harness.mockScript });
  await page.goto(harness.baseUrl);
  return { page, offOrigin };
}

async function bundleMockIpc(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'ipc-mock-'));
  await build({
    root: uiRoot,
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir,
      emptyOutDir: true,
      lib: { entry: join(uiRoot, 'tests/browser/mock-ipc.ts'), formats: ['iife'], name: 'ipcMock', fileName: () => 'mock-ipc.js' },
    },
  });
  return join(outDir, 'mock-ipc.js');
}
