// Each step failing in Chromium with an error it really fails with (the engine's code, message and remedy, from
// the fake backend's STEP_ERRORS): the panel shows exactly what Rust sent, with its code, the stepper marks the
// step failed, axe finds nothing serious, and Retry moves on to the next screen.
import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS } from '../default-inputs';
import { STEP_ERRORS, type StepErrorName } from '../fake-backend';
import type { SetupError, StepId } from '../../src/lib/ipc/bindings';
import { seriousViolations } from './axe';
import { backend, expectHeading, openApp, screenshots, useHarness } from './harness';

const harness = useHarness();

const STEPS: { step: StepId; heading: string; action: string }[] = [
  { step: 'prepare_azure', heading: 'Step 1 – Prepare Azure', action: 'Prepare Azure' },
  { step: 'create_stream', heading: 'Step 2 – Create the Auth0 stream', action: 'Create the stream' },
  { step: 'activate_topic', heading: 'Step 3 – Activate the connection', action: 'Activate' },
  { step: 'subscribe', heading: 'Step 4 – Choose where events go', action: 'Subscribe' },
];
const DONE = 'Done: your Auth0 logs flow to Azure';

describe.each(Object.keys(STEP_ERRORS) as StepErrorName[])('a step failing with %s', (name) => {
  it('shows the error Rust sent with its code, marks the step failed, and Retry moves on', async () => {
    const { page } = await openApp(harness(), { scenario: { stepErrorOnce: name } });
    await page.getByRole('main').getByRole('button', { name: /Try it without accounts/ }).click();
    await expectHeading(page, 'Sign in to Auth0 and Azure');
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    const failing = STEPS.findIndex((s) => s.step === STEP_ERRORS[name].step);
    for (const { heading, action } of STEPS.slice(0, failing)) {
      await expectHeading(page, heading);
      await page.getByRole('main').getByRole('button', { name: action }).click();
    }
    const { step, heading, action } = STEPS[failing]!;
    await expectHeading(page, heading);
    await page.getByRole('main').getByRole('button', { name: action }).click();

    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
    const sent = await backend(page, (b) => b.stepErrors);
    expect(sent).toHaveLength(1);
    const error: SetupError = sent[0]!;
    expect(error.code).toBe(STEP_ERRORS[name].error(DEFAULT_INPUTS).code);
    expect(await alert.getAttribute('data-code')).toBe(error.code);
    const text = await alert.textContent();
    expect(text).toContain(error.message);
    expect(text).toContain(error.remedy);
    expect(await page.getByTestId(`step-${step}`).getAttribute('data-state')).toBe('failed');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}/step-error-${name}.png`, fullPage: true });

    await page.getByRole('main').getByRole('button', { name: 'Retry' }).click();
    await expectHeading(page, STEPS[failing + 1]?.heading ?? DONE);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId(`step-${step}`).getAttribute('data-state')).toBe('done');
  });
});
