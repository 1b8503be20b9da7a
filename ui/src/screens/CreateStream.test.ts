import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import CreateStream from './CreateStream.svelte';
import PrepareAzure from './PrepareAzure.svelte';
import { signedInWizard } from '../../tests/component-wizard';
import { CATALOG } from '../../tests/fake-backend';

describe('CreateStream', () => {
  it('maps plain-language groups to Auth0 categories and masking to the PII setting', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    expect(screen.getByLabelText('Stream name')).toHaveValue('Azure Event Grid');
    const user = userEvent.setup();
    expect(screen.getByLabelText('All events')).toBeChecked();
    expect(screen.queryByLabelText('Failed logins')).toBeNull();
    await user.click(screen.getByLabelText('Only these'));
    await user.click(await screen.findByLabelText('Failed logins'));
    await user.click(screen.getByLabelText('Sign-ups'));
    expect(wizard.inputs.event_categories).toEqual([
      'auth.login.fail',
      'auth.silent_auth.fail',
      'auth.token_exchange.fail',
      'auth.signup.success',
      'auth.signup.fail',
    ]);
    await user.click(screen.getByLabelText('Failed logins'));
    expect(wizard.inputs.event_categories).toEqual(['auth.signup.success', 'auth.signup.fail']);
    await user.click(screen.getByLabelText('All events'));
    expect(wizard.inputs.event_categories).toEqual([]);
  });

  it('masks personal data unless the person turns it off, in plain words', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    const mask = await screen.findByLabelText('Hide personal data in the logs sent to Azure');
    await expect.poll(() => (mask as HTMLInputElement).disabled, { timeout: 5_000 }).toBe(false);
    expect(mask).toBeChecked();
    expect(wizard.inputs.pii).toEqual({ log_fields: CATALOG.pii_log_fields, method: 'mask' });
    expect(mask).toHaveAccessibleDescription(/replaced by asterisks before Auth0 sends the log/);
    const user = userEvent.setup();
    await user.click(mask);
    expect(wizard.inputs.pii).toBeNull();
    await user.click(mask);
    expect(wizard.inputs.pii).toEqual({ log_fields: CATALOG.pii_log_fields, method: 'mask' });
  });

  it('"Only these" with none ticked names the field and moves focus to it, and creates nothing', async () => {
    const { wizard, backend } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Only these'));
    await user.click(screen.getByRole('button', { name: 'Create the stream' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Which events to send: tick at least one kind of event, or choose “All events”.');
    expect(document.activeElement).toBe(screen.getByLabelText('Failed logins'));
    expect(backend.done.has('create_stream')).toBe(false);
    expect(wizard.screen).not.toBe('activate_topic');
  });

  it('offers the event groups the engine defines, loading the catalog once', async () => {
    const { wizard, backend } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    await userEvent.setup().click(screen.getByLabelText('Only these'));
    await screen.findByLabelText('Failed logins');
    const labels = screen.getAllByRole('checkbox').map((box) => box.closest('label')?.textContent?.trim());
    expect(labels.slice(0, CATALOG.event_groups.length)).toEqual([
      'Failed logins',
      'Successful logins',
      'Logouts',
      'Sign-ups',
      'Admin changes',
      'Changes to users',
    ]);
    await wizard.loadCatalog();
    expect(backend.catalogCalls).toBe(1);
  });

  it("prefills the region from the resource group chosen in step 1, and lets it be changed", async () => {
    const { wizard } = await signedInWizard();
    const user = userEvent.setup();
    const step1 = render(PrepareAzure, { wizard });
    await user.click(screen.getByLabelText('Use an existing resource group'));
    await user.click(await screen.findByLabelText(/security-logs/));
    step1.unmount();
    render(CreateStream, { wizard });
    const region = screen.getByLabelText('Azure region') as HTMLSelectElement;
    await expect.poll(() => region.value, { timeout: 5_000 }).toBe('eastus2');
    expect(region.selectedOptions[0]).toHaveTextContent('East US 2 (eastus2)');
    expect(region).toHaveAccessibleDescription(/Prefilled from your resource group in step 1/);
    await user.selectOptions(region, 'westus2');
    expect(wizard.inputs.region).toBe('westus2');
  });

  it('creates the stream and moves on to activation', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure'] });
    render(CreateStream, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Create the stream' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('activate_topic');
  });

  it('says "already done" when detection found the stream', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    wizard.screen = 'create_stream';
    render(CreateStream, { wizard });
    expect(screen.getByTestId('already-done')).toHaveTextContent('Already done');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
  });
});
