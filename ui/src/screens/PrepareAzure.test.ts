import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PrepareAzure from './PrepareAzure.svelte';
import { signedInWizard } from '../../tests/component-wizard';
import { CATALOG } from '../../tests/fake-backend';

const OTHER_SUBSCRIPTION = '99999999-2222-3333-4444-555555555555';

/** Switches the picker to "Use an existing resource group" and waits for the list. */
async function useExisting(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByLabelText('Use an existing resource group'));
  return screen.findByRole('radiogroup', { name: 'Resource groups in this subscription' });
}

describe('PrepareAzure: a new resource group', () => {
  it('offers only the regions the engine says Auth0 accepts, with the reason, and shows the authorization expiry', async () => {
    const { wizard, backend } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const region = (await screen.findByLabelText('Region')) as HTMLSelectElement;
    await expect.poll(() => region.options.length, { timeout: 5_000 }).toBe(CATALOG.regions.length);
    expect(Array.from(region.options).map((o) => o.value)).toEqual(CATALOG.regions.map((r) => r.code));
    expect(region.value).toBe('westeurope');
    expect(region.selectedOptions[0]).toHaveTextContent('West Europe (westeurope)');
    expect(region.options[1]).toHaveTextContent('East US 2 (eastus2)');
    expect(region).toHaveAccessibleDescription(/Only regions Auth0 can deliver to are listed/);
    expect(screen.getByLabelText('Create a new one')).toBeChecked();
    expect(screen.getByLabelText('Azure subscription ID')).toHaveValue('11111111-2222-3333-4444-555555555555');
    expect(screen.getByText(/Auth0 must create its connection before/)).toBeInTheDocument();
    expect(backend.catalogCalls).toBe(1);
  });

  it('says when the regions could not be loaded, and Retry loads them', async () => {
    const { wizard } = await signedInWizard({ catalogFailsOnce: true });
    render(PrepareAzure, { wizard });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('catalog failed');
    expect(screen.getByLabelText('Region')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeDisabled();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    await expect.poll(() => (screen.getByLabelText('Region') as HTMLSelectElement).options.length, { timeout: 5_000 }).toBe(CATALOG.regions.length);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeEnabled();
  });

  it('runs the step with what was typed, shows progress, and moves on to step 2', async () => {
    const { wizard, backend } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    const name = screen.getByLabelText('Name of the new resource group');
    await user.clear(name);
    await user.type(name, 'security-events');
    await user.selectOptions(await screen.findByLabelText('Region'), 'northeurope');
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('create_stream');
    expect(wizard.inputs.resource_group).toBe('security-events');
    expect(wizard.inputs.create_resource_group).toBe(true);
    expect(wizard.inputs.region).toBe('northeurope');
    expect(wizard.progress).toContain('Started: Prepare Azure');
    expect(backend.done.has('prepare_azure')).toBe(true);
    expect(wizard.stepState('prepare_azure')).toBe('done');
  });

  it("checks the name by Azure's rules as it is typed, and holds the step until it is right", async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    const name = screen.getByLabelText('Name of the new resource group');
    const run = screen.getByRole('button', { name: 'Prepare Azure' });
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Type a name for the new resource group/);
    expect(run).toBeDisabled();
    await user.type(name, 'logs.');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(/must not end with a dot/);
    await user.clear(name);
    await user.type(name, 'my logs/2');
    expect(name).toHaveAccessibleDescription(/Not allowed in a name: space, \//);
    await user.clear(name);
    await user.type(name, 'x'.repeat(91));
    expect(name).toHaveAccessibleDescription(/at most 90 characters/);
    await user.clear(name);
    await user.type(name, 'Équipe_(prod)-1.a');
    expect(name).toHaveAttribute('aria-invalid', 'false');
    expect(run).toBeEnabled();
  });

  it('says when the typed name is a group that already exists', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    const name = screen.getByLabelText('Name of the new resource group');
    await user.clear(name);
    await user.type(name, 'Analytics');
    expect(await screen.findByText(/already exists in North Europe \(northeurope\); the app will use it/)).toBeInTheDocument();
  });
});

