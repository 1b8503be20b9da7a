// Saved setups and health reports for the component and browser tests, built the way the engine reports them:
// one check per CheckId with its plain sentence, a Fix offered where one exists when it is not green, and
// 24 hourly delivery points. The fake backend answers its setup commands from these.
import type {
  Check,
  CheckId,
  CheckSince,
  CheckState,
  ChartPoint,
  Fix,
  HealthReport,
  SavedSetup,
  SetupAccounts,
} from '../src/lib/ipc/bindings';
import { DEFAULT_INPUTS } from './default-inputs';

/** The checks every report carries, in the engine's order (the test event only when it was asked for). */
export const CHECK_IDS: CheckId[] = [
  'auth0_sign_in',
  'log_stream',
  'provider',
  'partner_authorization',
  'partner_topic',
  'event_subscription',
  'delivery',
];

const TITLES: Record<CheckId, string> = {
  auth0_sign_in: 'Auth0 sign-in',
  log_stream: 'The log stream',
  provider: 'Event Grid in the subscription',
  partner_authorization: "Auth0's partner authorization",
  partner_topic: 'The partner topic',
  event_subscription: 'The event subscription',
  delivery: 'Delivery',
  test_event: 'Test event',
};

const SENTENCES: Record<CheckId, Record<CheckState, string>> = {
  auth0_sign_in: {
    green: 'Signed in with every permission the checks need.',
    amber: 'Signed in, but the application lacks read:logs: the delivery check cannot see Auth0 activity.',
    red: 'Auth0 refuses the sign-in: the client secret was rotated.',
    unknown: 'Sign in to acme.eu.auth0.com to check it.',
  },
  log_stream: {
    green: 'The stream "Azure Event Grid" is active.',
    amber: 'The stream "Azure Event Grid" is paused: Auth0 keeps no events while it is paused.',
    red: 'Auth0 suspended the stream "Azure Event Grid" after repeated delivery failures.',
    unknown: 'Auth0 did not answer: the stream could not be read.',
  },
  provider: {
    green: 'Microsoft.EventGrid is registered in the subscription.',
    amber: 'Microsoft.EventGrid is still registering.',
    red: 'Microsoft.EventGrid is not registered in the subscription.',
    unknown: 'Azure did not answer: the registration could not be read.',
  },
  partner_authorization: {
    green: 'Auth0 may create partner topics until 2027-01-08.',
    amber: 'The authorization ended on 2026-11-20: it only blocks new partner topics, the existing one keeps working.',
    red: 'No partner authorization for Auth0 exists in the resource group.',
    unknown: 'Azure did not answer: the authorization could not be read.',
  },
  partner_topic: {
    green: 'The partner topic auth0-logs-1 is activated.',
    amber: 'The partner topic auth0-logs-1 is not activated: Azure keeps no event until it is.',
    red: 'The partner topic auth0-logs-1, the one the stream reports, is gone.',
    unknown: 'Azure did not answer: the partner topic could not be read.',
  },
  event_subscription: {
    green: 'The event subscription auth0-logs delivers to the webhook.',
    amber: 'The event subscription auth0-logs awaits the webhook validation handshake.',
    red: 'The event subscription auth0-logs failed: the webhook refused the validation handshake.',
    unknown: 'Azure did not answer: the event subscription could not be read.',
  },
  delivery: {
    green: '212 events delivered in the last 24 hours, none failed.',
    amber: 'Nothing delivered in the last hour while Auth0 logged activity.',
    red: 'Deliveries are failing: the destination answers 503 Service Unavailable.',
    unknown: "Azure Monitor's counts could not be read.",
  },
  test_event: {
    green: 'The test event arrived at the destination after 4 s.',
    amber: 'The test event was published but not yet delivered.',
    red: 'The test event did not reach Event Grid within 10 min.',
    unknown: 'The test event could not be sent.',
  },
};

