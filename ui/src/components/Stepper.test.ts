import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Stepper from './Stepper.svelte';
import { signedInWizard } from '../../tests/component-wizard';

describe('Stepper', () => {
  it('marks done, current, upcoming and failed steps, and goes back only to finished ones', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'], failStepOnce: 'create_stream' });
    await wizard.run('create_stream');
    render(Stepper, { wizard });
    const state = (id: string) => screen.getByTestId(`step-${id}`).dataset.state;
    expect(state('sign_in')).toBe('done');
    expect(state('prepare_azure')).toBe('done');
    expect(state('create_stream')).toBe('failed');
    expect(state('activate_topic')).toBe('upcoming');
    expect(screen.getByRole('button', { name: /Activate the connection/ })).toBeDisabled();
    await userEvent.setup().click(screen.getByRole('button', { name: /Prepare Azure/ }));
    expect(wizard.screen).toBe('prepare_azure');
    expect(state('create_stream')).toBe('failed');
  });
});
