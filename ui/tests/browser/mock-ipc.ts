// Injected before the app's own scripts: answers IPC with Tauri's official mocks, as the scenario set on
// `window.__IPC_SCENARIO__` says. Bundled to one classic script by harness.ts.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';

type Scenario = { appInfo: 'ok' | 'fail' };
const scenario: Scenario = (window as unknown as { __IPC_SCENARIO__?: Scenario }).__IPC_SCENARIO__ ?? {
  appInfo: 'ok',
};

mockWindows('main');
mockIPC((cmd) => {
  if (cmd === 'app_info') {
    if (scenario.appInfo === 'fail') throw new Error('app_info failed');
    return { productName: 'Auth0 Event Grid Setup', version: '9.8.7', tauriVersion: '2.99.0' };
  }
  throw new Error(`command not mocked: ${cmd}`);
});
