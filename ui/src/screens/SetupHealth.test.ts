import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import SetupHealth from './SetupHealth.svelte';
import { setupsWith } from '../../tests/component-wizard';
import type { Scenario } from '../../tests/fake-backend';
import { ONE_SETUP, THREE_SETUPS_ONE_RED } from '../../tests/setups-fixture';
import { clockTime } from '../lib/time';

async function page(scenario: Scenario, id: number) {
  const made = await setupsWith(scenario);
  const onBack = vi.fn();
  render(SetupHealth, { setups: made.setups, id, onBack });
  return { ...made, onBack, user: userEvent.setup() };
}

const check = (id: string) => screen.getByTestId(`check-${id}`);

describe("A setup's page", () => {
  it('shows each check with its state in words, its sentence, when it was read and since when', async () => {
    const { backend } = await page({ setups: THREE_SETUPS_ONE_RED }, 2);
    expect(screen.getByRole('heading', { level: 1, name: 'Staging' })).toBeInTheDocument();
    expect(screen.getByTestId('setup-health')).toHaveAttribute('data-state', 'red');
    const checks = screen.getByRole('region', { name: 'The checks' });
    expect(within(checks).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'Auth0 sign-in',
      'The log stream',
      'Event Grid in the subscription',
      "Auth0's partner authorization",
      'The partner topic',
      'The event subscription',
      'Delivery',
    ]);
    expect(check('log_stream')).toHaveAttribute('data-state', 'red');
    expect(check('log_stream')).toHaveTextContent('Not working');
    expect(check('log_stream')).toHaveTextContent('Auth0 suspended the stream "Azure Event Grid" after repeated delivery failures.');
    const setup = backend.setups.find((s) => s.id === 2)!;
    const since = setup.since.find((s) => s.id === 'log_stream')!.since;
    expect(check('log_stream')).toHaveTextContent(`failing since ${clockTime(since)}`);
    expect(check('log_stream')).toHaveTextContent(`read at ${clockTime(setup.lastReport!.checked_at)}`);
    expect(check('provider')).toHaveTextContent('Working');
    expect(check('provider')).toHaveTextContent('working since');
    expect(within(check('provider')).queryByRole('button')).toBeNull();
    expect(screen.getByRole('table')).toHaveTextContent('Failed');
  });

  it("opens a check's link through Rust, by the setup and the check", async () => {
    const { backend, user } = await page({ setups: THREE_SETUPS_ONE_RED }, 2);
    await user.click(within(check('log_stream')).getByRole('button', { name: "The stream's Health tab in the Auth0 Dashboard" }));
    expect(backend.opened).toEqual(['setup_check:2:log_stream']);
  });

  it('says what a fix will do (and what to check first) before doing it, then shows the result', async () => {
    const { backend, user } = await page({ setups: THREE_SETUPS_ONE_RED }, 2);
    const fix = screen.getByTestId('fix-resume_stream');
    expect(fix).toHaveTextContent('Resume the stream');
    await user.click(fix);
    const dialog = screen.getByRole('dialog', { name: 'Resume the stream: what it will do' });
    expect(dialog).toHaveTextContent('Check first: That the destination accepts events again');
    expect(within(dialog).getByTestId('fix-actions')).toHaveTextContent('Set the log stream "Azure Event Grid" to active');
    expect(backend.fixRequests).toEqual([]);
    expect(document.activeElement).toBe(screen.getByTestId('confirm-fix'));

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(fix);
    expect(backend.fixRequests).toEqual([]);

    await user.click(fix);
    await user.click(screen.getByTestId('confirm-fix'));
    await expect.poll(() => check('log_stream').dataset.state, { timeout: 5_000 }).toBe('green');
    expect(backend.fixRequests).toEqual([{ id: 2, fix: 'resume_stream' }]);
    expect(screen.getByTestId('setup-status')).toHaveTextContent('Done. The log stream is now: Working.');
    expect(screen.getByTestId('setup-status')).toHaveAttribute('aria-live', 'polite');
    // Only what the fix touched changed: delivery is still failing.
    expect(check('delivery')).toHaveAttribute('data-state', 'red');
    expect(screen.queryByTestId('fix-resume_stream')).toBeNull();
  });

  it('Escape closes the fix dialog without doing anything', async () => {
    const { backend, user } = await page({ setups: THREE_SETUPS_ONE_RED }, 3);
    await user.click(screen.getByTestId('fix-renew_authorization'));
    expect(screen.getByRole('dialog')).toHaveTextContent('Authorize Auth0 in the resource group auth0-events for 7 more days');
    // Tab stays in the dialog: Do it, Cancel, Do it again.
    expect(document.activeElement).toBe(screen.getByTestId('confirm-fix'));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('confirm-fix'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.fixRequests).toEqual([]);
  });

  it('checks now, and sends a test event as part of the checks', async () => {
    const { backend, user } = await page({ setups: ONE_SETUP }, 1);
    backend.breakSetup(1, { event_subscription: 'amber' });
    await user.click(screen.getByTestId('check-now'));
    await expect.poll(() => check('event_subscription').dataset.state, { timeout: 5_000 }).toBe('amber');
    expect(screen.getByTestId('setup-status')).toHaveTextContent(/^Checked at \d\d:\d\d: Needs attention\.$/);
    expect(screen.queryByTestId('check-test_event')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Send a test event' }));
    await expect.poll(() => screen.queryByTestId('check-test_event')?.dataset.state, { timeout: 5_000 }).toBe('green');
    expect(backend.checkRequests).toEqual([
      { id: 1, testEvent: false },
      { id: 1, testEvent: true },
    ]);
  });

  it('says why when a check could not run', async () => {
    const { user } = await page({ setups: ONE_SETUP, checkFailsOnce: true }, 1);
    await user.click(screen.getByTestId('check-now'));
    expect(await screen.findByTestId('setup-error')).toHaveTextContent('The check could not run');
    expect(screen.getByTestId('setup-error')).toHaveTextContent('connection refused');
  });

  it('renames in place, showing a refused name on the field', async () => {
    const { backend, user } = await page({ setups: THREE_SETUPS_ONE_RED }, 2);
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const field = screen.getByLabelText('Name of this setup');
    expect(field).toHaveValue('Staging');
    expect(document.activeElement).toBe(field);
    await user.clear(field);
    await user.type(field, 'Production');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a setup named "Production" already exists');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/already exists/);
    await user.clear(field);
    await user.type(field, 'Stage (EU){Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Stage (EU)' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Name of this setup')).toBeNull();
    expect(screen.getByTestId('setup-status')).toHaveTextContent('Renamed to Stage (EU).');
    expect(backend.setups.find((s) => s.id === 2)!.name).toBe('Stage (EU)');
  });

  it('forgets a setup after saying nothing in Auth0 or Azure is deleted, then goes back', async () => {
    const { backend, user, onBack } = await page({ setups: THREE_SETUPS_ONE_RED }, 3);
    await user.click(screen.getByRole('button', { name: 'Forget this setup' }));
    const dialog = screen.getByRole('dialog', { name: 'Forget Development?' });
    expect(dialog).toHaveTextContent('Nothing in Auth0 or Azure is deleted');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.setups).toHaveLength(3);
    await user.click(screen.getByRole('button', { name: 'Forget this setup' }));
    await user.click(screen.getByTestId('confirm-forget'));
    await expect.poll(() => onBack.mock.calls.length, { timeout: 5_000 }).toBe(1);
    expect(backend.setups.map((s) => s.name)).toEqual(['Production', 'Staging']);
  });

  it('goes back to the home when a scheduled round no longer has the setup (forgotten elsewhere)', async () => {
    const { backend, setups, onBack } = await page({ setups: THREE_SETUPS_ONE_RED }, 3);
    const stop = await setups.listen();
    backend.setups = backend.setups.filter((s) => s.id !== 3);
    await backend.scheduledRound();
    await expect.poll(() => onBack.mock.calls.length, { timeout: 5_000 }).toBe(1);
    stop();
  });

  it('says a setup never checked has no report yet, and goes back to the home', async () => {
    const { user, onBack } = await page({ setups: [{ id: 7, name: 'New one', states: null }] }, 7);
    expect(screen.getByText('This setup has not been checked yet. Press Check now.')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { level: 2, name: 'The checks' })).toBeNull();
    await user.click(screen.getByTestId('go-home'));
    expect(onBack).toHaveBeenCalledOnce();
  });
});
