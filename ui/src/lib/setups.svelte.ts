// The saved setups as the window shows them: the list, the store's notice, the alerts raised since the app
// started, and what is being done to them (a tagged value the screens branch on). It talks to Rust only through
// lib/ipc and follows the app's scheduled checks through the `setups-changed` event.
import * as ipc from './ipc';
import type { ExportFormat, Exported, FixId, HealthAlert, SavedSetup, SetupError, SetupInputs, SetupList, TeardownPlan, TeardownReport } from './ipc';
import { asSetupError } from './wizard.svelte';

/** What is being done to the setups: one value, never the words shown for it. */
export type SetupsActivity =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'checking_all' }
  | { kind: 'checking'; id: number; testEvent: boolean }
  | { kind: 'fixing'; id: number; fix: FixId }
  | { kind: 'renaming'; id: number }
  | { kind: 'forgetting'; id: number }
  | { kind: 'exporting'; id: number; format: ExportFormat; to: 'file' | 'clipboard' }
  | { kind: 'planning_teardown'; id: number }
  | { kind: 'tearing_down'; id: number };

const IDLE: SetupsActivity = { kind: 'idle' };

/** What the health check of the wizard's setup (on Done) found so far. */
export type WizardSetupHealth =
  | { kind: 'checking' }
  | { kind: 'checked'; setup: SavedSetup }
  /** No saved setup has the wizard's tenant, stream, subscription and resource group. */
  | { kind: 'unsaved' }
  | { kind: 'failed'; error: SetupError };

export class Setups {
  list = $state<SavedSetup[]>([]);
  /** The store's notice (damaged and moved aside), kept until dismissed: later listings do not repeat it. */
  notice = $state<string | null>(null);
  alerts = $state<HealthAlert[]>([]);
  activity = $state.raw<SetupsActivity>(IDLE);
  /** What the last action ran into, with the action's kind so a screen shows it where it belongs. */
  error = $state<{ on: SetupsActivity['kind']; error: SetupError } | null>(null);
  /** Done's check of the wizard's setup: kept while the wizard stays on Done (Settings over it, and back, does
   * not check again), cleared when it leaves (see `forgetWizardHealth`). */
  wizardHealth = $state<WizardSetupHealth | null>(null);
  #noticeShown = false;

  get busy(): boolean {
    return this.activity.kind !== 'idle';
  }

  find(id: number): SavedSetup | undefined {
    return this.list.find((setup) => setup.id === id);
  }

  /** The saved setup the wizard's inputs describe: same tenant, stream, subscription and resource group. */
  matching(inputs: SetupInputs): SavedSetup | undefined {
    return this.list.find(
      (setup) =>
        setup.inputs.auth0_domain === inputs.auth0_domain &&
        setup.inputs.stream_name === inputs.stream_name &&
        setup.inputs.subscription_id === inputs.subscription_id &&
        setup.inputs.resource_group === inputs.resource_group,
    );
  }

  /** Reads the setups and the alerts. Rejects only the first time, for the caller to decide where to start. */
  async load(asked?: { setups: Promise<SetupList>; alerts: Promise<HealthAlert[]> }): Promise<void> {
    // Both at once: the app's first screen waits for this (and asks them early, `asked`).
    const [list, alerts] = await Promise.all([asked?.setups ?? ipc.listSetups(), (asked?.alerts ?? ipc.healthAlerts()).catch(() => this.alerts)]);
    this.list = list.setups;
    if (list.notice && !this.#noticeShown) {
      this.notice = list.notice;
      this.#noticeShown = true;
    }
    this.alerts = alerts;
  }

