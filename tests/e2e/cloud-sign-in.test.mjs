// The real window signing in to "real" clouds: the app runs in cloud mode (not sandbox mode) against a separate
// sandbox process that stands in for Auth0, Entra ID and Resource Manager, set through the environment the way
// an administrator presets a sovereign or proxied cloud. The system browser is Debian's Chromium driven by
// Playwright: the app "opens" the sign-in page with xdg-open (a stand-in first on PATH records the link), the
// browser signs in on the identity platform's page and is sent back to the app's loopback address. The device
// code is read off the window and typed on the device page. Needs a display, `make app` and the sandbox binary.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { person, shoot } from './app.mjs';
import { launchCloudApp, signInInBrowser, signInToAuth0, startBrowser, startSandbox } from './cloud.mjs';

let sandbox;
let info;
let browser;

before(async () => {
  sandbox = await startSandbox();
  ({ info } = sandbox);
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

/**
 * A device-code sign-in as a person does it: asks the window for a code, reads the code and the page to open off
 * the window, and approves it there in the browser.
 */
async function signInWithDeviceCode(you, session, user) {
  await you.choose('With a code, on any device');
  await you.click('Get a sign-in code');
  const code = await session.waitForText('[data-testid="device-code"]', (text) => text.trim().length > 0);
  const instructions = await session.text('[data-testid="azure-waiting"]');
  const verification = instructions.match(/https?:\/\/\S+/)?.[0];
  assert.ok(verification, `the window names the page to open: ${instructions}`);
  // The person, on another device: opens the page, types the code and signs in.
  const tab = await browser.newPage();
  try {
    await tab.goto(verification);
    await tab.getByLabel('Code').fill(code.trim());
    await tab.getByLabel('Email').fill(user.name);
    await tab.getByLabel('Password').fill(user.password);
    await Promise.all([tab.waitForLoadState(), tab.getByRole('button', { name: 'Allow' }).click()]);
  } finally {
    await tab.close();
  }
}

/**
 * Deletes the sandbox tenant's log streams through the Management API, as an administrator would between two
 * setups: each full setup below makes a stream of the default name, and Auth0 cannot point one at two places.
 */
async function deleteLogStreams() {
  const api = `${info.auth0_domain}/api/v2`;
  const grant = await fetch(`${info.auth0_domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: info.auth0_client_id,
      client_secret: info.auth0_client_secret,
      audience: `${api}/`,
    }),
  });
  assert.equal(grant.status, 200, await grant.clone().text());
  const headers = { authorization: `Bearer ${(await grant.json()).access_token}` };
  const streams = await (await fetch(`${api}/log-streams`, { headers })).json();
  for (const stream of streams) {
    const gone = await fetch(`${api}/log-streams/${stream.id}`, { method: 'DELETE', headers });
    assert.equal(gone.status, 204, `delete ${stream.id}`);
  }
}

// What step 4 offers in the home directory's subscription, as the sandbox seeds it (crates/sandbox/README.md):
// each kind's namespace, account or app, then its hub, queue, topic or function, all chosen by name.
const DESTINATIONS = [
  ['eventhub', 'contoso-events', 'auth0-logs'],
  ['storagequeue', 'contosologs01', 'auth0-events'],
  ['servicebusqueue', 'contoso-messaging', 'auth0-logs'],
  ['servicebustopic', 'contoso-messaging', 'identity-events'],
  ['azurefunction', 'contoso-auth0-handlers', 'OnAuth0Log'],
];

test('a setup with no id typed: every destination chosen from a list, the webhook walk in at most 14 actions', { timeout: 300_000 }, async () => {
  const app = await launchCloudApp(info);
  try {
    const { session } = app;
    const you = person(session);
    await you.heading('Send your Auth0 logs to Azure Event Grid');
    await you.click('Connect my Auth0 and Azure');
    await you.heading('Sign in to Auth0 and Azure');
    await you.click('Sign in to Azure in the browser');
    const user = info.users[0];
    assert.match(await signInInBrowser(browser, await app.opener.next(0, session), user), new RegExp(`Signed in as ${user.name}`));
    await session.waitForText('[data-testid="azure-account"]', (text) => text.includes(user.name));
    await signInToAuth0(you, info);
    await session.waitForText('[data-testid="signed-in"]', (text) => text.includes(info.auth0_client_id));
    await you.click('Continue');
    await you.heading('Step 1 – Prepare Azure');
    // The account sees one subscription here: it is chosen, and shown by name. The group is chosen from the list.
    await session.waitForText('[data-testid="subscription-chosen"]', (text) => text.length > 0);
    assert.equal(await you.value('[data-testid="subscription-choices"] input[type=radio]:checked'), info.subscription_id);
    await you.choose('Use an existing resource group');
    await you.pick('resource-groups', 'contoso-integration');
    await you.click('Prepare Azure');
    await you.heading('Step 2 – Create the Auth0 stream');
    await you.click('Create the stream');
    await you.heading('Step 3 – Activate the connection');
    await session.waitForText('[data-testid="topic-facts"], [data-testid="topic-summary"]', (text) => text.length > 0);
    await you.click('Activate');
    await you.heading('Step 4 – Choose where events go');

    // Every kind Azure can deliver to, chosen by name: the id the setup would use comes from Azure's list.
    const before = you.actions;
    for (const [kind, parent, child] of DESTINATIONS) {
      await you.pickValue('main', kind);
      await you.pick('destination-parents', parent);
      await you.pick('destination-children', child);
      const chosen = await session.waitForText('[data-testid="destination-chosen"]', (text) => text.includes(child));
      assert.ok(chosen.includes(parent), `${kind}: ${chosen}`);
      const id = await session.text('[data-testid="destination-resource-id"]');
      assert.ok(id.includes(`/${parent}`), `${kind}: the id shown is Azure's: ${id}`);
      if (kind !== 'storagequeue') assert.ok(id.endsWith(`/${child}`), `${kind}: the id names the ${child}: ${id}`);
      await shoot(session, `destination-${kind}`, 'light');
    }
    const explored = you.actions - before;
    await you.pickValue('main', 'webhook');
    const inbox = `${info.admin_url}/inbox/names-e2e`;
    await you.type('#webhook-url', inbox);
    await you.click('Subscribe');
    await you.heading('Done: your Auth0 logs flow to Azure');
    const walk = you.actions - explored - 1;
    console.log(`cloud setup (browser sign-in, no directory switch, webhook): ${walk} actions from launch to Done`);
    // 7 to step 1 (Connect, browser sign-in, the Auth0 domain, client id and secret, Check, Continue), 3 on
    // step 1 (existing group, which one, Prepare), 1 on step 2, 1 on step 3, 2 on step 4.
    assert.equal(walk, 14, 'the webhook walk without a directory switch');

    const world = await (await fetch(`${info.admin_url}/state`)).json();
    const topics = world.azure.partner_topics.filter((topic) => topic.resource_group === 'contoso-integration');
    assert.equal(topics.length, 1, JSON.stringify(world.azure.partner_topics));
    const subscriptions = world.azure.event_subscriptions.filter((sub) => sub.topic === topics[0].name);
    assert.equal(subscriptions.length, 1);
    assert.equal(subscriptions[0].properties.destination.properties.endpointUrl, inbox);
  } finally {
    await app.quit();
    await deleteLogStreams();
  }
});

