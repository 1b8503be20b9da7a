// Step 1 in Chromium with the keyboard alone: picking an existing resource group (searched, its location
// prefilling the region, or a plain message when Auth0 cannot deliver there), the groups failing to load,
// and the waiting view while Azure registers Microsoft.EventGrid; axe scans in both themes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../fake-backend';
import { seriousViolations } from './axe';
import { backend, check, expectHeading, openApp, screenshots, signInScreen, useHarness } from './harness';

const harness = useHarness();


/** What has focus, as "TAG:label" (buttons by their text). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    const label = element?.labels?.[0]?.textContent ?? element?.textContent ?? '';
    return `${element?.tagName}:${label.trim().replace(/\s+/g, ' ')}`.replace(/^BUTTON:/, '');
  });
}

/** Presses Tab until `name` has focus. */
async function tabTo(page: Page, name: RegExp | string, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

/** From the welcome page to step 1 in the sandbox, by keyboard. */
async function openStepOne(scenario: Scenario = {}, colorScheme: 'light' | 'dark' = 'light') {
  const opened = await openApp(harness(), { scenario, colorScheme });
  const { page } = opened;
  await expectHeading(page, 'Send your Auth0 logs to Azure Event Grid');
  await tabTo(page, /^Try it without accounts/);
  await page.keyboard.press('Enter');
  await expectHeading(page, 'Sign in to Auth0 and Azure');
  await tabTo(page, 'Continue');
  await page.keyboard.press('Enter');
  await expectHeading(page, 'Step 1 – Prepare Azure');
  return opened;
}

describe('step 1 in Chromium, keyboard only', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`picks an existing group by searching, and its location prefills step 2's region (${theme})`, async () => {
      const { page, offOrigin } = await openStepOne({}, theme);
      await tabTo(page, 'INPUT:Create a new one');
      // Arrow keys move between the two ways, as in any radio group.
      await page.keyboard.press('ArrowLeft');
      expect(await focused(page)).toBe('INPUT:Use an existing resource group');
      await expect.poll(() => page.getByTestId('resource-group-status').textContent(), { timeout: 15_000 }).toContain('3 resource groups');
      await tabTo(page, 'INPUT:Search resource groups', 3);
      await page.keyboard.type('sec');
      await expect.poll(() => page.getByTestId('resource-group-status').textContent(), { timeout: 15_000 }).toContain('1 of 3 resource groups');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('INPUT:security-logs East US 2 (eastus2)');
      await page.keyboard.press('Space');
      await expect.poll(() => page.getByTestId('group-region').textContent(), { timeout: 15_000 }).toContain('Auth0 will deliver events to East US 2 (eastus2)');
      expect(await seriousViolations(page), theme).toEqual([]);
      await page.screenshot({ path: `${screenshots}/prepare-azure-existing-${theme}.png`, fullPage: true });
      await tabTo(page, 'Prepare Azure');
      await page.keyboard.press('Enter');
      await expectHeading(page, 'Step 2 – Create the Auth0 stream');
      expect(await page.getByLabel('Azure region').inputValue()).toBe('eastus2');
      const draft = await page.evaluate(
        () => (window as unknown as { __FAKE_BACKEND__: { draft: { inputs: Record<string, unknown> } } }).__FAKE_BACKEND__.draft.inputs,
      );
      expect(draft).toMatchObject({ resource_group: 'security-logs', create_resource_group: false, region: 'eastus2' });
      expect(offOrigin).toEqual([]);
    });
  }

  it('asks for the closest region Auth0 accepts when the group is somewhere it cannot deliver', async () => {
    const { page } = await openStepOne();
    await tabTo(page, 'INPUT:Create a new one');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('resource-group-status').textContent(), { timeout: 15_000 }).toContain('3 resource groups');
    await tabTo(page, /^INPUT:analytics/, 3);
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('INPUT:legacy-apps West US 3 (westus3)');
    await expect
      .poll(() => page.getByTestId('unsupported-location').textContent())
      .toContain('The resource group legacy-apps is in West US 3 (westus3), where Auth0 cannot deliver events.');
    expect(await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, 'SELECT:Closest region Auth0 accepts', 3);
    await page.keyboard.press('End');
    expect(await page.getByLabel('Closest region Auth0 accepts').inputValue()).toBe('westus2');
    await tabTo(page, 'Prepare Azure');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
    expect(await page.getByLabel('Azure region').inputValue()).toBe('westus2');
  });

  it('shows why the groups could not be loaded, and loads them again', async () => {
    const { page } = await openStepOne({ resourceGroups: 'fail' });
    await tabTo(page, 'INPUT:Create a new one');
    await page.keyboard.press('ArrowLeft');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('The resource groups could not be loaded.');
    expect(await alert.textContent()).toContain('Ask an Owner of the subscription for the Reader role');
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, 'Load them again', 4);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('resource-group-status').textContent(), { timeout: 15_000 }).toContain('3 resource groups');
  });

  it('checks a new name as it is typed', async () => {
    const { page } = await openStepOne();
    await tabTo(page, 'INPUT:Name of the new resource group');
    await page.keyboard.press('End');
    await page.keyboard.type('.');
    const name = page.getByLabel('Name of the new resource group');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.locator('#resource-group-problem').textContent(), { timeout: 15_000 }).toBe('The name must not end with a dot.');
    expect(await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Backspace');
    expect(await name.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByRole('main').getByRole('button', { name: 'Prepare Azure' }).isDisabled()).toBe(false);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`says what it waits for while Azure registers Microsoft.EventGrid, and can stop (${theme})`, async () => {
      const { page } = await openStepOne({ registrationWait: true }, theme);
      await tabTo(page, 'Prepare Azure');
      await page.keyboard.press('Enter');
      const panel = page.getByRole('region', { name: 'Waiting for Azure to turn on Event Grid' });
      await expect.poll(() => panel.count(), { timeout: 15_000 }).toBe(1);
      const announced = page.getByTestId('provider-wait-announced');
      expect(await announced.getAttribute('aria-live')).toBe('polite');
      expect(await announced.textContent()).toContain('What Azure says now: Registering');
      expect(await panel.textContent()).toContain('Azure usually takes a few minutes.');
      await expect.poll(() => page.getByTestId('provider-wait-elapsed').textContent(), { timeout: 15_000 }).toMatch(/^Waited so far: \d+ s$/);
      expect(await seriousViolations(page), theme).toEqual([]);
      await page.screenshot({ path: `${screenshots}/provider-wait-${theme}.png`, fullPage: true });
      await tabTo(page, 'Stop waiting');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('Stopped: you cancelled the step.');
      expect(await panel.count()).toBe(0);
    });
  }

  it('carries on to step 2 by itself when Azure finishes registering', async () => {
    const { page } = await openStepOne({ registrationWait: true });
    await tabTo(page, 'Prepare Azure');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('provider-wait-announced').textContent(), { timeout: 15_000 }).toContain('Registering');
    await page.evaluate(() => (window as unknown as { __FAKE_BACKEND__: { finishRegistration(): void } }).__FAKE_BACKEND__.finishRegistration());
    await expectHeading(page, 'Step 2 – Create the Auth0 stream');
  });
});

