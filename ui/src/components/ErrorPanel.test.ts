import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import CreateStream from '../screens/CreateStream.svelte';
import PrepareAzure from '../screens/PrepareAzure.svelte';
import { signedInWizard } from '../../tests/component-wizard';

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';

describe('ErrorPanel', () => {
  it('names the field by its label on screen and moves focus to it', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    wizard.error = {
      code: 'invalid_input',
      message: 'stream_name: must be 1 to 100 characters',
      remedy: 'Correct stream_name and try again.',
      field: 'stream_name',
      correlation_id: null,
    };
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Stream name: must be 1 to 100 characters');
    expect(alert).toHaveTextContent('Correct “Stream name” and try again.');
    expect(alert).toHaveTextContent('The problem is in: Stream name');
    expect(alert).not.toHaveTextContent('stream_name');
    await expect.poll(() => document.activeElement, { timeout: 5_000 }).toBe(screen.getByLabelText('Stream name'));
    screen.getByRole('button', { name: 'Retry' }).focus();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Go to “Stream name”' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Stream name'));
  });

  it('hands over a ready-to-send request when only an administrator can grant the role', async () => {
    const { wizard, backend } = await signedInWizard();
    wizard.session = { ...wizard.session!, mode: 'cloud', azureIdentity: 'ada@contoso.com' };
    wizard.inputs.subscription_id = SUBSCRIPTION;
    wizard.inputs.resource_group = 'auth0-events';
    render(PrepareAzure, { wizard });
    // The subscriptions Azure lists for the account, by name.
    await expect.poll(() => wizard.subscriptions.length, { timeout: 5_000 }).toBeGreaterThan(0);
    wizard.subscriptions = [{ id: SUBSCRIPTION, name: 'Contoso Production', enabled: true }];
    const user = userEvent.setup();
    wizard.error = {
      code: 'azure_authorization_failed',
      message: "The client 'ada@contoso.com' does not have authorization to perform action 'Microsoft.EventGrid/partnerConfigurations/write'.",
      remedy: 'The Azure identity lacks a role.',
      field: null,
      correlation_id: 'corr-1',
    };
    const request = await screen.findByTestId('admin-request');
    const text = `Please give ada@contoso.com the Contributor role on resource group auth0-events in subscription Contoso Production (${SUBSCRIPTION}).`;
    expect(request.querySelector('blockquote')).toHaveTextContent(text);
    await user.click(screen.getByRole('button', { name: 'Copy the request' }));
    expect(await navigator.clipboard.readText()).toBe(text);
    expect(screen.getByText('Request copied.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open it in the Azure portal' }));
    expect(backend.openedTargets).toEqual([{ kind: 'azure_resource_group', subscription_id: SUBSCRIPTION, resource_group: 'auth0-events' }]);
  });

  it('asks for the subscription-wide role when Event Grid cannot be turned on, and says nothing of it in the sandbox', async () => {
    const { wizard } = await signedInWizard();
    wizard.inputs.subscription_id = SUBSCRIPTION;
    render(PrepareAzure, { wizard });
    const notRegistered = {
      code: 'provider_not_registered' as const,
      message: 'The subscription is not registered to use namespace Microsoft.EventGrid.',
      remedy: 'Register the Microsoft.EventGrid resource provider on the subscription.',
      field: null,
      correlation_id: null,
    };
    wizard.error = notRegistered;
    await screen.findByRole('alert');
    expect(screen.queryByTestId('admin-request')).toBeNull();
    wizard.error = null;
    wizard.session = { ...wizard.session!, mode: 'cloud', azureIdentity: 'sp-0f1e' };
    wizard.error = { ...notRegistered };
    await expect.poll(() => screen.queryByTestId('admin-request')?.textContent, { timeout: 5_000 }).toContain(
      'Please give sp-0f1e the Contributor role on subscription',
    );
    expect(screen.getByTestId('admin-request')).toHaveTextContent('so that it can turn on Event Grid');
  });

  it('tells Rust which error it showed, and copies the diagnostics Rust builds', async () => {
    const { wizard, backend } = await signedInWizard();
    render(PrepareAzure, { wizard });
    wizard.error = {
      code: 'operation_failed',
      message: 'Azure could not finish the operation.',
      remedy: 'Run the setup again.',
      field: null,
      correlation_id: 'corr-7',
    };
    await screen.findByRole('alert');
    await expect.poll(() => backend.shownErrors.length, { timeout: 5_000 }).toBe(1);
    expect(backend.shownErrors[0]).toMatchObject({ code: 'operation_failed', correlation_id: 'corr-7' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByText('Diagnostics copied. They contain no password or secret.')).toBeInTheDocument();
    expect(backend.calls).toContain('copy_diagnostics');
    expect(backend.clipboard).toContain('operation_failed: Azure could not finish the operation. [correlation id: corr-7]');
  });
});
