import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import { signedInWizard } from '../../tests/component-wizard';
import { DEFAULT_INPUTS } from '../../tests/default-inputs';
import { FakeBackend } from '../../tests/fake-backend';
import { activityLabel, Wizard } from './wizard.svelte';

describe('What the wizard is doing', () => {
  it('is running the step while it runs, named by the step, and idle again once it stops', async () => {
    const { wizard } = await signedInWizard({ holdStep: 'prepare_azure' });
    expect(wizard.activity).toEqual({ kind: 'idle' });
    expect(wizard.busy).toBe(false);
    const run = wizard.run('prepare_azure');
    await expect.poll(() => wizard.activity, { timeout: 5_000 }).toEqual({ kind: 'running', step: 'prepare_azure' });
    expect(wizard.busy).toBe(true);
    expect(activityLabel(wizard.activity)).toBe('Prepare Azure');
    await wizard.cancel();
    await run;
    expect(wizard.activity).toEqual({ kind: 'idle' });
    expect(wizard.busy).toBe(false);
  });

  it("watches the test event in the user's own clouds, and only sends it to the sandbox", async () => {
    const all = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'] as const;
    const sandbox = await signedInWizard({ done: [...all] });
    const sent = sandbox.wizard.sendTestEvent();
    expect(sandbox.wizard.activity).toEqual({ kind: 'sending_test_event' });
    await sent;
    expect(sandbox.wizard.activity).toEqual({ kind: 'idle' });

    const cloud = await signedInWizard({ done: [...all], testEventHold: true });
    cloud.wizard.mode = 'cloud';
    cloud.backend.session = { ...cloud.backend.session!, mode: 'cloud' };
    const watched = cloud.wizard.sendTestEvent();
    expect(cloud.wizard.activity).toEqual({ kind: 'watching' });
    expect(activityLabel(cloud.wizard.activity)).toBe('Sending the test event and following it…');
    await expect.poll(() => cloud.wizard.testStages.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await cloud.wizard.cancel();
    await watched;
    expect(cloud.wizard.activity).toEqual({ kind: 'idle' });
    expect(cloud.wizard.testStopped).toBe(true);
  });

  it('retries what failed as the same activity', async () => {
    const { wizard } = await signedInWizard({ catalogFailsOnce: true });
    await wizard.loadCatalog();
    expect(wizard.error).not.toBeNull();
    const retried = wizard.retry();
    expect(wizard.activity).toEqual({ kind: 'loading_catalog' });
    expect(activityLabel(wizard.activity)).toBe('Loading the regions Auth0 accepts…');
    await retried;
    expect(wizard.activity).toEqual({ kind: 'idle' });
    expect(wizard.catalog).not.toBeNull();
  });
});

describe('Where the inputs start', () => {
  it('chooses the subscription when the account can use only one, and never replaces a choice', async () => {
    const { wizard } = await signedInWizard();
    wizard.inputs.subscription_id = '';
    await wizard.loadSubscriptions();
    // The fake account sees one enabled subscription and one disabled.
    expect(wizard.inputs.subscription_id).toBe('11111111-2222-3333-4444-555555555555');
    wizard.inputs.subscription_id = '99999999-2222-3333-4444-555555555555';
    await wizard.loadSubscriptions();
    expect(wizard.inputs.subscription_id).toBe('99999999-2222-3333-4444-555555555555');
  });

  it("starts from the engine's defaults, and starting over returns to them", async () => {
    clearMocks();
    const backend = new FakeBackend();
    const fromRust = { ...DEFAULT_INPUTS, stream_name: 'Named by the engine' };
    mockIPC((cmd, args) => (cmd === 'default_inputs' ? fromRust : backend.handle(cmd, args as Record<string, unknown>)));
    const wizard = await Wizard.start(Promise.resolve({ productName: 'x', version: '1', tauriVersion: '2' }));
    expect(wizard.inputs).toEqual(fromRust);
    wizard.inputs.stream_name = 'Typed';
    wizard.inputs.event_categories.push('auth.login.fail');
    await wizard.startOver();
    expect(wizard.inputs).toEqual(fromRust);
  });
});