describe('PrepareAzure: an existing resource group', () => {
  it("lists the subscription's groups sorted, searchable, and prefills the region from the chosen one", async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Use an existing resource group'));
    expect(wizard.inputs.create_resource_group).toBe(false);
    const list = await screen.findByRole('radiogroup', { name: 'Resource groups in this subscription' });
    expect(within(list).getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['analytics', 'legacy-apps', 'security-logs']);
    expect(screen.getByTestId('resource-group-status')).toHaveTextContent('3 resource groups Choose one of the resource groups in the list.');
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeDisabled();

    await user.type(screen.getByLabelText('Search resource groups'), 'SEC');
    expect(within(list).getAllByRole('radio')).toHaveLength(1);
    expect(screen.getByTestId('resource-group-status')).toHaveTextContent('1 of 3 resource groups');
    await user.click(within(list).getByLabelText(/security-logs/));
    expect(wizard.inputs.resource_group).toBe('security-logs');
    expect(wizard.inputs.region).toBe('eastus2');
    expect(screen.getByTestId('group-region')).toHaveTextContent('Auth0 will deliver events to East US 2 (eastus2), where this resource group is.');
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeEnabled();

    await user.clear(screen.getByLabelText('Search resource groups'));
    await user.type(screen.getByLabelText('Search resource groups'), 'nothing-like-it');
    expect(screen.getByTestId('resource-group-status')).toHaveTextContent('No resource group matches “nothing-like-it”.');
  });

  it('says plainly when the group is somewhere Auth0 cannot deliver, and asks for the closest region it accepts', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    const list = await useExisting(user);
    await user.click(within(list).getByLabelText(/legacy-apps/));
    expect(screen.getByTestId('unsupported-location')).toHaveTextContent(
      'The resource group legacy-apps is in West US 3 (westus3), where Auth0 cannot deliver events.',
    );
    expect(wizard.inputs.region).toBe('');
    const closest = screen.getByLabelText('Closest region Auth0 accepts') as HTMLSelectElement;
    expect(closest.selectedOptions[0]).toHaveTextContent('Choose a region');
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeDisabled();
    await user.selectOptions(closest, 'westus2');
    expect(wizard.inputs.region).toBe('westus2');
    expect(wizard.inputs.resource_group).toBe('legacy-apps');
    expect(screen.getByRole('button', { name: 'Prepare Azure' })).toBeEnabled();
  });

  it('says when the subscription has no resource groups', async () => {
    const { wizard } = await signedInWizard({ resourceGroups: [] });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Use an existing resource group'));
    await expect
      .poll(() => screen.getByTestId('resource-group-status').textContent)
      .toContain('This subscription has no resource groups yet. Choose “Create a new one”.');
    expect(screen.queryByRole('radiogroup', { name: 'Resource groups in this subscription' })).toBeNull();
  });

  it('shows the loading state, then an error with its remedy and a way to load them again', async () => {
    const { wizard } = await signedInWizard({ resourceGroups: 'fail' });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Use an existing resource group'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The resource groups could not be loaded. Azure refused');
    expect(alert).toHaveTextContent('Ask an Owner of the subscription for the Reader role');
    await user.click(screen.getByRole('button', { name: 'Load them again' }));
    expect(await screen.findByRole('radiogroup', { name: 'Resource groups in this subscription' })).toBeInTheDocument();
  });

  it('reloads the list when the subscription changes, and waits for a whole ID', async () => {
    const { wizard, backend } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await useExisting(user);
    const subscription = screen.getByLabelText('Azure subscription ID');
    await user.clear(subscription);
    expect(screen.getByTestId('resource-group-status')).toHaveTextContent('Choose a subscription above to see its resource groups.');
    await user.type(subscription, OTHER_SUBSCRIPTION);
    expect(await screen.findByRole('alert')).toHaveTextContent(`The subscription ${OTHER_SUBSCRIPTION} was not found.`);
    expect(backend.groupRequests).toEqual(['11111111-2222-3333-4444-555555555555', OTHER_SUBSCRIPTION]);
  });

  it('loads the list on first show, and shows the loading state meanwhile', async () => {
    const { wizard } = await signedInWizard();
    wizard.inputs.create_resource_group = false;
    render(PrepareAzure, { wizard });
    expect(screen.getByTestId('resource-group-status')).toHaveTextContent('Loading the resource groups of this subscription…');
    expect(screen.getByLabelText('Search resource groups')).toBeDisabled();
    expect(await screen.findByRole('radiogroup', { name: 'Resource groups in this subscription' })).toBeInTheDocument();
  });
});

