import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Done from './Done.svelte';
import { signedInWizard } from '../../tests/component-wizard';
import { THREE_SETUPS_ONE_RED, type CheckStates } from '../../tests/setups-fixture';

const all = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'] as const;
const onHome = vi.fn();

describe('Done', () => {
  it('lists what exists now, each resource once, with its term explained', async () => {
    const { wizard, setups } = await signedInWizard({ done: [...all] });
    render(Done, { wizard, setups, onHome });
    const items = [...screen.getByTestId('summary').querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toEqual([
      'Auth0 log stream “Azure Event Grid” (lst_0000000000001)',
      'Azure partner topic auth0-logs-1, in resource group auth0-events',
      'Event subscription “auth0-logs”, delivering to your web address',
    ]);
    const text = document.body.textContent ?? '';
    expect(text.split('lst_0000000000001')).toHaveLength(2);
    expect(text.split('auth0-logs-1')).toHaveLength(2);
    for (const term of ['Log stream', 'Partner topic', 'Event subscription']) {
      expect(screen.getByText(term, { selector: 'summary .name' }).closest('details')).toHaveTextContent('What’s this?');
    }
  });

  it('runs the test event by itself on arrival and says when the first event arrived', async () => {
    const { wizard, setups, backend } = await signedInWizard({ done: [...all] });
    render(Done, { wizard, setups, onHome });
    const first = screen.getByTestId('first-event');
    expect(first).toHaveTextContent('Waiting for the first event…');
    await expect.poll(() => first.textContent, { timeout: 5_000 }).toMatch(/^\s*The first event arrived on \w+ \d+, \d{4}, \d\d:\d\d \(.*\d\d:\d\d UTC\)\.\s*$/);
    expect(screen.getByTestId('test-event')).toHaveTextContent('the test event (com.auth0.Log) is at the receiver, which now holds 1 event(s)');
    expect(backend.inbox).toBe(1);
    // Once per arrival: shown again (Settings over it, and back), it does not send another.
    cleanup();
    render(Done, { wizard, setups, onHome });
    expect(screen.getByTestId('first-event')).toHaveTextContent('The first event arrived on');
    expect(backend.inbox).toBe(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Send another test event' }));
    await expect.poll(() => backend.inbox, { timeout: 5_000 }).toBe(2);
  });

  it('says plainly when nothing arrived, and Retry sends again', async () => {
    const { wizard, setups, backend } = await signedInWizard({ done: [...all] });
    backend.done.delete('subscribe');
    wizard.report = { ...wizard.report!, complete: true };
    render(Done, { wizard, setups, onHome });
    const first = screen.getByTestId('first-event');
    await expect.poll(() => first.textContent, { timeout: 5_000 }).toContain('it has not arrived');
    backend.done.add('subscribe');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry the test event' }));
    await expect.poll(() => first.textContent, { timeout: 5_000 }).toContain('The first event arrived on');
  });

  it('does not take events already at the receiver for the test event', async () => {
    const { wizard, setups, backend } = await signedInWizard({ done: [...all], inboxHolds: 3 });
    backend.done.delete('subscribe');
    wizard.report = { ...wizard.report!, complete: true };
    render(Done, { wizard, setups, onHome });
    const first = screen.getByTestId('first-event');
    await expect.poll(() => first.textContent, { timeout: 5_000 }).toContain('it has not arrived');
    expect(wizard.testEvent?.received).toBe(3);
    expect(screen.queryByTestId('test-event')).toBeNull();
    expect(wizard.firstArrivalAt).toBeNull();
  });

  describe('titled from what the checks of the saved setup found', () => {
    /** The four steps run through the wizard (so the setup is saved, as Rust does), then `states` in its clouds. */
    async function finished(states: CheckStates = {}) {
      const made = await signedInWizard();
      await made.wizard.run('subscribe');
      expect(made.backend.setups.map((s) => s.name)).toEqual(['Azure Event Grid']);
      made.backend.breakSetup(made.backend.setups[0]!.id, states);
      return made;
    }

    const cases: [string, CheckStates, string][] = [
      ['green', {}, 'Done: your Auth0 logs flow to Azure'],
      ['amber', { partner_authorization: 'amber' }, 'Done, but something needs attention'],
      ['red', { log_stream: 'red' }, 'Set up, but it is not working yet'],
      ['unknown', { delivery: 'unknown' }, 'Set up, but it could not be checked'],
    ];
    for (const [overall, states, title] of cases) {
      it(`${overall}: "${title}"`, async () => {
        const { wizard, backend, setups } = await finished(states);
        render(Done, { wizard, setups, onHome });
        expect(await screen.findByRole('heading', { level: 1, name: title })).toBeInTheDocument();
        expect(backend.checkRequests).toEqual([{ id: backend.setups[0]!.id, testEvent: false }]);
        expect(screen.getByTestId('done-health')).toHaveAttribute('data-verdict', overall);
        for (const [check, state] of Object.entries(states)) {
          expect(screen.getByTestId(`check-${check}`)).toHaveAttribute('data-state', state);
        }
      });
    }

    it('says so, and checks nothing, when no saved setup is the wizard\'s', async () => {
      const { wizard, backend, setups } = await signedInWizard({ done: [...all] });
      render(Done, { wizard, setups, onHome });
      expect(await screen.findByRole('heading', { level: 1, name: 'Done: every step is in place' })).toBeInTheDocument();
      expect(screen.getByText(/It is not among your saved setups/)).toBeInTheDocument();
      expect(backend.checkRequests).toEqual([]);
    });

    it('finds the wizard\'s setup among others by its tenant, stream, subscription and resource group', async () => {
      const made = await signedInWizard({ setups: THREE_SETUPS_ONE_RED });
      await made.wizard.run('subscribe');
      const mine = made.backend.setups.find((s) => s.name === 'Azure Event Grid')!;
      render(Done, { wizard: made.wizard, setups: made.setups, onHome });
      expect(await screen.findByRole('heading', { level: 1, name: 'Done: your Auth0 logs flow to Azure' })).toBeInTheDocument();
      expect(made.backend.checkRequests).toEqual([{ id: mine.id, testEvent: false }]);
    });

    it('checks again on request, and leads to the home', async () => {
      const { wizard, backend, setups } = await finished({ log_stream: 'red' });
      const goHome = vi.fn();
      render(Done, { wizard, setups, onHome: goHome });
      const user = userEvent.setup();
      await screen.findByRole('heading', { level: 1, name: 'Set up, but it is not working yet' });
      backend.breakSetup(backend.setups[0]!.id, { log_stream: 'green' });
      await user.click(screen.getByRole('button', { name: 'Check again' }));
      expect(await screen.findByRole('heading', { level: 1, name: 'Done: your Auth0 logs flow to Azure' })).toBeInTheDocument();
      expect(backend.checkRequests).toHaveLength(2);
      await user.click(screen.getByTestId('go-home'));
      expect(goHome).toHaveBeenCalledOnce();
    });

    it('checks once per visit: shown again (Settings over it, and back), it keeps what was found', async () => {
      const { wizard, backend, setups } = await finished({ partner_topic: 'amber' });
      const first = render(Done, { wizard, setups, onHome });
      await screen.findByRole('heading', { level: 1, name: 'Done, but something needs attention' });
      first.unmount();
      render(Done, { wizard, setups, onHome });
      expect(screen.getByRole('heading', { level: 1, name: 'Done, but something needs attention' })).toBeInTheDocument();
      expect(backend.checkRequests).toHaveLength(1);
    });

    it('shows why when the check could not run', async () => {
      const made = await signedInWizard({ checkFailsOnce: true });
      await made.wizard.run('subscribe');
      render(Done, { wizard: made.wizard, setups: made.setups, onHome });
      expect(await screen.findByRole('heading', { level: 1, name: 'Set up, but it could not be checked' })).toBeInTheDocument();
      expect(screen.getByTestId('done-check-error')).toHaveTextContent('connection refused');
    });
  });

  it('in cloud mode opens the event subscription in Azure and the Auth0 Dashboard in the system browser', async () => {
    const { wizard, backend, setups } = await signedInWizard({ done: [...all] });
    wizard.mode = 'cloud';
    render(Done, { wizard, setups, onHome });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Open in Azure' }));
    await user.click(screen.getByRole('button', { name: 'Auth0 Dashboard' }));
    expect(backend.opened).toEqual(['azure_event_subscription', 'auth0_dashboard']);
    expect(backend.openedTargets[0]).toEqual({
      kind: 'azure_event_subscription',
      subscription_id: wizard.inputs.subscription_id,
      resource_group: 'auth0-events',
      partner_topic: 'auth0-logs-1',
      name: 'auth0-logs',
    });
    expect(screen.getByTestId('what-next')).toHaveTextContent('Monitoring > Streams');
  });

  it('leads to the saved setup\'s page for its export', async () => {
    const made = await signedInWizard();
    await made.wizard.run('subscribe');
    const onOpenSetup = vi.fn();
    render(Done, { wizard: made.wizard, setups: made.setups, onHome, onOpenSetup });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Export this setup' }));
    expect(onOpenSetup).toHaveBeenCalledWith(made.backend.setups[0]!.id);
  });

  it('offers Close last among what next, and Close asks Rust to close the window', async () => {
    const { wizard, backend, setups } = await signedInWizard({ done: [...all] });
    wizard.mode = 'cloud';
    render(Done, { wizard, setups, onHome });
    const next = [...screen.getByTestId('what-next').querySelectorAll('li')];
    expect(next.at(-1)).toHaveTextContent('Close the app');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Close' }));
    expect(backend.windowClosed).toBe(1);
    expect(backend.calls.filter((c) => c === 'close_window')).toHaveLength(1);
    expect(onHome).not.toHaveBeenCalled();
  });

  describe('in cloud mode, the test event stage by stage', () => {
    async function cloudWizard(scenario: Parameters<typeof signedInWizard>[0] = {}) {
      const made = await signedInWizard({ done: [...all], ...scenario });
      made.wizard.mode = 'cloud';
      made.backend.session = { ...made.backend.session!, mode: 'cloud' };
      return made;
    }

    it('says in plain words what the test does, then shows each stage done', async () => {
      const { wizard, setups } = await cloudWizard();
      render(Done, { wizard, setups, onHome });
      expect(screen.getByText(/a sign-in attempt with a wrong password for the app itself/)).toBeInTheDocument();
      expect(screen.getByText(/no user is affected/)).toBeInTheDocument();
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="delivered"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('done');
      expect(stages.querySelector('[data-stage="recorded"]')).toHaveTextContent('Auth0 recorded it: Done after 2 s');
      expect(stages.querySelector('[data-stage="recorded"]')).toHaveTextContent('feccft');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Event Grid received it: Done after 95 s');
      expect(stages.querySelector('[data-stage="delivered"]')).toHaveTextContent('Delivered to your destination: Done after 97 s');
      expect(screen.queryByTestId('test-event')).toBeNull();
      // Delivered 97 s after the attempt: that is when the first event arrived.
      expect(screen.getByTestId('first-event')).toHaveTextContent('The first event arrived on');
    });

    it('sends the wizard inputs, so a stream without failed exchanges shows Event Grid as not expected', async () => {
      const { wizard, setups } = await cloudWizard();
      wizard.inputs.event_categories = ['auth.login.success'];
      render(Done, { wizard, setups, onHome });
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('filtered');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('does not send failed exchanges');
      expect(stages.querySelector('[data-stage="delivered"]')).toHaveTextContent('Not expected here');
    });

    it('explains a stage not seen within its limit', async () => {
      const { wizard, setups } = await cloudWizard({ testEventUnseen: true });
      render(Done, { wizard, setups, onHome });
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('not_seen');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Not seen within 10 min');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Azure may still show it later');
    });

    it('says what an entry Auth0\'s search did not show can mean, and that Event Grid receiving it proves it was logged', async () => {
      const { wizard, setups } = await cloudWizard({ testEventUnrecorded: true, testEventUnseen: true });
      render(Done, { wizard, setups, onHome });
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('not_seen');
      expect(screen.getByTestId('first-event')).toHaveTextContent('has not arrived within the wait');
      expect(screen.getByRole('button', { name: 'Retry the test event' })).toBeEnabled();
      const recorded = stages.querySelector('[data-stage="recorded"]');
      expect(recorded).toHaveAttribute('data-state', 'not_seen');
      expect(recorded).toHaveTextContent('Not seen within 2 min');
      expect(recorded).toHaveTextContent('does not mean Auth0 did not log it');
      expect(recorded).toHaveTextContent('its log search lags behind the log');
      expect(recorded).toHaveTextContent("your tenant's plan (log retention)");

      cleanup();
      const received = await cloudWizard({ testEventUnrecorded: true });
      render(Done, { wizard: received.wizard, setups: received.setups, onHome });
      const again = await screen.findByTestId('test-stages');
      await expect.poll(() => again.querySelector('[data-stage="published"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('done');
      expect(again.querySelector('[data-stage="recorded"]')).toHaveTextContent('Event Grid received it, so Auth0 did log it');
    });

    it('shows waiting stages with their limit and stops watching on request', async () => {
      const { wizard, setups } = await cloudWizard({ testEventHold: true });
      render(Done, { wizard, setups, onHome });
      const user = userEvent.setup();
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state'), { timeout: 5_000 }).toBe('waiting');
      expect(screen.getByTestId('first-event')).toHaveTextContent('Waiting for the first event…');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('gives up after 10 min');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Azure usually shows it within a few minutes');
      await user.click(screen.getByRole('button', { name: 'Stop watching' }));
      expect(await screen.findByTestId('test-stopped')).toHaveTextContent('Stopped watching');
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Stop watching' })).toBeNull();
    });

    it('refuses before the four steps are done, saying so', async () => {
      const { wizard, setups } = await cloudWizard({ done: [] });
      render(Done, { wizard, setups, onHome });
      await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
      await expect.poll(() => wizard.error?.message, { timeout: 5_000 }).toContain('needs all four steps done');
    });
  });
});
