import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Home from './Home.svelte';
import { setupsWith } from '../../tests/component-wizard';
import type { Scenario } from '../../tests/fake-backend';
import { ONE_SETUP, THREE_SETUPS_ONE_RED } from '../../tests/setups-fixture';

async function home(scenario: Scenario) {
  const made = await setupsWith(scenario);
  const onOpen = vi.fn();
  const onAdd = vi.fn();
  render(Home, { setups: made.setups, onOpen, onAdd });
  return { ...made, onOpen, onAdd, user: userEvent.setup() };
}

const card = (name: string) => screen.getAllByTestId('setup-card').find((c) => c.dataset.setupName === name)!;

describe('Home', () => {
  it('shows each setup with its tenant, subscription, state in words, when it was checked and its chart', async () => {
    await home({ setups: THREE_SETUPS_ONE_RED });
    expect(screen.getByRole('heading', { level: 1, name: 'Your setups' })).toBeInTheDocument();
    expect(screen.getAllByTestId('setup-card').map((c) => [c.dataset.setupName, c.dataset.state])).toEqual([
      ['Production', 'green'],
      ['Staging', 'red'],
      ['Development', 'amber'],
    ]);
    const staging = within(card('Staging'));
    expect(staging.getByRole('heading', { level: 2, name: 'Staging' })).toBeInTheDocument();
    expect(card('Staging')).toHaveTextContent('acme-staging.eu.auth0.com');
    expect(card('Staging')).toHaveTextContent('22222222-2222-3333-4444-555555555555');
    expect(card('Staging')).toHaveTextContent('Not working');
    expect(card('Production')).toHaveTextContent('Working');
    expect(card('Development')).toHaveTextContent('Needs attention');
    expect(card('Staging')).toHaveTextContent('checked 2 min ago');
    expect(card('Development')).toHaveTextContent('checked 14 min ago');
    const time = card('Staging').querySelector('time')!;
    expect(time.getAttribute('title')).toMatch(/2026|20\d\d/);
    expect(staging.getByTestId('delivery-chart')).toHaveTextContent(/Last 24 hours: \d+ delivered, \d+ failed\. Most failures/);
    expect(staging.getByRole('button', { name: 'Open Staging' })).toBeInTheDocument();
  });

  it('opens a setup and starts the wizard', async () => {
    const { user, onOpen, onAdd } = await home({ setups: THREE_SETUPS_ONE_RED });
    await user.click(within(card('Development')).getByTestId('open-setup'));
    expect(onOpen).toHaveBeenCalledWith(3);
    await user.click(screen.getByTestId('add-setup'));
    expect(onAdd).toHaveBeenCalledOnce();
  });

  it('checks all now, announcing the result, and lists the alerts it raised', async () => {
    const { user, backend } = await home({ setups: ONE_SETUP });
    expect(screen.getByTestId('health-alerts')).toHaveTextContent('No alerts since the app started.');
    backend.breakSetup(1, { log_stream: 'amber' });
    await user.click(screen.getByRole('button', { name: 'Check all now' }));
    await expect.poll(() => card('Production').dataset.state, { timeout: 5_000 }).toBe('amber');
    expect(screen.getByTestId('home-status')).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByTestId('home-status')).toHaveTextContent('Checked 1 setup: 0 working.');
    expect(card('Production')).toHaveTextContent('checked just now');

    backend.breakSetup(1, { delivery: 'red' });
    await user.click(screen.getByRole('button', { name: 'Check all now' }));
    await expect.poll(() => card('Production').dataset.state, { timeout: 5_000 }).toBe('red');
    const alerts = within(screen.getByTestId('health-alerts')).getAllByRole('listitem');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent(/^Production: Delivery stopped working at \d\d:\d\d$/);
  });

  it('says when checking all could not run', async () => {
    const { user } = await home({ setups: ONE_SETUP, checkFailsOnce: true });
    await user.click(screen.getByRole('button', { name: 'Check all now' }));
    expect(await screen.findByTestId('home-error')).toHaveTextContent('The setups could not be checked');
    expect(screen.getByTestId('home-error')).toHaveTextContent('connection refused');
  });

  it("shows the store's notice once, until dismissed", async () => {
    const { user, setups } = await home({ setups: ONE_SETUP, storeNotice: 'The store was damaged and moved aside to setups.db.damaged.' });
    expect(screen.getByTestId('store-notice')).toHaveTextContent('moved aside to setups.db.damaged');
    await setups.load();
    expect(screen.getByTestId('store-notice')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('store-notice')).toBeNull();
    await setups.load();
    expect(screen.queryByTestId('store-notice')).toBeNull();
  });

  it('follows the scheduled checks through setups-changed, alerts included', async () => {
    const { setups, backend } = await home({ setups: THREE_SETUPS_ONE_RED });
    const stop = await setups.listen();
    backend.breakSetup(1, { partner_topic: 'red' });
    await backend.scheduledRound();
    await expect.poll(() => card('Production').dataset.state, { timeout: 5_000 }).toBe('red');
    // Staging was red already: only what turned red raises an alert.
    await expect.poll(() => within(screen.getByTestId('health-alerts')).queryAllByRole('listitem').length, { timeout: 5_000 }).toBe(1);
    expect(screen.getByTestId('health-alerts')).toHaveTextContent('Production: The partner topic stopped working');
    stop();
    backend.breakSetup(1, { partner_topic: 'green' });
    await backend.scheduledRound();
    expect(card('Production').dataset.state).toBe('red');
  });
});