const FIXES: Partial<Record<CheckId, Fix>> = {
  log_stream: {
    id: 'resume_stream',
    label: 'Resume the stream',
    actions: ['Set the log stream "Azure Event Grid" to active'],
    check_first: null,
  },
  provider: {
    id: 'register_provider',
    label: 'Register Event Grid',
    actions: ['Register the resource provider Microsoft.EventGrid in the subscription'],
    check_first: null,
  },
  partner_authorization: {
    id: 'renew_authorization',
    label: 'Renew the authorization',
    actions: ['Authorize Auth0 in the resource group auth0-events for 7 more days'],
    check_first: null,
  },
  partner_topic: {
    id: 'activate_topic',
    label: 'Activate the partner topic',
    actions: ['Activate the partner topic auth0-logs-1'],
    check_first: null,
  },
  event_subscription: {
    id: 'recreate_subscription',
    label: 'Re-create the event subscription',
    actions: ['Delete the event subscription auth0-logs', 'Create the event subscription auth0-logs with the same settings'],
    check_first: 'That the webhook answers the validation handshake: use Test endpoint in step 4.',
  },
};

/** The Fix a check in `state` offers (a suspended stream says what to check first; a gone topic re-creates). */
export function fixFor(id: CheckId, state: CheckState): Fix | null {
  if (state === 'green' || state === 'unknown') return null;
  if (id === 'log_stream' && state === 'red') {
    return { ...FIXES.log_stream!, check_first: 'That the destination accepts events again: Auth0 suspended the stream because deliveries failed.' };
  }
  if (id === 'partner_topic' && state === 'red') {
    return {
      id: 'recreate_stream',
      label: 'Re-create the stream and activate its topic',
      actions: ['Create the log stream "Azure Event Grid" again', 'Activate its new partner topic', 'Move the event subscription auth0-logs to it'],
      check_first: null,
    };
  }
  return FIXES[id] ?? null;
}

export type CheckStates = Partial<Record<CheckId, CheckState>>;

const RANK: Record<CheckState, number> = { green: 0, amber: 1, unknown: 2, red: 3 };

/** The worst state: green < amber < unknown < red. */
export function worst(states: CheckState[]): CheckState {
  return states.reduce<CheckState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'green');
}

/** 24 hourly points ending at `at`: steady deliveries, failing for the last hours when delivery is red. */
export function chartFor(at: Date, delivery: CheckState): ChartPoint[] {
  const hour = 3_600_000;
  const start = Math.floor(at.getTime() / hour) * hour - 23 * hour;
  return Array.from({ length: 24 }, (_, i) => {
    const failing = delivery === 'red' && i >= 20;
    const quiet = delivery === 'amber' && i >= 23;
    return {
      at: new Date(start + i * hour).toISOString(),
      delivered: quiet || failing ? 0 : 6 + ((i * 7) % 9),
      failed: failing ? 9 + i - 20 : 0,
    };
  });
}

/** A report with every check green unless `states` says otherwise, read at `at`. */
export function healthReport(states: CheckStates = {}, at: Date = new Date(), testEvent = false): HealthReport {
  const ids = testEvent ? [...CHECK_IDS, 'test_event' as const] : CHECK_IDS;
  const readAt = at.toISOString();
  const checks: Check[] = ids.map((id) => {
    const state = states[id] ?? 'green';
    return {
      id,
      title: TITLES[id],
      state,
      sentence: SENTENCES[id][state],
      read_at: readAt,
      fix: fixFor(id, state),
      link:
        id === 'log_stream'
          ? { label: "The stream's Health tab in the Auth0 Dashboard", url: 'https://manage.auth0.com/dashboard/eu/acme/log-streams' }
          : id === 'delivery' || id === 'event_subscription'
            ? { label: 'The event subscription in the Azure Portal', url: 'https://portal.azure.com/#resource/subscriptions/x' }
            : null,
    };
  });
  const chart = chartFor(at, states.delivery ?? 'green');
  const sum = (key: 'delivered' | 'failed', points: ChartPoint[]) => points.reduce((n, p) => n + p[key], 0);
  const counts = (points: ChartPoint[]) => ({
    published: sum('delivered', points) + sum('failed', points),
    matched: sum('delivered', points) + sum('failed', points),
    delivered: sum('delivered', points),
    failed: sum('failed', points),
    dropped: 0,
    dead_lettered: 0,
  });
  const delivered = [...chart].reverse().find((p) => p.delivered > 0);
  return {
    overall: worst(checks.map((c) => c.state)),
    checked_at: readAt,
    checks,
    delivery: { last_hour: counts(chart.slice(-1)), last_day: counts(chart), last_delivered_at: delivered?.at ?? null, chart },
    stream_id: 'lst_0000000000001',
    partner_topic: 'auth0-logs-1',
  };
}