describe('step 1 in an Azure cloud Auth0 cannot deliver to, in Chromium', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`says so in step 1, with what to do, and the step cannot be run (${theme})`, async () => {
      const page = await signInScreen(harness(), { azureCloud: 'us_government' }, theme);
      await page.getByLabel('With a code, on any device').check();
      await page.getByRole('button', { name: 'Get a sign-in code' }).click();
      await expect.poll(() => backend(page, (b) => b.azureWaiting), { timeout: 15_000 }).toBe(true);
      await backend(page, (b) => b.approveAzureSignIn());
      await page.getByLabel('Auth0 domain', { exact: true }).fill('acme.eu.auth0.com');
      await page.getByLabel('Client ID').fill('m2m-1');
      await page.getByLabel('Client secret', { exact: true }).fill('auth0-s3cret');
      await page.getByRole('button', { name: 'Check and sign in to Auth0' }).click();
      await expect.poll(() => page.getByTestId('signed-in').count(), { timeout: 15_000 }).toBe(1);
      await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
      await expectHeading(page, 'Step 1 – Prepare Azure');
      const notice = page.getByTestId('cloud-unsupported');
      await expect.poll(() => notice.getByRole('heading').textContent(), { timeout: 15_000 }).toBe('Auth0 cannot deliver events to Azure Government');
      expect(await notice.textContent()).toContain("point the app at Azure's public cloud");
      expect(await page.getByRole('main').getByRole('button', { name: 'Prepare Azure', exact: true }).isDisabled()).toBe(true);
      expect(await backend(page, (b) => b.calls.includes('run_step'))).toBe(false);
      await check(page, `prepare-azure-cloud-unsupported-${theme}`);
    });
  }
});
