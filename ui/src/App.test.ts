import { render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { SetupError } from './lib/ipc';
import userEvent from '@testing-library/user-event';
import { FakeBackend, type Scenario } from '../tests/fake-backend';
import { ONE_SETUP, THREE_SETUPS_ONE_RED } from '../tests/setups-fixture';
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
    await expect.poll(() => backend.draft?.inputs.auth0_domain, { timeout: 5_000 }).toBe('127.0.0.1:40001');
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

  it('on a computer with a wrong preset, says which and who can correct it, and offers the diagnostics and Close', async () => {
    clearMocks();
    const backend = new FakeBackend();
    backend.startupProblem = {
      code: 'invalid_input',
      message: 'This computer\'s preset Azure cloud, "mars", is not one the app knows.',
      remedy: 'Ask whoever set up this computer to correct it.',
      field: null,
      correlation_id: null,
    } satisfies SetupError;
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    expect(await screen.findByRole('heading', { level: 1, name: 'The app cannot start on this computer' })).toBeInTheDocument();
    const alert = screen.getByTestId('startup-problem');
    expect(alert).toHaveTextContent('"mars", is not one the app knows.');
    expect(alert).toHaveTextContent('Ask whoever set up this computer to correct it.');
    expect(alert).toHaveAttribute('data-code', 'invalid_input');
    // No screen of the wizard, and no Settings that could not open.
    expect(screen.queryByRole('button', { name: /Try it without accounts/ })).toBeNull();
    expect(screen.queryByTestId('open-settings')).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Diagnostics copied');
    expect(backend.clipboard).not.toBeNull();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(backend.windowClosed).toBe(1);
  });

  it('reads the draft, the defaults, the saved setups and their alerts together, not one after another', async () => {
    clearMocks();
    const backend = new FakeBackend();
    const waiting = new Set<string>();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const startup = ['load_draft', 'default_inputs', 'list_setups', 'health_alerts'];
    mockIPC(async (cmd, args) => {
      if (startup.includes(cmd)) {
        waiting.add(cmd);
        await held;
      }
      return backend.handle(cmd, args as Record<string, unknown>);
    }, { shouldMockEvents: true });
    render(App);
    // All four are asked before any answers: each waits on the same held promise.
    await expect.poll(() => [...waiting].sort(), { timeout: 5_000 }).toEqual([...startup].sort());
    release();
    expect(await screen.findByRole('button', { name: /Try it without accounts/ })).toBeInTheDocument();
    // The draft is read once at start, not again by the wizard.
    expect(backend.calls.filter((c) => c === 'load_draft')).toHaveLength(1);
  });

  it('starts on the welcome page without a draft', async () => {
    clearMocks();
    const backend = new FakeBackend();
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    expect(await screen.findByRole('button', { name: /Try it without accounts/ })).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(backend.calls).toContain('default_inputs');
  });

  it('tells the app its first screen is painted, naming the screen (the app logs the first report only)', async () => {
    clearMocks();
    const backend = new FakeBackend();
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    await expect.poll(() => backend.painted, { timeout: 4000 }).toContain('welcome');
    // With where the page's time went, by its own clock: the reads start before they end, and the paint is last.
    const page = backend.paintTimings[0]!;
    for (const value of Object.values(page)) expect(Number.isInteger(value) && value >= 0).toBe(true);
    expect(page.painted_ms).toBeGreaterThanOrEqual(page.reads_started_ms + page.reads_ms - 1);
  });

  it('names the wizard as the first screen painted when a draft resumes in the middle', async () => {
    const inputs = { ...DEFAULT_INPUTS, stream_name: 'Typed before quitting' };
    clearMocks();
    const resumed = new FakeBackend({ draft: { mode: 'sandbox', screen: 'create_stream', inputs }, done: ['prepare_azure'] });
    mockIPC((cmd, args) => resumed.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    await expect.poll(() => resumed.painted, { timeout: 4000 }).toContain('wizard');
  });
});