  /** Reads them again, showing a failure like any other. */
  async refresh(): Promise<void> {
    await this.#attempt({ kind: 'loading' }, () => this.load());
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /** Follows the app's scheduled checks: every setup arrives with the event, the alerts are read again. */
  listen(): Promise<() => void> {
    return ipc.onSetupsChanged((setups) => {
      this.list = setups;
      ipc.healthAlerts().then(
        (alerts) => (this.alerts = alerts),
        () => undefined,
      );
    });
  }

  async checkAll(): Promise<void> {
    await this.#attempt({ kind: 'checking_all' }, async () => {
      this.list = await ipc.checkAllSetups();
      this.alerts = await ipc.healthAlerts().catch(() => this.alerts);
    });
  }

  /** Checks one setup now; answers it, or null when the check could not run (see `error`). */
  async check(id: number, testEvent = false): Promise<SavedSetup | null> {
    let checked: SavedSetup | null = null;
    await this.#attempt({ kind: 'checking', id, testEvent }, async () => {
      checked = this.#replace(await ipc.checkSetup(id, testEvent));
      this.alerts = await ipc.healthAlerts().catch(() => this.alerts);
    });
    return checked;
  }

  async applyFix(id: number, fix: FixId): Promise<SavedSetup | null> {
    let fixed: SavedSetup | null = null;
    await this.#attempt({ kind: 'fixing', id, fix }, async () => {
      fixed = this.#replace(await ipc.applyFix(id, fix));
    });
    return fixed;
  }

  /** Renames a setup; answers the problem (a name taken or empty) for the field to show, or null. */
  async rename(id: number, name: string): Promise<SetupError | null> {
    this.activity = { kind: 'renaming', id };
    try {
      this.#replace(await ipc.renameSetup(id, name));
      return null;
    } catch (error) {
      return asSetupError(error);
    } finally {
      this.activity = IDLE;
    }
  }

  /** Forgets a setup (nothing in the clouds is deleted); answers whether it is gone. */
  async forget(id: number): Promise<boolean> {
    let gone = false;
    await this.#attempt({ kind: 'forgetting', id }, async () => {
      await ipc.forgetSetup(id);
      this.list = this.list.filter((setup) => setup.id !== id);
      gone = true;
    });
    return gone;
  }

  /** Saves an export through the save dialog; answers the path written, or null (closed, or see `error`). */
  async saveExport(id: number, format: ExportFormat): Promise<string | null> {
    let path: string | null = null;
    await this.#attempt({ kind: 'exporting', id, format, to: 'file' }, async () => {
      path = await ipc.saveExport(id, format);
    });
    return path;
  }

  /** Copies an export to the clipboard; answers it, or null when it could not be copied (see `error`). */
  async copyExport(id: number, format: ExportFormat): Promise<Exported | null> {
    let copied: Exported | null = null;
    await this.#attempt({ kind: 'exporting', id, format, to: 'clipboard' }, async () => {
      copied = await ipc.copyExport(id, format);
    });
    return copied;
  }

  /** What removing a setup would delete and keep; null when it could not be read (see `error`). */
  async planTeardown(id: number): Promise<TeardownPlan | null> {
    let plan: TeardownPlan | null = null;
    await this.#attempt({ kind: 'planning_teardown', id }, async () => {
      plan = await ipc.planTeardown(id);
    });
    return plan;
  }

  /** Removes what the confirmed plan lists; null when it stopped (see `error`). The list is read again after,
   * so a setup torn down completely is gone from it once the person leaves its result. */
  async teardown(id: number, plan: TeardownPlan): Promise<TeardownReport | null> {
    let report: TeardownReport | null = null;
    await this.#attempt({ kind: 'tearing_down', id }, async () => {
      report = await ipc.teardownSetup(id, plan);
    });
    return report;
  }

  /** Checks the saved setup the wizard's inputs describe (Rust saved it after each step). */
  async checkWizardSetup(inputs: SetupInputs): Promise<void> {
    this.wizardHealth = { kind: 'checking' };
    try {
      await this.load();
    } catch (error) {
      this.wizardHealth = { kind: 'failed', error: asSetupError(error) };
      return;
    }
    const saved = this.matching(inputs);
    if (!saved) {
      this.wizardHealth = { kind: 'unsaved' };
      return;
    }
    const checked = await this.check(saved.id, false);
    this.wizardHealth = checked?.lastReport
      ? { kind: 'checked', setup: checked }
      : { kind: 'failed', error: this.error?.error ?? asSetupError('the check answered no report') };
  }

  forgetWizardHealth(): void {
    this.wizardHealth = null;
  }

  #replace(setup: SavedSetup): SavedSetup {
    const index = this.list.findIndex((s) => s.id === setup.id);
    this.list = index === -1 ? [...this.list, setup] : this.list.map((s) => (s.id === setup.id ? setup : s));
    return setup;
  }

  async #attempt(what: SetupsActivity, action: () => Promise<void>): Promise<void> {
    this.error = null;
    this.activity = what;
    try {
      await action();
    } catch (error) {
      this.error = { on: what.kind, error: asSetupError(error) };
    } finally {
      this.activity = IDLE;
    }
  }
}
