import { screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { signInScreen } from '../../tests/sign-in-screen';
import { CHOSEN_KEY_FILE } from '../../tests/fake-backend';

describe('Signing in to Auth0', () => {
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
});

describe('Auth0 behind a custom domain', () => {
  it('asks for the tenant\'s own domain only for a custom domain, and says why and where to find it', async () => {
    const { user } = await signInScreen();
    const domain = screen.getByLabelText('Auth0 domain');
    await user.type(domain, 'acme.eu.auth0.com');
    expect(screen.queryByTestId('canonical-domain')).toBeNull();
    await user.clear(domain);
    await user.type(domain, '127.0.0.1:4000');
    expect(screen.queryByTestId('canonical-domain')).toBeNull();
    await user.clear(domain);
    await user.type(domain, 'login.acme.com');
    const field = screen.getByLabelText("Tenant's Auth0 domain");
    expect(field).toHaveAccessibleDescription(/login\.acme\.com looks like a custom domain/);
    expect(field).toHaveAccessibleDescription(/Applications > Applications > your application > Settings, in the Domain field/);
  });

  it('names a missing or wrong tenant domain before anything is sent', async () => {
    const { backend, user } = await signInScreen();
    await user.type(screen.getByLabelText('Auth0 domain'), 'login.acme.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-1');
    await user.type(screen.getByLabelText('Client secret'), 's3cret-auth0');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const field = screen.getByLabelText("Tenant's Auth0 domain");
    expect(field).toHaveFocus();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/Type your tenant's own Auth0 domain/);

    await user.type(field, 'login.acme.com');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    expect(field).toHaveAccessibleDescription(/Must be TENANT\.auth0\.com or TENANT\.REGION\.auth0\.com/);
    expect(backend.calls).not.toContain('sign_in_auth0');
    expect(backend.secretsReceived).toEqual([]);
  });

  it('sends the tenant\'s own domain with the custom one and shows both once signed in', async () => {
    const { wizard, backend, user } = await signInScreen();
    await user.type(screen.getByLabelText('Auth0 domain'), 'login.acme.com');
    await user.type(screen.getByLabelText("Tenant's Auth0 domain"), 'https://acme.eu.auth0.com/api/v2/');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-1');
    await user.type(screen.getByLabelText('Client secret'), 's3cret-auth0');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const account = await screen.findByTestId('auth0-account');
    expect(account).toHaveTextContent("Through login.acme.com; the setup uses the tenant's own domain acme.eu.auth0.com.");
    expect(backend.auth0Domains).toEqual([{ domain: 'login.acme.com', canonicalDomain: 'https://acme.eu.auth0.com/api/v2/' }]);
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    await expect.poll(() => backend.azureWaiting, { timeout: 5_000 }).toBe(true);
    backend.approveAzureSignIn();
    await expect.poll(() => wizard.session?.auth0Domain, { timeout: 5_000 }).toBe('acme.eu.auth0.com');
  });

  it('sends the tenant\'s own domain with a pasted token too, and opens its Applications page', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'login.acme.com');
    await user.type(screen.getByLabelText("Tenant's Auth0 domain"), 'acme.eu.auth0.com');
    await user.click(screen.getByText('How to create the Auth0 application'));
    await user.click(screen.getByRole('button', { name: 'Open the Applications page' }));
    expect(backend.opened).toEqual(['auth0_applications:acme.eu.auth0.com']);
    await user.type(screen.getByLabelText('Management API token'), 'eyJ.t0ken.sig');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    await screen.findByTestId('auth0-account');
    expect(backend.auth0Domains).toEqual([{ domain: 'login.acme.com', canonicalDomain: 'acme.eu.auth0.com' }]);
  });
});

