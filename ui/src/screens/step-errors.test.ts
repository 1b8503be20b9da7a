// Each step's screen with the errors that step really fails with (the engine's codes, messages and remedies, as
// the fake backend answers them from STEP_ERRORS): the panel names what happened and what to do, the stepper
// marks the step failed, and Retry finishes it.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import Activate from './Activate.svelte';
import CreateStream from './CreateStream.svelte';
import PrepareAzure from './PrepareAzure.svelte';
import Subscribe from './Subscribe.svelte';
import { signedInWizard } from '../../tests/component-wizard';
import { STEP_ERRORS, type StepErrorName } from '../../tests/fake-backend';
import type { StepId } from '../lib/ipc/bindings';
import type { Wizard } from '../lib/wizard.svelte';

const STEPS: StepId[] = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'];
const SCREENS: Record<StepId, { screen: Component<{ wizard: Wizard }>; action: string; next: string }> = {
  prepare_azure: { screen: PrepareAzure, action: 'Prepare Azure', next: 'create_stream' },
  create_stream: { screen: CreateStream, action: 'Create the stream', next: 'activate_topic' },
  activate_topic: { screen: Activate, action: 'Activate', next: 'subscribe' },
  subscribe: { screen: Subscribe, action: 'Subscribe', next: 'done' },
};

describe('every step has its own errors', () => {
  it('each of the four steps has at least one', () => {
    expect(new Set(Object.values(STEP_ERRORS).map((e) => e.step))).toEqual(new Set(STEPS));
  });
});

describe.each(Object.keys(STEP_ERRORS) as StepErrorName[])('a step failing with %s', (name) => {
  const { step } = STEP_ERRORS[name];
  const { screen: Screen, action, next } = SCREENS[step];

  it('shows the code, what happened and what to do, marks the step failed, and Retry finishes it', async () => {
    const { wizard } = await signedInWizard({ done: STEPS.slice(0, STEPS.indexOf(step)), stepErrorOnce: name });
    render(Screen, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: action }));
    const alert = await screen.findByRole('alert');
    const expected = STEP_ERRORS[name].error(wizard.inputs);
    expect(alert.dataset.code).toBe(expected.code);
    expect(alert).toHaveTextContent(expected.message);
    expect(alert).toHaveTextContent(`What to do: ${expected.remedy}`);
    expect(wizard.stepState(step)).toBe('failed');
    expect(wizard.screen).toBe(step);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe(next);
    expect(wizard.error).toBeNull();
    expect(wizard.stepState(step)).toBe('done');
  });
});