test('signs in to Azure in the browser and to Auth0, switches directory, and sets everything up there', { timeout: 300_000 }, async () => {
  const app = await launchCloudApp(info);
  try {
    const { session } = app;
    const you = person(session);
    await you.heading('Send your Auth0 logs to Azure Event Grid');
    await you.click('Connect my Auth0 and Azure');
    await you.heading('Sign in to Auth0 and Azure');
    // Every way in is offered: wait for the last of the forms to render before the picture.
    await session.waitFor(() => session.find('#auth0-domain'));
    await shoot(session, 'sign-in-cloud', 'light');

    await you.click('Sign in to Azure in the browser');
    const link = await app.opener.next(0, session);
    const url = new URL(link);
    assert.equal(url.origin, new URL(info.azure_authority).origin, `the sign-in page is the identity platform's: ${link}`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('redirect_uri'), /^http:\/\/localhost:\d+$/);

    const user = info.users[0];
    assert.match(await signInInBrowser(browser, link, user), new RegExp(`Signed in as ${user.name}`));
    await session.waitForText('[data-testid="azure-account"]', (text) => text.includes(user.name));

    await signInToAuth0(you, info);
    // Both clouds signed in: the screen says who, and Continue leads to the steps.
    await session.waitForText('[data-testid="signed-in"]', (text) => text.includes(info.auth0_client_id) && text.includes(user.name));

    // The person is also a guest in a second directory: the picker offers it, and the switch is redeemed there.
    const guest = info.azure_guest_directory;
    await session.waitForText('[data-testid="tenant-current"]', (text) => text.includes('Sandbox Directory'));
    await shoot(session, 'signed-in-cloud', 'light');
    await you.click('Switch directory');
    await session.waitForText('[data-testid="tenant-switched"]', (text) => text.includes(guest.display_name));

    await you.click('Continue');
    await you.heading('Step 1 – Prepare Azure');
    // The subscriptions come from Resource Manager with a token of the chosen directory: only its own.
    await session.waitFor(async () => {
      const ids = await session.execute(
        "return [...document.querySelectorAll('[data-testid=\"subscription-choices\"] input[type=radio]')].map((o) => o.value);",
      );
      if (!ids.includes(guest.subscription_id) || ids.includes(info.subscription_id)) {
        throw new Error(`subscriptions listed: ${ids}`);
      }
    });
    console.log(`cloud sign-in (browser): ${you.actions} actions in the window from launch to step 1`);
    assert.equal(you.actions, 8, 'actions in the window from launch to step 1');

    // The whole setup in that directory's subscription, with a new resource group, as a person would do it.
    await you.pickValue('[data-testid="subscription-choices"]', guest.subscription_id);
    await you.choose('Create a new one');
    await you.type('#resource-group', 'auth0-logs');
    await you.select('#region', 'westeurope');
    await you.click('Prepare Azure');
    await you.heading('Step 2 – Create the Auth0 stream');
    assert.equal(await you.value('#stream-region'), 'westeurope', 'the region of the new resource group');
    await you.choose('Only these');
    await you.tick('Failed logins');
    await you.click('Create the stream');
    await you.heading('Step 3 – Activate the connection');
    await session.waitForText('[data-testid="topic-facts"], [data-testid="topic-summary"]', (text) => text.length > 0);
    await you.click('Activate');
    await you.heading('Step 4 – Choose where events go');
    const inbox = `${info.admin_url}/inbox/cloud-e2e`;
    await you.type('#webhook-url', inbox);
    await you.click('Subscribe');
    await you.heading('Done: your Auth0 logs flow to Azure');
    console.log(`cloud setup (browser sign-in, directory switch): ${you.actions} actions from launch to Done`);
    // 8 to step 1, then 5 on step 1 (subscription chosen by name, new group, its name, region, Prepare), 3 on step 2 ("Only
    // these", one group, Create), 1 on step 3, 2 on step 4.
    assert.equal(you.actions, 19, 'actions from launch to Done');

    // What now exists, as the clouds see it: an active partner topic with a subscription to the webhook, in the
    // chosen directory's subscription and the new resource group.
    const world = await (await fetch(`${info.admin_url}/state`)).json();
    const topics = world.azure.partner_topics.filter((topic) => topic.subscription_id === guest.subscription_id);
    assert.equal(topics.length, 1, JSON.stringify(world.azure.partner_topics));
    assert.equal(topics[0].resource_group, 'auth0-logs');
    assert.equal(topics[0].activation_state, 'Activated');
    const subscriptions = world.azure.event_subscriptions.filter((sub) => sub.topic === topics[0].name);
    assert.equal(subscriptions.length, 1);
    assert.equal(subscriptions[0].properties.destination.properties.endpointUrl, inbox);

    // The test event in the user's own clouds, sent by Done itself: a refused attempt Auth0 logs, followed to
    // the webhook.
    await session.waitFor(async () => {
      const states = await session.execute(
        'return [...document.querySelectorAll("[data-testid=test-stages] li")].map((li) => li.dataset.state);',
      );
      if (states.join() !== 'done,done,done') throw new Error(`stages: ${states}`);
    }, 120_000);
    const after = await (await fetch(`${info.admin_url}/state`)).json();
    const received = JSON.stringify(after.inboxes['cloud-e2e'] ?? []);
    assert.match(received, /feccft/, 'the failed exchange reached the webhook');
    await shoot(session, 'done-cloud', 'light');
  } finally {
    await app.quit();
  }
});

