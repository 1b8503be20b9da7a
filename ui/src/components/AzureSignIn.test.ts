import { screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { signInScreen } from '../../tests/sign-in-screen';
import { CHOSEN_CERTIFICATE, REGISTRATION_COMMAND, SIGN_IN_URL, type Scenario } from '../../tests/fake-backend';

describe('Signing in to Azure', () => {
  it('shows the browser sign-in link to copy while it waits, and Cancel ends the wait', async () => {
    const { backend, user } = await signInScreen();
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    expect(await screen.findByText('Waiting for you to finish signing in in your browser…')).toBeInTheDocument();
    expect(screen.getByLabelText('Sign-in link')).toHaveValue(SIGN_IN_URL);
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeEnabled();
    await expect.poll(() => backend.azureWaiting, { timeout: 5_000 }).toBe(true);
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
    await expect.poll(() => backend.azureWaiting, { timeout: 5_000 }).toBe(true);
    backend.approveAzureSignIn();
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as ada@contoso.com in directory tenant-contoso.');
  });

  it('without an app registration says so before the click, with the choices and a message for IT', async () => {
    const { user, backend } = await signInScreen({ noAzureClientId: true });
    const notice = await screen.findByTestId('no-registration');
    expect(notice).toHaveTextContent('Signing in in the browser needs an app registration first');
    expect(notice).toHaveTextContent('Sign in with your Azure CLI sign-in (az login)');
    expect(notice).toHaveTextContent('Sign in with a service principal');
    const message = screen.getByLabelText('Message to your IT department') as HTMLTextAreaElement;
    expect(message.value).toContain('Application (client) ID');
    expect(message.value).toContain(REGISTRATION_COMMAND);
    await user.click(screen.getByRole('button', { name: 'Copy the message' }));
    expect(await navigator.clipboard.readText()).toBe(message.value);
    // The Azure CLI's and a service principal's sign-ins need no registration: no notice there.
    await user.click(screen.getByLabelText('With my Azure CLI sign-in (az login)'));
    expect(screen.queryByTestId('no-registration')).toBeNull();
    await user.click(screen.getByLabelText('With a code, on any device'));
    expect(screen.getByTestId('no-registration')).toBeInTheDocument();
    expect(backend.calls).not.toContain('start_azure_sign_in');
  });

  it('with an app registration (the build\'s) says nothing of it', async () => {
    await signInScreen();
    await expect.poll(() => screen.queryByRole('button', { name: 'Sign in to Azure in the browser' }), { timeout: 5_000 }).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('no-registration')).toBeNull();
  });

  it('after the click without one, the error points to Settings and holds no command line', async () => {
    const { user } = await signInScreen({ noAzureClientId: true });
    await user.click(screen.getByRole('button', { name: 'Sign in to Azure in the browser' }));
    const error = await screen.findByTestId('azure-error');
    expect(error).toHaveTextContent('No Azure app registration is configured');
    expect(error.textContent).not.toMatch(/--[a-z]/);
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
    const error = await screen.findByTestId('azure-error');
    await user.click(within(error).getByRole('button', { name: 'Open Settings' }));
    expect(wizard.settingsOpen).toBe(true);
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
    expect(screen.getByText('Choose the certificate file.')).toBeInTheDocument();
    expect(screen.getByLabelText('Certificate file (PEM or .pfx)')).toHaveFocus();
    expect(backend.calls).not.toContain('sign_in_azure_certificate');
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Certificate file (PEM or .pfx)') as HTMLInputElement).value, { timeout: 5_000 }).toBe(CHOSEN_CERTIFICATE.name);
    await user.type(screen.getByLabelText('Certificate password (leave empty if it has none)'), 'pfx-s3cret');
    await user.click(screen.getByRole('button', { name: 'Check the certificate and sign in to Azure' }));
    expect(await screen.findByTestId('azure-account')).toHaveTextContent('Signed in as 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(backend.certificateRequests).toEqual([
      {
        tenantId: 'contoso.onmicrosoft.com',
        clientId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
        certificateFile: CHOSEN_CERTIFICATE.handle,
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
    await user.click(screen.getByRole('button', { name: 'Choose file…' }));
    await expect.poll(() => (screen.getByLabelText('Certificate file (PEM or .pfx)') as HTMLInputElement).value, { timeout: 5_000 }).toBe(CHOSEN_CERTIFICATE.name);
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
    await expect.poll(() => made.backend.azureWaiting, { timeout: 5_000 }).toBe(true);
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
    await expect.poll(() => screen.getByTestId('tenant-current').textContent, { timeout: 5_000 }).toContain('Working in directory Fabrikam.');
    expect(screen.getByText('1 subscription you can use here.')).toBeInTheDocument();
    expect(backend.azureAccount?.tenantId).toBe('tenant-fabrikam');
    expect(wizard.subscriptions).toEqual([]);
    expect(wizard.inputs.subscription_id).toBe('');
    await expect.poll(() => screen.getByTestId('azure-account').textContent, { timeout: 5_000 }).toContain('in directory tenant-fabrikam');
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