describe('App with saved setups', () => {
  function app(scenario: Scenario) {
    clearMocks();
    const backend = new FakeBackend(scenario);
    mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
    render(App);
    return { backend, user: userEvent.setup() };
  }

  it('opens on the home, with focus on its heading, and a setup opens its page and back', async () => {
    const { user } = app({ setups: THREE_SETUPS_ONE_RED });
    const heading = await screen.findByRole('heading', { level: 1, name: 'Your setups' });
    await expect.poll(() => document.activeElement, { timeout: 5_000 }).toBe(heading);
    expect(screen.queryByRole('navigation')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Open Staging' }));
    const page = await screen.findByRole('heading', { level: 1, name: 'Staging' });
    await expect.poll(() => document.activeElement, { timeout: 5_000 }).toBe(page);
    await user.click(screen.getByTestId('go-home'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Your setups' })).toBeInTheDocument();
  });

  it('opens on the home also when the last draft finished the wizard', async () => {
    const inputs = { ...DEFAULT_INPUTS, auth0_domain: '127.0.0.1:1' };
    const { backend } = app({ setups: ONE_SETUP, draft: { mode: 'sandbox', screen: 'done', inputs }, done: ['prepare_azure'] });
    expect(await screen.findByRole('heading', { level: 1, name: 'Your setups' })).toBeInTheDocument();
    expect(backend.calls).not.toContain('start_sandbox');
    await expect.poll(() => backend.painted, { timeout: 4000 }).toContain('home');
  });

  it('resumes a draft in the middle of the wizard, with a way to the home', async () => {
    const inputs = { ...DEFAULT_INPUTS, auth0_domain: '127.0.0.1:1' };
    const { user } = app({ setups: ONE_SETUP, draft: { mode: 'sandbox', screen: 'create_stream', inputs }, done: ['prepare_azure'] });
    expect(await screen.findByRole('heading', { level: 1, name: 'Step 2 – Create the Auth0 stream' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Your setups' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Your setups' })).toBeInTheDocument();
    // Adding a setup returns to where the wizard was.
    await user.click(screen.getByTestId('add-setup'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Step 2 – Create the Auth0 stream' })).toBeInTheDocument();
  });

  it('starts the wizard from the home, and its Done leads back with the new setup on it', async () => {
    const { user, backend } = app({ setups: ONE_SETUP });
    await user.click(await screen.findByTestId('add-setup'));
    await user.click(await screen.findByRole('button', { name: /Try it without accounts/ }));
    await user.click(await screen.findByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { level: 1, name: 'Step 1 – Prepare Azure' });
    await user.click(await screen.findByRole('radio', { name: 'Sandbox subscription' }));
    backend.done = new Set(['prepare_azure', 'create_stream', 'activate_topic']);
    await user.click(screen.getByRole('button', { name: 'Prepare Azure' }));
    await screen.findByRole('heading', { level: 1, name: 'Step 4 – Choose where events go' });
    await user.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Done: your Auth0 logs flow to Azure' })).toBeInTheDocument();
    // Settings over Done, and back: what the check found is kept, not asked again.
    await user.click(screen.getByRole('button', { name: /Settings/ }));
    await screen.findByRole('heading', { level: 1, name: 'Settings' });
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Done: your Auth0 logs flow to Azure' })).toBeInTheDocument();
    expect(backend.checkRequests).toHaveLength(1);
    // Back to step 4 and on again: Done checks anew.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await screen.findByRole('heading', { level: 1, name: 'Step 4 – Choose where events go' });
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Done: your Auth0 logs flow to Azure' })).toBeInTheDocument();
    await expect.poll(() => backend.checkRequests.length, { timeout: 5_000 }).toBe(2);
    await user.click(screen.getByTestId('go-home'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Your setups' })).toBeInTheDocument();
    await expect.poll(() => screen.getAllByTestId('setup-card').map((c) => [c.dataset.setupName, c.dataset.state]), { timeout: 5_000 }).toEqual([
      ['Production', 'green'],
      ['Azure Event Grid', 'green'],
    ]);
    // The finished draft is gone: a restart opens on the home.
    expect(backend.draft?.screen ?? 'welcome').toBe('welcome');
    // The next setup starts afresh, on the welcome page.
    await user.click(screen.getByTestId('add-setup'));
    expect(await screen.findByRole('button', { name: /Try it without accounts/ })).toBeInTheDocument();
  });

  it('refreshes the home after a scheduled round of checks', async () => {
    const { backend } = app({ setups: ONE_SETUP });
    await screen.findByRole('heading', { level: 1, name: 'Your setups' });
    backend.breakSetup(1, { log_stream: 'amber' });
    // Rounds until the window listens (it starts to once the home is shown); no check is asked by the window.
    await expect
      .poll(async () => {
        await backend.scheduledRound();
        return screen.getByTestId('setup-card').dataset.state;
      })
      .toBe('amber');
    expect(backend.calls).not.toContain('check_setup');
    expect(backend.calls).not.toContain('check_all_setups');
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

  it('sends only the latest of the changes made while a save is under way', async () => {
    clearMocks();
    const backend = new FakeBackend();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    mockIPC(async (cmd, args) => {
      if (cmd === 'save_draft') {
        const name = (args as { draft: { inputs: { stream_name: string } } }).draft.inputs.stream_name;
        if (order.length === 0) await new Promise<void>((resolve) => (releaseFirst = resolve));
        order.push(name);
      }
      return backend.handle(cmd, args as Record<string, unknown>);
    });
    const { Wizard } = await import('./lib/wizard.svelte');
    const wizard = new Wizard(Promise.resolve({ productName: 'x', version: '1', tauriVersion: '2' }), DEFAULT_INPUTS);
    wizard.inputs.stream_name = 's';
    const saves = [wizard.save()];
    // Typed while the first save is slow: one key, one change each.
    for (const name of ['se', 'sec', 'secu']) {
      wizard.inputs.stream_name = name;
      saves.push(wizard.save());
    }
    await Promise.resolve();
    releaseFirst();
    await Promise.all(saves);
    expect(order).toEqual(['s', 'secu']);
    expect(backend.draft?.inputs.stream_name).toBe('secu');
    // Later changes are saved as before.
    wizard.inputs.stream_name = 'security';
    await wizard.save();
    expect(order).toEqual(['s', 'secu', 'security']);
  });
});
