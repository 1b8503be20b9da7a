import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Done from './Done.svelte';
import { signedInWizard } from '../../tests/component-wizard';

const all = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'] as const;

describe('Done', () => {
  it('summarises what exists now', async () => {
    const { wizard } = await signedInWizard({ done: [...all] });
    render(Done, { wizard });
    const summary = screen.getByTestId('summary');
    expect(summary).toHaveTextContent('Auth0 log stream lst_0000000000001');
    expect(summary).toHaveTextContent('Azure partner topic auth0-logs-1');
    expect(screen.getByText(/Auth0 Dashboard: Monitoring > Streams/)).toBeInTheDocument();
  });

  it('sends a test event and shows it arriving', async () => {
    const { wizard } = await signedInWizard({ done: [...all] });
    render(Done, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
    await expect.poll(() => screen.getByTestId('test-event').textContent).toContain('the receiver now holds 1 event(s); the newest is com.auth0.log');
  });

  it('checks every step again on request', async () => {
    const { wizard, backend } = await signedInWizard({ done: [...all] });
    render(Done, { wizard });
    const before = backend.calls.filter((c) => c === 'detect').length;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check every step again' }));
    expect(await screen.findByText('Every step was checked again.')).toBeInTheDocument();
    expect(backend.calls.filter((c) => c === 'detect').length).toBe(before + 1);
  });

  it('in cloud mode opens the Auth0 Dashboard and the Azure Portal in the system browser', async () => {
    const { wizard, backend } = await signedInWizard({ done: [...all] });
    wizard.mode = 'cloud';
    render(Done, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Auth0 Dashboard' }));
    await user.click(screen.getByRole('button', { name: 'Azure Portal' }));
    expect(backend.opened).toEqual(['auth0_dashboard', 'azure_portal']);
    expect(screen.getByTestId('portal-links')).toHaveTextContent('Monitoring > Streams');
  });
});