describe('Auth0 with a private key file', () => {
  it('takes the key file from the file dialog, shows its name, sends only its handle and the algorithm', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a private key file (Private Key JWT)'));
    expect(screen.queryByLabelText('Client secret')).toBeNull();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-key');
    const submit = screen.getByRole('button', { name: 'Check and sign in to Auth0' });
    expect(submit).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Private key file (PEM)') as HTMLInputElement).value, { timeout: 5_000 }).toBe(CHOSEN_KEY_FILE.name);
    await user.selectOptions(screen.getByLabelText('Signing algorithm'), 'PS256');
    await user.click(submit);
    expect(await screen.findByTestId('auth0-account')).toHaveTextContent('Signed in to tenant acme.eu.auth0.com with application m2m-key.');
    expect(backend.keyRequests).toEqual([
      { domain: 'acme.eu.auth0.com', clientId: 'm2m-key', keyFile: CHOSEN_KEY_FILE.handle, algorithm: 'PS256' },
    ]);
    expect(backend.auth0Account?.method).toBe('private_key');
    expect(document.body.innerHTML).not.toContain(CHOSEN_KEY_FILE.handle);
  });

  it('takes no typed path: with the dialog closed no file is chosen and nothing can be sent', async () => {
    const { backend, user } = await signInScreen({ fileDialogClosed: true });
    await user.click(screen.getByLabelText('With a private key file (Private Key JWT)'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-key');
    const field = screen.getByLabelText('Private key file (PEM)');
    expect(field).toHaveAttribute('readonly');
    await user.type(field, '/etc/passwd');
    expect(field).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => backend.calls.includes('choose_key_file'), { timeout: 5_000 }).toBe(true);
    expect(field).toHaveValue('');
    expect(field).toHaveAttribute('placeholder', 'No file chosen');
    expect(screen.getByRole('button', { name: 'Check and sign in to Auth0' })).toBeDisabled();
    expect(backend.keyRequests).toEqual([]);
  });

  it('shows the field problem Rust names when it no longer knows the chosen file', async () => {
    const { user } = await signInScreen({ keyFileForgotten: true });
    await user.click(screen.getByLabelText('With a private key file (Private Key JWT)'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-key');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Private key file (PEM)') as HTMLInputElement).value, { timeout: 5_000 }).toBe(CHOSEN_KEY_FILE.name);
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const error = await screen.findByTestId('auth0-error');
    expect(error).toHaveAttribute('data-code', 'invalid_input');
    expect(error).toHaveTextContent("is not a file chosen in this app's file dialog");
  });
});

describe('Auth0 with a pasted Management API token', () => {
  it('is not remembered unless asked, says so, and the token is forgotten by the form', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    expect(screen.queryByLabelText('Client ID')).toBeNull();
    expect(screen.getByText(/Tokens from the dashboard expire/)).toBeInTheDocument();
    const remember = screen.getByLabelText('Remember on this computer (in the keychain)');
    expect(remember).not.toBeChecked();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Management API token'), 'eyJ.t0ken-s3cret.sig');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const account = await screen.findByTestId('auth0-account');
    expect(account).toHaveTextContent('Signed in to tenant acme.eu.auth0.com with a Management API token.');
    expect(account).toHaveTextContent('It is forgotten when you close the app.');
    expect(backend.secretsReceived).toEqual(['eyJ.t0ken-s3cret.sig']);
    expect(backend.auth0Account?.remembered).toBe(false);
    expect(document.body.innerHTML).not.toContain('t0ken-s3cret');
  });

  it('remembers it when the box is ticked', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Management API token'), 'eyJ.another.sig');
    await user.click(screen.getByLabelText('Remember on this computer (in the keychain)'));
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    expect(await screen.findByTestId('auth0-account')).toHaveTextContent('It is remembered in the keychain until you sign out.');
    expect(backend.auth0Account?.remembered).toBe(true);
  });

  it('cannot be remembered when no keychain answers, and says so', async () => {
    const { backend, user } = await signInScreen({ sessionOnly: true });
    await screen.findByTestId('session-only');
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    expect(screen.getByLabelText('Remember on this computer (in the keychain)')).toBeDisabled();
    expect(screen.getByText('No keychain answers on this computer, so the token is forgotten when you close the app.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Management API token'), 'eyJ.t.sig');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    await screen.findByTestId('auth0-account');
    expect(backend.auth0Account?.remembered).toBe(false);
  });

  it('shows an expired token refused, with what to do', async () => {
    const { user } = await signInScreen();
    await user.click(screen.getByLabelText('With a Management API token I paste'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Management API token'), 'expired-token');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const error = await screen.findByTestId('auth0-error');
    expect(error).toHaveAttribute('data-code', 'auth0_unauthorized');
    expect(error).toHaveTextContent('expired');
    expect(screen.getByLabelText('Management API token')).toHaveValue('');
  });
});
