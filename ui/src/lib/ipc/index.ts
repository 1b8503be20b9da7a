// The front end's only door to Rust: one typed function per command. Types come from bindings.ts, which is
// generated from the Rust types (never edit it by hand). Every command rejects with a `SetupError`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  CheckId,
  FixId,
  SavedSetup,
  AppInfo,
  Catalog,
  DestinationKind,
  DestinationParent,
  ResourceGroupChoice,
  Auth0AccountInfo,
  Auth0PrivateKeyRequest,
  Auth0SignInRequest,
  Auth0TokenRequest,
  AzureCertificateRequest,
  AzureServicePrincipalRequest,
  AzureTenants,
  ChosenKeyFile,
  CloudName,
  KeyFileKind,
  AzureAccountInfo,
  AzureSignInMethod,
  AzureSignInPrompt,
  KeychainStatus,
  LinkTarget as GeneratedLinkTarget,
  Settings as GeneratedSettings,
  SettingsOverview as GeneratedSettingsOverview,
  SignedIn,
  Draft,
  EndpointCheck,
  SessionInfo,
  SetupError,
  SetupEvent,
  SetupInputs,
  SetupReport,
  StageReport,
  StepId,
  SubscriptionChoice,
  TestEventResult,
  ExportFormat,
  FirstScreen,
  PageTimings,
  Exported,
  TeardownPlan,
  TeardownReport,
} from './bindings';

export type * from './bindings';

// Until the bindings have it: the types of issue #12's commands (design12.md), declared here as Rust will
// generate them, so each is swapped for the generated one by deleting it here.

/** Until the bindings have it: `list_setups`' answer. */
export type SetupList = {
  setups: Array<SavedSetup>;
  /** The store was damaged and moved aside: say so once. */
  notice: string | null;
};

/** Until the bindings have it: a notification raised since the app started (a check of a setup turned red). */
export type HealthAlert = { setupId: number; setupName: string; check: CheckId; checkTitle: string; at: string };

/** Until the bindings have it: `Settings` with the schedule of the health checks. */
export type Settings = GeneratedSettings & {
  /** Minutes between two checks of every setup while the window is open: null = the default 15; 0 = never;
   * otherwise 5 to 1440. */
  checkIntervalMinutes: number | null;
};

/** Until the bindings have it: the overview carries the settings with the schedule. */
export type SettingsOverview = Omit<GeneratedSettingsOverview, 'settings'> & { settings: Settings };

/** Until the bindings have it: `open_link` also opens a saved setup's check's link. */
export type LinkTarget = GeneratedLinkTarget | { kind: 'setup_check'; setup_id: number; check: CheckId };

/** The event the app emits after each scheduled round of checks, with every setup. */
export const SETUPS_CHANGED = 'setups-changed';

/** The product name and versions, as the Rust side knows them. */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

/** Tells the app its first screen is painted; it writes how long that took to the log, once per run. */
export function windowPainted(screen: FirstScreen, page: PageTimings | null = null): Promise<void> {
  return invoke<void>('window_painted', { screen, page });
}

/** Tells Rust the window showed this error, so "Copy diagnostics" can list it (without any address's query). */
export function errorShown(error: SetupError): Promise<void> {
  return invoke<void>('error_shown', { error });
}

/** Puts the diagnostics (versions, system, log folder, the last errors with their correlation ids) on the
 * clipboard from Rust, and answers the same text. */
export function copyDiagnostics(): Promise<string> {
  return invoke<string>('copy_diagnostics');
}

/** Opens the app's log folder in the file manager (Rust knows which; the window names none). */
export function openLogsFolder(): Promise<void> {
  return invoke<void>('open_logs_folder');
}

/** Why the app cannot work on this computer (a wrong preset set by whoever set it up), or null. */
export function startupProblem(): Promise<SetupError | null> {
  return invoke<SetupError | null>('startup_problem');
}

/** Closes the window (Done's "Close"); the app ends with it. */
export function closeWindow(): Promise<void> {
  return invoke<void>('close_window');
}

/** Starts the built-in sandbox in the app and signs in with its seeded credentials. */
export function startSandbox(): Promise<SessionInfo> {
  return invoke<SessionInfo>('start_sandbox');
}

/** Whether sign-ins are kept in the keychain, or for this session only (and why). */
export function keychainStatus(): Promise<KeychainStatus> {
  return invoke<KeychainStatus>('keychain_status');
}

/** Starts an Azure sign-in; the reply says what the user must do (a link to open, or a code to type). */
export function startAzureSignIn(method: AzureSignInMethod): Promise<AzureSignInPrompt> {
  return invoke<AzureSignInPrompt>('start_azure_sign_in', { method });
}

/** Waits until the started Azure sign-in finishes; only who signed in comes back. */
export function finishAzureSignIn(): Promise<AzureAccountInfo> {
  return invoke<AzureAccountInfo>('finish_azure_sign_in');
}

