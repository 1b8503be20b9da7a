// Finding and ending every process a real-window test started, whichever process started it. Each process the
// layer starts carries a marker in its environment, and children inherit it (tauri-driver, WebKitWebDriver, the app
// and its WebKit helpers, the sandbox, Chromium), so a leftover is found in /proc even after it left its process
// group or lost its parent. Linux only, like the real-window layer.
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/** The environment variable that marks a whole run of the layer (set by supervise.mjs). */
export const RUN_MARKER = 'AUTH0_EVENTGRID_E2E_RUN';
/** The environment variable that marks one launch of tauri-driver and everything it starts. */
export const LAUNCH_MARKER = 'AUTH0_EVENTGRID_E2E_LAUNCH';

export function newMarker() {
  return randomUUID();
}

/** The processes whose environment holds `name=value`, with their command lines. */
export function marked(name, value) {
  const wanted = `${name}=${value}`;
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone already, or not ours to read
    }
    if (!environ.split('\0').includes(wanted)) continue;
    found.push({ pid, command: commandLine(pid) });
  }
  return found;
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    return '(exited)';
  }
}

/** Sends `signal` to every process marked `name=value` (optionally only those `select` accepts); returns them. */
export function signalMarked(name, value, signal = 'SIGKILL', select = () => true) {
  const targets = marked(name, value).filter(select);
  for (const { pid } of targets) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited in the meantime
    }
  }
  return targets;
}

/** Kills every marked process and waits (up to `graceMs`) until none is left; returns those that were found. */
export async function killMarked(name, value, graceMs = 5_000) {
  const killed = signalMarked(name, value, 'SIGKILL');
  const deadline = Date.now() + graceMs;
  while (marked(name, value).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return killed;
}

/** Sends `signal` to the process group led by `pid` (a child spawned with `detached: true`). */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

// Whatever happens to this test file's process (a failed assertion before a `finally`, a timed-out test, a forced
// exit), the groups and markers registered here are killed on the way out. `exit` handlers must be synchronous,
// and process.kill is.
const onExit = new Set();
let exitHookInstalled = false;

/** Kills `kill()` when this process exits, unless `release()` is called first (the normal, orderly stop). */
export function killOnExit(kill) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const each of onExit) each();
    });
    // Without a handler a signal ends Node without running `exit` handlers.
    for (const [signal, number] of [['SIGHUP', 1], ['SIGINT', 2], ['SIGTERM', 15]]) {
      process.once(signal, () => process.exit(128 + number));
    }
  }
  onExit.add(kill);
  return { release: () => onExit.delete(kill) };
}
