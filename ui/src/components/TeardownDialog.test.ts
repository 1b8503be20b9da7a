import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import SetupHealth from '../screens/SetupHealth.svelte';
import { setupsWith } from '../../tests/component-wizard';
import type { Scenario } from '../../tests/fake-backend';
import { ONE_SETUP } from '../../tests/setups-fixture';

async function page(scenario: Scenario) {
  const made = await setupsWith(scenario);
  const onBack = vi.fn();
  render(SetupHealth, { setups: made.setups, id: 1, onBack });
  return { ...made, onBack, user: userEvent.setup() };
}

async function openDialog(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByTestId('remove-setup'));
  const dialog = screen.getByRole('dialog', { name: 'Remove Production?' });
  await expect.poll(() => dialog.dataset.stage, { timeout: 5_000 }).toBe('confirming');
  return dialog;
}

describe('Removing a setup', () => {
  it('lists what will be deleted, in order, and what stays with why, before anything is deleted', async () => {
    const { backend, user } = await page({ setups: ONE_SETUP });
    const dialog = await openDialog(user);
    const remove = within(dialog).getByTestId('teardown-remove');
    expect([...remove.querySelectorAll('li')].map((li) => li.dataset.kind)).toEqual([
      'event_subscription',
      'log_stream',
      'partner_topic',
      'partner_authorization',
    ]);
    expect(remove).toHaveTextContent('Auth0 log stream Production');
    expect(within(dialog).getByTestId('teardown-keep')).toHaveTextContent('The setup did not create it.');
    expect(dialog).toHaveTextContent('This cannot be undone.');
    expect(within(dialog).getByTestId('teardown-confirm')).toHaveTextContent('Delete 4 items');
    // The safe choice has the focus: Enter does not delete.
    expect(document.activeElement).toBe(within(dialog).getByTestId('teardown-cancel'));
    expect(backend.teardowns).toEqual([]);
  });

  it('cancelled, deletes nothing and gives focus back', async () => {
    const { backend, user, onBack } = await page({ setups: ONE_SETUP });
    await openDialog(user);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('remove-setup'));
    await openDialog(user);
    await user.click(screen.getByTestId('teardown-cancel'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.teardowns).toEqual([]);
    expect(backend.setups).toHaveLength(1);
    expect(onBack).not.toHaveBeenCalled();
  });

  it('confirmed, deletes exactly the plan shown, shows the result, then goes home', async () => {
    const { backend, user, onBack } = await page({ setups: ONE_SETUP });
    const dialog = await openDialog(user);
    await user.click(within(dialog).getByTestId('teardown-confirm'));
    await expect.poll(() => screen.getByTestId('teardown-dialog').dataset.stage, { timeout: 5_000 }).toBe('finished');
    const finished = screen.getByRole('dialog', { name: 'Removed' });
    expect(within(finished).getByTestId('teardown-removed').querySelectorAll('li')).toHaveLength(4);
    expect(within(finished).getByTestId('teardown-kept')).toHaveTextContent('The setup did not create it.');
    expect(backend.teardowns).toHaveLength(1);
    expect(backend.teardowns[0]!.plan.remove.map((item) => item.kind)).toEqual([
      'event_subscription',
      'log_stream',
      'partner_topic',
      'partner_authorization',
    ]);
    expect(document.activeElement).toBe(within(finished).getByTestId('teardown-finish'));
    await user.click(within(finished).getByTestId('teardown-finish'));
    expect(onBack).toHaveBeenCalled();
  });

  it('a failed plan or removal says why and offers Retry', async () => {
    const { backend, user } = await page({ setups: ONE_SETUP, teardownPlanFailsOnce: true, teardownFailsOnce: true });
    await user.click(screen.getByTestId('remove-setup'));
    const dialog = screen.getByTestId('teardown-dialog');
    await expect.poll(() => dialog.dataset.stage, { timeout: 5_000 }).toBe('plan_failed');
    expect(within(dialog).getByTestId('teardown-error')).toHaveTextContent('Azure did not answer while the partner topic was read.');
    await user.click(within(dialog).getByTestId('teardown-retry'));
    await expect.poll(() => dialog.dataset.stage, { timeout: 5_000 }).toBe('confirming');
    await user.click(within(dialog).getByTestId('teardown-confirm'));
    await expect.poll(() => dialog.dataset.stage, { timeout: 5_000 }).toBe('failed');
    expect(within(dialog).getByTestId('teardown-error')).toHaveTextContent('The removal stopped');
    expect(within(dialog).getByTestId('teardown-remove')).toBeInTheDocument();
    await user.click(within(dialog).getByTestId('teardown-retry'));
    await expect.poll(() => dialog.dataset.stage, { timeout: 5_000 }).toBe('finished');
    expect(backend.teardowns).toHaveLength(2);
  });
});
