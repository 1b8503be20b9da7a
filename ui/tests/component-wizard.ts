// For component tests: a wizard and the saved setups wired to the fake backend through Tauri's IPC mock (its
// events too, so `setups-changed` reaches the window), in jsdom.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { FakeBackend, type Scenario } from './fake-backend';
import { Setups } from '../src/lib/setups.svelte';
import { Wizard } from '../src/lib/wizard.svelte';
import { DEFAULT_INPUTS } from './default-inputs';

/** Installs a fake backend for `scenario` behind Tauri's IPC mock. */
export function fakeBackend(scenario: Scenario = {}): FakeBackend {
  clearMocks();
  const backend = new FakeBackend(scenario);
  mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
  return backend;
}

export function wizardWith(scenario: Scenario = {}): { wizard: Wizard; backend: FakeBackend; setups: Setups } {
  const backend = fakeBackend(scenario);
  const wizard = new Wizard(Promise.resolve({ productName: 'Auth0 Event Grid Setup', version: '1.2.3', tauriVersion: '2.12.5' }), DEFAULT_INPUTS);
  return { wizard, backend, setups: new Setups() };
}

/** A wizard signed in to the sandbox, on `screen`, with the fake clouds' state detected. */
export async function signedInWizard(scenario: Scenario = {}) {
  const made = wizardWith(scenario);
  await made.wizard.chooseSandbox();
  await made.wizard.continueFromSignIn();
  return made;
}

/** The saved setups of `scenario`, read as the home reads them. */
export async function setupsWith(scenario: Scenario = {}): Promise<{ setups: Setups; backend: FakeBackend }> {
  const backend = fakeBackend(scenario);
  const setups = new Setups();
  await setups.load();
  return { setups, backend };
}
