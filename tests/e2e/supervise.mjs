#!/usr/bin/env node
// Runs a command (the real-window layer) so that it cannot hang `make test`: everything it starts carries a run
// marker in its environment; when the command ends, or when the deadline passes first, every marked process still
// alive is named and killed, so nothing holds the output open afterwards. A leftover fails the run, as does the
// deadline: a test must end what it started, and a layer that runs too long says what it was still running.
//
//   node tests/e2e/supervise.mjs [--deadline SECONDS] -- COMMAND [ARGS...]
//
// The deadline defaults to $E2E_DEADLINE_SECONDS, else 1200 s. Exit code: the command's, or 1 when it left
// processes behind, or 124 (as timeout(1)) when the deadline passed.
import { spawn } from 'node:child_process';
import { RUN_MARKER, killMarked, marked, newMarker, signalGroup } from './processes.mjs';

const DEFAULT_DEADLINE_SECONDS = 1200;
// How long a process may take to exit on its own once the command has ended (WebKit's helpers wind down).
const SETTLE_MS = 3_000;

function parse(argv) {
  const separator = argv.indexOf('--');
  if (separator < 0 || separator === argv.length - 1) usage('a command after --');
  const options = argv.slice(0, separator);
  let deadline = Number(process.env.E2E_DEADLINE_SECONDS ?? DEFAULT_DEADLINE_SECONDS);
  for (let i = 0; i < options.length; i += 1) {
    if (options[i] === '--deadline') deadline = Number(options[++i]);
    else usage(`an option it knows, not ${options[i]}`);
  }
  if (!Number.isFinite(deadline) || deadline <= 0) usage('a deadline that is a positive number of seconds');
  return { deadlineMs: deadline * 1000, command: argv.slice(separator + 1) };
}

function usage(rule) {
  console.error(`supervise: needs ${rule}\nusage: supervise.mjs [--deadline SECONDS] -- COMMAND [ARGS...]`);
  process.exit(2);
}

function describe(processes) {
  return processes.map(({ pid, command }) => `  pid ${pid}: ${command.slice(0, 200)}`).join('\n');
}

async function supervise({ deadlineMs, command }) {
  const marker = newMarker();
  const started = Date.now();
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    detached: true, // a process group of its own, so the whole tree can be signalled at once
    env: { ...process.env, [RUN_MARKER]: marker },
  });
  const ended = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: 127, error }));
  });
  // Stopping the supervisor stops what it runs.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      signalGroup(child.pid, 'SIGKILL');
      await killMarked(RUN_MARKER, marker);
      process.exit(130);
    });
  }
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const outcome = await Promise.race([ended, timedOut]);
  clearTimeout(timer);
  const seconds = Math.round((Date.now() - started) / 1000);

  if (outcome === 'deadline') {
    const running = marked(RUN_MARKER, marker);
    signalGroup(child.pid, 'SIGKILL');
    await killMarked(RUN_MARKER, marker);
    console.error(
      `\nsupervise: "${command.join(' ')}" was still running after its deadline of ${deadlineMs / 1000} s; ` +
        `killed what it had started:\n${describe(running) || '  (nothing marked was left)'}`,
    );
    return 124;
  }
  if (outcome.error) {
    console.error(`supervise: could not start ${command[0]}: ${outcome.error.message}`);
    return 127;
  }
  // The command ended: whatever it started should have ended with it. Give stragglers a moment, then name them.
  signalGroup(child.pid, 'SIGTERM');
  const settle = Date.now() + SETTLE_MS;
  let left = marked(RUN_MARKER, marker);
  while (left.length > 0 && Date.now() < settle) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = marked(RUN_MARKER, marker);
  }
  if (left.length > 0) {
    await killMarked(RUN_MARKER, marker);
    console.error(
      `\nsupervise: "${command.join(' ')}" ended after ${seconds} s but left these running (now killed):\n${describe(left)}`,
    );
    return outcome.code === 0 ? 1 : (outcome.code ?? 1);
  }
  return outcome.code ?? 1;
}

process.exit(await supervise(parse(process.argv.slice(2))));