export function cancelAzureSignIn(): Promise<boolean> {
  return invoke<boolean>('cancel_azure_sign_in');
}

/** Signs in to Auth0 with a machine-to-machine application; the reply names scopes the token lacks. */
export function signInAuth0(request: Auth0SignInRequest): Promise<Auth0AccountInfo> {
  return invoke<Auth0AccountInfo>('sign_in_auth0', { request });
}

/** Signs in to Auth0 with a private-key JWT; the key file is named by the handle `chooseKeyFile` gave, and
 * read by Rust. */
export function signInAuth0PrivateKey(request: Auth0PrivateKeyRequest): Promise<Auth0AccountInfo> {
  return invoke<Auth0AccountInfo>('sign_in_auth0_private_key', { request });
}

/** Signs in to Auth0 with a pasted Management API token, kept in the keychain only when `remember` is set. */
export function signInAuth0Token(request: Auth0TokenRequest): Promise<Auth0AccountInfo> {
  return invoke<Auth0AccountInfo>('sign_in_auth0_token', { request });
}

/** Opens the system's file dialog from Rust, which keeps the chosen file's path; answers a handle to name the
 * file by when signing in and its name to show (never the path), or null when the dialog was closed. */
export function chooseKeyFile(kind: KeyFileKind, title: string): Promise<ChosenKeyFile | null> {
  return invoke<ChosenKeyFile | null>('choose_key_file', { kind, title });
}

/** Signs in to Azure with the Azure CLI's own sign-in (az login). */
export function signInAzureCli(): Promise<AzureAccountInfo> {
  return invoke<AzureAccountInfo>('sign_in_azure_cli');
}

/** Signs in to Azure as a service principal; the secret stays in Rust and the keychain. */
export function signInAzureServicePrincipal(request: AzureServicePrincipalRequest): Promise<AzureAccountInfo> {
  return invoke<AzureAccountInfo>('sign_in_azure_service_principal', { request });
}

/** Signs in to Azure as a service principal with a certificate file; its password stays in Rust and the keychain. */
export function signInAzureCertificate(request: AzureCertificateRequest): Promise<AzureAccountInfo> {
  return invoke<AzureAccountInfo>('sign_in_azure_certificate', { request });
}

/** The directories (tenants) the signed-in Azure identity can reach. */
export function azureTenants(): Promise<AzureTenants> {
  return invoke<AzureTenants>('azure_tenants');
}

/** Moves the Azure sign-in to another directory. */
export function switchAzureTenant(tenantId: string): Promise<AzureAccountInfo> {
  return invoke<AzureAccountInfo>('switch_azure_tenant', { tenantId });
}

/** Signs one cloud out; the other stays signed in. */
export function signOutCloud(cloud: CloudName): Promise<void> {
  return invoke<void>('sign_out_cloud', { cloud });
}

/** What the Settings screen shows: app registration, keychain, who is signed in. */
export function settingsOverview(): Promise<SettingsOverview> {
  return invoke<SettingsOverview>('settings_overview');
}

/** Opens a page in the system browser; Rust builds its address from the name. Says whether a browser opened. */
export function openLink(target: LinkTarget): Promise<boolean> {
  return invoke<boolean>('open_link', { target });
}

export function loadSettings(): Promise<Settings> {
  return invoke<Settings>('load_settings');
}

export function saveSettings(settings: Settings): Promise<Settings> {
  return invoke<Settings>('save_settings', { settings });
}

/** Who was signed in last time, restored from the keychain; the session starts when both clouds are back. */
export function restoreSignIn(): Promise<SignedIn> {
  return invoke<SignedIn>('restore_sign_in');
}

export function currentSession(): Promise<SessionInfo | null> {
  return invoke<SessionInfo | null>('current_session');
}

export function signOut(): Promise<void> {
  return invoke<void>('sign_out');
}

export function loadDraft(): Promise<Draft | null> {
  return invoke<Draft | null>('load_draft');
}

export function saveDraft(draft: Draft): Promise<void> {
  return invoke<void>('save_draft', { draft });
}

export function clearDraft(): Promise<void> {
  return invoke<void>('clear_draft');
}

/** Every step's state, read only. */
export function detect(inputs: SetupInputs): Promise<SetupReport> {
  return invoke<SetupReport>('detect', { inputs });
}

/** Runs the steps up to `step`; progress arrives through `onEvent` while it runs. */
export function runStep(inputs: SetupInputs, step: StepId, onEvent: (event: SetupEvent) => void): Promise<SetupReport> {
  const channel = new Channel<SetupEvent>();
  channel.onmessage = onEvent;
  return invoke<SetupReport>('run_step', { inputs, step, onEvent: channel });
}

export function cancelRun(): Promise<boolean> {
  return invoke<boolean>('cancel_run');
}

