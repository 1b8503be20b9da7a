import { render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../App.svelte';
import { FakeBackend, type Scenario } from '../../tests/fake-backend';
import { BAD_FILES, IMPORTED_INPUTS, importedDraft } from '../../tests/import-files';
import { ONE_SETUP } from '../../tests/setups-fixture';
import { wizardWith } from '../../tests/component-wizard';

function app(scenario: Scenario) {
  clearMocks();
  const backend = new FakeBackend(scenario);
  mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
  render(App);
  return { backend, user: userEvent.setup() };
}

describe('Importing a setup', () => {
  it('from the welcome page opens the wizard where Rust says, prefilled, and says where it came from', async () => {
    const { backend, user } = app({ importFile: { draft: importedDraft('sign_in') } });
    await user.click(await screen.findByTestId('import-setup-button'));
    expect(await screen.findByRole('heading', { level: 1, name: /Sign in/ })).toBeInTheDocument();
    expect(screen.getByTestId('import-notice')).toHaveTextContent(
      'This setup was exported for the Auth0 tenant acme-staging.eu.auth0.com and the Azure subscription 99999999-8888-7777-6666-555555555555.',
    );
    expect(backend.importCalls).toBe(1);
    await expect.poll(() => backend.draft?.inputs.stream_name, { timeout: 5_000 }).toBe('Staging security logs');
  });

  it('from the home too', async () => {
    const { user } = app({ setups: ONE_SETUP, importFile: { draft: importedDraft('sign_in') } });
    await screen.findByTestId('home');
    await user.click(screen.getByTestId('import-setup-button'));
    expect(await screen.findByRole('heading', { level: 1, name: /Sign in/ })).toBeInTheDocument();
  });

  it('a closed dialog changes nothing', async () => {
    const { backend, user } = app({ setups: ONE_SETUP });
    await screen.findByTestId('home');
    await user.click(screen.getByTestId('import-setup-button'));
    await expect.poll(() => backend.importCalls, { timeout: 5_000 }).toBe(1);
    expect(screen.getByTestId('home')).toBeInTheDocument();
    expect(screen.queryByTestId('import-error')).toBeNull();
  });

  for (const [what, error] of Object.entries(BAD_FILES)) {
    it(`a bad file (${what}) is refused beside the button, naming the field and the rule`, async () => {
      const { user } = app({ setups: ONE_SETUP, importFile: { error } });
      await screen.findByTestId('home');
      await user.click(screen.getByTestId('import-setup-button'));
      const problem = await within(screen.getByTestId('import-setup')).findByTestId('import-error');
      expect(problem).toHaveTextContent('This file cannot be imported');
      expect(problem).toHaveTextContent(error.message);
      expect(problem).toHaveTextContent(error.remedy);
      expect(within(problem).getByTestId('import-error-field')).toHaveTextContent(`The problem is in: ${error.field}`);
      // Nothing else changed: still the home.
      expect(screen.getByTestId('home')).toBeInTheDocument();
    });
  }
});

describe('An imported setup for another tenant', () => {
  it('keeps its tenant until the person chooses; Continue says why it waits', async () => {
    const { wizard } = wizardWith({ importFile: { draft: importedDraft('sign_in', 'sandbox') } });
    await wizard.chooseSandbox();
    expect(await wizard.importSetup()).toBe(true);
    expect(wizard.inputs.auth0_domain).toBe(IMPORTED_INPUTS.auth0_domain);
    expect(wizard.tenantUndecided).toBe(true);
    await wizard.continueFromSignIn();
    expect(wizard.screen).toBe('sign_in');
    expect(wizard.error?.field).toBe('auth0_domain');
    expect(wizard.error?.message).toContain('acme-staging.eu.auth0.com');

    await wizard.useSignedInTenant();
    expect(wizard.tenantUndecided).toBe(false);
    expect(wizard.inputs.auth0_domain).toBe(wizard.session?.auth0Domain);
    await wizard.continueFromSignIn();
    expect(wizard.screen).toBe('prepare_azure');
    // The rest of what was imported stays.
    expect(wizard.inputs.stream_name).toBe('Staging security logs');
  });
});
