import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SignIn from './SignIn.svelte';
import { wizardWith } from '../../tests/component-wizard';

describe('SignIn', () => {
  it('in sandbox mode shows who is signed in, and signs out back to the welcome page', async () => {
    const { wizard, backend } = wizardWith();
    await wizard.chooseSandbox();
    render(SignIn, { wizard });
    const who = screen.getByTestId('signed-in');
    expect(who).toHaveTextContent('Tenant 127.0.0.1:40001, application sandbox-m2m-client');
    expect(who).toHaveTextContent('sandbox-sp-client in directory 00000000-0000-0000-0000-00000000aaaa');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect.poll(() => wizard.screen).toBe('welcome');
    expect(backend.session).toBeNull();
  });

  it('in cloud mode signs in to each cloud on its own, then shows who and the Azure directory', async () => {
    const { wizard, backend } = wizardWith();
    await wizard.chooseConnect();
    render(SignIn, { wizard });
    const user = userEvent.setup();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
    await user.click(screen.getByLabelText('With a service principal (for automation)'));
    await user.type(screen.getByLabelText('Directory (tenant) ID'), 'tenant-contoso');
    await user.type(screen.getByLabelText('Application (client) ID'), '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await user.type(screen.getAllByLabelText('Client secret')[0]!, 's3cret-azure');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Azure' }));
    await screen.findByTestId('azure-account');
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Management API token'), 'eyJ.s3cret-token.sig');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const who = await screen.findByTestId('signed-in');
    expect(who).toHaveTextContent('Tenant acme.eu.auth0.com, with a Management API token');
    expect(who).toHaveTextContent('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 in directory tenant-contoso');
    expect(await screen.findByTestId('tenant-current')).toHaveTextContent('Working in directory Contoso.');
    expect(screen.queryByLabelText('Switch to another directory')).toBeNull();
    expect(backend.session?.mode).toBe('cloud');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
    expect(document.body.innerHTML).not.toContain('s3cret');
    expect(JSON.stringify(wizard.inputs)).not.toContain('s3cret');
  });
});
