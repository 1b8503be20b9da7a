// The whole wizard in Chromium against the built UI, IPC answered by the shared fake backend: every screen in
// both themes with an axe scan, at the window's default size with what a person needs to act in view (and a
// screenshot of what the window shows, published to docs/screenshots by `make screenshots`), the error paths
// (Retry, Cancel, Copy diagnostics), resume, and keyboard only.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../fake-backend';
import { seriousViolations } from './axe';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { backend, expectHeading, foldProblems, heading, openApp, published, screenshots, useHarness } from './harness';

const harness = useHarness();


/** Scans the current screen with axe, checks that what is needed to act is in the window, and saves what the
 * window shows (published too when asked). */
async function check(page: Page, name: string, theme: string) {
  expect(await seriousViolations(page), `${name} (${theme})`).toEqual([]);
  expect(await foldProblems(page), `${name} (${theme})`).toEqual([]);
  await page.screenshot({ path: `${screenshots}/${name}-${theme}.png` });
  if (published) {
    mkdirSync(published, { recursive: true });
    await page.screenshot({ path: join(published, `${name}-${theme}.png`) });
  }
}

async function walk(theme: 'light' | 'dark', scenario: Scenario = {}) {
  const { page, offOrigin } = await openApp(harness(), { colorScheme: theme, scenario });
  await expectHeading(page, 'Send your Auth0 logs to Azure Event Grid');
  await check(page, 'welcome', theme);
  await page.getByRole('main').getByRole('button', { name: /Try it without accounts/ }).click();
  await expectHeading(page, 'Sign in to Auth0 and Azure');
  await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toContain('sandbox-m2m-client');
  await check(page, 'sign-in', theme);
  await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
  await expectHeading(page, 'Step 1 – Prepare Azure');
  await check(page, 'prepare-azure', theme);
  await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).click();
  await expectHeading(page, 'Step 2 – Create the Auth0 stream');
  await page.getByLabel('Only these').check();
  await page.getByLabel('Failed logins').check();
  // Native controls follow the theme: the system draws them in its scheme, with the theme's accent.
  const native = await page.getByLabel('Failed logins').evaluate((box) => {
    const style = getComputedStyle(box);
    return { accent: style.accentColor, scheme: style.colorScheme, text: getComputedStyle(document.documentElement).color };
  });
  expect(native.accent).toBe(theme === 'dark' ? 'rgb(255, 138, 92)' : 'rgb(201, 67, 26)');
  expect(native.scheme).toBe('light dark');
  // The current step is marked at full contrast: the text colour itself, never dimmed.
  const current = await page.locator('nav [aria-current="step"]').evaluate((item) => ({
    color: getComputedStyle(item).color,
    opacity: getComputedStyle(item).opacity,
    text: item.textContent,
  }));
  expect(current).toEqual({ color: native.text, opacity: '1', text: expect.stringContaining('Step 2: Create the Auth0 stream') });
  await check(page, 'create-stream', theme);
  await page.getByRole('main').getByRole('button', { name: 'Create the stream' }).click();
  await expectHeading(page, 'Step 3 – Activate the connection');
  await check(page, 'activate', theme);
  await page.getByRole('main').getByRole('button', { name: 'Activate' }).click();
  await expectHeading(page, 'Step 4 – Choose where events go');
  await check(page, 'subscribe', theme);
  await page.getByRole('main').getByRole('button', { name: 'Subscribe' }).click();
  await expectHeading(page, 'Done: your Auth0 logs flow to Azure');
  // The test event runs by itself on arrival.
  await expect.poll(() => page.getByTestId('first-event').textContent(), { timeout: 15_000 }).toContain('The first event arrived on');
  expect(await page.getByTestId('test-event').textContent()).toContain('which now holds 1 event(s)');
  await check(page, 'done', theme);
  return { page, offOrigin };
}

