import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SignIn from '../screens/SignIn.svelte';
import { wizardWith } from '../../tests/component-wizard';
import { CHOSEN_CERTIFICATE, CHOSEN_KEY_FILE, REGISTRATION_COMMAND, SIGN_IN_URL, type Scenario } from '../../tests/fake-backend';

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

  it('offers to open the sign-in link in the browser again', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    await user.click(await screen.findByRole('button', { name: 'Open the browser' }));
    expect(backend.opened).toEqual(['azure_sign_in']);
  });

  it('without a configured app registration offers to open Settings, where the client id is entered', async () => {
    const { wizard, user } = await signInScreen({ noAzureClientId: true });
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    await user.click(await screen.findByRole('button', { name: 'Open Settings' }));
    expect(wizard.settingsOpen).toBe(true);
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
    await expect.poll(() => backend.azureWaiting).toBe(true);
    backend.approveAzureSignIn();
    await expect.poll(() => wizard.session?.auth0Domain).toBe('acme.eu.auth0.com');
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
  it('takes the key file from the file dialog, sends only its path and the algorithm, and names the application', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a private key file (Private Key JWT)'));
    expect(screen.queryByLabelText('Client secret')).toBeNull();
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-key');
    const submit = screen.getByRole('button', { name: 'Check and sign in to Auth0' });
    expect(submit).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Private key file (PEM)') as HTMLInputElement).value).toBe(CHOSEN_KEY_FILE);
    await user.selectOptions(screen.getByLabelText('Signing algorithm'), 'PS256');
    await user.click(submit);
    expect(await screen.findByTestId('auth0-account')).toHaveTextContent('Signed in to tenant acme.eu.auth0.com with application m2m-key.');
    expect(backend.keyRequests).toEqual([
      { domain: 'acme.eu.auth0.com', clientId: 'm2m-key', keyFile: CHOSEN_KEY_FILE, algorithm: 'PS256' },
    ]);
    expect(backend.auth0Account?.method).toBe('private_key');
  });

  it('keeps a typed path when the dialog is closed, and shows the field problem Rust names', async () => {
    const { backend, user } = await signInScreen({ fileDialogClosed: true });
    await user.click(screen.getByLabelText('With a private key file (Private Key JWT)'));
    await user.type(screen.getByLabelText('Auth0 domain'), 'acme.eu.auth0.com');
    await user.type(screen.getByLabelText('Client ID'), 'm2m-key');
    await user.type(screen.getByLabelText('Private key file (PEM)'), 'keys/auth0.pem');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => backend.calls.includes('choose_key_file')).toBe(true);
    expect(screen.getByLabelText('Private key file (PEM)')).toHaveValue('keys/auth0.pem');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Auth0' }));
    const error = await screen.findByTestId('auth0-error');
    expect(error).toHaveAttribute('data-code', 'invalid_input');
    expect(error).toHaveTextContent('must be the full path of the key file');
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

describe('Azure with the Azure CLI or a service principal', () => {
  it('uses the Azure CLI sign-in and says a CLI sign-in stays in its directory', async () => {
    const { user } = await signInScreen();
    await user.click(screen.getByLabelText('With my Azure CLI sign-in (az login)'));
    await user.click(screen.getByRole('button', { name: 'Use my Azure CLI sign-in' }));
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as ada@contoso.com in directory tenant-contoso.');
    expect(await screen.findByTestId('tenant-current')).toHaveTextContent('Working in directory Contoso.');
    expect(screen.queryByLabelText('Switch to another directory')).toBeNull();
  });

  it('says to install the Azure CLI when it is missing', async () => {
    const { user } = await signInScreen({ noAzureCli: true });
    await user.click(screen.getByLabelText('With my Azure CLI sign-in (az login)'));
    await user.click(screen.getByRole('button', { name: 'Use my Azure CLI sign-in' }));
    const error = await screen.findByTestId('azure-error');
    expect(error).toHaveTextContent('The Azure CLI (az) is not installed');
    expect(error).toHaveTextContent('Install the Azure CLI');
  });

  it('checks the service principal\'s fields before sending anything, then signs in and forgets the secret', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a service principal (for automation)'));
    await user.type(screen.getByLabelText('Application (client) ID'), 'my-app');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Azure' }));
    expect(screen.getByText('Type the directory (tenant) ID, or its domain such as contoso.onmicrosoft.com.')).toBeInTheDocument();
    expect(screen.getByText('The application (client) ID looks like 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab.')).toBeInTheDocument();
    expect(screen.getByText('Type the client secret.')).toBeInTheDocument();
    expect(screen.getByLabelText('Directory (tenant) ID')).toHaveFocus();
    expect(screen.getByLabelText('Directory (tenant) ID')).toHaveAttribute('aria-invalid', 'true');
    expect(backend.calls).not.toContain('sign_in_azure_service_principal');

    await user.type(screen.getByLabelText('Directory (tenant) ID'), 'contoso.onmicrosoft.com');
    const clientId = screen.getByLabelText('Application (client) ID');
    await user.clear(clientId);
    await user.type(clientId, '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await user.type(within(screen.getByTestId('service-principal')).getByLabelText('Client secret'), 'sp-s3cret');
    await user.click(screen.getByRole('button', { name: 'Check and sign in to Azure' }));
    expect(await screen.findByTestId('azure-account')).toHaveTextContent(
      'Signed in as 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 in directory contoso.onmicrosoft.com.',
    );
    expect(backend.secretsReceived).toEqual(['sp-s3cret']);
    expect(document.body.innerHTML).not.toContain('sp-s3cret');
  });
});

describe('Azure with a certificate', () => {
  it('takes the certificate from the file dialog, hands the password over once, and names the app', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a service principal and a certificate'));
    expect(within(screen.getByTestId('service-principal')).queryByLabelText('Client secret')).toBeNull();
    await user.type(screen.getByLabelText('Directory (tenant) ID'), 'contoso.onmicrosoft.com');
    await user.type(screen.getByLabelText('Application (client) ID'), '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await user.click(screen.getByRole('button', { name: 'Check the certificate and sign in to Azure' }));
    expect(screen.getByText('Choose the certificate file, or type its full path.')).toBeInTheDocument();
    expect(screen.getByLabelText('Certificate file (PEM or .pfx)')).toHaveFocus();
    expect(backend.calls).not.toContain('sign_in_azure_certificate');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Certificate file (PEM or .pfx)') as HTMLInputElement).value).toBe(CHOSEN_CERTIFICATE);
    await user.type(screen.getByLabelText('Certificate password (leave empty if it has none)'), 'pfx-s3cret');
    await user.click(screen.getByRole('button', { name: 'Check the certificate and sign in to Azure' }));
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(backend.certificateRequests).toEqual([
      {
        tenantId: 'contoso.onmicrosoft.com',
        clientId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
        certificateFile: CHOSEN_CERTIFICATE,
        password: '(given)',
      },
    ]);
    expect(backend.secretsReceived).toEqual(['pfx-s3cret']);
    expect(document.body.innerHTML).not.toContain('pfx-s3cret');
  });

  it('sends no password when the file has none', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByLabelText('With a service principal and a certificate'));
    await user.type(screen.getByLabelText('Directory (tenant) ID'), 'contoso.onmicrosoft.com');
    await user.type(screen.getByLabelText('Application (client) ID'), '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    await user.type(screen.getByLabelText('Certificate file (PEM or .pfx)'), '/keys/app.pem');
    await user.click(screen.getByRole('button', { name: 'Check the certificate and sign in to Azure' }));
    await screen.findByTestId('azure-account');
    expect(backend.certificateRequests[0]?.password).toBeNull();
  });
});

describe('Azure directories', () => {
  async function signedInWithCode(scenario: Scenario = {}) {
    const made = await signInScreen(scenario);
    await made.user.click(screen.getByLabelText('With a code, on any device'));
    await made.user.click(screen.getByRole('button', { name: 'Get a sign-in code' }));
    await expect.poll(() => made.backend.azureWaiting).toBe(true);
    made.backend.approveAzureSignIn();
    await screen.findByTestId('tenant-current');
    return made;
  }

  it('shows the directory and switches to another, clearing what step 1 read in the old one', async () => {
    const { wizard, backend, user } = await signedInWithCode();
    expect(screen.getByTestId('tenant-current')).toHaveTextContent('Working in directory Contoso.');
    expect(screen.getByText('2 subscriptions you can use here.')).toBeInTheDocument();
    wizard.subscriptions = [{ id: 'old', name: 'Old subscription', enabled: true }];
    wizard.inputs.subscription_id = 'old';
    await user.selectOptions(screen.getByLabelText('Switch to another directory'), 'tenant-fabrikam');
    await user.click(screen.getByRole('button', { name: 'Switch directory' }));
    expect(await screen.findByTestId('tenant-switched')).toHaveTextContent('Now working in directory Fabrikam.');
    await expect.poll(() => screen.getByTestId('tenant-current').textContent).toContain('Working in directory Fabrikam.');
    expect(screen.getByText('1 subscription you can use here.')).toBeInTheDocument();
    expect(backend.azureAccount?.tenantId).toBe('tenant-fabrikam');
    expect(wizard.subscriptions).toEqual([]);
    expect(wizard.inputs.subscription_id).toBe('');
    await expect.poll(() => screen.getByTestId('azure-account').textContent).toContain('in directory tenant-fabrikam');
  });

  it('shows a directory that refuses the switch, and stays where it was', async () => {
    const { backend, user } = await signedInWithCode();
    await user.selectOptions(screen.getByLabelText('Switch to another directory'), 'tenant-locked');
    await user.click(screen.getByRole('button', { name: 'Switch directory' }));
    const error = await screen.findByTestId('tenant-error');
    expect(error).toHaveAttribute('data-code', 'sign_in_rejected');
    expect(error).toHaveTextContent('multi-factor authentication is required');
    expect(backend.azureAccount?.tenantId).toBe('tenant-contoso');
    expect(screen.getByTestId('tenant-current')).toHaveTextContent('Working in directory Contoso.');
  });
});
