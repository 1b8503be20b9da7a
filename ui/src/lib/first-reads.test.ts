import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { askFirstReads, takeFirstReads } from './first-reads';

describe('the first reads', () => {
  afterEach(() => clearMocks());

  it('are asked once, early, and the app takes those answers instead of asking again', async () => {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return cmd === 'list_setups' ? { setups: [], notice: null } : cmd === 'health_alerts' ? [] : null;
    });
    askFirstReads();
    askFirstReads();
    expect(asked.sort()).toEqual(['default_inputs', 'health_alerts', 'list_setups', 'load_draft', 'startup_problem']);
    const reads = takeFirstReads();
    expect(asked).toHaveLength(5);
    expect(await reads.setups).toEqual({ setups: [], notice: null });
    // Taken once: a second mount of the app asks afresh.
    takeFirstReads();
    expect(asked).toHaveLength(10);
  });

  it('leave a failure to whoever takes them, without an unhandled rejection before then', async () => {
    mockIPC((cmd) => {
      if (cmd === 'default_inputs') throw new Error('the bridge is broken');
      return null;
    });
    askFirstReads();
    // Nothing awaits them for a while (the app is still being evaluated and mounted).
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(takeFirstReads().defaults).rejects.toThrow('the bridge is broken');
  });
});
