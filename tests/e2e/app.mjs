// What every real-window test needs: the built app launched through tauri-driver with a config folder of its
// own, and "a person" who clicks buttons by their text and types into fields, counting each action.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newSession, startDriver } from './webdriver.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const application = process.env.APP_BINARY ?? join(root, 'target/debug/auth0-eventgrid-setup');
// The committed pictures change only when someone asks for it, so a test run leaves the work tree clean.
const screenshots = resolve(root, process.env.SCREENSHOTS_DIR ?? 'tests/e2e/artifacts/screenshots');

/** The app with its own config folder (so no earlier draft leaks in) and the chosen GTK theme. */
export async function launch(configHome, theme, extraEnv = {}) {
  const env = { ...process.env, XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: join(configHome, 'data'), ...extraEnv };
  if (theme === 'dark') env.GTK_THEME = 'Adwaita:dark';
  else delete env.GTK_THEME;
  const driver = await startDriver({ env });
  let session;
  try {
    session = await newSession(driver, application);
  } catch (error) {
    await driver.stop();
    throw error;
  }
  return {
    session,
    async quit() {
      await session.close();
      await driver.stop();
    },
    /** Ends the app as a crash would (SIGKILL, see `kill` in webdriver.mjs); returns the processes killed. */
    async crash() {
      return driver.kill();
    },
  };
}

/** A person's view of the window: every click and every field typed into counts as one action. */
export function person(session) {
  let actions = 0;
  const button = (text) => `//main//button[normalize-space(.)='${text}' or starts-with(normalize-space(.), '${text}')]`;
  return {
    get actions() {
      return actions;
    },
    async heading(expected, timeoutMs = 90_000) {
      return session.waitForText('main h1', (text) => text === expected, timeoutMs);
    },
    async click(text, timeoutMs = 20_000) {
      const id = await session.waitFor(async () => {
        const found = await session.findXPath(button(text));
        if ((await session.property(found, 'disabled')) === true) throw new Error(`${text} is disabled`);
        return found;
      }, timeoutMs);
      await session.clickElement(id);
      actions += 1;
    },
    async tick(label) {
      const id = await session.findXPath(`//label[contains(normalize-space(.), '${label}')]/input`);
      await session.clickElement(id);
      actions += 1;
    },
    /** Picks a radio button or checkbox by its label's text (the label may wrap the input or name it). */
    async choose(label) {
      const id = await session.waitFor(() => session.findXPath(`//main//label[normalize-space(.)='${label}']`));
      await session.clickElement(id);
      actions += 1;
    },
    /** Picks the radio button whose value is `value` inside `css` (a list of names whose values are ids). */
    async pickValue(css, value) {
      const id = await session.waitFor(() => session.find(`${css} input[type=radio][value="${value}"]`));
      await session.clickElement(id);
      actions += 1;
    },
    /** Picks, in the list whose test id is `testid`, the item whose label starts with `name`. */
    async pick(testid, name) {
      const id = await session.waitFor(() =>
        session.findXPath(`//*[@data-testid='${testid}']//label[starts-with(normalize-space(.), '${name}')]`),
      );
      await session.clickElement(id);
      actions += 1;
    },
    /** Picks the option whose value is `value` in the drop-down list `css`. */
    async select(css, value) {
      const id = await session.waitFor(() => session.find(`${css} option[value="${value}"]`));
      await session.clickElement(id);
      actions += 1;
    },
    async type(css, text) {
      const id = await session.waitFor(() => session.find(css));
      await session.clearElement(id);
      await session.typeInto(id, text);
      actions += 1;
    },
    async value(css) {
      return session.property(await session.find(css), 'value');
    },
  };
}

/** Saves the window as `{name}-{theme}.png` under the screenshots folder: from the screen's top, or with the
 * element `at` (a CSS selector) scrolled into view. */
export async function shoot(session, name, theme, { at } = {}) {
  // Images decode asynchronously (the logo is a picture): a picture taken before then shows a gap.
  await session.waitFor(async () => {
    const decoded = await session.execute(
      'return [...document.images].every((image) => image.complete && image.naturalWidth > 0);',
    );
    if (!decoded) throw new Error('images are still decoding');
  });
  // Each picture shows a screen from its top, where a person starts reading.
  // WebKit's snapshot can show a frame from before the last scroll or render: let the page paint first.
  if (at) await session.execute(`document.querySelector(${JSON.stringify(at)}).scrollIntoView({ block: 'start' });`);
  else await session.execute('document.scrollingElement.scrollTop = 0; window.scrollTo(0, 0);');
  await new Promise((resolve) => setTimeout(resolve, 500));
  mkdirSync(screenshots, { recursive: true });
  writeFileSync(join(screenshots, `${name}-${theme}.png`), await session.screenshot());
}
