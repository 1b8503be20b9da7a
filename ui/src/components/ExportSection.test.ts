import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import SetupHealth from '../screens/SetupHealth.svelte';
import { setupsWith } from '../../tests/component-wizard';
import { SAVE_FOLDER, type Scenario } from '../../tests/fake-backend';
import type { SetupSpec } from '../../tests/setups-fixture';

const WITH_KEY: SetupSpec[] = [{ id: 1, name: 'Production', webhookKey: true }];
const WITHOUT_KEY: SetupSpec[] = [{ id: 1, name: 'Production' }];

async function page(scenario: Scenario) {
  const made = await setupsWith(scenario);
  render(SetupHealth, { setups: made.setups, id: 1, onBack: vi.fn() });
  return { ...made, user: userEvent.setup() };
}

describe("A setup's export", () => {
  it('offers the three formats, each with what it is for, and warns only when a key is left out', async () => {
    await page({ setups: WITH_KEY });
    const section = screen.getByTestId('export-section');
    expect(within(section).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'Setup file (JSON)',
      'Terraform',
      'Shell script',
    ]);
    expect(screen.getByTestId('export-terraform')).toHaveTextContent('platform team');
    expect(within(screen.getByTestId('export-shell')).getByRole('group', { name: 'Shell script' })).toBeInTheDocument();
    expect(screen.getByTestId('export-key-left-out')).toHaveTextContent('The export leaves the key out');
  });

  it('has no key warning when the address has no key', async () => {
    await page({ setups: WITHOUT_KEY });
    expect(screen.queryByTestId('export-key-left-out')).toBeNull();
  });

  it('saves through the dialog Rust opens and says where', async () => {
    const { backend, user } = await page({ setups: WITHOUT_KEY });
    await user.click(screen.getByTestId('save-terraform'));
    await expect.poll(() => screen.getByTestId('export-status').textContent, { timeout: 5_000 }).toBe(`Saved to ${SAVE_FOLDER}/production.tf.`);
    expect(backend.exports).toEqual([{ id: 1, format: 'terraform', to: 'file' }]);
  });

  it('says nothing when the save dialog is closed', async () => {
    const { backend, user } = await page({ setups: WITHOUT_KEY, saveDialogClosed: true });
    await user.click(screen.getByTestId('save-json'));
    await expect.poll(() => screen.getByTestId('save-json'), { timeout: 5_000 }).toBeEnabled();
    expect(screen.getByTestId('export-status')).toHaveTextContent('');
    expect(screen.queryByTestId('export-error')).toBeNull();
    expect(backend.exports).toEqual([]);
  });

  it('copies through Rust, and shows why when it cannot', async () => {
    const { backend, user } = await page({ setups: WITHOUT_KEY });
    await user.click(screen.getByTestId('copy-shell'));
    await expect.poll(() => screen.getByTestId('export-status').textContent, { timeout: 5_000 }).toBe('Shell script copied to the clipboard.');
    expect(backend.clipboard).toContain('# Production, exported by');

    const failing = await page({ setups: WITHOUT_KEY, clipboardFails: true });
    await failing.user.click(screen.getAllByTestId('copy-json').at(-1)!);
    const problem = await screen.findByTestId('export-error');
    expect(problem).toHaveTextContent('The export did not finish');
    expect(problem).toHaveTextContent('Use “Save as…” instead.');
    expect(failing.backend.clipboard).toBeNull();
  });
});