describe('the wizard in Chromium', () => {
  it('walks every screen in the light theme with no serious accessibility violation', async () => {
    const { page, offOrigin } = await walk('light');
    const states = await page.locator('[data-testid^="step-"]').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.state));
    expect(states).toEqual(['done', 'done', 'done', 'done', 'done', 'current']);
    expect(offOrigin).toEqual([]);
  });

  it('walks every screen in the dark theme too', async () => {
    const { page } = await walk('dark');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(14, 20, 36)');
  });

  it('notices what a smaller window would hide (the fold check can fail)', async () => {
    const { page } = await openApp(harness());
    await expectHeading(page, 'Send your Auth0 logs to Azure Event Grid');
    expect(await foldProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 1040, height: 300 });
    expect((await foldProblems(page)).join('\n')).toMatch(/the button “Connect my Auth0 and Azure.*” is outside the window/);
    await page.setViewportSize({ width: 1040, height: 720 });
    await page.evaluate(() => ((document.querySelector('main') as HTMLElement).style.minWidth = '1400px'));
    expect((await foldProblems(page)).join('\n')).toMatch(/the page is wider than the window/);
  });

  it('goes back to a finished step and forward again', async () => {
    const { page } = await openApp(harness(), { scenario: { done: ['prepare_azure'] } });
    await page.getByRole('main').getByRole('button', { name: /built-in sandbox/ }).click();
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
    await page.getByRole('navigation').getByRole('button', { name: /Prepare Azure/ }).click();
    await expectHeading(page, 'Step 1 – Prepare Azure');
    expect(await page.getByTestId('already-done').textContent()).toContain('Already done');
    expect(await page.getByRole('navigation').getByRole('button', { name: /Activate the connection/ }).isDisabled()).toBe(true);
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
  });

  it('shows a failed step with message, remedy and diagnostics, and Retry finishes it', async () => {
    const { page } = await openApp(harness(), { scenario: { failStepOnce: 'prepare_azure' } });
    await page.getByRole('main').getByRole('button', { name: /built-in sandbox/ }).click();
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain("does not have authorization to perform action 'Microsoft.EventGrid/register/action'");
    expect(await alert.textContent()).toContain('The Azure identity lacks a role.');
    expect(await page.getByTestId('step-prepare_azure').getAttribute('data-state')).toBe('failed');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}/error-light.png`, fullPage: true });
    await page.getByRole('main').getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect.poll(() => page.getByText('Diagnostics copied').count(), { timeout: 15_000 }).toBe(1);
    // Rust puts the diagnostics on the system clipboard (copy_diagnostics): the error shown, with its correlation id.
    const copied = (await backend(page, (b) => b.clipboard)) ?? '';
    expect(copied).toContain('azure_authorization_failed');
    expect(copied).toContain('[correlation id: corr-1234]');
    expect(copied).not.toMatch(/secret|inbox/i);
    await page.getByRole('main').getByRole('button', { name: 'Retry' }).click();
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
  });

  it('cancels a long step and says so', async () => {
    const { page } = await openApp(harness(), { scenario: { holdStep: 'prepare_azure' } });
    await page.getByRole('main').getByRole('button', { name: /built-in sandbox/ }).click();
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).click();
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 15_000 }).toContain('Waiting for Microsoft.EventGrid');
    expect(await page.getByTestId('progress').getAttribute('aria-live')).toBe('polite');
    await page.getByRole('main').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('Stopped: you cancelled the step.');
  });

  it('says so when the sandbox cannot start, and Retry starts it', async () => {
    const { page } = await openApp(harness(), { scenario: { sandboxFails: true } });
    await page.getByRole('main').getByRole('button', { name: /built-in sandbox/ }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('The built-in sandbox could not start');
    await page.getByRole('main').getByRole('button', { name: 'Retry' }).click();
    await expectHeading(page, 'Sign in to Auth0 and Azure');
  });

  it('names the field to fix when signing in to the real clouds, and never shows a secret again', async () => {
    const { page } = await openApp(harness());
    await page.getByRole('main').getByRole('button', { name: /Connect my Auth0 and Azure/ }).click();
    await expectHeading(page, 'Sign in to Auth0 and Azure');
    await check(page, 'sign-in-cloud', 'light');
    await page.getByLabel('With a service principal (for automation)').check();
    expect(await page.getByRole('main').getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    const principal = page.getByTestId('service-principal');
    await principal.getByLabel('Directory (tenant) ID').fill('tenant-1');
    await principal.getByLabel('Application (client) ID').fill('sp-1');
    await principal.getByLabel('Client secret').fill('azure-s3cret');
    await page.getByRole('button', { name: 'Check and sign in to Azure' }).click();
    await expect.poll(() => page.getByText('The application (client) ID looks like').count(), { timeout: 15_000 }).toBe(1);
    await principal.getByLabel('Application (client) ID').fill('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await page.getByRole('button', { name: 'Check and sign in to Azure' }).click();
    await expect.poll(() => page.getByTestId('azure-account').textContent(), { timeout: 15_000 }).toContain('in directory tenant-1');
    await page.getByLabel('Auth0 domain').fill('acme.eu.auth0.com');
    await page.getByLabel('Client ID').fill('m2m-1');
    await page.getByLabel('Client secret', { exact: true }).fill('auth0-s3cret');
    await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
    await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 15_000 }).toContain('application m2m-1');
    expect(await page.content()).not.toContain('s3cret');
  });

  it('tests a webhook endpoint through Rust and shows what it answered', async () => {
    const { page, offOrigin } = await openApp(harness(), { scenario: { done: ['prepare_azure', 'create_stream', 'activate_topic'] } });
    await page.getByRole('main').getByRole('button', { name: /built-in sandbox/ }).click();
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await expectHeading(page, 'Step 4 – Choose where events go');
    await page.getByLabel('Webhook address').fill('https://refuses.example.com/hook');
    await page.getByRole('main').getByRole('button', { name: 'Test endpoint' }).click();
    await expect.poll(() => page.getByTestId('endpoint-check').textContent(), { timeout: 15_000 }).toContain('Event Grid would not deliver to it');
    await page.getByLabel('Webhook address').fill('https://hooks.example.com/auth0');
    await page.getByRole('main').getByRole('button', { name: 'Test endpoint' }).click();
    await expect.poll(() => page.getByTestId('endpoint-check').textContent(), { timeout: 15_000 }).toContain('accepts events from Event Grid');
    expect(await seriousViolations(page)).toEqual([]);
    expect(offOrigin).toEqual([]);
  });

  it('resumes a saved draft at the first unfinished step', async () => {
    const draft = {
      mode: 'sandbox' as const,
      screen: 'create_stream' as const,
      inputs: {
        auth0_domain: '127.0.0.1:1', stream_name: 'Typed before quitting', subscription_id: '11111111-2222-3333-4444-555555555555',
        resource_group: 'auth0-events', region: 'westeurope', create_resource_group: true, authorization_days: 7,
        event_categories: [], pii: null, start_from: null,
        destination: { kind: 'webhook' as const, webhook_url: null, resource_id: null, queue_name: null, max_events_per_batch: null, preferred_batch_size_in_kilobytes: null },
        event_subscription_name: 'auth0-logs', log_codes: [], retry: { max_delivery_attempts: 30, event_time_to_live_in_minutes: 1440 }, dead_letter: null,
      },
    };
    const { page } = await openApp(harness(), { scenario: { draft, done: ['prepare_azure'] } });
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
    expect(await page.getByLabel('Stream name').inputValue()).toBe('Typed before quitting');
  });

  it('can be finished with the keyboard alone', async () => {
    const { page } = await openApp(harness());
    await expectHeading(page, 'Send your Auth0 logs to Azure Event Grid');
    const focusOn = async (name: RegExp | string, limit = 40) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const element = document.activeElement as HTMLInputElement | null;
          const label = element?.labels?.[0]?.textContent ?? element?.textContent ?? '';
          return `${element?.tagName}:${label.trim()}`.replace(/^BUTTON:/, '');
        });
        if (typeof name === 'string' ? focused === name : name.test(focused)) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await focusOn(/^Try it without accounts/);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Sign in to Auth0 and Azure');
    // The new screen's heading has focus, so Tab continues from the top of that screen.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await focusOn('Continue');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Step 1 – Prepare Azure');
    // Enter in a field submits the screen's form, as in any form.
    await focusOn('INPUT:Search subscriptions', 5);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
    // Tab reaches a radio group at its chosen button; the arrow keys choose another.
    await focusOn('INPUT:All events');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Only these').isChecked()).toBe(true);
    await focusOn('INPUT:Failed logins');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Failed logins').isChecked()).toBe(true);
    await focusOn('Create the stream');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Step 3 – Activate the connection');
    await focusOn('Activate');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Step 4 – Choose where events go');
    await focusOn('Subscribe');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Done: your Auth0 logs flow to Azure');
    await expect.poll(() => page.getByTestId('first-event').textContent(), { timeout: 15_000 }).toContain('The first event arrived on');
    await focusOn('Send another test event');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('test-event').textContent(), { timeout: 15_000 }).toContain('which now holds 2 event(s)');
  });
});
