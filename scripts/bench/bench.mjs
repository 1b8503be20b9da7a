// `make bench`: measures what an administrator asks before approving the app, and writes docs/performance.md.
//
// - Start: from spawning the release app to its first screen painted (the app logs "window painted" once the
//   screen is laid out and two animation frames have passed), on the welcome page and on the home with 10 saved
//   setups, beside the floor: a bare WebKitGTK window showing a static page that reports its paint the same way
//   (src-tauri/examples/bare_webkit.rs). Median of BENCH_RUNS (10) each, a fresh data folder per run, the rows
//   started in turn (one start of each per round) so the shared machine's moods touch them alike. The floor
//   is measured twice: as WebKitGTK draws by default (accelerated compositing), and as the app draws (without it,
//   src-tauri/src/rendering.rs), so the app's own cost shows apart from the drawing mode it chose.
// - Memory: PSS (shared pages counted once, split between the processes sharing them) of the process and every
//   process it started (WebKit's web and network processes), summed, BENCH_IDLE_SECONDS after the paint.
// - Size: the release binaries and, when `make bundle` made them, the packages.
// - The full setup through the CLI against the sandbox (50 ms added to every answer, a real cloud's round trip):
//   wall time and requests; a second run of the same setup; `az` beside it when installed.
// - The health check (`verify --all`) of 1, 10 and 50 saved setups through the CLI.
//
// Run inside a display (xvfb-run) and a D-Bus session with a keychain, as the Makefile does. Every process this
// script starts is killed with its process group however it ends.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const release_ = join(root, 'target', 'release');
const APP = join(release_, 'auth0-eventgrid-setup');
const CLI = join(release_, 'auth0-eventgrid');
const FLOOR = join(release_, 'examples', 'bare_webkit');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 3);
const OUT = process.env.BENCH_OUT ?? join(root, 'docs', 'performance.md');
const LATENCY_MS = 50;

/** Every process group this script started, killed on the way out whatever happens. */
const groups = new Set();
function killAll() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process below `pid` (and `pid`), from /proc. */
function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** PSS in bytes of `pid` and its descendants, by process name. */
function pssByName(pid) {
  const byName = {};
  for (const member of processTree(pid)) {
    try {
      // The program's own name (comm is cut at 15 characters).
      const argv0 = readFileSync(`/proc/${member}/cmdline`, 'utf8').split('\0')[0];
      const name = argv0.split('/').pop() || readFileSync(`/proc/${member}/comm`, 'utf8').trim();
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, 'utf8');
      const kb = Number(rollup.match(/^Pss:\s+(\d+) kB/m)?.[1] ?? 0);
      byName[name] = (byName[name] ?? 0) + kb * 1024;
    } catch {
      // ended, or not ours to read
    }
  }
  return byName;
}

/**
 * Starts `binary` in its own process group with a fresh data folder, waits for "window painted" on its stderr,
 * then for the idle time, reads its memory and kills it.
 */
