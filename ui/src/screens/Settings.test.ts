import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import Settings from './Settings.svelte';
import { wizardWith } from '../../tests/component-wizard';
import { FakeBackend, LOGS_FOLDER, REGISTRATION_COMMAND, type Scenario } from '../../tests/fake-backend';

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
    await expect.poll(() => screen.getByTestId('settings-azure').textContent, { timeout: 5_000 }).toContain('Not signed in.');
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
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('welcome');
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

describe('Settings: the schedule of the health checks', () => {
  it('saves every N minutes, 0 for never, and empty for the default', async () => {
    const { backend, user } = await settingsScreen();
    const field = screen.getByLabelText('Check setups every (minutes)');
    expect(field).toHaveValue('');
    expect(field).toHaveAccessibleDescription(/0 means never; otherwise 5 to 1440 minutes/);
    await user.type(field, '30');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Saved: setups are checked every 30 minutes.')).toBeInTheDocument();
    expect(backend.settings.checkIntervalMinutes).toBe(30);

    await user.clear(field);
    await user.type(field, '0');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Saved: setups are not checked on a schedule.')).toBeInTheDocument();
    expect(backend.settings.checkIntervalMinutes).toBe(0);

    await user.clear(field);
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Saved: setups are checked every 15 minutes.')).toBeInTheDocument();
    expect(backend.settings.checkIntervalMinutes).toBeNull();
  });

  it('refuses what is not 0 or 5 to 1440 on the field, naming it, and sends nothing', async () => {
    const { backend, user } = await settingsScreen();
    const field = screen.getByLabelText('Check setups every (minutes)');
    for (const typed of ['3', '1441', 'soon', '-5', '7.5']) {
      await user.clear(field);
      await user.type(field, typed);
      await user.click(screen.getByRole('button', { name: 'Save schedule' }));
      expect(await screen.findByTestId('interval-error')).toHaveTextContent(
        'Check setups every: type 0 (never) or a number of minutes from 5 to 1440.',
      );
      expect(field).toHaveAttribute('aria-invalid', 'true');
      expect(field).toHaveAccessibleDescription(/Check setups every: type 0/);
    }
    expect(backend.calls).not.toContain('save_settings');
    await user.clear(field);
    await user.type(field, '5');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Saved: setups are checked every 5 minutes.')).toBeInTheDocument();
    expect(screen.queryByTestId('interval-error')).toBeNull();
    expect(field).toHaveAttribute('aria-invalid', 'false');
  });

  it('shows the saved schedule, and keeps it when the client id is saved', async () => {
    const { backend, user } = await settingsScreen({}, async ({ backend }) => {
      backend.settings = { azureClientId: null, checkIntervalMinutes: 60 };
    });
    expect(screen.getByLabelText('Check setups every (minutes)')).toHaveValue('60');
    await user.type(screen.getByLabelText('Application (client) ID of the app registration'), '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. Start the Azure sign-in again to use it.');
    expect(backend.settings).toEqual({ azureClientId: '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab', checkIntervalMinutes: 60 });
  });

  it('shows on the field what Rust refused', async () => {
    const { user } = await settingsScreen();
    clearMocks();
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'check_interval_minutes: must be 0 (never) or 5 to 1440', remedy: 'Correct check_interval_minutes and try again.', field: 'check_interval_minutes', correlation_id: null };
    });
    await user.type(screen.getByLabelText('Check setups every (minutes)'), '20');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByTestId('interval-error')).toHaveTextContent('check_interval_minutes: must be 0 (never) or 5 to 1440');
  });
});

describe('Settings: getting help', () => {
  it('opens the logs folder Rust knows, naming no path from the window', async () => {
    const { backend, user } = await settingsScreen();
    await user.click(screen.getByRole('button', { name: 'Open logs folder' }));
    await expect.poll(() => backend.logsFolderOpened, { timeout: 5_000 }).toBe(1);
    expect(backend.calls.filter((c) => c === 'open_logs_folder')).toHaveLength(1);
    expect(screen.queryByTestId('support-error')).toBeNull();
  });

  it('copies the diagnostics Rust builds, with the errors the window showed', async () => {
    const { backend, user } = await settingsScreen();
    await backend.handle('error_shown', {
      error: { code: 'operation_failed', message: 'Azure could not finish.', remedy: 'Run it again.', field: null, correlation_id: 'corr-42' },
    });
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByText('Diagnostics copied: paste them into your message to support.')).toBeInTheDocument();
    expect(backend.clipboard).toContain(`Logs: ${LOGS_FOLDER}`);
    expect(backend.clipboard).toContain('operation_failed: Azure could not finish. [correlation id: corr-42]');
  });

  it('says why the diagnostics could not be copied', async () => {
    const { user } = await settingsScreen({ clipboardFails: true });
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    const problem = await screen.findByTestId('support-error');
    expect(problem).toHaveTextContent('The diagnostics could not be copied');
    expect(problem).toHaveTextContent('open the logs folder');
    expect(screen.queryByText(/Diagnostics copied/)).toBeNull();
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
    await screen.findByRole('button', { name: /Try it without accounts/ });
    await user.click(open);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Settings' });
    await expect.poll(() => document.activeElement, { timeout: 5_000 }).toBe(heading);
    expect(open).toHaveAttribute('aria-pressed', 'true');
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('button', { name: /Try it without accounts/ })).toBeInTheDocument();
    await expect.poll(() => document.activeElement, { timeout: 5_000 }).toBe(open);
    expect(screen.queryByRole('heading', { level: 1, name: 'Settings' })).toBeNull();
  });
});
