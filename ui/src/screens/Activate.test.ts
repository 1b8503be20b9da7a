import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Activate from './Activate.svelte';
import { signedInWizard } from '../../tests/component-wizard';

/** The confirmation's rows, as "label: value". */
function facts(): string[] {
  const list = screen.getByTestId('topic-facts');
  const terms = within(list).getAllByRole('term');
  const values = within(list).getAllByRole('definition');
  return terms.map((term, i) => `${term.textContent}: ${values[i]?.textContent}`);
}

describe('Activate', () => {
  it('shows what Azure reports of the topic and the stream it is for, and one date with UTC beside it', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    render(Activate, { wizard });
    const rows = facts();
    expect(rows.slice(0, 6)).toEqual([
      'Connection (partner topic): auth0-logs-1',
      'Auth0 stream: Azure Event Grid (lst_0000000000001)',
      'Comes from: auth0.com/acme-2f1c/auth0.logs',
      "Description: Auth0 log stream 'auth0-to-eventgrid' of tenant acme",
      'Message from Auth0: Activate this partner topic to start receiving Auth0 log events.',
      'State: Not switched on yet',
    ]);
    expect(rows[6]).toMatch(/^Switch it on before: January [78], 2031, \d\d:\d\d \((January 8, 2031, )?10:00 UTC\)$/);
    // One date on the screen: the engine's sentence (with its RFC 3339 date) is not shown beside the facts.
    expect(screen.queryByTestId('topic-summary')).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain('2031-01-08T10:00:00Z');
  });

  it('explains "partner topic" where it appears', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    render(Activate, { wizard });
    const term = screen.getByText('Partner topic').closest('details')!;
    expect(term).toHaveTextContent('What’s this?');
    expect(term).toHaveTextContent(/the inbox Auth0 creates in your Azure resource group/);
  });

  it('activates with one button and moves on', async () => {
    const { wizard } = await signedInWizard({ done: ['prepare_azure', 'create_stream'] });
    render(Activate, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Activate' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('subscribe');
  });
});
