// The window killed and started again, at two points of a cloud-mode setup: at a step boundary (step 1
// finished, step 2 half filled in) and inside a long wait (step 4's event subscription, whose long-running
// operation Azure keeps open until the webhook answers its validation handshake, which the test's own webhook
// holds back). Each time the whole launch gets SIGKILL at once, as a crash or a power cut would end it: nothing
// closes or saves. The app starts again with the same config and data folders and the same keychain, against
// the same sandbox, which keeps running (its refresh tokens, which a restart would forget, stay valid). The
// window must reopen on the step it was on with what the person typed, finish to Done, and leave what an
// uninterrupted walk leaves: one resource group, one log stream, one partner topic (activated), one event
// subscription (provisioned), Auth0 authorized once, nothing duplicated. Needs a display, `make app` and the
// sandbox binary, and a keychain (`make test-e2e` runs a D-Bus session with GNOME Keyring).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { application, person } from './app.mjs';
import { launchCloudApp, signInInBrowser, signInToAuth0, startBrowser, startSandbox } from './cloud.mjs';

const IDENTIFIER = 'com.auth0eventgridsetup.app';
const GROUP = 'auth0-kill';
const STREAM = 'Killed and resumed';
// The event subscription's name the setup offers, and one a person types instead.
const SUBSCRIPTION = 'auth0-logs';
const SUBSCRIPTION_TYPED = 'auth0-logs-to-hook';
// What "Failed logins" stands for on step 2: Auth0's event categories.
const FAILED_LOGINS = ['auth.login.fail', 'auth.silent_auth.fail', 'auth.token_exchange.fail'];

let browser;

before(async () => {
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
});