test('signs in to Azure with a device code typed on the device page', async () => {
  const app = await launchCloudApp(info);
  try {
    const { session } = app;
    const you = person(session);
    await you.click('Connect my Auth0 and Azure');
    await you.heading('Sign in to Auth0 and Azure');
    const user = info.users[0];
    await signInWithDeviceCode(you, session, user);
    await session.waitForText('[data-testid="azure-account"]', (text) => text.includes(user.name), 60_000);
  } finally {
    await app.quit();
  }
});

test('a cancelled browser sign-in can be started again', async () => {
  const app = await launchCloudApp(info);
  try {
    const { session } = app;
    const you = person(session);
    await you.click('Connect my Auth0 and Azure');
    await you.click('Sign in to Azure in the browser');
    const first = new URL(await app.opener.next(0, session));
    await you.click('Cancel sign-in');
    await session.waitForText('[data-testid="azure-cancelled"]', (text) => text.length > 0);
    // The cancelled sign-in's way back is closed: its loopback listener no longer answers.
    const redirect = first.searchParams.get('redirect_uri').replace('localhost', '127.0.0.1');
    await session.waitFor(async () => {
      const answered = await fetch(`${redirect}/?code=late&state=late`).then(() => true, () => false);
      if (answered) throw new Error(`${redirect} still answers after Cancel`);
    });
    await you.click('Sign in to Azure in the browser');
    const second = await app.opener.next(1, session);
    const user = info.users[0];
    await signInInBrowser(browser, second, user);
    await session.waitForText('[data-testid="azure-account"]', (text) => text.includes(user.name));
  } finally {
    await app.quit();
  }
});

