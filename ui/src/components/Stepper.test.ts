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

describe('Stepper numbering and the current step', () => {
  it('numbers the four steps of the article 1 to 4, with Sign in and Done as unnumbered ends', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(Stepper, { wizard });
    const items = screen.getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.dot')?.textContent)).toEqual(['✓', '✓', '2', '3', '4', '']);
    expect(items.map((item) => item.querySelector('.label')?.textContent)).toEqual([
      'Sign in',
      'Step 1: Prepare Azure',
      'Step 2: Create the Auth0 stream',
      'Step 3: Activate the connection',
      'Step 4: Choose where events go',
      'Done',
    ]);
  });

  it('marks the current step with aria-current, as text (never a dimmed, disabled button)', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(Stepper, { wizard });
    const current = screen.getByTestId('step-create_stream').querySelector('[aria-current="step"]')!;
    expect(current).toHaveTextContent('Step 2: Create the Auth0 stream');
    expect(current.tagName).toBe('SPAN');
    expect(document.querySelectorAll('[aria-current]')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: /Create the Auth0 stream/ })).toBeNull();
  });
});
