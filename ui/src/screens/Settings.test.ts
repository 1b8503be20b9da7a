import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import Settings from './Settings.svelte';
import { wizardWith } from '../../tests/component-wizard';
import { FakeBackend, REGISTRATION_COMMAND, type Scenario } from '../../tests/fake-backend';

async function settingsScreen(scenario: Scenario = {}, prepare?: (made: ReturnType<typeof wizardWith>) => Promise<void>) {
  const made = wizardWith(scenario);
  await prepare?.(made);
  const onClose = vi.fn();
  render(Settings, { wizard: made.wizard, onClose });
  await screen.findByTestId('registration-command');
  return { ...made, onClose, user: userEvent.setup() };
}

describe('Settings', () => {
  it('shows the app registration with the command that creates it, and refuses a client id that is not an ID', async () => {
    const { backend, user } = await settingsScreen({ noAzureClientId: true });
    expect(screen.getByTestId('registration-command')).toHaveTextContent(REGISTRATION_COMMAND);
    expect(screen.getByText('No app registration is built into this copy of the app: enter the ID your administrator gave you.')).toBeInTheDocument();
    const field = screen.getByLabelText('Application (client) ID of the app registration');
    await user.type(field, 'nope');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('azure_client_id');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    await user.clear(field);
    await user.type(field, '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved. Start the Azure sign-in again to use it.')).toBeInTheDocument();
    expect(backend.settings.azureClientId).toBe('5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
  });

  it('names the client id the app falls back to', async () => {
    await settingsScreen();
    expect(screen.getByText('When this field is empty, the app uses 5d3c1a2b-7e4f-4a10-9b8c-0123456789ab.')).toBeInTheDocument();
  });

  it('says whether sign-ins are kept, and why not with the remedy', async () => {
    await settingsScreen({ sessionOnly: true });
    const keychain = screen.getByTestId('settings-keychain');
    expect(keychain).toHaveTextContent('For this session only');
    expect(keychain).toHaveTextContent('No Secret Service is running');
    expect(keychain).toHaveTextContent('gnome-keyring');
  });

  it('says sign-ins are kept in the keychain when one answers', async () => {
    await settingsScreen();
    expect(screen.getByTestId('settings-keychain')).toHaveTextContent("In this computer's keychain");
  });

  it('shows who is signed in to each cloud and signs one out, sending the wizard back to Sign in', async () => {
    const { wizard, backend, user } = await settingsScreen({}, async ({ backend, wizard }) => {
      await wizard.chooseConnect();
      await backend.handle('sign_in_auth0', { request: { domain: 'acme.eu.auth0.com', clientId: 'm2m-1', clientSecret: 'x' } });
      await backend.handle('sign_in_azure_cli');
      await wizard.refreshSession();
      wizard.screen = 'create_stream';
    });
    expect(screen.getByTestId('settings-azure')).toHaveTextContent("ada@contoso.com in directory tenant-contoso (the Azure CLI's sign-in).");
    expect(screen.getByTestId('settings-auth0')).toHaveTextContent('Tenant acme.eu.auth0.com, application m2m-1 (client secret).');
    await user.click(screen.getByRole('button', { name: 'Sign out of Azure' }));
    await expect.poll(() => screen.getByTestId('settings-azure').textContent).toContain('Not signed in.');
    expect(screen.getByTestId('settings-auth0')).toHaveTextContent('Tenant acme.eu.auth0.com');
    expect(backend.calls).toContain('sign_out_cloud');
    expect(wizard.session).toBeNull();
    expect(wizard.screen).toBe('sign_in');
  });

  it('in sandbox mode names the sandbox and signs out of it', async () => {
    const { wizard, user } = await settingsScreen({}, async ({ wizard }) => {
      await wizard.chooseSandbox();
    });
    expect(screen.getByTestId('settings-accounts')).toHaveTextContent("The built-in sandbox: Signed in to the sandbox's pretend Auth0 (127.0.0.1:40001) and Azure.");
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await expect.poll(() => wizard.screen).toBe('welcome');
    expect(wizard.session).toBeNull();
  });

  it('shows the version, and Escape or Back return', async () => {
    const { onClose, user } = await settingsScreen();
    expect(await screen.findByTestId('settings-version')).toHaveTextContent('Auth0 Event Grid Setup · Version 1.2.3 · Tauri 2.12.5');
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});

describe('Settings in the app', () => {
  it('opens from the header on any screen, and Escape returns there with focus on the Settings button', async () => {
    clearMocks();
    const backend = new FakeBackend();
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    const user = userEvent.setup();
    const open = await screen.findByRole('button', { name: 'Settings' });
    await screen.findByRole('button', { name: /Try it with the built-in sandbox/ });
    await user.click(open);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Settings' });
    await expect.poll(() => document.activeElement).toBe(heading);
    expect(open).toHaveAttribute('aria-pressed', 'true');
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('button', { name: /Try it with the built-in sandbox/ })).toBeInTheDocument();
    await expect.poll(() => document.activeElement).toBe(open);
    expect(screen.queryByRole('heading', { level: 1, name: 'Settings' })).toBeNull();
  });
});
