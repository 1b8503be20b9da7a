// A small W3C WebDriver client over fetch, for driving the real app window through tauri-driver (which forwards to
// WebKitGTK's WebKitWebDriver). Only Node's standard library is used, so these tests need no npm install.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LAUNCH_MARKER, killMarked, killOnExit, marked, newMarker, signalGroup, signalMarked } from './processes.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts tauri-driver on free ports and waits until it answers. The driver leads a process group of its own and
 * marks its environment with a launch id, which WebKitWebDriver and the app inherit: `stop()` ends all of them,
 * including an app launched by a session request that was retried, and so does this process's exit, however the
 * test ends.
 */
export async function startDriver({ driverPath = process.env.TAURI_DRIVER ?? 'tauri-driver', nativeDriver = '/usr/bin/WebKitWebDriver', env = process.env } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const launch = newMarker();
  // The drivers' and the app's output goes to a file, not to the test runner's pipe: a process that outlived its
  // test would otherwise hold that pipe open, and the runner waits for it to close. It is printed when they stop.
  const log = join(mkdtempSync(join(tmpdir(), 'e2e-driver-')), 'output.log');
  const output = openSync(log, 'a');
  const child = spawn(driverPath, ['--port', String(port), '--native-port', String(nativePort), '--native-driver', nativeDriver], {
    stdio: ['ignore', output, output],
    detached: true,
    // The app inherits this environment through WebKitWebDriver (its config folder, its theme).
    env: { ...env, [LAUNCH_MARKER]: launch },
  });
  closeSync(output);
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  const killAll = () => {
    signalGroup(child.pid, 'SIGKILL');
    signalMarked(LAUNCH_MARKER, launch, 'SIGKILL');
  };
  const showOutput = () => {
    process.stderr.write(readFileSync(log, 'utf8'));
    rmSync(dirname(log), { recursive: true, force: true });
  };
  const guard = killOnExit(killAll);
  const abandon = (reason) => {
    killAll();
    guard.release();
    showOutput();
    return new Error(reason);
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw abandon(`tauri-driver exited with code ${child.exitCode}`);
    try {
      const answer = await fetch(`${base}/status`);
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw abandon('tauri-driver did not start within 30 s');
    await delay(100);
  }
  // Stopped or killed once: whichever comes first ends the launch, the other then has nothing to do.
  let ended = false;
  return {
    base,
    /** Ends every process of this launch except the drivers (an app left by a failed session request). */
    killApps(application) {
      signalMarked(LAUNCH_MARKER, launch, 'SIGKILL', ({ command }) => command.startsWith(application));
    },
    /**
     * Kills every process of this launch at once with SIGKILL, as a crash or a power cut would end the app:
     * the drivers' process group (the app and WebKit's helpers are in it), then whatever of the launch left it.
     * Nothing gets to close, save or clean up. Returns the processes that were killed.
     */
    async kill() {
      if (ended) return [];
      ended = true;
      const running = marked(LAUNCH_MARKER, launch);
      signalGroup(child.pid, 'SIGKILL');
      await killMarked(LAUNCH_MARKER, launch);
      await Promise.race([exited, delay(5_000)]);
      guard.release();
      showOutput();
      return running;
    },
    async stop() {
      // tauri-driver is asked first: it stops WebKitWebDriver and waits for it (no zombie is left behind). Whatever
      // of this launch is still there afterwards is killed.
      if (ended) return;
      ended = true;
      child.kill('SIGTERM');
      await Promise.race([exited, delay(5_000)]);
      signalGroup(child.pid, 'SIGKILL');
      await killMarked(LAUNCH_MARKER, launch);
      guard.release();
      showOutput();
    },
  };
}

async function call(base, method, path, body) {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await answer.json();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(payload.value ?? payload)}`);
  return payload.value;
}

/**
 * Opens a session on `driver` that launches `application`. The first connection is sometimes reset: retry once,
 * after ending any app the failed request launched (two instances would share one config folder).
 */
export async function newSession(driver, application) {
  const { base } = driver;
  const capabilities = { capabilities: { alwaysMatch: { 'tauri:options': { application } } } };
  let value;
  try {
    value = await call(base, 'POST', '/session', capabilities);
  } catch {
    driver.killApps(application);
    await delay(1_000);
    value = await call(base, 'POST', '/session', capabilities);
  }
  const path = `/session/${value.sessionId}`;
  return {
    async find(css) {
      const element = await call(base, 'POST', `${path}/element`, { using: 'css selector', value: css });
      return element[ELEMENT];
    },
    async text(css) {
      const id = await this.find(css);
      return call(base, 'GET', `${path}/element/${id}/text`);
    },
    /** Polls `css`'s text until `accept` holds, for at most `timeoutMs`. */
    async waitForText(css, accept, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last;
      for (;;) {
        try {
          last = await this.text(css);
          if (accept(last)) return last;
        } catch (error) {
          last = String(error);
        }
        if (Date.now() > deadline) throw new Error(`"${css}" never matched; last text: ${last}`);
        await delay(200);
      }
    },
    /** The first element matching an XPath expression (for "the button that says ..."). */
    async findXPath(xpath) {
      const element = await call(base, 'POST', `${path}/element`, { using: 'xpath', value: xpath });
      return element[ELEMENT];
    },
    /** Waits until `locate` finds an element, for at most `timeoutMs`. */
    async waitFor(locate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return await locate();
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        await delay(200);
      }
    },
    /**
     * Clicks an element as a person would: scrolled to the middle of the window first, where the step's actions
     * bar (fixed at the bottom edge) cannot cover it. WebDriver alone scrolls only what is out of view, so an
     * element just above the window's edge would be clicked through the bar ("element click intercepted").
     */
    async clickElement(id) {
      const element = { 'element-6066-11e4-a52e-4f735466cecf': id };
      await call(base, 'POST', `${path}/execute/sync`, {
        script: "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
        args: [element],
      });
      await call(base, 'POST', `${path}/element/${id}/click`, {});
    },
    async clearElement(id) {
      await call(base, 'POST', `${path}/element/${id}/clear`, {});
    },
    async typeInto(id, text) {
      await call(base, 'POST', `${path}/element/${id}/value`, { text });
    },
    async property(id, name) {
      return call(base, 'GET', `${path}/element/${id}/property/${name}`);
    },
    async attribute(id, name) {
      return call(base, 'GET', `${path}/element/${id}/attribute/${name}`);
    },
    async execute(script, args = []) {
      return call(base, 'POST', `${path}/execute/sync`, { script, args });
    },
    // WebKitGTK takes the picture after the page's next paint, and a page drawn without accelerated compositing
    // (src-tauri/src/rendering.rs) paints only when something changes: an idle page would keep the driver waiting
    // for good. While the picture is taken, a one-pixel mark in the bottom-right corner changes shade each frame
    // (invisible: an alpha of 0 or 1/255), so a paint always comes; it is removed afterwards.
    async screenshot() {
      await this.execute(`
        const mark = document.createElement('div');
        mark.id = '__screenshot-paint';
        mark.setAttribute('aria-hidden', 'true');
        mark.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
        document.documentElement.append(mark);
        let on = false;
        const tick = () => {
          if (!mark.isConnected) return;
          on = !on;
          mark.style.background = on ? 'rgba(0,0,0,0.004)' : 'transparent';
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);`);
      try {
        return Buffer.from(await call(base, 'GET', `${path}/screenshot`), 'base64');
      } finally {
        await this.execute(`document.getElementById('__screenshot-paint')?.remove();`).catch(() => {});
      }
    },
    async close() {
      await call(base, 'DELETE', path).catch(() => {});
    },
  };
}
