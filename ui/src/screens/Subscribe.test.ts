import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Subscribe from './Subscribe.svelte';
import { signedInWizard } from '../../tests/component-wizard';

const earlier = ['prepare_azure', 'create_stream', 'activate_topic'] as const;

describe('Subscribe', () => {
  it('offers the sandbox receiver first and explains each destination in one sentence', async () => {
    const { wizard } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    expect(screen.getByLabelText('Webhook address')).toHaveValue('http://127.0.0.1:40003/_sandbox/inbox/wizard');
    expect(screen.getByText(/sandbox receiver is filled in/)).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Destination' }).querySelectorAll('input[type=radio]')).toHaveLength(6);
  });

  it('sends all events unless "Only these log codes" is chosen, and then needs at least one code', async () => {
    const { wizard, backend } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    const user = userEvent.setup();
    expect(screen.getByLabelText('All events the stream sends')).toBeChecked();
    expect(screen.queryByLabelText('Log codes')).toBeNull();
    await user.click(screen.getByLabelText('Only these log codes'));
    await user.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Log codes: type at least one code');
    expect(document.activeElement).toBe(screen.getByLabelText('Log codes'));
    expect(backend.calls).not.toContain('run_step');
    await user.type(screen.getByLabelText('Log codes'), 's, f ,fp');
    expect(wizard.inputs.log_codes).toEqual(['s', 'f', 'fp']);
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByLabelText('All events the stream sends'));
    expect(wizard.inputs.log_codes).toEqual([]);
  });

  it('refuses a plain-http address on the internet before sending anything', async () => {
    const { wizard, backend } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    const user = userEvent.setup();
    const url = screen.getByLabelText('Webhook address');
    await user.clear(url);
    await user.type(url, 'http://hooks.example.com/auth0');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/must start with https:\/\//)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeDisabled();
    await user.clear(url);
    await user.type(url, 'https://hooks.example.com/auth0');
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeEnabled();
    expect(backend.calls).not.toContain('run_step');
  });

  it('offers an Event Hub by name, and subscribes once a hub is chosen', async () => {
    const { wizard } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText(/An Event Hub/));
    expect(screen.queryByLabelText('Webhook address')).toBeNull();
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeDisabled();
    await user.click(await screen.findByRole('radio', { name: /contoso-events/ }));
    await user.click(screen.getByRole('radio', { name: 'auth0-logs' }));
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeEnabled();
    expect(wizard.inputs.destination.resource_id).toMatch(/\/namespaces\/contoso-events\/eventhubs\/auth0-logs$/);
  });

  it('holds a storage queue until its queue is chosen', async () => {
    const { wizard } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText(/A storage queue/));
    await user.click(await screen.findByRole('radio', { name: /contosologs01/ }));
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeDisabled();
    await user.click(screen.getByRole('radio', { name: 'auth0-events' }));
    expect(screen.getByRole('button', { name: 'Subscribe' })).toBeEnabled();
  });

  it('subscribes and reaches Done', async () => {
    const { wizard } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Subscribe' }));
    await expect.poll(() => wizard.screen, { timeout: 5_000 }).toBe('done');
    expect(wizard.report?.complete).toBe(true);
  });
});

describe('Subscribe: Test endpoint', () => {
  it('reports what the endpoint answered to the handshake, and the error when it does not answer', async () => {
    const { wizard } = await signedInWizard({ done: [...earlier] });
    render(Subscribe, { wizard });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Test endpoint' }));
    await expect.poll(() => screen.getByTestId('endpoint-check').textContent, { timeout: 5_000 }).toContain('answered 200 and accepts events');
    const url = screen.getByLabelText('Webhook address');
    await user.clear(url);
    await user.type(url, 'https://refuses.example.com/hook');
    await user.click(screen.getByRole('button', { name: 'Test endpoint' }));
    await expect.poll(() => screen.getByTestId('endpoint-check').textContent, { timeout: 5_000 }).toContain('answered 405 without WebHook-Allowed-Origin');
    await user.clear(url);
    await user.type(url, 'https://unreachable.example.com/hook');
    await user.click(screen.getByRole('button', { name: 'Test endpoint' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The endpoint did not answer');
  });
});
