import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import TenantPicker from './TenantPicker.svelte';
import { wizardWith } from '../../tests/component-wizard';
import type { Scenario } from '../../tests/fake-backend';
import type { AzureAccountMethod } from '../lib/ipc';

async function picker(method: AzureAccountMethod, scenario: Scenario = {}) {
  const made = wizardWith(scenario);
  made.backend.azureAccount = { username: 'sp-1', displayName: 'sp-1', tenantId: 'tenant-contoso', method };
  render(TenantPicker, { wizard: made.wizard, method });
  return made;
}

describe('TenantPicker', () => {
  it('tells a service principal that sees several directories that it stays in its own', async () => {
    await picker('service_principal', { everyTenantListed: true });
    expect(await screen.findByTestId('tenant-current')).toHaveTextContent('Working in directory Contoso.');
    expect(screen.getByText('A service principal works only in the directory it belongs to.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Switch to another directory')).toBeNull();
  });

  it('tells an Azure CLI sign-in how to use another directory', async () => {
    await picker('azure_cli', { everyTenantListed: true });
    expect(await screen.findByText(/az login, naming the directory/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Switch directory' })).toBeNull();
  });

  it('says when the directories cannot be listed', async () => {
    await picker('browser', { tenantsFail: true });
    expect(await screen.findByTestId('tenant-load-error')).toHaveTextContent(
      'Your directories could not be listed: Azure answered 503 ServiceUnavailable while listing tenants.',
    );
  });

  it('offers only the other directories to switch to', async () => {
    await picker('browser');
    await screen.findByTestId('tenant-current');
    const options = [...(screen.getByLabelText('Switch to another directory') as HTMLSelectElement).options].map((o) => o.text);
    expect(options).toEqual(['Fabrikam (fabrikam.onmicrosoft.com)', 'Locked Ltd (locked.onmicrosoft.com)']);
  });
});
