import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Activate from './Activate.svelte';
import { signedInWizard } from '../../tests/component-wizard';

describe('Activate', () => {
  it('shows the partner topic the stream reports, its source to confirm, and its expiry', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    render(Activate, { wizard });
    expect(screen.getByTestId('topic-summary')).toHaveTextContent(/the one the stream reports.*source "auth0\.com\/acme-.*check that they are your Auth0 tenant's/);
    expect(screen.getByText('auth0-logs-1')).toBeInTheDocument();
    expect(screen.getByText(/must be activated before January 8, 2031/)).toBeInTheDocument();
  });

  it('activates with one button and moves on', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    render(Activate, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Activate' }));
    await expect.poll(() => wizard.screen).toBe('subscribe');
  });
});
