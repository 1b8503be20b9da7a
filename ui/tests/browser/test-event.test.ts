// The test event in the user's own clouds, in Chromium against the built UI with IPC answered by the shared
// fake backend: signed in to Auth0 and Azure with all four steps done, Done sends it by itself and follows it
// stage by stage (Auth0 recorded it, Event Grid received it, delivered), and watching can be stopped. Each
// state is scanned with axe.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBackend, Scenario } from '../fake-backend';
import { seriousViolations } from './axe';
import { openApp, startHarness, stopHarness, type Harness } from './harness';

let harness: Harness | undefined;
const screenshots = 'test-results/browser';
const ALL_DONE: Scenario['done'] = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'];

beforeAll(async () => {
  harness = await startHarness();
  mkdirSync(screenshots, { recursive: true });
});
afterAll(() => stopHarness(harness));

const backend = <T>(page: Page, read: (backend: FakeBackend) => T) =>
  page.evaluate(`(${read.toString()})(window.__FAKE_BACKEND__)`) as Promise<T>;

const stageState = (page: Page, stage: string) =>
  page.getByTestId('test-stages').locator(`[data-stage="${stage}"]`).getAttribute('data-state');

/** Signs in to both clouds (a device code, an Auth0 application) and continues to the Done screen. The steps
 * were done before (the scenario), not through this window, so no saved setup is this one and Done says so. */
async function doneScreen(scenario: Scenario, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const { page } = await openApp(harness!, { scenario: { done: ALL_DONE, ...scenario }, colorScheme });
  await page.getByRole('main').getByRole('button', { name: /Connect my Auth0 and Azure/ }).click();
  await page.getByLabel('With a code, on any device').check();
  await page.getByRole('button', { name: 'Get a sign-in code' }).click();
  await expect.poll(() => backend(page, (b) => b.azureWaiting), { timeout: 15_000 }).toBe(true);
  await backend(page, (b) => b.approveAzureSignIn());
  await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
  await page.getByLabel('Client ID').fill('m2m-1');
  await page.getByLabel('Client secret', { exact: true }).fill('auth0-s3cret');
  await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
  await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toContain('application m2m-1');
  await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('Done: every step is in place');
  return page;
}

async function check(page: Page, name: string) {
  expect(await seriousViolations(page), name).toEqual([]);
  await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
}

describe('the test event in the own clouds, in Chromium', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`follows it from Auth0 to the destination (${theme})`, async () => {
      const page = await doneScreen({}, theme);
      expect(await page.getByText(/a sign-in attempt with a wrong password for the app itself/).count()).toBe(1);
        await expect.poll(() => stageState(page, 'delivered'), { timeout: 15_000 }).toBe('done');
      expect(await stageState(page, 'recorded')).toBe('done');
      expect(await stageState(page, 'published')).toBe('done');
      expect(await page.getByTestId('test-stages').textContent()).toContain('Event Grid received it: Done after 95 s');
      expect(await page.getByText('The attempt named the application m2m-1.').count()).toBe(1);
      expect(await page.getByTestId('first-event').textContent()).toContain('The first event arrived on');
      expect(await page.content()).not.toContain('auth0-s3cret');
      await check(page, `done-cloud-test-event-${theme}`);
    });
  }

  it('says what an entry Auth0\'s log search did not show means when Event Grid received it', async () => {
    const page = await doneScreen({ testEventUnrecorded: true });
    await expect.poll(() => stageState(page, 'delivered'), { timeout: 15_000 }).toBe('done');
    expect(await stageState(page, 'recorded')).toBe('not_seen');
    const recorded = page.getByTestId('test-stages').locator('[data-stage="recorded"]');
    expect(await recorded.textContent()).toContain('Event Grid received it, so Auth0 did log it');
    await check(page, 'done-cloud-test-event-unrecorded');
  });

  it('shows what it waits for, with its limit, and stops watching on request', async () => {
    const page = await doneScreen({ testEventHold: true });
    await expect.poll(() => stageState(page, 'published'), { timeout: 15_000 }).toBe('waiting');
    expect(await stageState(page, 'recorded')).toBe('done');
    const published = page.getByTestId('test-stages').locator('[data-stage="published"]');
    expect(await published.textContent()).toContain('gives up after 10 min');
    expect(await published.textContent()).toContain('Azure usually shows it within a few minutes');
    expect(await page.getByTestId('first-event').textContent()).toContain('Waiting for the first event…');
    await check(page, 'done-cloud-test-event-waiting');
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await expect.poll(() => page.getByTestId('test-stopped').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('first-event').textContent()).toContain('has not arrived within the wait');
    expect(await page.getByRole('main').getByRole('button', { name: 'Retry the test event' }).isEnabled()).toBe(true);
  });
});