/** Since when each check has been in its state, after `report` (kept from `before` where the state did not change). */
export function sinceAfter(report: HealthReport, before: CheckSince[] = []): CheckSince[] {
  return report.checks.map((check) => {
    const earlier = before.find((s) => s.id === check.id && s.state === check.state);
    return { id: check.id, state: check.state, since: earlier?.since ?? report.checked_at };
  });
}

export const SANDBOX_ACCOUNTS: SetupAccounts = {
  mode: 'sandbox',
  auth0Domain: '127.0.0.1:40001',
  auth0Identity: 'sandbox-m2m-client',
  auth0Audience: null,
  azureTenantId: '00000000-0000-0000-0000-00000000aaaa',
  azureIdentity: 'sandbox-sp-client',
  azureCloud: 'custom',
  azureAuthorityUrl: 'http://127.0.0.1:40002',
  azureManagementUrl: 'http://127.0.0.1:40002',
};

export type SetupSpec = {
  id: number;
  name: string;
  auth0Domain?: string;
  subscriptionId?: string;
  /** The last report's states; `null`: never checked. */
  states?: CheckStates | null;
  /** Minutes before now the last check ran. */
  checkedMinutesAgo?: number;
  /** Minutes before now each non-green check turned to its state (default: at the last check). */
  sinceMinutesAgo?: number;
  /** Its webhook URL had a query (a key), kept in the keychain. */
  webhookKey?: boolean;
};

/** A saved setup as the store answers it, checked `checkedMinutesAgo` minutes before `now`. */
export function savedSetup(spec: SetupSpec, now: Date = new Date()): SavedSetup {
  const auth0Domain = spec.auth0Domain ?? 'acme.eu.auth0.com';
  const subscriptionId = spec.subscriptionId ?? '11111111-2222-3333-4444-555555555555';
  const checkedAt = new Date(now.getTime() - (spec.checkedMinutesAgo ?? 3) * 60_000);
  const report = spec.states === null ? null : healthReport(spec.states ?? {}, checkedAt);
  const sinceAt = new Date(now.getTime() - (spec.sinceMinutesAgo ?? spec.checkedMinutesAgo ?? 3) * 60_000).toISOString();
  const since = report
    ? report.checks.map((c) => ({ id: c.id, state: c.state, since: c.state === 'green' ? new Date(now.getTime() - 86_400_000).toISOString() : sinceAt }))
    : [];
  return {
    id: spec.id,
    name: spec.name,
    inputs: { ...structuredClone(DEFAULT_INPUTS), auth0_domain: auth0Domain, subscription_id: subscriptionId, stream_name: spec.name },
    webhookKeyInKeychain: spec.webhookKey ?? false,
    accounts: { ...SANDBOX_ACCOUNTS, mode: 'cloud', auth0Domain, azureCloud: 'public', azureAuthorityUrl: null, azureManagementUrl: null },
    created: { completed: ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'], streamId: 'lst_0000000000001', partnerTopic: 'auth0-logs-1', resourceGroupCreated: true },
    createdAt: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
    updatedAt: checkedAt.toISOString(),
    lastReport: report,
    since,
  };
}

/** The home with one working setup. */
export const ONE_SETUP: SetupSpec[] = [{ id: 1, name: 'Production', auth0Domain: 'acme.eu.auth0.com' }];

/** Three tenants, one of them failing since 42 minutes: the stream was suspended. */
export const THREE_SETUPS_ONE_RED: SetupSpec[] = [
  { id: 1, name: 'Production', auth0Domain: 'acme.eu.auth0.com', checkedMinutesAgo: 2 },
  {
    id: 2,
    name: 'Staging',
    auth0Domain: 'acme-staging.eu.auth0.com',
    subscriptionId: '22222222-2222-3333-4444-555555555555',
    states: { log_stream: 'red', delivery: 'red' },
    checkedMinutesAgo: 2,
    sinceMinutesAgo: 42,
  },
  {
    id: 3,
    name: 'Development',
    auth0Domain: 'acme-dev.us.auth0.com',
    subscriptionId: '33333333-2222-3333-4444-555555555555',
    states: { partner_authorization: 'amber' },
    checkedMinutesAgo: 14,
  },
];
