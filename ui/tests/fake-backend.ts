// A stand-in for the Rust side behind Tauri's IPC mock, shared by the component tests (jsdom) and the browser
// tests (Chromium): it keeps the session, the draft and which steps are done, streams progress through the
// run_step channel as Rust does, and fails where a scenario says so. Shapes come from the generated bindings.
// Saved setups live in memory: checked from the conditions of their pretend clouds (setups-fixture.ts), fixed,
// renamed and forgotten as the app's commands do, and a scheduled round emits `setups-changed`.
import { emit } from '@tauri-apps/api/event';
import type { CheckId, FixId, HealthAlert, Settings } from '../src/lib/ipc';
import type {
  Catalog,
  DestinationKind,
  DestinationParent,
  ResourceGroupChoice,
  Auth0AccountInfo,
  AzureAccountInfo,
  Draft,
  SessionInfo,
  SetupError,
  PageTimings,
  SetupEvent,
  SetupInputs,
  SetupReport,
  StageReport,
  StepId,
  StepStatus,
  TestEventResult,
  SavedSetup,
  HealthReport,
  ExportFormat,
  Exported,
  TeardownPlan,
  TeardownReport,
} from '../src/lib/ipc/bindings';
import { isCustomDomain } from '../src/lib/auth0-domain';
import { DEFAULT_INPUTS } from './default-inputs';
import { CHECK_IDS, fixFor, healthReport, SANDBOX_ACCOUNTS, savedSetup, sinceAfter, type CheckStates, type SetupSpec } from './setups-fixture';

export type Scenario = {
  appInfo?: 'ok' | 'fail';
  /** The app cannot work on this computer (a wrong preset): startup_problem answers this. */
  startupProblem?: SetupError;
  /** start_sandbox rejects once with this code. */
  sandboxFails?: boolean;
  /** run_step for this step rejects once with the step's first error in STEP_ERRORS (then a Retry succeeds). */
  failStepOnce?: StepId;
  /** run_step for this error's step rejects once with it, as the engine words it (then a Retry succeeds). */
  stepErrorOnce?: StepErrorName;
  /** run_step for this step waits until cancel_run is called, then rejects as cancelled. */
  holdStep?: StepId;
  /** The draft a previous run of the app left behind. */
  draft?: Draft;
  /** Steps already done in the (pretend) clouds. */
  done?: StepId[];
  /** No keychain answers: sign-ins last for this session only. */
  sessionOnly?: boolean;
  /** No Azure app registration's client id is configured. */
  noAzureClientId?: boolean;
  /** The Auth0 application's token lacks these scopes. */
  missingScopes?: string[];
  /** The subscription's resource groups (default RESOURCE_GROUPS); 'fail' rejects the first listing. */
  resourceGroups?: ResourceGroupChoice[] | 'fail';
  /** The destinations list_destinations answers per kind (default DESTINATIONS); 'fail' rejects the first listing. */
  destinations?: Partial<Record<DestinationKind, DestinationParent[]>> | 'fail';
  /** The catalog command rejects once. */
  catalogFailsOnce?: boolean;
  /** Step 1 waits for Microsoft.EventGrid's registration until finishRegistration() or cancel_run. */
  registrationWait?: boolean;
  /** No Azure CLI on this computer. */
  noAzureCli?: boolean;
  /** The file dialog is closed without choosing. */
  fileDialogClosed?: boolean;
  /** Rust no longer knows the chosen key or certificate file's handle (it refuses it as not chosen). */
  keyFileForgotten?: boolean;
  /** Listing the Azure directories fails. */
  tenantsFail?: boolean;
  /** The sandbox's receiver already holds this many events (from earlier tests) when the app starts. */
  inboxHolds?: number;
  /** Every directory is listed whoever signed in (a multi-tenant app's service principal sees them all). */
  everyTenantListed?: boolean;
  /** In cloud mode, the test event's Event Grid stages stay waiting until cancel_run. */
  testEventHold?: boolean;
  /** In cloud mode, Event Grid's stages are not seen within their limit. */
  testEventUnseen?: boolean;
  /** The Azure cloud a cloud-mode session signs in to (public unless said). */
  azureCloud?: SessionInfo['azureCloud'];
  /** In cloud mode, Auth0's log search does not show the test event within its limit. */
  testEventUnrecorded?: boolean;
  /** The saved setups the store holds when the app starts (see setups-fixture.ts). */
  setups?: SetupSpec[];
  /** The store was damaged and moved aside: list_setups says so the first time. */
  storeNotice?: string;
  /** check_setup and check_all_setups reject once. */
  checkFailsOnce?: boolean;
  /** What the open dialog of import_setup picks: nothing (closed, the default), a good file (its draft as Rust
   * makes it), or a file Rust refuses (the error it answers). */
  importFile?: { draft: Draft } | { error: SetupError };
  /** The save dialog of save_export is closed without choosing. */
  saveDialogClosed?: boolean;
  /** copy_export rejects: there is no clipboard. */
  clipboardFails?: boolean;
  /** plan_teardown answers this plan (default: the setup's four resources, its resource group kept). */
  teardownPlan?: TeardownPlan;
  /** plan_teardown rejects once. */
  teardownPlanFailsOnce?: boolean;
  /** teardown_setup rejects once (then a Retry removes everything). */
  teardownFailsOnce?: boolean;
};

/** Where the fake app keeps its logs (said in its diagnostics). */
export const LOGS_FOLDER = '/home/ada/.local/share/com.auth0eventgridsetup.app/logs';

/** Where the fake save dialog "saves". */
export const SAVE_FOLDER = '/home/ada/Documents';

/** The plan the fake answers for a setup unless the scenario gives one: what the engine would list. */
export function teardownPlanFor(setup: SavedSetup): TeardownPlan {
  const group = `/subscriptions/${setup.inputs.subscription_id}/resourceGroups/${setup.inputs.resource_group}`;
  const topic = setup.created.partnerTopic ?? 'auth0-logs-topic';
  return {
    remove: [
      {
        kind: 'event_subscription',
        name: setup.inputs.event_subscription_name,
        id: `${group}/providers/Microsoft.EventGrid/partnerTopics/${topic}/eventSubscriptions/${setup.inputs.event_subscription_name}`,
        action: `Delete the event subscription ${setup.inputs.event_subscription_name}`,
      },
      {
        kind: 'log_stream',
        name: setup.inputs.stream_name,
        id: setup.created.streamId ?? 'lst_0000000000000001',
        action: `Delete the Auth0 log stream ${setup.inputs.stream_name}`,
      },
      {
        kind: 'partner_topic',
        name: topic,
        id: `${group}/providers/Microsoft.EventGrid/partnerTopics/${topic}`,
        action: `Delete the partner topic ${topic} if it remains`,
      },
      {
        kind: 'partner_authorization',
        name: 'Auth0',
        id: `${group}/providers/Microsoft.EventGrid/partnerConfigurations/default`,
        action: "Remove Auth0 from the resource group's partner configuration",
      },
    ],
    keep: [
      {
        kind: 'resource_group',
        name: setup.inputs.resource_group,
        reason: 'The setup did not create it.',
      },
    ],
  };
}