async function startOnce(binary, cache, extraEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'bench-home-'));
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    // The caches (Mesa's compiled shaders, WebKit's) outlive a run, as on a person's computer after the first start.
    XDG_CACHE_HOME: cache,
    XDG_STATE_HOME: join(home, 'state'),
    RUST_LOG: 'info',
    ...extraEnv,
  };
  if (typeof extraEnv.prepare === 'function') extraEnv.prepare(env);
  delete env.prepare;
  const started = performance.now();
  const phases = {};
  const child = spawn(binary, [], { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  groups.add(child.pid);
  try {
    const painted = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${binary} did not paint within 60 s`)), 60_000);
      const lines = createInterface({ input: child.stderr });
      lines.on('line', (raw) => {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
        // The app's own phases (src-tauri/src/startup.rs): where the time before the paint went.
        const phase = line.match(/phase="?(setup started|set up|page loaded)"? elapsed_ms=(\d+)/);
        if (phase) phases[phase[1]] = Number(phase[2]);
        if (line.includes('window painted')) {
          phases.painted = Number(line.match(/ elapsed_ms=(\d+)/)?.[1] ?? NaN);
          // The page's own clock (since its navigation began): how long its first reads took.
          phases.reads = Number(line.match(/page_reads_ms=(\d+)/)?.[1] ?? NaN);
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${binary} exited with ${code} before painting`));
      });
    });
    await sleep(IDLE_SECONDS * 1000);
    const memory = pssByName(child.pid);
    // The app's clock starts in its main; the floor logs only its paint.
    const logged = ['setup started', 'set up', 'page loaded', 'painted', 'reads'].every((key) => Number.isFinite(phases[key]));
    const split = logged
        ? {
            before: painted - phases.painted,
            tauri: phases['setup started'],
            own: phases['set up'] - phases['setup started'],
            webkit: phases['page loaded'] - phases['set up'],
            reads: phases.reads,
            page: phases.painted - phases['page loaded'] - phases.reads,
          }
        : null;
    return { paintMs: painted, memory, phases: split };
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    groups.delete(child.pid);
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.on('exit', resolve)));
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Each series' first start with empty caches (a computer's first start of the program: Mesa compiles the shaders
 * the page needs, which software rendering makes slow; emptying Mesa's cache alone, MESA_SHADER_CACHE_DIR, made the
 * app's warm starts as slow as its first, 6 December 2026), then RUNS rounds in which every series starts once, in
 * turn, with the caches its first start left and a fresh data folder; the figures are the RUNS warm starts'
 * medians. Interleaved rather than one series after another, so that the shared machine getting busier or quieter
 * during the bench moves every series alike and the ratios to the floor stay fair (run one after another, two
 * benches of the same build put the welcome page at 1.11x and 1.15x of the floor, 6 December 2026).
 */
async function startSeries(specs) {
  const caches = specs.map(() => mkdtempSync(join(tmpdir(), 'bench-cache-')));
  const firsts = [];
  const runs = specs.map(() => []);
  try {
    for (const [i, spec] of specs.entries()) firsts.push((await startOnce(spec.binary, caches[i], spec.env)).paintMs);
    for (let round = 0; round < RUNS; round++) {
      for (const [i, spec] of specs.entries()) runs[i].push(await startOnce(spec.binary, caches[i], spec.env));
    }
  } finally {
    for (const cache of caches) rmSync(cache, { recursive: true, force: true });
  }
  return specs.map((spec, i) => summarize(spec.label, firsts[i], runs[i]));
}

function summarize(label, first, runs) {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.memory)))].sort();
  const byName = Object.fromEntries(names.map((name) => [name, median(runs.map((run) => run.memory[name] ?? 0))]));
  const total = median(runs.map((run) => Object.values(run.memory).reduce((a, b) => a + b, 0)));
  const paint = runs.map((run) => run.paintMs);
  // Each phase's median, when every run logged its phases (the floor logs none).
  const phases = runs.every((run) => run.phases)
    ? Object.fromEntries(['before', 'tauri', 'own', 'webkit', 'reads', 'page'].map((key) => [key, median(runs.map((run) => run.phases[key]))]))
    : null;
  const result = { label, first, paintMedian: median(paint), paintMin: Math.min(...paint), paintMax: Math.max(...paint), total, byName, phases };
  console.error(`${label}: paint ${result.paintMedian.toFixed(0)} ms, PSS ${mib(total)} MiB`);
  return result;
}

