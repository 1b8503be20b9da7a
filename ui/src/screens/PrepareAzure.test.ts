import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import PrepareAzure from './PrepareAzure.svelte';
import { signedInWizard } from '../../tests/component-wizard';

describe('PrepareAzure', () => {
  it('offers only the regions Auth0 accepts and shows the authorization expiry', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const options = Array.from((screen.getByLabelText('Region') as HTMLSelectElement).options).map((o) => o.value);
    expect(options).toContain('westeurope');
    expect(options).not.toContain('westus3');
    expect(options).toHaveLength(34);
    expect(screen.getByLabelText('Azure subscription ID')).toHaveValue('11111111-2222-3333-4444-555555555555');
    expect(screen.getByText(/Auth0 must create its connection before/)).toBeInTheDocument();
  });

  it('runs the step with what was typed, shows progress, and moves on to step 2', async () => {
    const { wizard, backend } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    const group = screen.getByLabelText('Resource group');
    await user.clear(group);
    await user.type(group, 'security-logs');
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    await expect.poll(() => wizard.screen).toBe('create_stream');
    expect(wizard.inputs.resource_group).toBe('security-logs');
    expect(wizard.progress).toContain('Started: Prepare Azure');
    expect(backend.done.has('prepare_azure')).toBe(true);
    expect(wizard.stepState('prepare_azure')).toBe('done');
  });

  it('shows the error with its remedy and a Retry that finishes the step', async () => {
    const { wizard } = await signedInWizard({ failStepOnce: 'prepare_azure' });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('may not register resource providers');
    expect(alert).toHaveTextContent('Ask an Owner of the subscription');
    expect(alert).toHaveTextContent('Reference for Microsoft support: corr-1234');
    expect(wizard.stepState('prepare_azure')).toBe('failed');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await expect.poll(() => wizard.screen).toBe('create_stream');
    expect(wizard.error).toBeNull();
  });

  it('offers Cancel while the step runs, and says it stopped', async () => {
    const { wizard } = await signedInWizard({ holdStep: 'prepare_azure' });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    expect(await screen.findByText(/Waiting for Microsoft.EventGrid/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Stopped: you cancelled the step.');
    expect(wizard.screen).toBe('prepare_azure');
  });
});

describe('PrepareAzure: subscriptions', () => {
  it('offers the enabled subscriptions the identity can see to search from', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const list = screen.getByTestId('subscription-choices');
    await expect.poll(() => list.querySelectorAll('option').length).toBe(1);
    expect(list.querySelector('option')).toHaveTextContent('Sandbox subscription (11111111-2222-3333-4444-555555555555)');
    expect(screen.getByLabelText('Azure subscription ID')).toHaveAttribute('list', 'subscription-choices');
  });
});
