import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import CreateStream from './CreateStream.svelte';
import { signedInWizard } from '../../tests/component-wizard';

describe('CreateStream', () => {
  it('maps plain-language groups to Auth0 categories and masking to the PII setting', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    expect(screen.getByLabelText('Stream name')).toHaveValue('Azure Event Grid');
    expect(screen.getByLabelText('Azure region (from step 1)')).toHaveValue('westeurope');
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Failed logins'));
    await user.click(screen.getByLabelText('Sign-ups'));
    expect(wizard.inputs.event_categories).toEqual([
      'auth.login.fail',
      'auth.silent_auth.fail',
      'auth.token_exchange.fail',
      'auth.signup.success',
      'auth.signup.fail',
    ]);
    await user.click(screen.getByLabelText('Failed logins'));
    expect(wizard.inputs.event_categories).toEqual(['auth.signup.success', 'auth.signup.fail']);
    await user.click(screen.getByLabelText(/Hide personal data/));
    expect(wizard.inputs.pii?.method).toBe('mask');
  });

  it('creates the stream and moves on to activation', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Create the stream' }));
    await expect.poll(() => wizard.screen).toBe('activate_topic');
  });

  it('says "already done" when detection found the stream', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    wizard.screen = 'create_stream';
    render(CreateStream, { wizard });
    expect(screen.getByTestId('already-done')).toHaveTextContent('Already done');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
  });
});