/** The draft the window keeps in its folder, as text ('' before the first save). */
function draftText(configHome) {
  const file = join(configHome, IDENTIFIER, 'draft.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Waits until the saved draft satisfies `accept` (the window saves after every change, asynchronously). */
async function draftSaved(configHome, session, what, accept) {
  await session.waitFor(async () => {
    const text = draftText(configHome);
    if (!text || !accept(JSON.parse(text))) throw new Error(`the draft does not hold ${what} yet: ${text}`);
  });
}

/** The sandbox's request log (`query`: `cloud=…`, `write=true`, `since=N`). */
async function requests(info, query = '') {
  return (await fetch(`${info.admin_url}/requests?${query}`)).json();
}

/**
 * A webhook of the test's own: it takes events, and answers Azure's validation handshake (the OPTIONS request
 * naming a callback, sent while the event subscription's operation is open) only once released. Until then the
 * handshakes wait, and the setup with them.
 */
async function heldWebhook() {
  const waiting = [];
  let released = false;
  const server = createServer((request, response) => {
    const grant = () => {
      if (response.writableEnded || response.destroyed) return;
      response.writeHead(200, { 'WebHook-Allowed-Origin': 'eventgrid.azure.net' });
      response.end();
    };
    if (request.method === 'OPTIONS') {
      if (!released && request.headers['webhook-request-callback']) waiting.push(grant);
      else grant();
      return;
    }
    request.resume();
    request.on('end', () => {
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/auth0`,
    get held() {
      return waiting.length;
    },
    release() {
      released = true;
      for (const grant of waiting.splice(0)) grant();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** From the welcome page to step 1, signed in to Azure in the browser and to Auth0 with the tenant's application. */
async function signIn(app, info) {
  const { session } = app;
  const you = person(session);
  await you.heading('Send your Auth0 logs to Azure Event Grid');
  await you.click('Connect my Auth0 and Azure');
  await you.heading('Sign in to Auth0 and Azure');
  await you.click('Sign in to Azure in the browser');
  const user = info.users[0];
  await signInInBrowser(browser, await app.opener.next(0, session), user);
  await session.waitForText('[data-testid="azure-account"]', (text) => text.includes(user.name));
  await signInToAuth0(you, info);
  await session.waitForText('[data-testid="signed-in"]', (text) => text.includes(info.auth0_client_id));
  await you.click('Continue');
  await you.heading('Step 1 – Prepare Azure');
  return you;
}

/** Step 1 with a new resource group. */
async function prepareAzure(you, session) {
  await session.waitForText('[data-testid="subscription-chosen"]', (text) => text.length > 0);
  await you.choose('Create a new one');
  await you.type('#resource-group', GROUP);
  await you.select('#region', 'westeurope');
  await you.click('Prepare Azure');
  await you.heading('Step 2 – Create the Auth0 stream');
}

/** Step 2 filled in as the person wants it: a name of their own, failed logins only. */
async function fillInStream(you) {
  await you.type('#stream-name', STREAM);
  await you.choose('Only these');
  await you.tick('Failed logins');
}

/** Kills the whole launch and checks that the app was part of it and that nothing of it is left. */
async function crash(app) {
  const killed = await app.crash();
  assert.ok(
    killed.some(({ command }) => command.startsWith(application)),
    `the app was running when killed: ${killed.map(({ command }) => command).join('; ')}`,
  );
}

/** The stepper's marks, in order (sign-in, the four steps, Done). */
async function marks(session) {
  return session.execute('return Array.from(document.querySelectorAll("[data-testid^=step-]")).map((e) => e.dataset.state)');
}

/** What the setup left in the clouds, without the ids and times that differ between runs, and how often each
 * thing was created. */
async function endState(info) {
  const world = await (await fetch(`${info.admin_url}/state`)).json();
  const home = world.azure.subscriptions.find((s) => s.subscription_id === info.subscription_id);
  const writes = await requests(info, 'write=true');
  const succeeded = (method, pattern) =>
    writes.filter((r) => r.method === method && pattern.test(r.path) && r.status >= 200 && r.status < 300).length;
  return {
    groups: home.resource_groups.filter((g) => g.name === GROUP).map((g) => `${g.name} ${g.location}`),
    streams: world.auth0.streams.map((s) => ({
      name: s.name,
      type: s.type,
      status: s.status,
      categories: (s.filters ?? []).map((f) => f.name).sort(),
    })),
    topics: world.azure.partner_topics.map((t) => ({ group: t.resource_group, state: t.activation_state })),
    subscriptions: world.azure.event_subscriptions.map((e) => ({
      name: e.name,
      state: e.provisioning_state,
      endpoint: e.properties.destination.properties.endpointUrl,
    })),
    // The writes each made once in an uninterrupted walk (an event subscription may be saved twice: a PUT is
    // how Azure is asked to repeat a handshake it gave up on).
    created: {
      groups: succeeded('PUT', new RegExp(`/resourceGroups/${GROUP}$`, 'i')),
      registrations: succeeded('POST', /\/providers\/Microsoft\.EventGrid\/register$/i),
      authorizations: succeeded('PUT', /\/partnerConfigurations\/default$/i) + succeeded('POST', /\/authorizePartner$/i),
      streams: succeeded('POST', /\/api\/v2\/log-streams$/),
      activations: succeeded('POST', /\/activate$/i),
    },
  };
}

/** What an uninterrupted walk with the same choices leaves: its event subscription `name` to `endpoint`. */
function uninterrupted(endpoint, name = SUBSCRIPTION) {
  return {
    groups: [`${GROUP} westeurope`],
    streams: [{ name: STREAM, type: 'eventgrid', status: 'active', categories: FAILED_LOGINS }],
    topics: [{ group: GROUP, state: 'Activated' }],
    subscriptions: [{ name, state: 'Succeeded', endpoint }],
    created: { groups: 1, registrations: 1, authorizations: 1, streams: 1, activations: 1 },
  };
}

test('killed after step 1, the window reopens on step 2 with what was typed and finishes without redoing step 1', { timeout: 180_000 }, async () => {
  const sandbox = await startSandbox();
  const { info } = sandbox;
  const configHome = mkdtempSync(join(tmpdir(), 'kill-e2e-boundary-'));
  const inbox = `${info.admin_url}/inbox/kill-boundary`;
  try {
    const first = await launchCloudApp(info, configHome, { keep: true });
    try {
      const you = await signIn(first, info);
      await prepareAzure(you, first.session);
      await fillInStream(you);
      await draftSaved(configHome, first.session, 'step 2 as filled in', (draft) =>
        draft.screen === 'create_stream' &&
        draft.setup.inputs.stream_name === STREAM &&
        draft.setup.inputs.event_categories.join() === FAILED_LOGINS.join(),
      );
      await crash(first);
    } finally {
      await first.quit();
    }
    // Where the request log stood when the app was killed.
    const before = (await requests(info)).at(-1)?.seq ?? 0;

    const second = await launchCloudApp(info, configHome, { keep: true });
    try {
      const { session } = second;
      const you = person(session);
      await you.heading('Step 2 – Create the Auth0 stream');
      assert.deepEqual(await marks(session), ['done', 'done', 'current', 'upcoming', 'upcoming', 'upcoming']);
      assert.equal(await you.value('#stream-name'), STREAM, 'the stream name typed before the kill');
      const ticked = await session.execute(
        'return Array.from(document.querySelectorAll("#events-only input:checked")).map((i) => i.closest("label").textContent.trim())',
      );
      assert.deepEqual(ticked, ['Failed logins'], 'the event categories chosen before the kill');
      // Step 1 was found done, not done again: since the restart, nothing was written in Azure.
      const since = await requests(info, `since=${before}&cloud=management&write=true`);
      assert.deepEqual(since, [], 'no Resource Manager write on reopening');

      await you.click('Create the stream');
      await you.heading('Step 3 – Activate the connection');
      await session.waitForText('[data-testid="topic-facts"], [data-testid="topic-summary"]', (text) => text.length > 0);
      await you.click('Activate');
      await you.heading('Step 4 – Choose where events go');
      await you.type('#webhook-url', inbox);
      await you.click('Subscribe');
      await you.heading('Done: your Auth0 logs flow to Azure');
    } finally {
      await second.quit();
    }
    assert.deepEqual(await endState(info), uninterrupted(inbox));
  } finally {
    rmSync(configHome, { recursive: true, force: true });
    await sandbox.stop();
  }
});

test('killed while Azure provisions the event subscription, the window reopens on step 4 and finishes with one subscription', { timeout: 180_000 }, async () => {
  const sandbox = await startSandbox();
  const { info } = sandbox;
  const hook = await heldWebhook();
  const configHome = mkdtempSync(join(tmpdir(), 'kill-e2e-wait-'));
  // The query of a webhook's address is its key: the window keeps it in the keychain, not in the draft file.
  const endpoint = `${hook.url}?code=sandbox_kill-key`;
  try {
    const first = await launchCloudApp(info, configHome, { keep: true });
    try {
      const { session } = first;
      const you = await signIn(first, info);
      await prepareAzure(you, session);
      await fillInStream(you);
      await you.click('Create the stream');
      await you.heading('Step 3 – Activate the connection');
      await session.waitForText('[data-testid="topic-facts"], [data-testid="topic-summary"]', (text) => text.length > 0);
      await you.click('Activate');
      await you.heading('Step 4 – Choose where events go');
      await you.type('#webhook-url', endpoint);
      await you.type('#subscription-name', SUBSCRIPTION_TYPED);
      // The draft is saved after every change, the webhook's key to the keychain first: once the file holds
      // the last field typed, everything typed before it is saved too.
      await draftSaved(configHome, session, 'step 4 as filled in', ({ screen, setup: { inputs } }) =>
        screen === 'subscribe' && inputs.destination.webhook_url === hook.url && inputs.event_subscription_name === SUBSCRIPTION_TYPED,
      );
      await you.click('Subscribe');
      // Inside the wait: Azure has the subscription and waits for the handshake, the window follows the
      // operation (it has asked for the operation's status since the PUT).
      await session.waitFor(async () => {
        if (hook.held === 0) throw new Error('no validation handshake has reached the webhook yet');
        const log = await requests(info, 'cloud=management');
        const put = log.findIndex((r) => r.method === 'PUT' && r.path.includes('/eventSubscriptions/'));
        if (put < 0 || !log.slice(put + 1).some((r) => r.method === 'GET' && /\/operations?Status\//i.test(r.path))) {
          throw new Error('the window is not following the operation yet');
        }
      }, 60_000);
      await session.waitForText('[data-testid="progress"]', (text) => text.includes('Waiting for Azure to provision the event subscription'));
      await crash(first);
    } finally {
      await first.quit();
    }

    const second = await launchCloudApp(info, configHome, { keep: true });
    try {
      const { session } = second;
      const you = person(session);
      await you.heading('Step 4 – Choose where events go');
      assert.deepEqual(await marks(session), ['done', 'done', 'done', 'done', 'current', 'upcoming']);
      assert.equal(await you.value('#webhook-url'), endpoint, 'the webhook typed before the kill, key included');
      assert.equal(await you.value('#subscription-name'), SUBSCRIPTION_TYPED);
      // The webhook's owner lets Azure's handshake through: the subscription Azure kept is provisioned (or,
      // if Azure gave up waiting meanwhile, saved again by Subscribe).
      hook.release();
      await you.click('Subscribe');
      await you.heading('Done: your Auth0 logs flow to Azure');
    } finally {
      await second.quit();
    }
    assert.deepEqual(await endState(info), uninterrupted(endpoint, SUBSCRIPTION_TYPED));
  } finally {
    rmSync(configHome, { recursive: true, force: true });
    await hook.close();
    await sandbox.stop();
  }
});
