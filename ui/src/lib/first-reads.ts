// The first screen's reads over IPC, asked as early as the page can: src/start-reads.ts asks them before the
// app's components are even evaluated, so Rust answers while the page's script is still being run and mounted
// (the first screen waits for the slowest answer, not for the script and then the answers).
import * as ipc from './ipc';
import type { Draft, HealthAlert, SetupError, SetupInputs, SetupList } from './ipc';

export type FirstReads = {
  /** When they were asked, by the page's clock (`performance.now()`). */
  startedAt: number;
  problem: Promise<SetupError | null>;
  draft: Promise<Draft | null>;
  defaults: Promise<SetupInputs>;
  setups: Promise<SetupList>;
  alerts: Promise<HealthAlert[]>;
};

let asked: FirstReads | null = null;

function ask(): FirstReads {
  const reads = {
    startedAt: performance.now(),
    problem: ipc.startupProblem(),
    draft: ipc.loadDraft(),
    defaults: ipc.defaultInputs(),
    setups: ipc.listSetups(),
    alerts: ipc.healthAlerts(),
  };
  // Whoever takes them handles their failures; until then a failure is not an unhandled rejection.
  for (const read of [reads.problem, reads.draft, reads.defaults, reads.setups, reads.alerts]) read.catch(() => undefined);
  return reads;
}

/** Asks them now, once (src/start-reads.ts, before the app is mounted). */
export function askFirstReads(): void {
  asked ??= ask();
}

/** The reads asked early, taken once; asked now when nobody asked them early (a test mounting the app alone). */
export function takeFirstReads(): FirstReads {
  const reads = asked ?? ask();
  asked = null;
  return reads;
}
