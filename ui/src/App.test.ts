import { render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend } from '../tests/fake-backend';
import { DEFAULT_INPUTS } from '../tests/default-inputs';

describe('App', () => {
  it('resumes a saved sandbox draft at the first unfinished step with what was typed', async () => {
    clearMocks();
    const inputs = { ...DEFAULT_INPUTS, stream_name: 'Typed before quitting', auth0_domain: '127.0.0.1:1' };
    const backend = new FakeBackend({ draft: { mode: 'sandbox', screen: 'create_stream', inputs }, done: ['prepare_azure'] });
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    expect(await screen.findByRole('heading', { level: 1, name: 'Step 2 – Create the Auth0 stream' })).toBeInTheDocument();
    expect(screen.getByLabelText('Stream name')).toHaveValue('Typed before quitting');
    expect(backend.calls).toContain('start_sandbox');
    // The sandbox's current address replaces the one saved.
    await expect.poll(() => backend.draft?.inputs.auth0_domain).toBe('127.0.0.1:40001');
  });

  it('shows no screen while the draft is read, so a restart does not flash the welcome page', async () => {
    clearMocks();
    const inputs = { ...DEFAULT_INPUTS, stream_name: 'Typed before quitting' };
    const backend = new FakeBackend({ draft: { mode: 'sandbox', screen: 'create_stream', inputs }, done: ['prepare_azure'] });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    mockIPC(async (cmd, args) => {
      if (cmd === 'load_draft') await held;
      return backend.handle(cmd, args as Record<string, unknown>);
    }, { shouldMockEvents: true });
    render(App);
    await Promise.resolve();
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
    expect(screen.getByTestId('resuming')).toHaveAttribute('aria-busy', 'true');
    release();
    expect(await screen.findByRole('heading', { level: 1, name: 'Step 2 – Create the Auth0 stream' })).toBeInTheDocument();
    expect(screen.queryByTestId('resuming')).toBeNull();
  });

  it('says so when the defaults cannot be read from Rust, instead of waiting forever', async () => {
    clearMocks();
    const backend = new FakeBackend();
    mockIPC((cmd, args) => {
      if (cmd === 'default_inputs') throw new Error('the bridge is broken');
      return backend.handle(cmd, args as Record<string, unknown>);
    }, { shouldMockEvents: true });
    render(App);
    expect(await screen.findByRole('alert')).toHaveTextContent('the bridge is broken');
    expect(screen.queryByTestId('resuming')).toBeNull();
  });

  it('starts on the welcome page without a draft', async () => {
    clearMocks();
    const backend = new FakeBackend();
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    expect(await screen.findByRole('button', { name: /Try it with the built-in sandbox/ })).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(backend.calls).toContain('default_inputs');
  });
});

describe('draft saving', () => {
  it('sends saves one after another, so the last change typed is the one on disk', async () => {
    clearMocks();
    const backend = new FakeBackend();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    mockIPC(async (cmd, args) => {
      if (cmd === 'save_draft') {
        const name = (args as { draft: { inputs: { stream_name: string } } }).draft.inputs.stream_name;
        // The first save is slow, as a busy disk would make it.
        if (order.length === 0) await new Promise<void>((resolve) => (releaseFirst = resolve));
        order.push(name);
      }
      return backend.handle(cmd, args as Record<string, unknown>);
    });
    const { Wizard } = await import('./lib/wizard.svelte');
    const wizard = new Wizard(Promise.resolve({ productName: 'x', version: '1', tauriVersion: '2' }), DEFAULT_INPUTS);
    wizard.inputs.stream_name = 'first';
    const first = wizard.save();
    wizard.inputs.stream_name = 'second';
    const second = wizard.save();
    await Promise.resolve();
    expect(order).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(backend.draft?.inputs.stream_name).toBe('second');
  });
});