const EXTENSIONS: Record<ExportFormat, string> = { json: 'setup.json', terraform: 'tf', shell: 'sh' };

/** An export as setup-export writes it, enough for the window: a file name, text, and the key's warning. */
export function exportedFor(setup: SavedSetup, format: ExportFormat): Exported {
  const slug = setup.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const leftOut = setup.webhookKeyInKeychain;
  const text =
    format === 'json'
      ? JSON.stringify({ $schema: 'https://example.invalid/setup-document.schema.json', version: 1, inputs: setup.inputs }, null, 2)
      : `# ${setup.name}, exported by Auth0 Event Grid Setup 0.1.0${leftOut ? '\n# The webhook URL key was left out.' : ''}\n`;
  return { format, file_name: `${slug}.${EXTENSIONS[format]}`, text, webhook_key_left_out: leftOut };
}

/** The directories a person signed in to Azure belongs to (a service principal or the CLI sees its own). */
export const TENANTS = [
  { tenantId: 'tenant-contoso', displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
  { tenantId: 'tenant-fabrikam', displayName: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
  { tenantId: 'tenant-locked', displayName: 'Locked Ltd', defaultDomain: 'locked.onmicrosoft.com' },
];
/** What choose_key_file answers: a handle Rust keeps the path behind, and the file's name (never its folder). */
export const CHOSEN_KEY_FILE = { handle: '3f9c0a7e5b2d4c6e8a1f0b9d7c5e3a21', name: 'auth0-private.pem' };
export const CHOSEN_CERTIFICATE = { handle: 'c81d4e6f2a0b9c7d5e3f1a8b6c4d2e09', name: 'event-grid-setup.pfx' };

/** Rust's refusal of a key or certificate file the dialog did not hand out (a path, a made-up handle). */
function notChosen(field: string, choose: string) {
  return setupError('invalid_input', `${field}: is not a file chosen in this app's file dialog: ${choose}`, `Correct ${field} and try again.`, field);
}
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A few of the engine's lists (the real ones are checked over IPC in src-tauri/tests/ipc.rs). */
export const CATALOG: Catalog = {
  regions: [
    { code: 'eastus', name: 'East US' },
    { code: 'eastus2', name: 'East US 2' },
    { code: 'northeurope', name: 'North Europe' },
    { code: 'westeurope', name: 'West Europe' },
    { code: 'westus', name: 'West US' },
    { code: 'westus2', name: 'West US 2' },
  ],
  other_regions: [
    { code: 'swedensouth', name: 'Sweden South' },
    { code: 'westus3', name: 'West US 3' },
  ],
  event_groups: [
    { id: 'failed_logins', categories: ['auth.login.fail', 'auth.silent_auth.fail', 'auth.token_exchange.fail'] },
    { id: 'successful_logins', categories: ['auth.login.success', 'auth.silent_auth.success', 'auth.token_exchange.success'] },
    { id: 'logouts', categories: ['auth.logout.success', 'auth.logout.fail'] },
    { id: 'signups', categories: ['auth.signup.success', 'auth.signup.fail'] },
    { id: 'admin_changes', categories: ['management.success', 'management.fail'] },
    { id: 'user_changes', categories: ['user.success', 'user.fail', 'user.notification'] },
  ],
  pii_log_fields: ['first_name', 'last_name', 'username', 'email', 'phone', 'address'],
};

/** The sandbox subscription's resource groups: one Auth0 cannot deliver to (westus3). */
export const RESOURCE_GROUPS: ResourceGroupChoice[] = [
  { name: 'analytics', location: 'northeurope', auth0Region: 'northeurope' },
  { name: 'legacy-apps', location: 'westus3', auth0Region: null },
  { name: 'security-logs', location: 'eastus2', auth0Region: 'eastus2' },
];

const SUB = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups';

/** A parent in the sandbox subscription with its children, ids as Azure lists them. */
function parent(group: string, type: string, name: string, collection: string, children: string[]): DestinationParent {
  const id = `${SUB}/${group}/providers/${type}/${name}`;
  return { name, id, resourceGroup: group, location: 'westeurope', children: children.map((c) => ({ name: c, id: `${id}/${collection}/${c}` })) };
}

/** What list_destinations answers per kind in the sandbox subscription (sorted by name, as Rust sorts them). */
export const DESTINATIONS: Record<Exclude<DestinationKind, 'webhook'>, DestinationParent[]> = {
  eventhub: [
    parent('contoso-integration', 'Microsoft.EventHub/namespaces', 'contoso-archive', 'eventhubs', []),
    parent('contoso-integration', 'Microsoft.EventHub/namespaces', 'contoso-events', 'eventhubs', ['auth0-logs', 'security-alerts']),
    parent('analytics', 'Microsoft.EventHub/namespaces', 'contoso-telemetry', 'eventhubs', ['app-telemetry']),
  ],
  storagequeue: [
    parent('contoso-integration', 'Microsoft.Storage/storageAccounts', 'contosologs01', 'queueServices/default/queues', ['auth0-events', 'signups']),
  ],
  servicebusqueue: [
    parent('contoso-integration', 'Microsoft.ServiceBus/namespaces', 'contoso-messaging', 'queues', ['auth0-logs', 'user-sync']),
  ],
  servicebustopic: [
    parent('contoso-integration', 'Microsoft.ServiceBus/namespaces', 'contoso-messaging', 'topics', ['identity-events']),
  ],
  azurefunction: [
    parent('contoso-integration', 'Microsoft.Web/sites', 'contoso-auth0-handlers', 'functions', ['OnAuth0Log', 'OnSignup']),
  ],
};

export const SIGN_IN_URL =
  'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=5d3c1a2b&code_challenge_method=S256&redirect_uri=http%3A%2F%2Flocalhost%3A51234';
export const REGISTRATION_COMMAND =
  'az ad app create --display-name "Auth0 Event Grid Setup" --sign-in-audience AzureADMultipleOrgs --public-client-redirect-uris http://localhost';

const STEPS: StepId[] = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'];
const SUMMARY: Record<StepId, string> = {
  prepare_azure: 'Microsoft.EventGrid is registered and Auth0 may connect until the authorization expires.',
  create_stream: 'The Auth0 stream "Azure Event Grid" is active.',
  activate_topic:
    'Auth0\'s partner topic auth0-logs-1 (the one the stream reports) waits for activation. Azure shows its source "auth0.com/acme-2f1c…/auth0.logs", description "Auth0 log stream \'auth0-to-eventgrid\' of tenant acme": check that they are your Auth0 tenant\'s.',
  subscribe: 'The event subscription auth0-logs delivers to the webhook.',
};

export const SANDBOX_SESSION: SessionInfo = {
  mode: 'sandbox',
  auth0Domain: '127.0.0.1:40001',
  auth0Identity: 'sandbox-m2m-client',
  azureIdentity: 'sandbox-sp-client',
  azureTenantId: '00000000-0000-0000-0000-00000000aaaa',
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  sandboxInboxUrl: 'http://127.0.0.1:40003/_sandbox/inbox/wizard',
  azureCloud: 'custom',
};

export function setupError(code: SetupError['code'], message: string, remedy: string, field: string | null = null): SetupError {
  return { code, message, remedy, field, correlation_id: code.startsWith('azure') ? 'corr-1234' : null };
}

/**
 * The errors a step really fails with, code, message and remedy as the engine writes them for these inputs
 * (crates/setup-engine/src/error.rs and steps/; the window's remedy where a front end's words differ). The first
 * of each step is what `failStepOnce: step` answers.
 */
export const STEP_ERRORS = {
  /** Step 1: Resource Manager answers 403 AuthorizationFailed (error.rs, arm_error). */
  azure_role_missing: {
    step: 'prepare_azure',
    error: (_: SetupInputs) =>
      setupError(
        'azure_authorization_failed',
        "Azure answered 403 AuthorizationFailed: The client 'sandbox-sp-client' does not have authorization to perform action 'Microsoft.EventGrid/register/action' over scope '/subscriptions/11111111-2222-3333-4444-555555555555'.",
        'The Azure identity lacks a role. Give it Contributor on the resource group (or EventGrid Contributor), and Microsoft.EventGrid/register/action on the subscription (Contributor on the subscription includes it).',
      ),
  },
  /** Any step, here step 1: the stored Azure sign-in expired or was revoked (AzureError::Credential, FrontEndRemedy::AzureCredentials). */
  sign_in_again: {
    step: 'prepare_azure',
    error: (_: SetupInputs) =>
      setupError(
        'azure_credentials_failed',
        'could not get an Azure token: your Azure sign-in has expired or was revoked',
        'Sign in to Azure again; if it keeps failing, check with whoever set up this computer that its Azure cloud (public, usgov, china) is the right one.',
      ),
  },
  /** Step 2: Auth0 answers 409 at the tenant's log stream limit (error.rs, Auth0Error::Api 409). */
  stream_limit: {
    step: 'create_stream',
    error: (_: SetupInputs) =>
      setupError(
        'auth0_stream_limit',
        'Auth0 answered 409 Conflict: You have reached the maximum number of log streams for your account.',
        'The tenant has reached its maximum number of log streams. Delete one you no longer use (Monitoring > Streams in the Auth0 dashboard), then run the setup again.',
      ),
  },
  /** Step 3: the topic the stream reports is gone from Azure (activate_topic.rs, gone). */
  topic_expired: {
    step: 'activate_topic',
    error: (inputs: SetupInputs) =>
      setupError(
        'partner_topic_expired',
        `The partner topic auth0-logs-1 that Auth0 reports for the stream "${inputs.stream_name}" does not exist in ${inputs.resource_group} (Azure answers 404 for it): it was not activated before its expiration time (Azure then deletes it), or it was deleted.`,
        `Delete the log stream "${inputs.stream_name}" in the Auth0 dashboard (Monitoring > Streams), then run the setup again: it authorizes Auth0 again if needed, creates the stream anew and activates the new topic at once.`,
      ),
  },
  /** Step 3: Auth0 names no topic in time and none could be it (activate_topic.rs, unconfirmed). */
  topic_not_found: {
    step: 'activate_topic',
    error: (inputs: SetupInputs) =>
      setupError(
        'partner_topic_not_found',
        `Auth0 did not report the partner topic of the stream "${inputs.stream_name}" within 60 s, and no partner topic that could be Auth0's is in ${inputs.resource_group}.`,
        'Check that Auth0 is authorized as a partner in the resource group and that the authorization has not expired (step 1 renews it), and that Microsoft.EventGrid is registered; then run the setup again.',
      ),
  },
  /** Step 4: the webhook did not answer the CloudEvents validation handshake (subscribe.rs, awaiting_webhook). */
  handshake_failed: {
    step: 'subscribe',
    error: (inputs: SetupInputs) =>
      setupError(
        'operation_failed',
        `Azure created the event subscription ${inputs.event_subscription_name} but is waiting for the webhook ${(inputs.destination.webhook_url ?? '').split('?')[0]} to accept events: it did not answer the CloudEvents validation handshake (an HTTP OPTIONS request carrying WebHook-Request-Origin: eventgrid.azure.net). No events are delivered until it does.`,
        'Make the endpoint answer that OPTIONS request with status 200 and the header WebHook-Allowed-Origin: eventgrid.azure.net (or call the WebHook-Request-Callback address it was sent, within a few minutes), then run the setup again: it saves the subscription again and Azure repeats the handshake.',
      ),
  },
} satisfies Record<string, { step: StepId; error: (inputs: SetupInputs) => SetupError }>;
export type StepErrorName = keyof typeof STEP_ERRORS;

/** The error `failStepOnce: step` answers: the step's first in STEP_ERRORS. */
function firstErrorOf(step: StepId): StepErrorName {
  return (Object.keys(STEP_ERRORS) as StepErrorName[]).find((name) => STEP_ERRORS[name].step === step)!;
}

type ChannelLike = { id: number };
type Internals = { runCallback: (id: number, data: unknown) => void };

export class FakeBackend {
  session: SessionInfo | null = null;
  draft: Draft | null;
  done: Set<StepId>;
  calls: string[] = [];
  /** Every error run_step answered, as sent. */
  stepErrors: SetupError[] = [];
  inbox = 0;
  #failed = new Set<string>();
  #release: (() => void) | null = null;
  /** Ends the registration wait of the `registrationWait` scenario: Azure finished registering. */
  #registered: (() => void) | null = null;
  catalogCalls = 0;
  /** The subscriptions whose resource groups were asked for, in order. */
  groupRequests: string[] = [];
  /** Every list_destinations call: the subscription and the kind. */
  destinationRequests: { subscriptionId: string; kind: DestinationKind }[] = [];

  finishRegistration(): void {
    this.#registered?.();
  }
  azureAccount: AzureAccountInfo | null = null;
  auth0Account: Auth0AccountInfo | null = null;
  /** Settles the Azure sign-in that is waiting: approve it (as the user would in the browser) or cancel it. */
  #azureWaiting: ((approved: boolean) => void) | null = null;
  #azureMethod: 'browser' | 'device_code' = 'browser';
  secretsReceived: string[] = [];
  /** The domains of every Auth0 sign-in request, as the window sent them. */
  auth0Domains: { domain: string; canonicalDomain: string | null }[] = [];
  /** Every private-key sign-in request, as the window sent it. */
  keyRequests: Record<string, string>[] = [];
  /** Every certificate sign-in request, its password replaced by whether one was given. */
  certificateRequests: Record<string, string | null>[] = [];
  /** Pages opened in the system browser, by name. */
  opened: string[] = [];
  /** The targets opened, as the window named them. */
  openedTargets: Record<string, unknown>[] = [];
  /** The first screens the window reported painted (`window_painted`), and the page's timings with each. */
  painted: string[] = [];
  paintTimings: (PageTimings | null)[] = [];
  settings: Settings = { azureClientId: null, checkIntervalMinutes: null };
  /** The saved setups, as the store holds them. */
  setups: SavedSetup[];
  /** Each setup's pretend clouds: the state every check would find now (green unless said). */
  conditions = new Map<number, CheckStates>();
  /** Notifications raised since the app started, newest first. */
  alerts: HealthAlert[] = [];
  /** Every check_setup request, as the window sent it. */
  checkRequests: { id: number; testEvent: boolean }[] = [];
  /** Every apply_fix request. */
  fixRequests: { id: number; fix: FixId }[] = [];
  #noticeGiven = false;
  /** Every export the window asked for: how, and of which setup. */
  exports: { id: number; format: ExportFormat; to: 'file' | 'clipboard' | 'reply' }[] = [];
  /** What the fake clipboard holds. */
  clipboard: string | null = null;
  /** The errors the window said it showed (error_shown), newest last. */
  shownErrors: SetupError[] = [];
  /** How often open_logs_folder opened the folder. */
  logsFolderOpened = 0;
  /** How often close_window closed the window. */
  windowClosed = 0;
  /** What startup_problem answers: why the app cannot work on this computer (a wrong preset), or null. */
  startupProblem: SetupError | null;
  /** Every teardown_setup request with the plan the window confirmed. */
  teardowns: { id: number; plan: TeardownPlan }[] = [];
  importCalls = 0;

  approveAzureSignIn(): void {
    this.#azureWaiting?.(true);
  }

  /** Whether an Azure sign-in is waiting for the user. */
  get azureWaiting(): boolean {
    return this.#azureWaiting !== null;
  }

  #cloudSession(): void {
    if (!this.azureAccount || !this.auth0Account || this.scenario.missingScopes?.length) return;
    this.session = {
      mode: 'cloud',
      auth0Domain: this.auth0Account.canonicalDomain ?? this.auth0Account.domain,
      auth0Identity: this.auth0Account.clientId ?? '',
      azureIdentity: this.azureAccount.username,
      azureTenantId: this.azureAccount.tenantId,
      subscriptionId: null,
      sandboxInboxUrl: null,
      azureCloud: this.scenario.azureCloud ?? 'public',
    };
  }

  constructor(readonly scenario: Scenario = {}) {
    this.draft = scenario.draft ?? null;
    this.startupProblem = scenario.startupProblem ?? null;
    this.done = new Set(scenario.done ?? []);
    this.inbox = scenario.inboxHolds ?? 0;
    this.setups = (scenario.setups ?? []).map((spec) => savedSetup(spec));
    for (const spec of scenario.setups ?? []) this.conditions.set(spec.id, { ...(spec.states ?? {}) });
  }

  /** Something changes in a setup's clouds (a stream paused, a topic deleted): the next check finds it. */
  breakSetup(id: number, states: CheckStates): void {
    this.conditions.set(id, { ...this.conditions.get(id), ...states });
  }

  /** A scheduled round of checks, as the app runs one: every setup checked, then `setups-changed` emitted. */
  async scheduledRound(): Promise<void> {
    for (const setup of this.setups) this.#check(setup, false);
    await emit('setups-changed', this.setups);
  }

  #setup(id: number): SavedSetup {
    const setup = this.setups.find((s) => s.id === id);
    if (!setup) throw setupError('invalid_input', `id: no saved setup has the id ${id}`, 'Correct id and try again.', 'id');
    return setup;
  }

  #check(setup: SavedSetup, testEvent: boolean): SavedSetup {
    return this.#record(setup, healthReport(this.conditions.get(setup.id) ?? {}, new Date(), testEvent));
  }

  /** Records a report as the store does: since when each check is in its state, an alert for each turned red. */
  #record(setup: SavedSetup, report: HealthReport): SavedSetup {
    for (const check of report.checks) {
      const before = setup.lastReport?.checks.find((c) => c.id === check.id)?.state;
      if (check.state === 'red' && before !== 'red') {
        this.alerts.unshift({ setupId: setup.id, setupName: setup.name, check: check.id, checkTitle: check.title, at: report.checked_at });
      }
    }
    setup.since = sinceAfter(report, setup.since);
    setup.lastReport = report;
    setup.updatedAt = report.checked_at;
    return structuredClone(setup);
  }

  /** As Rust does after each successful run_step: the wizard's setup saved (name = stream name), or updated. */
  #saveWizardSetup(inputs: SetupInputs): void {
    const same = this.setups.find(
      (s) =>
        s.inputs.auth0_domain === inputs.auth0_domain &&
        s.inputs.stream_name === inputs.stream_name &&
        s.inputs.subscription_id === inputs.subscription_id &&
        s.inputs.resource_group === inputs.resource_group,
    );
    const created = { completed: STEPS.filter((s) => this.done.has(s)), streamId: null, partnerTopic: null, resourceGroupCreated: inputs.create_resource_group };
    if (same) {
      same.inputs = structuredClone(inputs);
      same.created = created;
      return;
    }
    const id = Math.max(0, ...this.setups.map((s) => s.id)) + 1;
    const session = this.session ?? SANDBOX_SESSION;
    const now = new Date().toISOString();
    this.setups.push({
      id,
      name: this.setups.some((s) => s.name === inputs.stream_name) ? `${inputs.stream_name} (${id})` : inputs.stream_name,
      inputs: structuredClone(inputs),
      webhookKeyInKeychain: false,
      accounts: {
        ...SANDBOX_ACCOUNTS,
        mode: session.mode,
        auth0Domain: session.auth0Domain,
        auth0Identity: session.auth0Identity,
        azureTenantId: session.azureTenantId,
        azureIdentity: session.azureIdentity,
        azureCloud: session.azureCloud,
      },
      created,
      createdAt: now,
      updatedAt: now,
      lastReport: null,
      since: [],
    });
    this.conditions.set(id, {});
  }

  report(upTo: StepId = 'subscribe'): SetupReport {
    const steps: StepStatus[] = [];
    for (const step of STEPS.slice(0, STEPS.indexOf(upTo) + 1)) {
      const earlierDone = STEPS.slice(0, STEPS.indexOf(step)).every((s) => this.done.has(s));
      steps.push({
        step,
        state: this.done.has(step) ? 'done' : earlierDone ? 'to_do' : 'blocked',
        summary: this.done.has(step) || (step === 'activate_topic' && this.done.has('create_stream')) ? SUMMARY[step] : 'Not yet.',
        actions: this.done.has(step) ? [] : [`${step}: apply`],
        expires_at: step === 'activate_topic' && this.done.has('create_stream') && !this.done.has(step) ? '2031-01-08T10:00:00Z' : null,
        topic: step === 'activate_topic' && this.done.has('create_stream') ? this.#topicFacts(this.done.has(step)) : null,
      });
    }
    return {
      steps,
      complete: STEPS.every((s) => this.done.has(s)),
      stream_id: this.done.has('create_stream') ? 'lst_0000000000001' : null,
      partner_topic: this.done.has('create_stream') ? 'auth0-logs-1' : null,
      last_run: null,
    };
  }

  /** Step 3's partner topic as Azure would report it: only the fields Azure documents, with values a real
   * topic might hold (the engine shows them as they are). */
  #topicFacts(activated: boolean) {
    return {
      name: 'auth0-logs-1',
      source: 'auth0.com/acme-2f1c/auth0.logs',
      friendly_description: "Auth0 log stream 'auth0-to-eventgrid' of tenant acme",
      message_for_activation: 'Activate this partner topic to start receiving Auth0 log events.',
      activation_state: activated ? 'Activated' : 'NeverActivated',
      stream_name: 'Azure Event Grid',
      stream_id: 'lst_0000000000001',
    };
  }

  /** The handler for `mockIPC`. */
  async handle(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    this.calls.push(cmd);
    switch (cmd) {
      case 'app_info':
        if (this.scenario.appInfo === 'fail') throw new Error('app_info failed');
        return { productName: 'Auth0 Event Grid Setup', version: '9.8.7', tauriVersion: '2.99.0' };
      case 'load_draft':
        return this.draft;
      case 'save_draft':
        this.draft = args.draft as Draft;
        return null;
      case 'clear_draft':
        this.draft = null;
        return null;
      case 'start_sandbox':
        if (this.scenario.sandboxFails && this.#once('sandbox')) {
          throw setupError('network_unreachable', 'The built-in sandbox could not start: address in use', 'Close other copies of the app and try again.');
        }
        this.session = SANDBOX_SESSION;
        return this.session;
      case 'current_session':
        return this.session;
      case 'open_link': {
        const target = args.target as { kind: string; domain?: string; setup_id?: number; check?: CheckId };
        this.openedTargets.push({ ...target });
        if (target.kind === 'setup_check') {
          const check = this.#setup(target.setup_id ?? -1).lastReport?.checks.find((c) => c.id === target.check);
          if (!check?.link) throw setupError('invalid_input', `check: ${target.check} has no link`, 'Check the setup again.', 'check');
          this.opened.push(`setup_check:${target.setup_id}:${target.check}`);
          return true;
        }
        if (target.kind === 'auth0_applications' && !target.domain?.endsWith('.auth0.com')) {
          throw setupError('invalid_input', 'auth0_domain: must be your tenant\'s Auth0 domain, such as acme.eu.auth0.com', 'Correct auth0_domain and try again.', 'auth0_domain');
        }
        this.opened.push(target.kind === 'auth0_applications' ? `auth0_applications:${target.domain}` : target.kind);
        return true;
      }
      case 'load_settings':
        return this.settings;
      case 'save_settings': {
        const settings = args.settings as Settings;
        const id = settings.azureClientId?.trim() || null;
        if (id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
          throw setupError('invalid_input', 'azure_client_id: must be an application (client) ID', 'Correct azure_client_id and try again.', 'azure_client_id');
        }
        const minutes = settings.checkIntervalMinutes ?? null;
        if (minutes !== null && minutes !== 0 && (minutes < 5 || minutes > 1440)) {
          throw setupError(
            'invalid_input',
            'check_interval_minutes: must be 0 (never) or 5 to 1440',
            'Correct check_interval_minutes and try again.',
            'check_interval_minutes',
          );
        }
        this.settings = { azureClientId: id, checkIntervalMinutes: minutes };
        if (id) this.scenario.noAzureClientId = false;
        return this.settings;
      }
      case 'restore_sign_in':
        return { azure: this.azureAccount, auth0: this.auth0Account };
      case 'settings_overview':
        return {
          settings: this.settings,
          defaultAzureClientId: this.scenario.noAzureClientId ? null : '5d3c1a2b-7e4f-4a10-9b8c-0123456789ab',
          registrationCommand: REGISTRATION_COMMAND,
          keychain: await this.handle('keychain_status'),
          signedIn: { azure: this.azureAccount, auth0: this.auth0Account },
        };
      case 'sign_out_cloud':
        if (args.cloud === 'azure') this.azureAccount = null;
        else this.auth0Account = null;
        this.session = null;
        return null;
      case 'choose_key_file':
        if (this.scenario.fileDialogClosed) return null;
        return args.kind === 'azure_certificate' ? CHOSEN_CERTIFICATE : CHOSEN_KEY_FILE;
      case 'sign_in_auth0_private_key': {
        const request = args.request as { domain: string; canonicalDomain: string | null; clientId: string; keyFile: string; algorithm: string };
        const { canonicalDomain: _canonical, ...asSent } = request;
        this.keyRequests.push(asSent);
        this.#checkDomains(request);
        if (request.keyFile !== CHOSEN_KEY_FILE.handle || this.scenario.keyFileForgotten) {
          throw notChosen('auth0_private_key_path', 'choose the private key file (PEM) of the application');
        }
        return this.#auth0SignedIn(request, request.clientId, 'private_key', true);
      }
      case 'sign_in_auth0_token': {
        const request = args.request as { domain: string; canonicalDomain: string | null; token: string; remember: boolean };
        this.secretsReceived.push(request.token);
        this.#checkDomains(request);
        if (request.token.includes('expired')) {
          throw setupError('auth0_unauthorized', 'the pasted token expired at 2020-09-13 12:26:40 UTC', 'The token is not accepted (expired, revoked or for another tenant): sign in to Auth0 again.');
        }
        return this.#auth0SignedIn(request, null, 'management_token', request.remember);
      }
      case 'sign_in_azure_cli':
        if (this.scenario.noAzureCli) {
          throw {
            ...setupError(
              'azure_credentials_failed',
              'The Azure CLI (az) is not installed on this computer, or not on its PATH.',
              'Install the Azure CLI, run "az login" in a terminal, then try again. Or choose another way to sign in to Azure.',
            ),
            field: 'azure_cli',
          };
        }
        return this.#azureSignedIn({ username: 'ada@contoso.com', displayName: 'Ada', tenantId: 'tenant-contoso', method: 'azure_cli' });
      case 'sign_in_azure_service_principal': {
        const request = args.request as { tenantId: string; clientId: string; clientSecret: string };
        this.secretsReceived.push(request.clientSecret);
        if (!GUID.test(request.clientId)) {
          throw setupError('invalid_input', 'azure_client_id: expect the application (client) id', 'Correct azure_client_id and try again.', 'azure_client_id');
        }
        return this.#azureSignedIn({ username: request.clientId, displayName: request.clientId, tenantId: request.tenantId, method: 'service_principal' });
      }
      case 'sign_in_azure_certificate': {
        const request = args.request as { tenantId: string; clientId: string; certificateFile: string; password: string | null };
        if (request.password) this.secretsReceived.push(request.password);
        this.certificateRequests.push({ ...request, password: request.password ? '(given)' : null });
        if (request.certificateFile !== CHOSEN_CERTIFICATE.handle || this.scenario.keyFileForgotten) {
          throw notChosen('azure_certificate_path', 'choose the certificate file (PEM with its private key, or .pfx)');
        }
        return this.#azureSignedIn({ username: request.clientId, displayName: request.clientId, tenantId: request.tenantId, method: 'certificate' });
      }
      case 'azure_tenants': {
        if (!this.azureAccount) throw setupError('azure_credentials_failed', 'You are not signed in to Azure.', 'Sign in to Azure first.');
        if (this.scenario.tenantsFail) {
          throw setupError('azure_request_failed', 'Azure answered 503 ServiceUnavailable while listing tenants.', 'Try again in a minute.');
        }
        const person = this.azureAccount.method === 'browser' || this.azureAccount.method === 'device_code';
        const listed = person || this.scenario.everyTenantListed;
        return {
          current: this.azureAccount.tenantId,
          tenants: listed ? TENANTS : TENANTS.filter((tenant) => tenant.tenantId === this.azureAccount?.tenantId),
          subscriptionCount: this.azureAccount.tenantId === 'tenant-fabrikam' ? 1 : 2,
          canSwitch: person,
        };
      }
      case 'switch_azure_tenant': {
        const tenantId = String(args.tenantId);
        if (!this.azureAccount) throw setupError('azure_credentials_failed', 'You are not signed in to Azure.', 'Sign in to Azure first.');
        if (tenantId === 'tenant-locked') {
          throw setupError(
            'sign_in_rejected',
            'the sign-in was refused: interaction_required (AADSTS50076: multi-factor authentication is required) [SignInRefused]',
            'Check that you signed in with the right account and accepted the permissions, then try again.',
          );
        }
        this.azureAccount = { ...this.azureAccount, tenantId };
        this.#cloudSession();
        return this.azureAccount;
      }
      case 'keychain_status':
        return this.scenario.sessionOnly
          ? {
              persistent: false,
              reason: 'No Secret Service is running in this session (org.freedesktop.secrets).',
              remedy: 'Install and start gnome-keyring or KeePassXC with its Secret Service, then restart the app.',
            }
          : { persistent: true, reason: null, remedy: null };
      case 'start_azure_sign_in': {
        if (this.scenario.noAzureClientId) {
          throw setupError(
            'azure_app_not_registered',
            'No Azure app registration is configured for this app.',
            'Signing in with a Microsoft account needs this app to be registered once in Microsoft Entra ID. An administrator registers it as a multi-tenant public client that may use Azure Service Management (user_impersonation), with the redirect address http://localhost; Settings shows the command to send them. Then enter the application (client) ID they give you in Settings. Until then, sign in with the Azure CLI (az login) or a service principal.',
          );
        }
        this.#azureMethod = args.method === 'device_code' ? 'device_code' : 'browser';
        return args.method === 'device_code'
          ? { kind: 'device_code', userCode: 'GHJK-LMNP', verificationUri: 'https://microsoft.com/devicelogin', expiresInMinutes: 15 }
          : { kind: 'browser', url: SIGN_IN_URL, browserOpened: false };
      }
      case 'finish_azure_sign_in': {
        const approved = await new Promise<boolean>((resolve) => (this.#azureWaiting = resolve));
        this.#azureWaiting = null;
        if (!approved) throw setupError('cancelled', 'The sign-in was cancelled.', 'Start the sign-in again when you are ready.');
        return this.#azureSignedIn({
          username: 'ada@contoso.com',
          displayName: 'Ada',
          tenantId: 'tenant-contoso',
          method: this.#azureMethod,
        });
      }
      case 'cancel_azure_sign_in': {
        const waiting = this.#azureWaiting !== null;
        this.#azureWaiting?.(false);
        return waiting;
      }
      case 'sign_in_auth0': {
        const request = args.request as { domain: string; canonicalDomain: string | null; clientId: string; clientSecret: string };
        this.secretsReceived.push(request.clientSecret);
        this.#checkDomains(request);
        if (request.clientSecret === 'wrong') {
          throw setupError('auth0_credentials_rejected', 'Auth0 refused the client credentials.', 'Check the domain, client id and client secret.');
        }
        return this.#auth0SignedIn(request, request.clientId, 'client_secret', true);
      }
      case 'sign_out':
        this.session = null;
        this.azureAccount = null;
        this.auth0Account = null;
        return null;
      case 'detect':
        this.#requireSession();
        return this.report();
      case 'run_step': {
        const report = await this.#runStep(args.step as StepId, args.inputs as SetupInputs, args.onEvent as ChannelLike);
        this.#saveWizardSetup(args.inputs as SetupInputs);
        return report;
      }
      case 'cancel_run': {
        const release = this.#release;
        this.#release = null;
        release?.();
        return release !== null;
      }
      case 'list_subscriptions':
        this.#requireSession();
        return [
          { id: '11111111-2222-3333-4444-555555555555', name: 'Sandbox subscription', enabled: true },
          { id: '99999999-2222-3333-4444-555555555555', name: 'Disabled one', enabled: false },
        ];
      case 'default_inputs':
        return structuredClone(DEFAULT_INPUTS);
      case 'catalog':
        this.catalogCalls += 1;
        if (this.scenario.catalogFailsOnce && this.#once('catalog')) throw new Error('catalog failed');
        return CATALOG;
      case 'list_resource_groups': {
        this.#requireSession();
        const id = String(args.subscriptionId ?? '');
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
          throw setupError('invalid_input', 'subscription_id: must be a GUID like 00000000-0000-0000-0000-000000000000', 'Correct subscription_id and try again.', 'subscription_id');
        }
        this.groupRequests.push(id);
        const groups = this.scenario.resourceGroups ?? RESOURCE_GROUPS;
        if (groups === 'fail' && this.#once('groups')) {
          throw setupError('azure_authorization_failed', 'Azure refused: the signed-in identity may not read this subscription.', 'Ask an Owner of the subscription for the Reader role, then load them again.');
        }
        if (id !== SANDBOX_SESSION.subscriptionId) throw setupError('azure_subscription_not_found', `The subscription ${id} was not found.`, 'Check the subscription ID.');
        return groups === 'fail' ? RESOURCE_GROUPS : groups;
      }
      case 'list_destinations': {
        this.#requireSession();
        const subscriptionId = String(args.subscriptionId ?? '');
        const kind = args.kind as DestinationKind;
        this.destinationRequests.push({ subscriptionId, kind });
        if (kind === 'webhook') {
          throw setupError('invalid_input', 'destination.kind: a webhook is given by its address; there is nothing in Azure to choose it from', 'Correct destination.kind and try again.', 'destination.kind');
        }
        if (this.scenario.destinations === 'fail' && this.#once('destinations')) {
          throw setupError('azure_authorization_failed', 'Azure refused: the signed-in identity may not read this subscription.', 'Ask an Owner of the subscription for the Reader role, then load them again.');
        }
        if (subscriptionId !== SANDBOX_SESSION.subscriptionId) return [];
        const listed = this.scenario.destinations === 'fail' ? undefined : this.scenario.destinations?.[kind];
        return structuredClone(listed ?? DESTINATIONS[kind]);
      }
      case 'test_endpoint': {
        const url = String(args.url);
        if (url.includes('refuses')) return { status: 405, allowedOrigin: null, accepted: false };
        if (url.includes('unreachable')) throw setupError('network_unreachable', 'The endpoint did not answer: connection refused', 'Check the address.');
        return { status: 200, allowedOrigin: 'eventgrid.azure.net', accepted: true };
      }
      case 'send_test_event': {
        this.#requireSession();
        if (this.session?.mode === 'cloud') return this.#followTestEvent(args.inputs as SetupInputs, args.onProgress as ChannelLike);
        // As Rust does: the test event arrived only if the receiver holds it, whatever else it holds.
        const subscribed = this.done.has('subscribe');
        if (subscribed) this.inbox += 1;
        const result: TestEventResult = {
          logType: 's',
          user: 'ada@sandbox.test',
          clientId: null,
          received: this.inbox,
          arrivedType: subscribed ? 'com.auth0.Log' : null,
          stages: [],
        };
        return result;
      }
      case 'list_setups': {
        const notice = this.#noticeGiven ? null : (this.scenario.storeNotice ?? null);
        this.#noticeGiven = true;
        return { setups: structuredClone(this.setups), notice };
      }
      case 'check_setup': {
        const request = { id: Number(args.id), testEvent: Boolean(args.testEvent) };
        this.checkRequests.push(request);
        const setup = this.#setup(request.id);
        this.#failCheckOnce();
        return this.#check(setup, request.testEvent);
      }
      case 'check_all_setups':
        this.#failCheckOnce();
        return this.setups.map((setup) => this.#check(setup, false));
      case 'apply_fix': {
        const request = { id: Number(args.id), fix: args.fix as FixId };
        this.fixRequests.push(request);
        const setup = this.#setup(request.id);
        const conditions = this.conditions.get(setup.id) ?? {};
        const fixed = CHECK_IDS.find((id) => fixFor(id, conditions[id] ?? 'green')?.id === request.fix);
        if (!fixed) throw setupError('invalid_input', `fix: ${request.fix} is not offered by this setup's checks`, 'Check the setup again.', 'fix');
        this.conditions.set(setup.id, { ...conditions, [fixed]: 'green' });
        return this.#check(setup, false);
      }
      case 'rename_setup': {
        const setup = this.#setup(Number(args.id));
        const name = String(args.name ?? '').trim();
        if (!name) throw setupError('invalid_input', 'name: must not be empty', 'Correct name and try again.', 'name');
        if (this.setups.some((s) => s.name === name && s.id !== setup.id)) {
          throw setupError('invalid_input', `name: a setup named "${name}" already exists`, 'Correct name and try again.', 'name');
        }
        setup.name = name;
        return structuredClone(setup);
      }
      case 'forget_setup': {
        const setup = this.#setup(Number(args.id));
        this.setups = this.setups.filter((s) => s !== setup);
        return true;
      }
      case 'health_alerts':
        return structuredClone(this.alerts);
      case 'export_setup': {
        const format = args.format as ExportFormat;
        this.exports.push({ id: Number(args.id), format, to: 'reply' });
        return exportedFor(this.#setup(Number(args.id)), format);
      }
      case 'save_export': {
        const format = args.format as ExportFormat;
        const exported = exportedFor(this.#setup(Number(args.id)), format);
        if (this.scenario.saveDialogClosed) return null;
        this.exports.push({ id: Number(args.id), format, to: 'file' });
        return `${SAVE_FOLDER}/${exported.file_name}`;
      }
      case 'copy_export': {
        const format = args.format as ExportFormat;
        const exported = exportedFor(this.#setup(Number(args.id)), format);
        if (this.scenario.clipboardFails) {
          throw setupError('operation_failed', 'The export could not be put on the clipboard: there is no clipboard here', 'Use “Save as…” instead.');
        }
        this.exports.push({ id: Number(args.id), format, to: 'clipboard' });
        this.clipboard = exported.text;
        return exported;
      }
      case 'error_shown':
        this.shownErrors.push(structuredClone(args.error as SetupError));
        return null;
      case 'copy_diagnostics': {
        if (this.scenario.clipboardFails) {
          throw setupError('operation_failed', 'The diagnostics could not be copied: there is no clipboard here.', 'Try again; if the clipboard keeps refusing, open the logs folder and attach today\'s file instead.');
        }
        const errors = this.shownErrors
          .slice()
          .reverse()
          .map((e) => `- 2026-12-05T10:00:00Z ${e.code}: ${e.message}${e.correlation_id ? ` [correlation id: ${e.correlation_id}]` : ''}`);
        this.clipboard = [
          'Auth0 Event Grid Setup 9.8.7 (Tauri 2.99.0)',
          'System: Debian GNU/Linux 12 (bookworm), Linux 6.1.0 x86_64',
          'Webview: WebKitGTK 2.48.3',
          `Logs: ${LOGS_FOLDER}`,
          errors.length ? 'Errors shown since the app started (newest first, at most 20):' : 'Errors shown since the app started: none',
          ...errors,
        ].join('\n');
        return this.clipboard;
      }
      case 'open_logs_folder':
        this.logsFolderOpened += 1;
        return null;
      case 'startup_problem':
        return this.startupProblem;
      case 'close_window':
        this.windowClosed += 1;
        return null;
      case 'import_setup': {
        this.importCalls += 1;
        const file = this.scenario.importFile;
        if (!file) return null;
        if ('error' in file) throw structuredClone(file.error);
        this.draft = structuredClone(file.draft);
        return structuredClone(file.draft);
      }
      case 'plan_teardown': {
        const setup = this.#setup(Number(args.id));
        if (this.scenario.teardownPlanFailsOnce && !this.#failed.has('plan_teardown')) {
          this.#failed.add('plan_teardown');
          throw setupError('azure_request_failed', 'Azure did not answer while the partner topic was read.', 'Try again in a minute.');
        }
        return structuredClone(this.scenario.teardownPlan ?? teardownPlanFor(setup));
      }
      case 'teardown_setup': {
        const id = Number(args.id);
        const plan = args.plan as TeardownPlan;
        this.#setup(id);
        this.teardowns.push({ id, plan: structuredClone(plan) });
        if (this.scenario.teardownFailsOnce && !this.#failed.has('teardown_setup')) {
          this.#failed.add('teardown_setup');
          throw setupError('operation_failed', 'Azure could not delete the partner topic: the operation failed.', 'Try again: what was deleted stays deleted.');
        }
        this.setups = this.setups.filter((s) => s.id !== id);
        const report: TeardownReport = { removed: plan.remove, kept: plan.keep };
        return structuredClone(report);
      }
      case 'window_painted':
        this.painted.push(args.screen as string);
        this.paintTimings.push((args.page as PageTimings | null | undefined) ?? null);
        return null;
      default:
        throw new Error(`command not mocked: ${cmd}`);
    }
  }

  #azureSignedIn(account: AzureAccountInfo): AzureAccountInfo {
    this.azureAccount = account;
    this.#cloudSession();
    return account;
  }

  /** Records the domains and, as Rust does, refuses a custom domain without the tenant's own one. */
  #checkDomains(request: { domain: string; canonicalDomain: string | null }): void {
    this.auth0Domains.push({ domain: request.domain, canonicalDomain: request.canonicalDomain });
    if (isCustomDomain(request.domain) && !request.canonicalDomain?.trim()) {
      throw setupError(
        'invalid_input',
        `auth0_canonical_domain: is needed because ${request.domain} is a custom domain`,
        'Correct auth0_canonical_domain and try again.',
        'auth0_canonical_domain',
      );
    }
  }

  #auth0SignedIn(
    request: { domain: string; canonicalDomain: string | null },
    clientId: string | null,
    method: Auth0AccountInfo['method'],
    remembered: boolean,
  ): Auth0AccountInfo {
    const canonicalDomain = request.canonicalDomain?.trim().replace(/^https:\/\//, '').replace(/\/(api\/v2\/?)?$/, '') || null;
    this.auth0Account = {
      domain: request.domain,
      canonicalDomain,
      clientId,
      missingScopes: this.scenario.missingScopes ?? [],
      dashboardApplicationsUrl: 'https://manage.auth0.com/dashboard/eu/acme/applications',
      method,
      remembered,
    };
    this.#cloudSession();
    return this.auth0Account;
  }

  #failCheckOnce(): void {
    if (this.scenario.checkFailsOnce && this.#once('check')) {
      throw setupError('network_unreachable', 'The sandbox did not answer: connection refused', 'Try again in a moment.');
    }
  }

  #once(key: string): boolean {
    if (this.#failed.has(key)) return false;
    this.#failed.add(key);
    return true;
  }

  #requireSession() {
    if (!this.session) throw setupError('azure_credentials_failed', 'You are not signed in.', 'Go back to Sign in.');
  }

  /** The cloud test event: Auth0 records it at once; Event Grid's stages follow the scenario and the filters. */
  async #followTestEvent(inputs: SetupInputs, channel: ChannelLike): Promise<TestEventResult> {
    if (!this.done.has('subscribe')) {
      throw setupError('invalid_input', 'A test event needs all four steps done, and they are not.', 'Check every step again and finish the ones that are not done.');
    }
    let index = 0;
    const send = (message: StageReport) =>
      (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
    const stage = (id: StageReport['stage'], state: StageReport['state'], elapsedSecs: number): StageReport => ({
      stage: id,
      state,
      elapsedSecs,
      limitSecs: id === 'recorded' ? 120 : 600,
      detail: null,
    });
    send(stage('recorded', 'waiting', 0));
    const recorded = this.scenario.testEventUnrecorded ? stage('recorded', 'not_seen', 120) : stage('recorded', 'done', 2);
    send(recorded);
    const streamed = inputs.event_categories.length === 0 || inputs.event_categories.includes('auth.token_exchange.fail');
    const routed = inputs.log_codes.length === 0 || inputs.log_codes.includes('feccft');
    let published = stage('published', streamed ? 'waiting' : 'filtered', 2);
    let delivered = stage('delivered', streamed && routed ? 'waiting' : 'filtered', 2);
    send(published);
    send(delivered);
    if (this.scenario.testEventHold && (published.state === 'waiting' || delivered.state === 'waiting')) {
      await new Promise<void>((resolve) => (this.#release = resolve));
      throw setupError('cancelled', 'Stopped watching for the test event.', 'Send another test event when you are ready.');
    }
    const outcome = this.scenario.testEventUnseen ? 'not_seen' : 'done';
    if (published.state === 'waiting') send((published = stage('published', outcome, outcome === 'done' ? 95 : 600)));
    if (delivered.state === 'waiting') send((delivered = stage('delivered', outcome, outcome === 'done' ? 97 : 600)));
    return {
      logType: 'feccft',
      user: null,
      clientId: this.auth0Account?.clientId ?? 'auth0-eventgrid-setup-test-event-no-such-client',
      received: 0,
      arrivedType: null,
      stages: [recorded, published, delivered],
    };
  }

  async #runStep(step: StepId, inputs: SetupInputs, channel: ChannelLike): Promise<SetupReport> {
    this.#requireSession();
    let index = 0;
    const send = (message: SetupEvent) =>
      (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
    send({ event: 'step_started', step });
    if (this.scenario.holdStep === step) {
      send({ event: 'waiting', step, what: 'Microsoft.EventGrid to finish registering', registration: null });
      await new Promise<void>((resolve) => (this.#release = resolve));
      throw setupError('cancelled', 'Stopped: you cancelled the step.', 'Run the step again when you are ready; what was finished is kept.');
    }
    if (this.scenario.registrationWait && step === 'prepare_azure' && !this.done.has(step)) {
      send({ event: 'applying', step, action: 'Registering Microsoft.EventGrid' });
      send({
        event: 'waiting',
        step,
        what: 'Microsoft.EventGrid registration to finish',
        registration: { provider: 'Microsoft.EventGrid', state: 'Registering' },
      });
      const registered = await new Promise<boolean>((resolve) => {
        this.#registered = () => resolve(true);
        this.#release = () => resolve(false);
      });
      this.#registered = null;
      if (!registered) throw setupError('cancelled', 'Stopped: you cancelled the step.', 'Run the step again when you are ready; what was finished is kept.');
    }
    const named = this.scenario.stepErrorOnce;
    const failure = this.scenario.failStepOnce === step ? firstErrorOf(step) : named && STEP_ERRORS[named].step === step ? named : null;
    if (failure && this.#once(`step-${step}`)) {
      const error = STEP_ERRORS[failure].error(inputs);
      this.stepErrors.push(structuredClone(error));
      send({ event: 'step_failed', step, error });
      throw error;
    }
    send({ event: 'applying', step, action: `${step}: apply` });
    for (const s of STEPS.slice(0, STEPS.indexOf(step) + 1)) this.done.add(s);
    send({ event: 'step_finished', status: this.report(step).steps.at(-1)! });
    return this.report(step);
  }
}