/** The CLI's sandbox, started and read: its JSON line holds URLs and credentials. */
async function startSandbox() {
  const child = spawn(
    CLI,
    ['sandbox', '--registration-delay', '0', '--stream-limit', '100', '--fault-latency-ms', String(LATENCY_MS)],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  groups.add(child.pid);
  const line = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.on('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  return { child, info: JSON.parse(line) };
}

function cliEnv(info, store) {
  return {
    ...process.env,
    AUTH0_CLIENT_ID: info.auth0_client_id,
    AUTH0_CLIENT_SECRET: info.auth0_client_secret,
    AZURE_TENANT_ID: info.azure_tenant_id,
    AZURE_CLIENT_ID: info.azure_client_id,
    AZURE_CLIENT_SECRET: info.azure_client_secret,
    AUTH0_EVENTGRID_STORE: store,
    RUST_LOG: 'warn',
  };
}

async function requestCount(info) {
  const answer = await fetch(new URL('/_sandbox/requests', info.auth0_domain));
  const body = await answer.json();
  return (Array.isArray(body) ? body : body.requests ?? []).length;
}

function setupArgs(info, i) {
  return [
    'setup',
    '--auth0-domain', info.auth0_domain,
    '--azure-cloud', 'custom', '--azure-authority-url', info.azure_authority, '--azure-management-url', info.azure_management,
    '--subscription-id', info.subscription_id,
    '--resource-group', `bench-${i}`, '--create-resource-group', '--region', 'westeurope',
    '--stream-name', `bench-${i}`,
    '--destination', 'webhook', '--webhook-url', new URL(`/_sandbox/inbox/bench-${i}`, info.azure_management).href,
  ];
}

function timed(args, env) {
  const started = performance.now();
  const run = spawnSync(CLI, args, { env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`auth0-eventgrid ${args[0]} failed (${run.status}): ${run.stderr}`);
  return ms;
}

/** Makes `count` saved setups in `store` through the CLI; the first one's figures are the setup's. */
async function cliFigures(sandbox, store) {
  const env = cliEnv(sandbox.info, store);
  const before = await requestCount(sandbox.info);
  const firstMs = timed(setupArgs(sandbox.info, 1), env);
  const firstRequests = (await requestCount(sandbox.info)) - before;
  const againBefore = await requestCount(sandbox.info);
  const againMs = timed(setupArgs(sandbox.info, 1), env);
  const againRequests = (await requestCount(sandbox.info)) - againBefore;
  return { firstMs, firstRequests, againMs, againRequests };
}

async function healthFigures(sandbox, dir) {
  const rows = [];
  let made = 0;
  const store = join(dir, 'health.db');
  const env = cliEnv(sandbox.info, store);
  for (const count of [1, 10, 50]) {
    while (made < count) timed(setupArgs(sandbox.info, 100 + made++), env);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const run = spawnSync(CLI, ['verify', '--all'], { env, encoding: 'utf8' });
      times.push(performance.now() - started);
      if (run.status !== 0) throw new Error(`verify --all of ${count} failed (${run.status}): ${run.stdout}${run.stderr}`);
    }
    rows.push({ count, median: median(times), min: Math.min(...times), max: Math.max(...times) });
    console.error(`verify --all, ${count} setups: ${median(times).toFixed(0)} ms`);
  }
  return { rows, store };
}

function size(path) {
  return existsSync(path) ? statSync(path).size : null;
}

function packages() {
  const found = [];
  for (const kind of ['deb', 'rpm']) {
    const dir = join(release_, 'bundle', kind);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) if (file.endsWith(`.${kind}`)) found.push({ file, bytes: statSync(join(dir, file)).size });
  }
  return found;
}

function machine() {
  const webkit = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' }).stdout || 'unknown';
  const osRelease = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1] ?? 'Linux';
  return `${osRelease}, kernel ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${mib(totalmem() / 1024)} GiB RAM (${mib(freemem() / 1024)} GiB free at the start), WebKitGTK ${webkit}, Xvfb with software rendering`;
}

function memoryRows(series) {
  const names = [...new Set(series.flatMap((s) => Object.keys(s.byName)))].sort();
  const header = `| process | ${series.map((s) => s.label).join(' | ')} |\n|---|${series.map(() => '---:').join('|')}|`;
  const rows = names.map((name) => `| ${name} | ${series.map((s) => (s.byName[name] ? mib(s.byName[name]) : '–')).join(' | ')} |`);
  const total = `| **total** | ${series.map((s) => `**${mib(s.total)}**`).join(' | ')} |`;
  return [header, ...rows, total].join('\n');
}