describe('PrepareAzure: running', () => {
  it('shows the error with its remedy and a Retry that finishes the step', async () => {
    const { wizard } = await signedInWizard({ failStepOnce: 'prepare_azure' });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("does not have authorization to perform action 'Microsoft.EventGrid/register/action'");
    expect(alert).toHaveTextContent('The Azure identity lacks a role.');
    expect(alert).toHaveTextContent('Reference for Microsoft support: corr-1234');
    expect(wizard.stepState('prepare_azure')).toBe('failed');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('create_stream');
    expect(wizard.error).toBeNull();
  });

  it('offers Cancel while the step runs, and says it stopped', async () => {
    const { wizard } = await signedInWizard({ holdStep: 'prepare_azure' });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    expect(await screen.findByText(/Waiting for Microsoft.EventGrid/)).toBeInTheDocument();
    expect(screen.getByTestId('provider-wait').textContent?.trim()).toBe('');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Stopped: you cancelled the step.');
    expect(wizard.screen).toBe('prepare_azure');
  });
});

describe('PrepareAzure: waiting for Microsoft.EventGrid', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says what it waits for, Azure's state and how long, politely, and can stop", async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { wizard } = await signedInWizard({ registrationWait: true });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    const panel = await screen.findByRole('region', { name: 'Waiting for Azure to turn on Event Grid' });
    const announced = screen.getByTestId('provider-wait-announced');
    expect(announced).toHaveAttribute('aria-live', 'polite');
    expect(announced).toHaveTextContent('Azure is registering the Microsoft.EventGrid resource provider in your subscription');
    expect(announced).toHaveTextContent('What Azure says now: Registering');
    expect(within(panel).getByTestId('provider-wait-elapsed')).toHaveTextContent('Waited so far: 0 s');
    expect(announced).not.toContainElement(screen.getByTestId('provider-wait-elapsed'));
    expect(panel).toHaveTextContent('Azure usually takes a few minutes.');

    vi.advanceTimersByTime(65_000);
    await expect.poll(() => screen.getByTestId('provider-wait-elapsed').textContent, { timeout: 5_000 }).toBe('Waited so far: 1 min 5 s');

    await user.click(within(panel).getByRole('button', { name: 'Stop waiting' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Stopped: you cancelled the step.');
    expect(screen.getByTestId('provider-wait').textContent?.trim()).toBe('');
    expect(wizard.registrationWait).toBeNull();
  });

  it('goes away and moves on to step 2 when Azure finishes registering', async () => {
    const { wizard, backend } = await signedInWizard({ registrationWait: true });
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    await screen.findByRole('region', { name: 'Waiting for Azure to turn on Event Grid' });
    backend.finishRegistration();
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('create_stream');
    expect(wizard.registrationWait).toBeNull();
    expect(screen.queryByRole('region', { name: 'Waiting for Azure to turn on Event Grid' })).toBeNull();
  });
});

