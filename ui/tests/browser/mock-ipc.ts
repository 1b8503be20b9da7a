// Injected before the app's own scripts: answers IPC with Tauri's official mocks backed by the shared fake
// backend, as the scenario set on `window.__IPC_SCENARIO__` says. Bundled to one classic script by harness.ts.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { FakeBackend, type Scenario } from '../fake-backend';

const scenario: Scenario = (window as unknown as { __IPC_SCENARIO__?: Scenario }).__IPC_SCENARIO__ ?? {};
const backend = new FakeBackend(scenario);
(window as unknown as { __FAKE_BACKEND__: FakeBackend }).__FAKE_BACKEND__ = backend;

mockWindows('main');
mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown>), { shouldMockEvents: true });
