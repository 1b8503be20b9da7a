import { defineConfig } from 'vitest/config';

// The built UI in Debian's Chromium (Playwright), with Tauri's IPC mocked. Run after `npm run build`.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // A real browser on a shared, noisy machine: a poll waits as long as a person would, not vitest's default 1 s.
    expect: { poll: { timeout: 15_000 } },
  },
});