describe('PrepareAzure: subscriptions', () => {
  it('offers the enabled subscriptions by name, with the chosen one\'s ID in small print to copy', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const list = await screen.findByRole('radiogroup', { name: 'Subscriptions you can see' });
    const radios = within(list).getAllByRole('radio');
    expect(radios).toHaveLength(1);
    expect(within(list).getByRole('radio', { name: 'Sandbox subscription' })).toBeChecked();
    expect(list).not.toHaveTextContent('Disabled one');
    expect(screen.getByTestId('subscription-chosen')).toHaveTextContent('Chosen: Sandbox subscription');
    expect(screen.getByTestId('subscription-id')).toHaveTextContent('11111111-2222-3333-4444-555555555555');
    // user-event stands in for the clipboard.
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Copy the ID' }));
    expect(await navigator.clipboard.readText()).toBe('11111111-2222-3333-4444-555555555555');
    expect(await screen.findByText('Copied.')).toBeInTheDocument();
    // The paste field stays closed while the list holds the subscription.
    expect(screen.getByTestId('subscription-paste')).not.toHaveAttribute('open');
  });

  it('filters by name as typed, and says when nothing matches', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await screen.findByRole('radiogroup', { name: 'Subscriptions you can see' });
    await user.type(screen.getByLabelText('Search subscriptions'), 'prod');
    expect(screen.queryByRole('radiogroup', { name: 'Subscriptions you can see' })).toBeNull();
    expect(screen.getByText('No subscription matches “prod”.')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Search subscriptions'));
    await user.type(screen.getByLabelText('Search subscriptions'), 'SANDBOX');
    expect(within(screen.getByRole('radiogroup', { name: 'Subscriptions you can see' })).getAllByRole('radio')).toHaveLength(1);
  });

  it('chooses by name, and a pasted ID the list does not hold opens the paste field', async () => {
    const { wizard } = await signedInWizard();
    wizard.inputs.subscription_id = '';
    render(PrepareAzure, { wizard });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('radio', { name: 'Sandbox subscription' }));
    expect(wizard.inputs.subscription_id).toBe('11111111-2222-3333-4444-555555555555');
    await user.click(screen.getByText('Paste an ID instead'));
    const pasted = screen.getByLabelText('Azure subscription ID');
    await user.clear(pasted);
    await user.type(pasted, OTHER_SUBSCRIPTION);
    expect(wizard.inputs.subscription_id).toBe(OTHER_SUBSCRIPTION);
    expect(screen.getByRole('radio', { name: 'Sandbox subscription' })).not.toBeChecked();
    expect(screen.getByTestId('subscription-paste')).toHaveAttribute('open');
    expect(screen.queryByTestId('subscription-id')).toBeNull();
  });
});

describe('PrepareAzure: an Azure cloud Auth0 cannot deliver to', () => {
  for (const [cloud, name] of [
    ['us_government', 'Azure Government'],
    ['china', 'Azure China'],
  ] as const) {
    it(`says before step 2 that Auth0 cannot deliver to ${name}, with what to do, and runs nothing`, async () => {
      const { wizard, backend } = await signedInWizard();
      wizard.mode = 'cloud';
      wizard.session = { ...wizard.session!, mode: 'cloud', azureCloud: cloud };
      render(PrepareAzure, { wizard });
      const notice = await screen.findByTestId('cloud-unsupported');
      expect(notice).toHaveAttribute('data-code', 'azure_cloud_unsupported');
      expect(within(notice).getByRole('heading')).toHaveTextContent(`Auth0 cannot deliver events to ${name}`);
      expect(notice).toHaveTextContent('only in the public Azure regions it lists');
      expect(notice).toHaveTextContent("point the app at Azure's public cloud");
      const run = screen.getByRole('button', { name: 'Prepare Azure' });
      expect(run).toBeDisabled();
      await userEvent.setup().click(run);
      expect(backend.calls).not.toContain('run_step');
    });
  }

  it('does not stop the public cloud or a custom one (the sandbox, a proxy)', async () => {
    const { wizard } = await signedInWizard();
    render(PrepareAzure, { wizard });
    expect(wizard.session?.azureCloud).toBe('custom');
    await screen.findByLabelText('Region');
    expect(screen.queryByTestId('cloud-unsupported')).toBeNull();
    wizard.session = { ...wizard.session!, azureCloud: 'public' };
    await expect.poll(() => screen.getByRole('button', { name: 'Prepare Azure' }), { timeout: 5_000 }).toBeEnabled();
    expect(screen.queryByTestId('cloud-unsupported')).toBeNull();
  });
});