async function main() {
  for (const binary of [APP, CLI, FLOOR]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: make bench builds it first`);
  }
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  const sandbox = await startSandbox();
  try {
    const cli = await cliFigures(sandbox, join(work, 'cli.db'));
    console.error(`setup through the CLI: ${cli.firstMs.toFixed(0)} ms, ${cli.firstRequests} requests`);
    const health = await healthFigures(sandbox, work);
    // The home with 10 saved setups: the first ten of the health store, copied into each run's fresh folder.
    const ten = join(work, 'ten.db');
    {
      const env = cliEnv(sandbox.info, ten);
      for (let i = 0; i < 10; i++) timed(setupArgs(sandbox.info, 200 + i), env);
    }
    const [floor, flat, welcome, home] = await startSeries([
      { label: 'bare WebKitGTK window', binary: FLOOR },
      { label: 'bare WebKitGTK window, drawn as the app draws', binary: FLOOR, env: { BENCH_FLOOR_COMPOSITING: 'never' } },
      { label: 'app, welcome page', binary: APP },
      {
        label: 'app, home with 10 setups',
        binary: APP,
        env: {
          prepare: (env) => {
            const store = join(env.HOME, 'setups.db');
            copyFileSync(ten, store);
            env.AUTH0_EVENTGRID_STORE = store;
          },
        },
      },
    ]);
    writeFileSync(OUT, report({ floor, flat, welcome, home, cli, health }));
    console.error(`wrote ${OUT}`);
  } finally {
    killAll();
    rmSync(work, { recursive: true, force: true });
  }
}

function ratio(a, b) {
  return (a / b).toFixed(2);
}

/**
 * Where the app's start went, from the phases it logs (src-tauri/src/startup.rs): before its clock starts (the
 * process spawned, the loader and the libraries), Tauri's start up to the app's setup (the window and its webview
 * are made before it), that setup, WebKit finishing its processes' start and loading the page, the page's first reads over IPC, and the rest of the page up to its paint.
 */
function phaseBreakdown(series, floor) {
  const measured = series.filter((s) => s.phases);
  if (!measured.length) return 'The app logged no start phases, so its start is not split.\n';
  const names = [
    ['before', 'before the app\'s clock: the process spawned, the loader, the libraries'],
    ['tauri', 'Tauri, GTK and the plugins started, the window and its webview made (Tauri makes them before the app\'s setup runs), and the app\'s log opened'],
    ['own', 'the rest of the app\'s own setup: the state, the presets'],
    ['webkit', 'WebKit: the rest of its processes\' start and the page loaded'],
    ['reads', 'the page\'s first reads over IPC (the draft, the defaults, the saved setups): asked all at once as its script starts, taken once it has run and mounted the app'],
    ['page', 'the rest of the page: the first screen built, laid out and painted'],
  ];
  const header = `| phase (median of each, ms) | ${measured.map((s) => s.label).join(' | ')} |\n|---|${measured.map(() => '---:').join('|')}|`;
  const lines = names.map(([key, text]) => `| ${text} | ${measured.map((s) => s.phases[key].toFixed(0)).join(' | ')} |`);
  const biggest = measured
    .map((s) => {
      const [key] = names.reduce((a, b) => (s.phases[b[0]] > s.phases[a[0]] ? b : a));
      return `for the ${s.label.replace(/^app, /, '')}, ${names.find(([k]) => k === key)[1].split(':')[0]} (${s.phases[key].toFixed(0)} ms)`;
    })
    .join('; ');
  return `Where the app's start goes, from the phases it logs (a median per row, so the rows add up only roughly):

${header}
${lines.join('\n')}

The biggest part: ${biggest}. The floor spends its ${floor.paintMedian.toFixed(0)} ms in the same loader and WebKit work, with a static page and no Rust of its own.
`;
}

function report({ floor, flat, welcome, home, cli, health }) {
  const az = spawnSync('sh', ['-c', 'command -v az'], { encoding: 'utf8' }).stdout.trim();
  const sizes = [
    ['the app (`auth0-eventgrid-setup`, release, stripped)', size(APP)],
    ['the command line (`auth0-eventgrid`, release, stripped)', size(CLI)],
    ...packages().map(({ file, bytes }) => [`\`${file}\``, bytes]),
  ];
  const goal = (value, floorValue, unit) => {
    const r = value / floorValue;
    return r <= 1.1 ? `within the goal of 1.1× (${ratio(value, floorValue)}×)` : `over the goal of 1.1× by ${((r - 1.1) * floorValue).toFixed(0)} ${unit} (${ratio(value, floorValue)}×)`;
  };
  const MiB = (bytes) => bytes / 1024 / 1024;
  return `# Performance

Measured by \`make bench\` (scripts/bench/bench.mjs) on ${new Date().toISOString().slice(0, 10)}: ${machine()}. The
machine is shared, so figures move between runs by several per cent; read them as sizes, not as a race. Every
figure below is from release builds (\`cargo build --release\`: thin LTO, stripped).

## Start time

From spawning the process to its first screen painted (the page reports after the screen is laid out and two
animation frames have passed; the app writes "window painted" to its log), median of ${RUNS} starts, each with a
fresh data folder, the page cache warm, and the caches (\`XDG_CACHE_HOME\`: Mesa's compiled shaders, WebKit's own)
left by a first start, as on a computer where the program has started before. The starts are taken in rounds, each
row starting once per round, so that the shared machine's load changing during the bench touches every row alike.
That first start, with empty caches, is in its own column: under software rendering, Mesa compiling the shaders a page needs is most of its cost (the
app's page needs more of them than the floor's static text).

Two floors: the bare window as WebKitGTK draws it by default, with accelerated compositing (the floor every Tauri
app on Linux stands on unless it chooses otherwise), and the same window drawn as the app draws, without
compositing (src-tauri/src/rendering.rs says why). The first is the goal's floor; the second shows what the app
itself adds, drawing mode aside.

| what | median | min | max | × floor | × floor drawn as the app | first start, caches empty | × floor's first |
|---|---:|---:|---:|---:|---:|---:|---:|
${[floor, flat, welcome, home]
  .map((s) => `| ${s.label}${s === floor ? ' (the floor)' : ''} | ${s.paintMedian.toFixed(0)} ms | ${s.paintMin.toFixed(0)} ms | ${s.paintMax.toFixed(0)} ms | ${ratio(s.paintMedian, floor.paintMedian)} | ${ratio(s.paintMedian, flat.paintMedian)} | ${s.first.toFixed(0)} ms | ${ratio(s.first, floor.first)} |`)
  .join('\n')}

Against the floor, the welcome page is ${goal(welcome.paintMedian, floor.paintMedian, 'ms')}; the home is ${goal(home.paintMedian, floor.paintMedian, 'ms')}.
Against the floor drawn as the app draws, the welcome page is ${goal(welcome.paintMedian, flat.paintMedian, 'ms')}; the home is ${goal(home.paintMedian, flat.paintMedian, 'ms')}.

${phaseBreakdown([welcome, home], floor)}
## Memory

PSS (proportional set size: a page shared by several processes is divided between them, so nothing counts twice)
of the process and every process it started, in MiB, ${IDLE_SECONDS} s after its first paint, median of ${RUNS}.

${memoryRows([floor, flat, welcome, home])}

Against the floor, the app on its welcome page is ${goal(MiB(welcome.total), MiB(floor.total), 'MiB')}; on the home,
${goal(MiB(home.total), MiB(floor.total), 'MiB')}. Against the floor drawn as the app draws, the welcome page is
${goal(MiB(welcome.total), MiB(flat.total), 'MiB')}; the home, ${goal(MiB(home.total), MiB(flat.total), 'MiB')}.

## Size

| file | size |
|---|---:|
${sizes.map(([what, bytes]) => `| ${what} | ${bytes === null ? 'not built' : `${mib(bytes)} MiB (${bytes} bytes)`} |`).join('\n')}
${packages().length ? '' : '\nNo package was found under target/release/bundle: run `make bundle` before `make bench` to measure them.\n'}
## Setup through the CLI

The full setup (the four steps and the test of a webhook) by \`auth0-eventgrid setup\` against the sandbox with
${LATENCY_MS} ms added to every answer (a real cloud's round trip) and Azure's provider registration immediate:

| run | wall time | requests |
|---|---:|---:|
| first setup | ${cli.firstMs.toFixed(0)} ms | ${cli.firstRequests} |
| the same setup again (finds everything in place, writes nothing) | ${cli.againMs.toFixed(0)} ms | ${cli.againRequests} |

${az ? `\`az\` is installed here (${az}).` : 'The official CLIs are not installed on this machine (no `az`, no `auth0`), and nothing may be downloaded here, so their start-up is not measured beside it. The Azure half by hand is at least five `az` commands (register the provider, create the group, create the partner configuration and authorize Auth0, activate the topic, create the subscription), each a Python start-up before its first request.'}

## Health checks

\`auth0-eventgrid verify --all\` over 1, 10 and 50 saved setups (one process start each time, all setups checked
at once), against the same sandbox, median of 5:

| setups | median | min | max |
|---:|---:|---:|---:|
${health.rows.map((row) => `| ${row.count} | ${row.median.toFixed(0)} ms | ${row.min.toFixed(0)} ms | ${row.max.toFixed(0)} ms |`).join('\n')}

The engine's own benchmarks (\`cargo bench -p setup-engine --bench health_check\`, with Auth0's rate limit on and
off) are in crates/setup-engine/README.md.
`;
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exit(1);
});
