// The packages as a user gets them. The .deb is installed on this machine (dpkg, as root), the installed app is
// started under the display (Xvfb in make) through tauri-driver with a throwaway home, so it runs on the built-in
// sandbox and leaves nothing in anyone's folders, and must paint the welcome page; the installed command line
// answers --version; the package is purged and nothing of it may be left outside the throwaway home. The .rpm is
// installed into a throwaway root with rpm and checked the same way, without starting the window.
//
// Needs root (or sudo without a password) and the packages of `make bundle`; refuses to touch a machine where the
// package is installed already. Whatever happens, the package is purged and every process started is ended.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, closeSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killOnExit } from '../e2e/processes.mjs';
import { newSession, startDriver } from '../e2e/webdriver.mjs';
import { paintedShare } from './painted.mjs';
import { signatureProblem, signedVersion } from './signature.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workspaceVersion = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const targetDir = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root, encoding: 'utf8' })).target_directory;
// PACKAGE_PROFILE=debug (what `make test` does) checks the packages of the test build's binaries; release by default.
const bundleDir = join(targetDir, process.env.PACKAGE_PROFILE ?? 'release', 'bundle');
const asRoot = process.getuid() === 0 ? [] : ['sudo', '-n'];

const PACKAGE = 'auth0-eventgrid-setup';
const WELCOME = 'Send your Auth0 logs to Azure Event Grid';

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}
function runAsRoot(command, args) {
  const [first, ...rest] = [...asRoot, command, ...args];
  return run(first, rest);
}
function onlyPackage(folder, suffix) {
  const found = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(suffix)) : [];
  assert.equal(found.length, 1, `expected one ${suffix} in ${folder} (run make bundle, or make test-package), found ${JSON.stringify(found)}`);
  return join(folder, found[0]);
}
function installed() {
  try {
    return run('dpkg-query', ['-W', '-f=${Status}', PACKAGE]).includes('installed');
  } catch {
    return false;
  }
}
/** Paths on the system (outside home folders) named after the app or its identifier. */
function traces() {
  const pattern = ['(', '-iname', '*auth0*eventgrid*', '-o', '-iname', '*auth0eventgridsetup*', ')'];
  // find's exit status is not used: a folder it may not read is no trace of the app.
  const { stdout } = spawnSync('find', ['/usr', '/etc', '/opt', '/var/lib', '-xdev', ...pattern], { encoding: 'utf8' });
  return stdout.split('\n').filter(Boolean).sort();
}
/** The files among `paths` (under `root`) that are ELF binaries, by their first four bytes. */
function elfFiles(paths, root) {
  return paths.filter((path) => {
    const file = join(root, path);
    if (!existsSync(file) || !lstatSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    const magic = Buffer.alloc(4);
    try {
      readSync(fd, magic, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    return magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  });
}
function purge() {
  if (installed()) runAsRoot('dpkg', ['--purge', PACKAGE]);
}

const deb = onlyPackage(join(bundleDir, 'deb'), '.deb');
const rpm = onlyPackage(join(bundleDir, 'rpm'), '.rpm');
// What the package would put on the system, and what the system held before.
const debFiles = run('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -t', 'sh', deb])
  .split('\n')
  .filter((line) => line && !line.endsWith('/'))
  .map((line) => line.replace(/^\.?\/?/, '/'));
let tracesBefore;
let home;
let guard;

before(() => {
  assert.ok(asRoot.length === 0 || spawnOk('sudo', ['-n', 'true']), 'the install test needs root or sudo without a password');
  assert.ok(!installed(), `${PACKAGE} is installed on this machine already: this test installs and purges it, so remove it first`);
  tracesBefore = traces();
  home = mkdtempSync(join(tmpdir(), 'package-test-home-'));
  // However this process ends, the package does not stay installed.
  guard = killOnExit(() => {
    try {
      purge();
    } catch {
      // reported by the run that follows: the next `make test-package` refuses a machine with it installed
    }
  });
  runAsRoot('dpkg', ['--install', deb]);
});

after(() => {
  purge();
  guard?.release();
  if (home) rmSync(home, { recursive: true, force: true });
});

function spawnOk(command, args) {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
}

test('the .deb installs with its dependencies declared, the app, the command line, a desktop entry, icons and the license', () => {
  assert.ok(installed());
  const field = (name) => run('dpkg-query', ['-W', `-f=\${${name}}`, PACKAGE]);
  assert.equal(field('Version'), workspaceVersion);
  for (const dependency of ['libwebkit2gtk-4.1-0', 'libgtk-3-0', 'libdbus-1-3', 'libssl3']) {
    assert.match(field('Depends'), new RegExp(`(^|, )${dependency.replaceAll('.', '\\.')}($|,| )`), `Depends lacks ${dependency}`);
  }
  assert.match(field('Description'), /^Stream Auth0 tenant logs to Azure Event Grid\n .+/);

  const files = run('dpkg-query', ['-L', PACKAGE]).split('\n').filter(Boolean);
  assert.deepEqual(files.filter((path) => /\s/.test(path)), [], 'no installed path has a space');
  assert.ok(files.includes('/usr/bin/auth0-eventgrid-setup'), 'the app is installed');
  assert.equal(statSync('/usr/bin/auth0-eventgrid-setup').mode & 0o755, 0o755, 'the app is executable');
  // One binary: the command line is the app started under another name, a link the package's postinst makes.
  assert.ok(lstatSync('/usr/bin/auth0-eventgrid').isSymbolicLink(), '/usr/bin/auth0-eventgrid is a symbolic link');
  assert.equal(realpathSync('/usr/bin/auth0-eventgrid'), realpathSync('/usr/bin/auth0-eventgrid-setup'));
  assert.deepEqual(elfFiles(debFiles, '/'), ['/usr/bin/auth0-eventgrid-setup'], 'the .deb holds one ELF binary, the app');
  // make bundle repacks Tauri's gzip .deb with xz, as Debian's own packages are (scripts/bundle.sh).
  assert.deepEqual(run('ar', ['t', deb]).trim().split('\n'), ['debian-binary', 'control.tar.xz', 'data.tar.xz']);
  const entry = '/usr/share/applications/auth0-eventgrid-setup.desktop';
  assert.ok(files.includes(entry));
  const desktop = readFileSync(entry, 'utf8');
  assert.match(desktop, /^Name=Auth0 Event Grid Setup$/m);
  assert.match(desktop, /^Exec=auth0-eventgrid-setup$/m);
  assert.match(desktop, /^Icon=auth0-eventgrid-setup$/m);
  assert.match(desktop, /^Comment=Stream Auth0 tenant logs to Azure Event Grid$/m);
  run('desktop-file-validate', [entry]);
  const icons = files.filter((path) => /^\/usr\/share\/icons\/hicolor\/\d+x\d+(@2)?\/apps\/auth0-eventgrid-setup\.png$/.test(path));
  assert.ok(icons.length >= 2, `icons: ${icons}`);
  assert.match(readFileSync(`/usr/share/doc/${PACKAGE}/copyright`, 'utf8'), /^MIT License/);
});

test('the installed command line answers --version with the workspace version', () => {
  assert.equal(run('/usr/bin/auth0-eventgrid', ['--version']).trim(), `auth0-eventgrid ${workspaceVersion}`);
});

test('the installed app paints the welcome page', async () => {
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  mkdirSync(env.XDG_DATA_HOME, { recursive: true });
  const driver = await startDriver({ env });
  try {
    const session = await newSession(driver, '/usr/bin/auth0-eventgrid-setup');
    try {
      assert.equal(await session.waitForText('main h1', (text) => text === WELCOME, 90_000), WELCOME);
      const version = await session.waitForText('[data-testid="app-version"]', (text) => text.startsWith('Version '));
      assert.match(version, new RegExp(`^Version ${workspaceVersion.replaceAll('.', '\\.')} · Tauri 2\\.\\d+\\.\\d+$`));
      // The heading is in the DOM; the picture shows it was painted too (a blank window has nothing but its background).
      await session.waitFor(async () => {
        const share = paintedShare(await session.screenshot());
        if (share < 0.05) throw new Error(`only ${share} of the window is painted`);
      });
    } finally {
      await session.close();
    }
  } finally {
    await driver.stop();
  }
});

test('purging the .deb leaves nothing of it on the system', () => {
  runAsRoot('dpkg', ['--purge', PACKAGE]);
  assert.ok(!installed());
  assert.deepEqual(debFiles.filter((path) => existsSync(path) && !lstatSync(path).isDirectory()), [], 'files of the package still present');
  assert.deepEqual(traces(), tracesBefore, 'paths named after the app appeared on the system');
});

test('the .rpm installs the app, the command line, the desktop entry and the license into a root, and erases cleanly', () => {
  const requires = run('rpm', ['-qp', '--requires', rpm]);
  for (const dependency of ['libwebkit2gtk-4.1.so.0', 'libgtk-3.so.0', 'dbus-libs', 'openssl-libs']) {
    assert.ok(requires.split('\n').some((line) => line.startsWith(dependency)), `Requires lacks ${dependency}`);
  }
  assert.equal(run('rpm', ['-qp', '--queryformat', '%{NAME} %{VERSION} %{LICENSE}', rpm]), `${PACKAGE} ${workspaceVersion} MIT`);
  // make bundle asks the bundler for an xz payload (scripts/bundle.sh); its default would be gzip.
  assert.equal(run('rpm', ['-qp', '--queryformat', '%{PAYLOADCOMPRESSOR}', rpm]), 'xz');
  const rpmRoot = mkdtempSync(join(tmpdir(), 'package-test-rpm-root-'));
  try {
    run('rpm', ['--root', rpmRoot, '--initdb']);
    run('rpm', ['--root', rpmRoot, '--install', '--nodeps', '--noscripts', '--nosignature', rpm]);
    const files = run('rpm', ['--root', rpmRoot, '-ql', PACKAGE]).split('\n').filter(Boolean);
    for (const path of [
      '/usr/bin/auth0-eventgrid-setup',
      '/usr/share/applications/auth0-eventgrid-setup.desktop',
      `/usr/share/licenses/${PACKAGE}/LICENSE`,
    ]) {
      assert.ok(files.includes(path) && existsSync(join(rpmRoot, path)), `${path} in the .rpm`);
    }
    assert.deepEqual(files.filter((path) => /\s/.test(path)), []);
    assert.deepEqual(elfFiles(files, rpmRoot), ['/usr/bin/auth0-eventgrid-setup'], 'the .rpm holds one ELF binary, the app');
    // The link to the command line is made by the %post scriptlet, which an install into a bare root cannot run
    // (--noscripts: it has no shell). Its scriptlets are checked by their text, and the link made as they make it.
    const scripts = run('rpm', ['-qp', '--scripts', rpm]);
    assert.match(scripts, /^postinstall scriptlet[^\n]*\n(.*\n)*ln -sf auth0-eventgrid-setup \/usr\/bin\/auth0-eventgrid$/m);
    assert.match(scripts, /^preuninstall scriptlet[^\n]*\n(.*\n)*.*rm -f \/usr\/bin\/auth0-eventgrid/m);
    symlinkSync('auth0-eventgrid-setup', join(rpmRoot, 'usr/bin/auth0-eventgrid'));
    assert.equal(run(join(rpmRoot, 'usr/bin/auth0-eventgrid'), ['--version']).trim(), `auth0-eventgrid ${workspaceVersion}`);
    rmSync(join(rpmRoot, 'usr/bin/auth0-eventgrid'));
    run('rpm', ['--root', rpmRoot, '--erase', '--nodeps', '--noscripts', PACKAGE]);
    assert.deepEqual(files.filter((path) => existsSync(join(rpmRoot, path))), []);
  } finally {
    rmSync(rpmRoot, { recursive: true, force: true });
  }
});

// With an updater key (make test-package makes a throwaway pair; a release is given its own), each package has a
// .sig the updater checks before installing. The .deb is repacked with xz after the bundler signed it, so this is
// where a signature of the bundler's .deb, not of the one shipped, would be caught.
test('each package’s updater signature verifies the package as shipped, bound to the workspace version', (t) => {
  const publicKey = process.env.AUTH0_EVENTGRID_UPDATER_PUBKEY;
  if (!publicKey) {
    t.skip('no updater key was given: the packages were built without update signatures');
    return;
  }
  for (const file of [deb, rpm]) {
    const sigPath = `${file}.sig`;
    assert.ok(existsSync(sigPath), `${sigPath} is missing`);
    const signature = readFileSync(sigPath, 'utf8');
    assert.equal(signatureProblem(file, signature, publicKey), null, file);
    assert.equal(signedVersion(signature), workspaceVersion, `${sigPath} binds the version`);
  }
  // The check would catch a package changed after signing: one byte of a copy flipped.
  const scratch = mkdtempSync(join(tmpdir(), 'package-test-signature-'));
  try {
    const changed = join(scratch, 'changed.deb');
    copyFileSync(deb, changed);
    const bytes = readFileSync(changed);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(changed, bytes);
    assert.equal(signatureProblem(changed, readFileSync(`${deb}.sig`, 'utf8'), publicKey), 'the signature does not match the file');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