/** Causes a test event and follows it; in the user's own clouds each stage's state arrives through `onProgress`. */
export function sendTestEvent(inputs: SetupInputs, onProgress: (report: StageReport) => void): Promise<TestEventResult> {
  const channel = new Channel<StageReport>();
  channel.onmessage = onProgress;
  return invoke<TestEventResult>('send_test_event', { inputs, onProgress: channel });
}

/** The subscriptions the signed-in Azure identity can see. */
export function listSubscriptions(): Promise<SubscriptionChoice[]> {
  return invoke<SubscriptionChoice[]>('list_subscriptions');
}

/** The engine's lists the wizard offers (Auth0's regions, event groups); loaded once. */
/** The inputs a new setup starts from: the engine's defaults (the command line uses the same). */
export function defaultInputs(): Promise<SetupInputs> {
  return invoke<SetupInputs>('default_inputs');
}

export function catalog(): Promise<Catalog> {
  return invoke<Catalog>('catalog');
}

/** The resource groups of a subscription, sorted by name, each with the region Auth0 accepts for its location. */
export function listResourceGroups(subscriptionId: string): Promise<ResourceGroupChoice[]> {
  return invoke<ResourceGroupChoice[]>('list_resource_groups', { subscriptionId });
}

/** The destinations of a kind in a subscription (namespaces, storage accounts or function apps, each with its hubs,
 * queues, topics or functions), sorted by name, with the ids Azure listed. A webhook has nothing to list. */
export function listDestinations(subscriptionId: string, kind: DestinationKind): Promise<DestinationParent[]> {
  return invoke<DestinationParent[]>('list_destinations', { subscriptionId, kind });
}

/** Event Grid's webhook handshake (OPTIONS), performed by Rust: the webview never reaches the network. */
export function testEndpoint(url: string): Promise<EndpointCheck> {
  return invoke<EndpointCheck>('test_endpoint', { url });
}

/** The saved setups, and once a notice that the store was damaged and moved aside. */
export function listSetups(): Promise<SetupList> {
  return invoke<SetupList>('list_setups');
}

/** Checks one saved setup now (with the test event when asked); the answer carries the report and since when. */
export function checkSetup(id: number, testEvent: boolean): Promise<SavedSetup> {
  return invoke<SavedSetup>('check_setup', { id, testEvent });
}

/** Checks every saved setup now, concurrently. */
export function checkAllSetups(): Promise<SavedSetup[]> {
  return invoke<SavedSetup[]>('check_all_setups');
}

/** Applies one fix a check offers, then checks the setup again. */
export function applyFix(id: number, fix: FixId): Promise<SavedSetup> {
  return invoke<SavedSetup>('apply_fix', { id, fix });
}

export function renameSetup(id: number, name: string): Promise<SavedSetup> {
  return invoke<SavedSetup>('rename_setup', { id, name });
}

/** Forgets a saved setup; nothing in Auth0 or Azure is deleted. */
export function forgetSetup(id: number): Promise<boolean> {
  return invoke<boolean>('forget_setup', { id });
}

/** The notifications raised since the app started, newest first. */
export function healthAlerts(): Promise<HealthAlert[]> {
  return invoke<HealthAlert[]>('health_alerts');
}

/** Calls `onChange` with every setup after each scheduled round of checks; answers the way to stop. */
export function onSetupsChanged(onChange: (setups: SavedSetup[]) => void): Promise<UnlistenFn> {
  return listen<SavedSetup[]>(SETUPS_CHANGED, (event) => onChange(event.payload));
}

/** A saved setup exported in `format` (no secret in it; `webhook_key_left_out` says when a key was left out). */
export function exportSetup(id: number, format: ExportFormat): Promise<Exported> {
  return invoke<Exported>('export_setup', { id, format });
}

/** Asks where to save the export (the save dialog runs in Rust) and writes it; the path written, or null when
 * the dialog was closed. */
export function saveExport(id: number, format: ExportFormat): Promise<string | null> {
  return invoke<string | null>('save_export', { id, format });
}

/** Puts the export on the system clipboard (from Rust: WebKitGTK's clipboard API cannot be relied on). */
export function copyExport(id: number, format: ExportFormat): Promise<Exported> {
  return invoke<Exported>('copy_export', { id, format });
}

/** Asks for a setup document (the open dialog runs in Rust) and makes it the wizard's draft; null when the
 * dialog was closed. A bad file rejects with the field and the rule. */
export function importSetup(): Promise<Draft | null> {
  return invoke<Draft | null>('import_setup');
}

/** What removing a saved setup would delete (names, in order) and keep (and why). Read only. */
export function planTeardown(id: number): Promise<TeardownPlan> {
  return invoke<TeardownPlan>('plan_teardown', { id });
}

/** Removes what the confirmed plan lists; after a complete teardown the setup is forgotten. */
export function teardownSetup(id: number, plan: TeardownPlan): Promise<TeardownReport> {
  return invoke<TeardownReport>('teardown_setup', { id, plan });
}
