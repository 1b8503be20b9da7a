// The wizard's state and moves, shared by every screen: where the user is, what they typed, what the engine
// reported, and the run in progress. It talks to Rust only through lib/ipc and saves a draft after each move
// so a restarted app resumes at the first unfinished step.
import * as ipc from './ipc';
import type {
  AppInfo,
  Catalog,
  Draft,
  Mode,
  Screen,
  SessionInfo,
  SetupError,
  SetupEvent,
  SetupInputs,
  SetupReport,
  StepId,
  SubscriptionChoice,
  EndpointCheck,
  StageReport,
  TestEventResult,
} from './ipc';
import { t } from './i18n';

export const STEP_IDS: StepId[] = ['prepare_azure', 'create_stream', 'activate_topic', 'subscribe'];
export type StepMark = 'done' | 'current' | 'upcoming' | 'failed';

/** A `SetupError` from whatever a command rejected with (a broken bridge is shown the same way). */
export function asSetupError(error: unknown): SetupError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error as SetupError;
  return {
    code: 'unexpected_response',
    message: String(error),
    remedy: 'Try again. If it keeps failing, copy the diagnostics and report it.',
    field: null,
    correlation_id: null,
  };
}

function sameDomain(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function describe(event: SetupEvent): string {
  switch (event.event) {
    case 'step_started':
      return t.progress.step_started(t.steps[event.step]);
    case 'applying':
      return t.progress.applying(event.action);
    case 'waiting':
      return t.progress.waiting(event.what);
    case 'step_finished':
      return t.progress.step_finished(event.status.summary);
    case 'step_failed':
      return t.progress.step_failed(event.error.message);
  }
}

/**
 * What the wizard is doing: one tagged value that screens branch on (Done's Stop watching, every disabled
 * button), never the label shown for it. `activityLabel` gives the words.
 */
export type Activity =
  | { kind: 'idle' }
  /** Reading what exists (resuming, leaving Sign in, Check again). */
  | { kind: 'checking' }
  | { kind: 'starting_sandbox' }
  | { kind: 'running'; step: StepId }
  | { kind: 'loading_catalog' }
  /** The sandbox's test event: sent, then waited for at its receiver. */
  | { kind: 'sending_test_event' }
  /** The own clouds' test event, followed stage by stage until it arrives or the user stops watching. */
  | { kind: 'watching' }
  | { kind: 'testing_endpoint' }
  /** A setup file is being chosen and read. */
  | { kind: 'importing' };

export const IDLE: Activity = { kind: 'idle' };

/** The words for what the wizard is doing, shown with a timer; empty when idle. */
export function activityLabel(activity: Activity): string {
  switch (activity.kind) {
    case 'idle':
      return '';
    case 'checking':
      return t.common.checking;
    case 'starting_sandbox':
      return t.welcome.startingSandbox;
    case 'running':
      return t.steps[activity.step];
    case 'loading_catalog':
      return t.prepare.regionsLoading;
    case 'sending_test_event':
      return t.done.sending;
    case 'watching':
      return t.done.watching;
    case 'testing_endpoint':
      return t.subscribe.testing;
    case 'importing':
      return t.imports.importing;
  }
}

/** A setup imported into the wizard: the tenant and subscription its document names, and whether the person
 * chose to set it up in the signed-in tenant instead (never done for them). */
export type ImportedSetup = { auth0Domain: string; subscriptionId: string; tenantChosen: boolean };

/** A run waiting for a resource provider's registration: which provider, what Azure said, and since when (ms). */
export type RegistrationWait = { provider: string; state: string; since: number };

export class Wizard {
  screen = $state<Screen>('welcome');
  mode = $state<Mode>('sandbox');
  session = $state<SessionInfo | null>(null);
  /** What the user typed, starting from the engine's defaults. */
  inputs: SetupInputs;
  report = $state<SetupReport | null>(null);
  failed = $state<StepId | null>(null);
  error = $state<SetupError | null>(null);
  /** What the app is doing right now, shown with a timer (`elapsed`). */
  activity = $state.raw<Activity>(IDLE);
  elapsed = $state(0);
  progress = $state<string[]>([]);
  testEvent = $state<TestEventResult | null>(null);
  /** The test event's stages so far (own clouds): updated as progress arrives, then from the result. */
  testStages = $state<StageReport[]>([]);
  /** The user stopped watching the test event. */
  testStopped = $state(false);
  /** When the test event reached the destination (RFC 3339): in the sandbox when the receiver held it, in the
   * person's clouds the attempt's time plus the delivered stage's seconds. */
  firstArrivalAt = $state<string | null>(null);
  subscriptions = $state<SubscriptionChoice[]>([]);
  endpointCheck = $state<EndpointCheck | null>(null);
  /** The engine's regions and event groups (see loadCatalog). */
  catalog = $state<Catalog | null>(null);
  /** Set while the running step waits for a resource provider's registration. */
  registrationWait = $state<RegistrationWait | null>(null);
  #catalogLoading: Promise<void> | null = null;
  /** The setup imported into the wizard, until it starts over. */
  imported = $state<ImportedSetup | null>(null);
  /** Why the last import was refused (a bad file), shown beside "Import a setup…". */
  importError = $state<SetupError | null>(null);
  /** The Settings screen is shown over the current screen. */
  settingsOpen = $state(false);
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The save under way, if any, and the draft to save after it (only the latest one waits). */
  #saving: Promise<void> | null = null;
  #unsaved: Draft | null = null;
  #lastAction: { what: Activity; action: () => Promise<void> } | null = null;

  readonly #defaults: SetupInputs;

  /** `defaults`: the engine's (`ipc.defaultInputs()`, or `Wizard.start`), also what starting over returns to. */
  constructor(
    readonly info: Promise<AppInfo>,
    defaults: SetupInputs,
  ) {
    this.#defaults = structuredClone(defaults);
    this.inputs = $state(structuredClone(defaults));
  }

  /** The window's wizard, from the engine's defaults and the saved draft resumed. The app reads both beside the
   * saved setups and passes them in (`draft: null` when it opens on the home: the wizard waits at the welcome
   * page); what is not passed is asked for here. */
  static async start(
    info: Promise<AppInfo>,
    from: { defaults?: SetupInputs; draft?: Draft | null } = {},
  ): Promise<Wizard> {
    const [defaults, draft] = await Promise.all([
      from.defaults ?? ipc.defaultInputs(),
      from.draft !== undefined ? from.draft : ipc.loadDraft().catch(() => null),
    ]);
    const wizard = new Wizard(info, defaults);
    if (draft) await wizard.resume(draft);
    return wizard;
  }

  /** Whether a draft is in the middle of the wizard (signed in or further, and not finished): it resumes there. */
  static inTheMiddle(draft: Draft | null): boolean {
    return !!draft && draft.screen !== 'welcome' && draft.screen !== 'done';
  }

  /** Something is under way: the screens' actions wait for it. */
  get busy(): boolean {
    return this.activity.kind !== 'idle';
  }

  stepState(step: StepId): StepMark {
    if (this.failed === step) return 'failed';
    if (this.isDone(step)) return 'done';
    if (this.screen === step) return 'current';
    return 'upcoming';
  }

  isDone(step: StepId): boolean {
    return this.report?.steps.some((s) => s.step === step && s.state === 'done') ?? false;
  }

  status(step: StepId) {
    return this.report?.steps.find((s) => s.step === step) ?? null;
  }

  /** Screens the user may jump to: sign-in once signed in, finished steps, and the first unfinished one. */
  canVisit(screen: Screen): boolean {
    if (this.busy) return false;
    if (screen === 'welcome') return true;
    if (!this.session) return false;
    if (screen === 'sign_in') return true;
    if (screen === 'done') return this.report?.complete ?? false;
    return this.isDone(screen as StepId) || screen === this.firstUnfinished();
  }

  firstUnfinished(): Screen {
    return STEP_IDS.find((step) => !this.isDone(step)) ?? 'done';
  }

  /** Resumes from the saved draft, if any. */
  async resume(draft: Draft): Promise<void> {
    this.mode = draft.mode;
    this.inputs = draft.inputs;
    this.screen = draft.screen;
    if (draft.screen === 'welcome') return;
    await this.#attempt({ kind: 'checking' }, async () => {
      if (draft.mode === 'cloud') await ipc.restoreSignIn().catch(() => null);
      const session = draft.mode === 'sandbox' ? await ipc.startSandbox() : await ipc.currentSession();
      if (!session) {
        // Secrets are not kept on disk: the user signs in again and continues.
        this.screen = 'sign_in';
        return;
      }
      this.#adopt(session);
      if (draft.screen !== 'sign_in') {
        this.report = await ipc.detect(this.inputs);
        this.screen = this.firstUnfinished();
      }
    });
    await this.save();
  }

  async chooseSandbox(): Promise<void> {
    this.mode = 'sandbox';
    await this.#attempt({ kind: 'starting_sandbox' }, async () => {
      this.#adopt(await ipc.startSandbox());
      this.screen = 'sign_in';
    });
    await this.save();
  }

  async chooseConnect(): Promise<void> {
    this.mode = 'cloud';
    await ipc.restoreSignIn().catch(() => null);
    this.session = await ipc.currentSession().catch(() => null);
    if (this.session?.mode !== 'cloud') this.session = null;
    this.screen = 'sign_in';
    await this.save();
  }

  /** After one cloud's sign-in: the session exists once both Auth0 and Azure are signed in. */
  async refreshSession(): Promise<void> {
    const session = await ipc.currentSession().catch(() => null);
    if (session?.mode === 'cloud') this.#adopt(session);
  }

  /** Opens a page in the system browser; a failure is shown like any other error. */
  async openLink(target: ipc.LinkTarget): Promise<void> {
    await ipc.openLink(target).catch((error) => {
      this.error = asSetupError(error);
    });
  }

  async signOut(): Promise<void> {
    await ipc.signOut().catch(() => undefined);
    this.session = null;
    this.report = null;
    this.failed = null;
    this.error = null;
    this.screen = 'welcome';
    await this.save();
  }

  openSettings(): void {
    this.settingsOpen = true;
  }

  closeSettings(): void {
    this.settingsOpen = false;
  }

  /** Signs one cloud out (from Settings): the steps need both, so the wizard goes back to Sign in. Rejects
   * with the `SetupError` for the caller to show. */
  async signOutOf(cloud: ipc.CloudName): Promise<void> {
    await ipc.signOutCloud(cloud);
    this.session = null;
    this.report = null;
    this.failed = null;
    if (this.screen !== 'welcome') this.screen = 'sign_in';
    await this.save();
  }

  /**
   * After the Azure sign-in moved to another directory: what was read in the old one no longer applies, so
   * the subscriptions (and the chosen one) are cleared for step 1 to load them again, and the steps are
   * checked anew.
   */
  async tenantSwitched(): Promise<void> {
    this.subscriptions = [];
    this.inputs.subscription_id = '';
    this.report = null;
    this.failed = null;
    await this.refreshSession();
  }

  /**
   * Imports a setup file (the open dialog runs in Rust) as a new setup: the wizard opens on the screen Rust
   * chose, the first that still needs something. A bad file is kept in `importError` with its field. Answers
   * whether the wizard now holds the imported setup.
   */
  async importSetup(): Promise<boolean> {
    this.importError = null;
    this.activity = { kind: 'importing' };
    let draft: Draft | null = null;
    try {
      draft = await ipc.importSetup();
    } catch (error) {
      this.importError = asSetupError(error);
    } finally {
      this.activity = IDLE;
    }
    if (!draft) return false;
    this.mode = draft.mode;
    this.inputs = draft.inputs;
    this.screen = draft.screen;
    this.report = null;
    this.failed = null;
    this.error = null;
    this.imported = { auth0Domain: draft.inputs.auth0_domain, subscriptionId: draft.inputs.subscription_id, tenantChosen: false };
    const session = await ipc.currentSession().catch(() => null);
    // The session is taken as it is: its tenant does not replace the document's (see `tenantUndecided`).
    this.session = session?.mode === draft.mode ? session : null;
    if (this.session && draft.screen !== 'sign_in') {
      await this.#attempt({ kind: 'checking' }, async () => {
        this.report = await ipc.detect($state.snapshot(this.inputs));
      });
    }
    await this.save();
    return true;
  }

  /** The imported setup names another tenant than the signed-in one, and the person has not chosen yet. */
  get tenantUndecided(): boolean {
    const imported = this.imported;
    if (!imported || imported.tenantChosen || !this.session) return false;
    return !sameDomain(this.session.auth0Domain, imported.auth0Domain);
  }

  /** The person chose to set the imported setup up in the tenant they are signed in to. */
  async useSignedInTenant(): Promise<void> {
    if (!this.imported || !this.session) return;
    this.imported = { ...this.imported, tenantChosen: true };
    this.inputs.auth0_domain = this.session.auth0Domain;
    this.error = null;
    await this.save();
  }

  /** Leaves the sign-in screen: checks what exists, then goes to the first unfinished step. */
  async continueFromSignIn(): Promise<void> {
    if (this.tenantUndecided && this.session && this.imported) {
      this.error = {
        code: 'invalid_input',
        message: t.imports.tenantUndecided(this.imported.auth0Domain, this.session.auth0Domain),
        remedy: t.imports.otherTenant(this.imported.auth0Domain, this.session.auth0Domain),
        field: 'auth0_domain',
        correlation_id: null,
      };
      return;
    }
    await this.#attempt({ kind: 'checking' }, async () => {
      this.report = await ipc.detect(this.inputs);
      this.screen = this.firstUnfinished();
    });
    if (!this.error) await this.save();
  }

  async goTo(screen: Screen): Promise<void> {
    if (!this.canVisit(screen)) return;
    this.screen = screen;
    this.error = null;
    await this.save();
  }

  /** Runs one step (and checks the earlier ones), then moves on to the next unfinished screen. */
  async run(step: StepId): Promise<void> {
    await this.#attempt({ kind: 'running', step }, async () => {
      // Here, not before: a Retry runs this again, and a step that then finishes is no longer failed.
      this.failed = null;
      this.progress = [];
      try {
        await ipc.runStep($state.snapshot(this.inputs), step, (event) => {
          this.progress = [...this.progress, describe(event)];
          this.#noteRegistration(event);
        });
      } catch (error) {
        this.failed = step;
        throw error;
      } finally {
        this.registrationWait = null;
      }
      this.report = await ipc.detect($state.snapshot(this.inputs));
      this.screen = this.firstUnfinished();
    });
    await this.save();
  }

  #noteRegistration(event: SetupEvent): void {
    if (event.event === 'waiting' && event.registration) {
      const { provider, state } = event.registration;
      this.registrationWait = { provider, state, since: this.registrationWait?.since ?? Date.now() };
    } else {
      this.registrationWait = null;
    }
  }

  /** Loads the engine's catalog once; a failure is shown like any other error, and the next call tries again. */
  loadCatalog(): Promise<void> {
    this.#catalogLoading ??= ipc.catalog().then(
      (catalog) => {
        this.catalog = catalog;
      },
      (error) => {
        this.#catalogLoading = null;
        this.error = asSetupError(error);
        this.#lastAction = { what: { kind: 'loading_catalog' }, action: () => this.loadCatalog() };
      },
    );
    return this.#catalogLoading;
  }

  async cancel(): Promise<void> {
    await ipc.cancelRun().catch(() => false);
  }

  async retry(): Promise<void> {
    const last = this.#lastAction;
    if (last) await this.#attempt(last.what, last.action);
  }

  async sendTestEvent(): Promise<void> {
    this.testEvent = null;
    this.testStages = [];
    this.testStopped = false;
    this.firstArrivalAt = null;
    const sentAt = Date.now();
    const arrived = (stages: StageReport[]) => {
      const delivered = stages.find((s) => s.stage === 'delivered' && s.state === 'done');
      if (delivered && !this.firstArrivalAt) this.firstArrivalAt = new Date(sentAt + delivered.elapsedSecs * 1000).toISOString();
    };
    await this.#attempt({ kind: this.mode === 'cloud' ? 'watching' : 'sending_test_event' }, async () => {
      const result = await ipc.sendTestEvent($state.snapshot(this.inputs), (report) => {
        this.testStages = [...this.testStages.filter((s) => s.stage !== report.stage), report];
        arrived(this.testStages);
      });
      this.testEvent = result;
      if (result.stages.length > 0) this.testStages = result.stages;
      if (result.arrivedType && !this.firstArrivalAt) this.firstArrivalAt = new Date().toISOString();
      arrived(this.testStages);
    });
    if (this.error?.code === 'cancelled' && this.testStages.length > 0) {
      this.error = null;
      this.testStopped = true;
    }
  }

  /**
   * Fills the subscription picker; a failure only leaves it empty (the ID can still be pasted). When the account
   * sees exactly one subscription it can use and none is chosen yet, that one is chosen: there is nothing to ask.
   */
  async loadSubscriptions(): Promise<void> {
    this.subscriptions = await ipc.listSubscriptions().catch(() => []);
    const [only, ...others] = this.subscriptions.filter((s) => s.enabled);
    if (only && others.length === 0 && !this.inputs.subscription_id.trim()) this.inputs.subscription_id = only.id;
  }

  async testEndpoint(): Promise<void> {
    this.endpointCheck = null;
    const url = this.inputs.destination.webhook_url ?? '';
    await this.#attempt({ kind: 'testing_endpoint' }, async () => {
      this.endpointCheck = await ipc.testEndpoint(url);
    });
  }

  async startOver(): Promise<void> {
    await ipc.clearDraft().catch(() => undefined);
    this.inputs = structuredClone(this.#defaults);
    this.report = null;
    this.failed = null;
    this.error = null;
    this.imported = null;
    this.screen = 'welcome';
  }

  /**
   * Saves the draft as it is now; resolves once it is on disk. Saves are sent one after another: Rust runs
   * commands concurrently, so two saves in flight could finish in the wrong order and leave an older draft on
   * disk. While one is under way only the latest draft waits, not one per change: every key typed changes the
   * draft, a save also writes the keychain (a webhook's key), and a queue of stale drafts would keep what was
   * typed last off the disk for seconds, lost if the app is killed meanwhile.
   */
  save(): Promise<void> {
    this.#unsaved = { mode: this.mode, screen: this.screen, inputs: $state.snapshot(this.inputs) };
    this.#saving ??= this.#saveUnsaved();
    return this.#saving;
  }

  async #saveUnsaved(): Promise<void> {
    while (this.#unsaved) {
      const draft = this.#unsaved;
      this.#unsaved = null;
      await ipc.saveDraft(draft).catch(() => undefined);
    }
    this.#saving = null;
  }

  #adopt(session: SessionInfo): void {
    this.session = session;
    // An imported setup keeps its tenant until the person chooses (see `useSignedInTenant`).
    if (!this.tenantUndecided) this.inputs.auth0_domain = session.auth0Domain;
    if (session.subscriptionId && !this.inputs.subscription_id) this.inputs.subscription_id = session.subscriptionId;
    if (session.sandboxInboxUrl) {
      this.inputs.destination.kind = 'webhook';
      this.inputs.destination.webhook_url = session.sandboxInboxUrl;
    }
  }

  async #attempt(what: Activity, action: () => Promise<void>): Promise<void> {
    this.#lastAction = { what, action };
    this.error = null;
    this.activity = what;
    this.elapsed = 0;
    const started = Date.now();
    this.#timer = setInterval(() => (this.elapsed = Math.round((Date.now() - started) / 1000)), 1000);
    try {
      await action();
    } catch (error) {
      this.error = asSetupError(error);
    } finally {
      clearInterval(this.#timer);
      this.activity = IDLE;
    }
  }
}
