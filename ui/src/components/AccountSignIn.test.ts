import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SignIn from '../screens/SignIn.svelte';
import { wizardWith } from '../../tests/component-wizard';
import { REGISTRATION_COMMAND, SIGN_IN_URL, type Scenario } from '../../tests/fake-backend';

async function signInScreen(scenario: Scenario = {}) {
  const made = wizardWith(scenario);
  await made.wizard.chooseConnect();
  render(SignIn, { wizard: made.wizard });
  return { ...made, user: userEvent.setup() };
}

describe('Signing in to Auth0 and Azure', () => {
  it('shows the browser sign-in link to copy while it waits, and Cancel ends the wait', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    expect(await screen.findByText('Waiting for you to finish signing in in your browser…')).toBeInTheDocument();
    expect(screen.getByLabelText('Sign-in link')).toHaveValue(SIGN_IN_URL);
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeEnabled();
    await expect.poll(() => backend.azureWaiting).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Cancel sign-in' }));
    expect(await screen.findByTestId('azure-cancelled')).toHaveTextContent('Sign-in cancelled.');
    expect(screen.queryByTestId('azure-error')).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign in to Azure in the browser' })).toBeEnabled();
  });

  it('shows the device code and where to type it, then who signed in', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a code, on any device'));
    await user.click(screen.getByRole('button', { name: 'Get a sign-in code' }));
    expect(await screen.findByTestId('device-code')).toHaveTextContent('GHJK-LMNP');
    expect(screen.getByText('Open https://microsoft.com/devicelogin in any browser and type this code:')).toBeInTheDocument();
    await expect.poll(() => backend.azureWaiting).toBe(true);
    backend.approveAzureSignIn();
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as ada@contoso.com in directory tenant-contoso.');
  });

  it('without a configured app registration shows the remedy with the az ad app create command', async () => {
    const { user } = await signInScreen({ noAzureClientId: true });
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    const error = await screen.findByTestId('azure-error');
    expect(error).toHaveTextContent('No Azure app registration is configured');
    expect(error).toHaveTextContent(REGISTRATION_COMMAND);
  });

  it('names the scopes the Auth0 application lacks and forgets the secret', async () => {
    const { wizard, backend, user } = await signInScreen({ missingScopes: ['delete:log_streams', 'read:logs'] });
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-1');
    await user.type(screen.getByLabelText('Client secret'), 's3cret-auth0');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const missing = await screen.findByTestId('missing-scopes');
    expect(missing).toHaveTextContent('It lacks: delete:log_streams, read:logs.');
    expect(missing).toHaveTextContent('Machine to Machine Applications');
    expect(backend.secretsReceived).toEqual(['s3cret-auth0']);
    expect(wizard.session).toBeNull();
    expect(document.body.innerHTML).not.toContain('s3cret');
  });

  it('shows Auth0 refusing the credentials with what to do', async () => {
    const { user } = await signInScreen();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-1');
    await user.type(screen.getByLabelText('Client secret'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const error = await screen.findByTestId('auth0-error');
    expect(error).toHaveAttribute('data-code', 'auth0_credentials_rejected');
    expect(error).toHaveTextContent('Check the domain, client id and client secret.');
  });

  it('says plainly when no keychain keeps the sign-in, with the remedy', async () => {
    await signInScreen({ sessionOnly: true });
    const notice = await screen.findByTestId('session-only');
    expect(notice).toHaveTextContent('Your sign-in will not be remembered after you close the app.');
    expect(notice).toHaveTextContent('No Secret Service is running');
    expect(notice).toHaveTextContent('gnome-keyring');
  });

  it('with a keychain shows no such notice', async () => {
    const { backend } = await signInScreen();
    await expect.poll(() => backend.calls.includes('keychain_status')).toBe(true);
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
    await expect.poll(() => backend.azureWaiting).toBe(true);
    backend.approveAzureSignIn();
    const who = await screen.findByTestId('signed-in');
    expect(who).toHaveTextContent('application m2m-1');
    expect(who).toHaveTextContent('ada@contoso.com in directory tenant-contoso');
    expect(wizard.session?.mode).toBe('cloud');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
  });

  it('opens the tenant\'s Applications page from the guide, once a domain is typed', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByText('How to create the Auth0 application'));
    const open = screen.getByRole('button', { name: 'Open the Applications page' });
    expect(open).toBeDisabled();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.click(open);
    expect(backend.opened).toEqual(['auth0_applications:acme.eu.auth0.com']);
  });

  it('says when the domain is not one the dashboard can be opened for', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByText('How to create the Auth0 application'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'login.example.com');
    await user.click(screen.getByRole('button', { name: 'Open the Applications page' }));
    expect(await screen.findByTestId('guide-error')).toHaveTextContent('such as acme.eu.auth0.com');
    expect(backend.opened).toEqual([]);
  });

  it('saves the app registration\'s client id, refusing one that is not an ID, and then the sign-in starts', async () => {
    const { backend, user } = await signInScreen({ noAzureClientId: true });
    await user.click(screen.getByText('App registration (set up once by an administrator)'));
    await user.type(screen.getByLabelText('Application (client) ID of the app registration'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('azure_client_id');
    const field = screen.getByLabelText('Application (client) ID of the app registration');
    await user.clear(field);
    await user.type(field, '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved. Start the sign-in again.')).toBeInTheDocument();
    expect(backend.settings.azureClientId).toBe('5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    expect(await screen.findByLabelText('Sign-in link')).toHaveValue(SIGN_IN_URL);
  });

  it('offers to open the sign-in link in the browser again', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    await user.click(await screen.findByRole('button', { name: 'Open the browser' }));
    expect(backend.opened).toEqual(['azure_sign_in']);
  });
});
