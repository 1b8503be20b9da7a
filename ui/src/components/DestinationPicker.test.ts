import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import DestinationPicker from './DestinationPicker.svelte';
import { signedInWizard } from '../../tests/component-wizard';
import { DESTINATIONS } from '../../tests/fake-backend';

const NAMESPACES = 'Event Hubs namespaces';
const EVENTS = DESTINATIONS.eventhub[1]!;

describe('DestinationPicker', () => {
  it('lists the namespaces by name, then the hubs of the chosen one, and sets the id Azure listed', async () => {
    const { wizard, backend } = await signedInWizard();
    render(DestinationPicker, { wizard, kind: 'eventhub' });
    const user = userEvent.setup();
    const namespaces = await screen.findByRole('radiogroup', { name: NAMESPACES });
    expect(within(namespaces).getAllByRole('radio').map((r) => r.closest('label')?.querySelector('.name')?.textContent)).toEqual([
      'contoso-archive',
      'contoso-events',
      'contoso-telemetry',
    ]);
    expect(backend.destinationRequests).toEqual([{ subscriptionId: '11111111-2222-3333-4444-555555555555', kind: 'eventhub' }]);
    await user.click(within(namespaces).getByRole('radio', { name: /contoso-events/ }));
    expect(wizard.inputs.destination.resource_id).toBeNull();
    const hubs = screen.getByRole('radiogroup', { name: 'Event hubs in contoso-events' });
    await user.click(within(hubs).getByRole('radio', { name: 'security-alerts' }));
    expect(wizard.inputs.destination.resource_id).toBe(EVENTS.children[1]!.id);
    expect(screen.getByTestId('destination-chosen')).toHaveTextContent('Events go to the event hub security-alerts in contoso-events.');
    expect(screen.getByTestId('destination-resource-id')).toHaveTextContent(EVENTS.children[1]!.id);
    expect(screen.getByTestId('destination-paste')).not.toHaveAttribute('open');
  });

  it('filters the namespaces as typed, by name or resource group', async () => {
    const { wizard } = await signedInWizard();
    render(DestinationPicker, { wizard, kind: 'eventhub' });
    const user = userEvent.setup();
    await screen.findByRole('radiogroup', { name: NAMESPACES });
    const search = screen.getByLabelText('Search Event Hubs namespaces');
    await user.type(search, 'EVENTS');
    expect(within(screen.getByRole('radiogroup', { name: NAMESPACES })).getAllByRole('radio')).toHaveLength(1);
    expect(screen.getByText('1 of 3 Event Hubs namespaces')).toBeInTheDocument();
    await user.clear(search);
    await user.type(search, 'analytics');
    expect(within(screen.getByRole('radiogroup', { name: NAMESPACES })).getByRole('radio', { name: /contoso-telemetry/ })).toBeInTheDocument();
    await user.clear(search);
    await user.type(search, 'nothing-like-it');
    expect(screen.queryByRole('radiogroup', { name: NAMESPACES })).toBeNull();
    expect(screen.getByText('No Event Hubs namespace matches “nothing-like-it”.')).toBeInTheDocument();
  });

  it('says what to do when the subscription has none, or the namespace is empty', async () => {
    const { wizard } = await signedInWizard({ destinations: { eventhub: [] } });
    render(DestinationPicker, { wizard, kind: 'eventhub' });
    expect(
      await screen.findByText(
        'No Event Hubs namespace in Sandbox subscription. Create one in the Azure portal, or choose another destination.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Search Event Hubs namespaces')).toBeDisabled();

    const other = await signedInWizard();
    const { unmount } = render(DestinationPicker, { wizard: other.wizard, kind: 'eventhub' });
    const namespaces = (await screen.findAllByRole('radiogroup', { name: NAMESPACES }))[0]!;
    await userEvent.setup().click(within(namespaces).getByRole('radio', { name: /contoso-archive/ }));
    expect(
      screen.getByText('No event hub in contoso-archive. Create one in the Azure portal, or choose another namespace.'),
    ).toBeInTheDocument();
    unmount();
  });

  it('takes a storage queue as the account id and the queue name', async () => {
    const { wizard } = await signedInWizard();
    render(DestinationPicker, { wizard, kind: 'storagequeue' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('radio', { name: /contosologs01/ }));
    await user.click(within(screen.getByRole('radiogroup', { name: 'Queues in contosologs01' })).getByRole('radio', { name: 'signups' }));
    const account = DESTINATIONS.storagequeue[0]!;
    expect(wizard.inputs.destination.resource_id).toBe(account.id);
    expect(wizard.inputs.destination.queue_name).toBe('signups');
    expect(screen.getByTestId('destination-resource-id')).toHaveTextContent(account.id);
  });

  it('keeps pasting an id possible, and opens the paste fields for an id the list does not hold', async () => {
    const { wizard } = await signedInWizard();
    const pasted = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/elsewhere/providers/Microsoft.ServiceBus/namespaces/other/topics/t1';
    wizard.inputs.destination.resource_id = pasted;
    render(DestinationPicker, { wizard, kind: 'servicebustopic' });
    await screen.findByRole('radiogroup', { name: 'Service Bus namespaces' });
    await expect.poll(() => screen.getByTestId('destination-paste').hasAttribute('open'), { timeout: 5_000 }).toBe(true);
    expect(screen.getByLabelText('Azure resource ID of the destination')).toHaveValue(pasted);
    expect(screen.queryByTestId('destination-chosen')).toBeNull();
    // Choosing from the list replaces it with the id Azure listed.
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: /contoso-messaging/ }));
    await user.click(screen.getByRole('radio', { name: 'identity-events' }));
    expect(screen.getByLabelText('Azure resource ID of the destination')).toHaveValue(DESTINATIONS.servicebustopic[0]!.children[0]!.id);
  });

  it('says when the list could not be loaded, keeps the paste fields open, and loads again on request', async () => {
    const { wizard } = await signedInWizard({ destinations: 'fail' });
    render(DestinationPicker, { wizard, kind: 'azurefunction' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The function apps could not be loaded.');
    expect(alert).toHaveTextContent('Ask an Owner of the subscription for the Reader role');
    expect(screen.getByTestId('destination-paste')).toHaveAttribute('open');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load them again' }));
    expect(await screen.findByRole('radiogroup', { name: 'Function apps' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
