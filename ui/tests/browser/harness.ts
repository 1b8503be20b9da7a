// Serves the built UI (ui/dist) with Vite's preview server and opens it in Debian's Chromium through
// playwright-core, with Tauri's IPC replaced by @tauri-apps/api/mocks. No browser is downloaded.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import type { Scenario } from '../fake-backend';

const uiRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

/** A fresh page with the IPC mock installed before any of the app's scripts run. */
export async function openApp(
  harness: Harness,
  options: { colorScheme?: 'light' | 'dark'; scenario?: Scenario } = {},
): Promise<{ page: Page; offOrigin: string[] }> {
  const context = await harness.browser.newContext({ colorScheme: options.colorScheme ?? 'light' });
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
