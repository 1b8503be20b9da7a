import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SignIn from './SignIn.svelte';
import { wizardWith } from '../../tests/component-wizard';
import { signInScreen } from '../../tests/sign-in-screen';

describe('SignIn', () => {
  it('in sandbox mode shows who is signed in, and signs out back to the welcome page', async () => {
    const { wizard, backend } = wizardWith();
    await wizard.chooseSandbox();
    render(SignIn, { wizard });
    const who = screen.getByTestId('signed-in');
    expect(who).toHaveTextContent('Tenant 127.0.0.1:40001, application sandbox-m2m-client');
    expect(who).toHaveTextContent('sandbox-sp-client in directory 00000000-0000-0000-0000-00000000aaaa');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('welcome');
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

describe('SignIn: the two forms together', () => {
  it('says plainly when no keychain keeps the sign-in, with the remedy', async () => {
    await signInScreen({ sessionOnly: true });
    const notice = await screen.findByTestId('session-only');
    expect(notice).toHaveTextContent('Your sign-in will not be remembered after you close the app.');
    expect(notice).toHaveTextContent('No Secret Service is running');
    expect(notice).toHaveTextContent('gnome-keyring');
  });

  it('with a keychain shows no such notice', async () => {
    const { backend } = await signInScreen();
    await expect.poll(() => backend.calls.includes('keychain_status'), { timeout: 5_000 }).toBe(true);
    expect(screen.queryByTestId('session-only')).toBeNull();
  });

  it('continues once both clouds are signed in', async () => {
    const { wizard, backend, user } = await signInScreen();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-1');
    await user.type(screen.getByLabelText('Client secret'), 's3cret-auth0');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    expect(await screen.findByTestId('auth0-account')).toHaveTextContent('Signed in to tenant acme.eu.auth0.com with application m2m-1.');
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    await expect.poll(() => backend.azureWaiting, { timeout: 5_000 }).toBe(true);
    backend.approveAzureSignIn();
    const who = await screen.findByTestId('signed-in');
    expect(who).toHaveTextContent('application m2m-1');
    expect(who).toHaveTextContent('ada@contoso.com in directory tenant-contoso');
    expect(wizard.session?.mode).toBe('cloud');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
  });

  it('shows the cloud the keychain kept as signed in, and asks only for the other', async () => {
    const { wizard, user } = await signInScreen();
    await user.click(screen.getByLabelText('With my Azure CLI sign-in (az login)'));
    await user.click(screen.getByRole('button', { name: 'Use my Azure CLI sign-in' }));
    await screen.findByTestId('azure-account');
    cleanup();
    render(SignIn, { wizard });
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as ada@contoso.com in directory tenant-contoso.');
    expect(screen.queryByRole('button', { name: 'Use my Azure CLI sign-in' })).toBeNull();
    expect(screen.getByLabelText('Auth0 domain')).toHaveValue('');
    expect(screen.queryByTestId('auth0-account')).toBeNull();
  });
});
