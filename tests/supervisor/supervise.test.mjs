// The real-window layer's supervisor (tests/e2e/supervise.mjs): a run that leaves a process behind or outlives
// its deadline ends anyway, names what was still running and kills it, so `make test` cannot hang on it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const supervisor = resolve(here, '../e2e/supervise.mjs');
const folder = mkdtempSync(join(tmpdir(), 'supervise-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** Runs the supervisor and resolves once it has exited and its output is closed (nothing holds it open). */
function supervise(args, env = {}) {
  return new Promise((resolveRun, reject) => {
    const run = spawn(process.execPath, [supervisor, ...args], { env: { ...process.env, ...env } });
    let stderr = '';
    run.stdout.resume();
    run.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    run.once('error', reject);
    run.once('close', (code) => resolveRun({ code, stderr }));
  });
}

/** Whether `pid` is a live process (a zombie waiting to be reaped is not). */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('a clean run passes its exit code through', { timeout: 30_000 }, async () => {
  assert.equal((await supervise(['--', process.execPath, '-e', 'process.exit(0)'])).code, 0);
  assert.equal((await supervise(['--', process.execPath, '-e', 'process.exit(3)'])).code, 3);
});

test('a process left behind by a passing run is named, killed, and fails the run', { timeout: 30_000 }, async () => {
  const pidFile = join(folder, 'left.pid');
  const { code, stderr } = await supervise(['--', process.execPath, join(here, 'fixtures/leaves-a-child.mjs'), pidFile]);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(code, 1);
  assert.match(stderr, /left these running \(now killed\)/);
  assert.match(stderr, new RegExp(`pid ${pid}: sleep 600`));
  assert.equal(alive(pid), false, `pid ${pid} still runs`);
});

test('a run past its deadline is stopped with what it was still running', { timeout: 30_000 }, async () => {
  const pidFile = join(folder, 'hung.pid');
  const { code, stderr } = await supervise(
    ['--', process.execPath, join(here, 'fixtures/never-ends.mjs'), pidFile],
    { E2E_DEADLINE_SECONDS: '2' },
  );
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(code, 124);
  assert.match(stderr, /still running after its deadline of 2 s/);
  assert.match(stderr, /never-ends\.mjs/);
  assert.match(stderr, new RegExp(`pid ${pid}: sleep 600`));
  assert.equal(alive(pid), false, `pid ${pid} still runs`);
});

test('bad arguments are refused with the rule', { timeout: 30_000 }, async () => {
  const { code, stderr } = await supervise(['--deadline', 'soon', '--', 'true']);
  assert.equal(code, 2);
  assert.match(stderr, /a deadline that is a positive number of seconds/);
});