test('with a system keychain, the sign-ins outlive a restart and Sign out forgets them', { timeout: 300_000 }, async (t) => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    t.skip('no D-Bus session: `make test-e2e` provides one with GNOME Keyring');
    return;
  }
  const configHome = mkdtempSync(join(tmpdir(), 'cloud-e2e-keychain-'));
  const user = info.users[0];
  try {
    const first = await launchCloudApp(info, configHome, { keep: true });
    try {
      const { session } = first;
      const you = person(session);
      await you.click('Connect my Auth0 and Azure');
      await you.heading('Sign in to Auth0 and Azure');
      await signInWithDeviceCode(you, session, user);
      await signInToAuth0(you, info);
      await session.waitForText('[data-testid="signed-in"]', (text) => text.includes(user.name));
      // No "not remembered" notice: this session has a keychain.
      const notice = await session.execute('return document.querySelector(\'[data-testid="session-only"]\') !== null;');
      assert.equal(notice, false, 'the keychain answered');
    } finally {
      await first.quit();
    }

    // Nothing secret was written to the app's folders, yet the next start is still signed in to both clouds.
    const second = await launchCloudApp(info, configHome, { keep: true });
    try {
      const { session } = second;
      const you = person(session);
      await toSignIn(you, session);
      const who = await session.waitForText('[data-testid="signed-in"]', (text) => text.includes(user.name));
      assert.ok(who.includes(info.auth0_client_id), who);
      // The restored Azure sign-in works: Resource Manager lists the subscriptions with a renewed token.
      await you.click('Continue');
      await you.heading('Step 1 – Prepare Azure');
      await session.waitFor(async () => {
        const ids = await session.execute(
          "return [...document.querySelectorAll('[data-testid=\"subscription-choices\"] input[type=radio]')].map((o) => o.value);",
        );
        if (!ids.includes(info.subscription_id)) throw new Error(`subscriptions listed: ${ids}`);
      });
      await session.clickElement(await session.find('[data-testid="open-settings"]'));
      await you.heading('Settings');
      await you.click('Sign out of Azure');
      await you.click('Sign out of Auth0');
      await session.waitForText('main', (text) => (text.match(/Not signed in\./g) ?? []).length === 2);
    } finally {
      await second.quit();
    }

    const third = await launchCloudApp(info, configHome, { keep: true });
    try {
      const you = person(third.session);
      await toSignIn(you, third.session);
      await third.session.waitFor(() => third.session.find('#auth0-domain'));
      const signedIn = await third.session.execute('return document.querySelector(\'[data-testid="signed-in"]\') !== null;');
      assert.equal(signedIn, false, 'signed out stays signed out');
    } finally {
      await third.quit();
    }
    for (const file of walk(configHome)) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(info.auth0_client_secret), `${file} holds the client secret`);
    }
  } finally {
    rmSync(configHome, { recursive: true, force: true });
  }
});

/** Every file below `folder`. */
function* walk(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** From wherever the app opened (the welcome page, or the screen it was left on) to Sign in. */
async function toSignIn(you, session) {
  const heading = await session.waitForText('main h1', (text) => /^(Send your Auth0|Sign in to Auth0|Step )/.test(text), 60_000);
  if (heading.startsWith('Send your Auth0')) await you.click('Connect my Auth0 and Azure');
  else if (!heading.startsWith('Sign in')) await session.clickElement(await session.find('[data-testid="step-sign_in"] button, [data-testid="step-sign_in"]'));
  await you.heading('Sign in to Auth0 and Azure');
}
