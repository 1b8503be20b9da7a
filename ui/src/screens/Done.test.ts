import { cleanup, render, screen } from '@testing-library/svelte';
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

  describe('in cloud mode, the test event stage by stage', () => {
    async function cloudWizard(scenario: Parameters<typeof signedInWizard>[0] = {}) {
      const made = await signedInWizard({ done: [...all], ...scenario });
      made.wizard.mode = 'cloud';
      made.backend.session = { ...made.backend.session!, mode: 'cloud' };
      return made;
    }

    it('says in plain words what the test does, then shows each stage done', async () => {
      const { wizard } = await cloudWizard();
      render(Done, { wizard });
      expect(screen.getByText(/a sign-in attempt with a wrong password for the app itself/)).toBeInTheDocument();
      expect(screen.getByText(/no user is affected/)).toBeInTheDocument();
      await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="delivered"]')?.getAttribute('data-state')).toBe('done');
      expect(stages.querySelector('[data-stage="recorded"]')).toHaveTextContent('Auth0 recorded it: Done after 2 s');
      expect(stages.querySelector('[data-stage="recorded"]')).toHaveTextContent('feccft');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Event Grid received it: Done after 95 s');
      expect(stages.querySelector('[data-stage="delivered"]')).toHaveTextContent('Delivered to your destination: Done after 97 s');
      expect(screen.queryByTestId('test-event')).toBeNull();
    });

    it('sends the wizard inputs, so a stream without failed exchanges shows Event Grid as not expected', async () => {
      const { wizard } = await cloudWizard();
      wizard.inputs.event_categories = ['auth.login.success'];
      render(Done, { wizard });
      await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state')).toBe('filtered');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('does not send failed exchanges');
      expect(stages.querySelector('[data-stage="delivered"]')).toHaveTextContent('Not expected here');
    });

    it('explains a stage not seen within its limit', async () => {
      const { wizard } = await cloudWizard({ testEventUnseen: true });
      render(Done, { wizard });
      await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state')).toBe('not_seen');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Not seen within 10 min');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Azure may still show it later');
    });

    it('says what an entry Auth0\'s search did not show can mean, and that Event Grid receiving it proves it was logged', async () => {
      const { wizard } = await cloudWizard({ testEventUnrecorded: true, testEventUnseen: true });
      render(Done, { wizard });
      const user = userEvent.setup();
      await user.click(screen.getByRole('button', { name: 'Send a test event' }));
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state')).toBe('not_seen');
      const recorded = stages.querySelector('[data-stage="recorded"]');
      expect(recorded).toHaveAttribute('data-state', 'not_seen');
      expect(recorded).toHaveTextContent('Not seen within 2 min');
      expect(recorded).toHaveTextContent('does not mean Auth0 did not log it');
      expect(recorded).toHaveTextContent('its log search lags behind the log');
      expect(recorded).toHaveTextContent("your tenant's plan (log retention)");

      cleanup();
      const received = await cloudWizard({ testEventUnrecorded: true });
      render(Done, { wizard: received.wizard });
      await user.click(screen.getByRole('button', { name: 'Send a test event' }));
      const again = await screen.findByTestId('test-stages');
      await expect.poll(() => again.querySelector('[data-stage="published"]')?.getAttribute('data-state')).toBe('done');
      expect(again.querySelector('[data-stage="recorded"]')).toHaveTextContent('Event Grid received it, so Auth0 did log it');
    });

    it('shows waiting stages with their limit and stops watching on request', async () => {
      const { wizard } = await cloudWizard({ testEventHold: true });
      render(Done, { wizard });
      const user = userEvent.setup();
      await user.click(screen.getByRole('button', { name: 'Send a test event' }));
      const stages = await screen.findByTestId('test-stages');
      await expect.poll(() => stages.querySelector('[data-stage="published"]')?.getAttribute('data-state')).toBe('waiting');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('gives up after 10 min');
      expect(stages.querySelector('[data-stage="published"]')).toHaveTextContent('Azure usually shows it within a few minutes');
      await user.click(screen.getByRole('button', { name: 'Stop watching' }));
      expect(await screen.findByTestId('test-stopped')).toHaveTextContent('Stopped watching');
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Stop watching' })).toBeNull();
    });

    it('refuses before the four steps are done, saying so', async () => {
      const { wizard } = await cloudWizard({ done: [] });
      render(Done, { wizard });
      await userEvent.setup().click(screen.getByRole('button', { name: 'Send a test event' }));
      await expect.poll(() => wizard.error?.message).toContain('needs all four steps done');
    });
  });
});
