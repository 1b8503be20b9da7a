// For component tests: a wizard wired to the fake backend through Tauri's IPC mock, in jsdom.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { FakeBackend, type Scenario } from './fake-backend';
import { Wizard } from '../src/lib/wizard.svelte';
import { DEFAULT_INPUTS } from './default-inputs';

export function wizardWith(scenario: Scenario = {}): { wizard: Wizard; backend: FakeBackend } {
  clearMocks();
  const backend = new FakeBackend(scenario);
  mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>));
  const wizard = new Wizard(Promise.resolve({ productName: 'Auth0 Event Grid Setup', version: '1.2.3', tauriVersion: '2.12.5' }), DEFAULT_INPUTS);
  return { wizard, backend };
}

/** A wizard signed in to the sandbox, on `screen`, with the fake clouds' state detected. */
export async function signedInWizard(scenario: Scenario = {}) {
  const made = wizardWith(scenario);
  await made.wizard.chooseSandbox();
  await made.wizard.continueFromSignIn();
  return made;
}
