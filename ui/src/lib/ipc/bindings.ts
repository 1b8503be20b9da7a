// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit: run `make bindings`.

export type AppInfo = { 
/**
 * The product's name as users see it.
 */
productName: string, 
/**
 * The app's semantic version, from the crate manifest.
 */
version: string, 
/**
 * The Tauri version the app was built with, for bug reports.
 */
tauriVersion: string, };

export type ErrorCode = "invalid_input" | "insecure_endpoint" | "auth0_credentials_rejected" | "auth0_missing_scope" | "auth0_unauthorized" | "auth0_rate_limited" | "auth0_stream_limit" | "auth0_request_failed" | "stream_sink_mismatch" | "azure_credentials_failed" | "azure_authorization_failed" | "azure_subscription_not_found" | "resource_group_not_found" | "provider_not_registered" | "provider_registration_timeout" | "partner_topic_not_found" | "partner_topic_expired" | "operation_failed" | "operation_timed_out" | "azure_request_failed" | "network_unreachable" | "unexpected_response" | "progress_file" | "cancelled" | "azure_app_not_registered" | "sign_in_timed_out" | "sign_in_rejected" | "device_code_expired" | "sign_in_again" | "loopback_unavailable" | "keychain_unavailable" | "keychain_failed" | "azure_cloud_unsupported";

export type SetupError = { code: ErrorCode, message: string, remedy: string, field: string | null, correlation_id: string | null, };

export type DestinationKind = "webhook" | "eventhub" | "storagequeue" | "servicebusqueue" | "servicebustopic" | "azurefunction";

export type DestinationInput = { kind: DestinationKind, webhook_url: string | null, 
/**
 * Azure resource id of the Event Hub, storage account, Service Bus queue or topic, or function.
 */
resource_id: string | null, 
/**
 * Storage queue name (StorageQueue only).
 */
queue_name: string | null, max_events_per_batch: number | null, preferred_batch_size_in_kilobytes: number | null, };

export type DestinationChild = { name: string, 
/**
 * Its Resource Manager id, as Azure listed it.
 */
id: string, };

export type DestinationParent = { name: string, 
/**
 * Its Resource Manager id, as Azure listed it.
 */
id: string, resourceGroup: string, 
/**
 * Where Azure keeps it, as Azure spelled it; `None` when the list did not say.
 */
location: string | null, 
/**
 * Sorted by name. For a storage queue the destination's `resource_id` is the account's id and the
 * queue goes to `queue_name`; for the other kinds it is the child's id.
 */
children: Array<DestinationChild>, };

export type DeliveryRetryInput = { max_delivery_attempts: number, event_time_to_live_in_minutes: number, };

export type DeadLetterInput = { 
/**
 * Resource id of the storage account that receives undeliverable events.
 */
storage_account_id: string, container_name: string, };

export type PiiInput = { 
/**
 * first_name, last_name, username, email, phone, address.
 */
log_fields: Array<string>, 
/**
 * mask or hash.
 */
method: string, };

export type SetupInputs = { 
/**
 * The Auth0 tenant's domain (`acme.eu.auth0.com` or a custom domain).
 */
auth0_domain: string, stream_name: string, subscription_id: string, resource_group: string, 
/**
 * Azure region of the partner topic, from Auth0's list (also where a new resource group goes).
 */
region: string, create_resource_group: boolean, 
/**
 * How long Auth0 stays authorized to create a partner topic in the group, 1 to 365 days.
 */
authorization_days: number, 
/**
 * Auth0 event categories to stream; empty means every event.
 */
event_categories: Array<string>, 
/**
 * Personal fields Auth0 masks or hashes before it sends a log; all masked by default, none when the
 * person turns it off.
 */
pii: PiiInput | null, 
/**
 * ISO-8601 instant to stream logs from.
 */
start_from: string | null, destination: DestinationInput, event_subscription_name: string, 
/**
 * Auth0 log codes (`data.type`) to deliver; empty means all.
 */
log_codes: Array<string>, retry: DeliveryRetryInput, dead_letter: DeadLetterInput | null, };

export type StepId = "prepare_azure" | "create_stream" | "activate_topic" | "subscribe";

export type StepState = "done" | "to_do" | "waiting" | "blocked" | "attention";

export type StepStatus = { step: StepId, state: StepState, 
/**
 * One plain sentence on what exists.
 */
summary: string, 
/**
 * The writes a run would make, in order (empty when done).
 */
actions: Array<string>, 
/**
 * When the partner topic must be activated by (RFC 3339), once known.
 */
expires_at: string | null, 
/**
 * Step 3: the partner topic as Azure reports it and the stream it was created for, for the person to
 * confirm; absent for the other steps and before the stream names its topic.
 */
topic: TopicFacts | null, };

export type TopicFacts = { 
/**
 * The partner topic's name.
 */
name: string, 
/**
 * `properties.source`: "a unique partner resource".
 */
source: string | null, 
/**
 * `properties.partnerTopicFriendlyDescription`, set by the partner.
 */
friendly_description: string | null, 
/**
 * `properties.messageForActivation`, set by the partner.
 */
message_for_activation: string | null, 
/**
 * `properties.activationState` as Azure spells it (`NeverActivated`, `Activated`, `Deactivated`).
 */
activation_state: string | null, 
/**
 * The Auth0 log stream's `name` and `id`, from the Management API.
 */
stream_name: string, stream_id: string, };

export type SetupReport = { steps: Array<StepStatus>, 
/**
 * Every step done.
 */
complete: boolean, stream_id: string | null, partner_topic: string | null, 
/**
 * What the progress file recorded of earlier runs of this setup (steps finished, when).
 */
last_run: SetupProgress | null, };

export type ProviderRegistration = { 
/**
 * The provider's namespace (`Microsoft.EventGrid`).
 */
provider: string, 
/**
 * Azure's `registrationState` (`Registering`, `NotRegistered`, ...), as Azure spells it.
 */
state: string, };

export type SetupEvent = { "event": "step_started", step: StepId, } | { "event": "applying", step: StepId, action: string, } | { "event": "waiting", step: StepId, what: string, 
/**
 * Set while waiting for a resource provider's registration, so a front end can say which provider
 * and what Azure last said about it.
 */
registration: ProviderRegistration | null, } | { "event": "step_finished", status: StepStatus, } | { "event": "step_failed", step: StepId, error: SetupError, };

export type SetupProgress = { auth0_domain: string, stream_name: string, subscription_id: string, resource_group: string, event_subscription_name: string, 
/**
 * Steps finished and verified, in order.
 */
completed: Array<StepId>, stream_id: string | null, partner_topic: string | null, 
/**
 * A run of this setup created the resource group (step 1 found none and made it). Only then may a
 * teardown remove the group, and only when it is empty. Kept once set: a later run finds the group.
 */
resource_group_created: boolean, 
/**
 * RFC 3339.
 */
updated_at: string, };

export type EventGroupId = "failed_logins" | "successful_logins" | "logouts" | "signups" | "admin_changes" | "user_changes";

export type EventGroup = { id: EventGroupId, 
/**
 * Auth0 category names (`auth.login.fail`), in a stable order.
 */
categories: Array<string>, };

export type Region = { code: string, name: string, };

export type Catalog = { 
/**
 * Auth0's `LogStreamEventGridRegionEnum`: the only regions the engine accepts for `region`, by name.
 */
regions: Array<Region>, 
/**
 * Azure's other public regions, where Auth0 cannot deliver: named so that a resource group's location
 * reads as the Azure portal shows it.
 */
other_regions: Array<Region>, 
/**
 * Groups of event categories, each standing for categories the engine accepts.
 */
event_groups: Array<EventGroup>, 
/**
 * Auth0's `LogStreamPiiLogFieldsEnum`: the personal fields a stream can mask or hash (`pii.log_fields`).
 */
pii_log_fields: Array<string>, };

export type AzureCloudKind = "public" | "us_government" | "china" | "custom";

export type TestEventResult = { 
/**
 * The Auth0 log type written (`s`: a successful login in the sandbox; `feccft`: a failed exchange).
 */
logType: string, 
/**
 * The user the simulated login was for (sandbox only).
 */
user: string | null, 
/**
 * The client id the failed exchange named: the signed-in application, or the one a pasted token was
 * issued to (a made-up one only when the token names none); cloud only.
 */
clientId: string | null, 
/**
 * How many events the sandbox's receiver holds now (0 in the user's own clouds).
 */
received: number, 
/**
 * The CloudEvents `type` of the test event just sent, once the sandbox's receiver holds it (matched by
 * its id, so events from earlier tests do not count); `None` while it has not arrived, and in the user's
 * own clouds (sandbox only).
 */
arrivedType: string | null, 
/**
 * Recorded by Auth0, received by Event Grid, delivered: in the user's own clouds; empty in the sandbox.
 */
stages: Array<StageReport>, };

export type StageReport = { stage: ArrivalStage, state: ArrivalState, 
/**
 * Seconds since the attempt.
 */
elapsedSecs: number, 
/**
 * How long this stage is watched before it is reported not seen.
 */
limitSecs: number, 
/**
 * The cloud's own words when a stage could not be checked (no secret).
 */
detail: string | null, };

export type ArrivalStage = "recorded" | "published" | "delivered";

export type ArrivalState = "waiting" | "done" | "not_seen" | "filtered" | "unavailable";

export type EndpointCheck = { 
/**
 * The HTTP status of the OPTIONS request.
 */
status: number, 
/**
 * `WebHook-Allowed-Origin` as answered, when present.
 */
allowedOrigin: string | null, 
/**
 * Whether Event Grid would accept this endpoint (2xx and the origin allowed).
 */
accepted: boolean, };

export type CheckState = "green" | "amber" | "unknown" | "red";

export type CheckId = "auth0_sign_in" | "log_stream" | "provider" | "partner_authorization" | "partner_topic" | "event_subscription" | "delivery" | "test_event";

export type FixId = "resume_stream" | "register_provider" | "renew_authorization" | "activate_topic" | "recreate_stream" | "recreate_subscription";

export type Fix = { id: FixId, 
/**
 * The button's label: "Resume the stream".
 */
label: string, 
/**
 * Each write it makes, in order, in plain words ("Set the log stream \"X\" to active").
 */
actions: Array<string>, 
/**
 * What to check first, when pressing it blindly would only fail again (a suspended stream: the
 * destination that refused deliveries).
 */
check_first: string | null, };

export type HealthLink = { label: string, url: string, };

export type Check = { id: CheckId, 
/**
 * What is checked, as a heading: "The log stream".
 */
title: string, state: CheckState, 
/**
 * One plain sentence on what was found (or why it could not be checked).
 */
sentence: string, 
/**
 * When it was read (RFC 3339).
 */
read_at: string, 
/**
 * Offered when not green and a fix exists.
 */
fix: Fix | null, link: HealthLink | null, };

export type DeliveryCounts = { 
/**
 * PublishSuccessCount: events Auth0 published to the topic.
 */
published: number, 
/**
 * MatchedEventCount: events that matched the subscription's filters.
 */
matched: number, 
/**
 * DeliverySuccessCount.
 */
delivered: number, 
/**
 * DeliveryAttemptFailCount.
 */
failed: number, 
/**
 * DroppedEventCount.
 */
dropped: number, 
/**
 * DeadLetteredCount.
 */
dead_lettered: number, };

export type ChartPoint = { 
/**
 * The hour's start (RFC 3339).
 */
at: string, delivered: number, failed: number, };

export type Delivery = { last_hour: DeliveryCounts, last_day: DeliveryCounts, 
/**
 * The start of the last minute in which an event was delivered, within the last 24 hours (RFC 3339).
 */
last_delivered_at: string | null, 
/**
 * 24 points, oldest first: delivered and failed per hour.
 */
chart: Array<ChartPoint>, };

export type HealthReport = { 
/**
 * The worst state of the checks.
 */
overall: CheckState, 
/**
 * When the checks started (RFC 3339).
 */
checked_at: string, checks: Array<Check>, 
/**
 * The delivery counts, when the topic could be read.
 */
delivery: Delivery | null, 
/**
 * What was found on the way (the ids a saved setup remembers).
 */
stream_id: string | null, partner_topic: string | null, };

export type TeardownKind = "event_subscription" | "log_stream" | "partner_topic" | "partner_authorization" | "resource_group";

export type TeardownItem = { kind: TeardownKind, 
/**
 * Its name as the portals show it.
 */
name: string, 
/**
 * Its id (an Azure resource id, an Auth0 stream id).
 */
id: string, 
/**
 * What the teardown will do, in plain words ("Delete the event subscription auth0-logs").
 */
action: string, };

export type KeptResource = { kind: TeardownKind, name: string, reason: string, };

export type TeardownPlan = { 
/**
 * In the order they are removed.
 */
remove: Array<TeardownItem>, keep: Array<KeptResource>, };

export type TeardownReport = { removed: Array<TeardownItem>, kept: Array<KeptResource>, };

export type Mode = "sandbox" | "cloud";

export type SessionInfo = { mode: Mode, 
/**
 * The Auth0 tenant where the setup uses the Management API (`acme.eu.auth0.com`, or the sandbox's
 * `127.0.0.1:port`): the tenant's own domain, also when the person signed in with a custom domain.
 */
auth0Domain: string, 
/**
 * The Auth0 application signed in with (its client id, never its secret).
 */
auth0Identity: string, 
/**
 * The Azure identity signed in with (a service principal's client id).
 */
azureIdentity: string, azureTenantId: string, 
/**
 * The subscription to offer first, when known.
 */
subscriptionId: string | null, 
/**
 * The sandbox's built-in webhook receiver, offered first as the destination in sandbox mode.
 */
sandboxInboxUrl: string | null, 
/**
 * The Azure cloud signed in to. Auth0 delivers only to the public one (step 1 says so otherwise); the
 * sandbox is a custom cloud.
 */
azureCloud: AzureCloudKind, };

export type Screen = "welcome" | "sign_in" | "prepare_azure" | "create_stream" | "activate_topic" | "subscribe" | "done";

export type Draft = { mode: Mode, screen: Screen, inputs: SetupInputs, };

export type SubscriptionChoice = { id: string, name: string, enabled: boolean, };

export type ResourceGroupChoice = { name: string, 
/**
 * Where Azure keeps the group, as Azure spells it (`westeurope`).
 */
location: string, 
/**
 * The region Auth0 accepts for that location, to prefill the stream's region; `None` when Auth0 cannot
 * deliver there and the user picks the closest region it accepts.
 */
auth0Region: string | null, };

export type KeychainStatus = { persistent: boolean, reason: string | null, remedy: string | null, };

export type AzureSignInMethod = "browser" | "device_code";

export type AzureSignInPrompt = { "kind": "browser", url: string, browserOpened: boolean, } | { "kind": "device_code", userCode: string, verificationUri: string, expiresInMinutes: number, };

export type AzureAccountInfo = { username: string, displayName: string, 
/**
 * The directory (tenant) the sign-in acts in now.
 */
tenantId: string, method: AzureAccountMethod, };

export type Auth0SignInRequest = { domain: string, 
/**
 * The tenant's own domain (`acme.eu.auth0.com`) when `domain` is a custom one; empty or absent otherwise.
 */
canonicalDomain: string | null, clientId: string, clientSecret: string, };

export type Auth0AccountInfo = { 
/**
 * The domain as typed (a custom domain stays a custom domain).
 */
domain: string, 
/**
 * Behind a custom domain: the tenant's own domain, where the Management API is used.
 */
canonicalDomain: string | null, clientId: string | null, missingScopes: Array<string>, 
/**
 * The tenant's Applications page in the Auth0 Dashboard.
 */
dashboardApplicationsUrl: string | null, method: Auth0AccountMethod, 
/**
 * Whether the credential outlives the app (a pasted token only when the user asked).
 */
remembered: boolean, };

export type SignedIn = { azure: AzureAccountInfo | null, auth0: Auth0AccountInfo | null, };

export type Settings = { 
/**
 * Empty or absent: the build's default, if it has one.
 */
azureClientId: string | null, 
/**
 * Minutes between the window's checks of every saved setup: absent for the default (every 15), 0 for
 * never, else 5 to 1440 (a day).
 */
checkIntervalMinutes: number | null, };

export type LinkTarget = { "kind": "auth0_applications", domain: string, } | { "kind": "auth0_dashboard" } | { "kind": "azure_portal" } | { "kind": "azure_sign_in" } | { "kind": "azure_subscription", subscription_id: string, } | { "kind": "azure_resource_group", subscription_id: string, resource_group: string, } | { "kind": "azure_event_subscription", subscription_id: string, resource_group: string, partner_topic: string, name: string, } | { "kind": "setup_check", setup_id: number, check: CheckId, };

export type AzureAccountMethod = "browser" | "device_code" | "service_principal" | "certificate" | "azure_cli";

export type Auth0AccountMethod = "client_secret" | "private_key" | "management_token";

export type Auth0PrivateKeyRequest = { domain: string, 
/**
 * As in [`Auth0SignInRequest`].
 */
canonicalDomain: string | null, clientId: string, 
/**
 * The handle `choose_key_file` answered for the key file (kind `auth0_private_key`).
 */
keyFile: string, algorithm: KeyAlgorithm, };

export type KeyAlgorithm = "RS256" | "PS256";

export type Auth0TokenRequest = { domain: string, 
/**
 * As in [`Auth0SignInRequest`].
 */
canonicalDomain: string | null, token: string, remember: boolean, };

export type AzureServicePrincipalRequest = { tenantId: string, clientId: string, clientSecret: string, };

export type AzureCertificateRequest = { tenantId: string, clientId: string, 
/**
 * The handle `choose_key_file` answered for the certificate file (kind `azure_certificate`).
 */
certificateFile: string, 
/**
 * Empty or absent: the file has no password.
 */
password: string | null, };

export type KeyFileKind = "auth0_private_key" | "azure_certificate";

export type ChosenKeyFile = { handle: string, 
/**
 * Such as `auth0-private.pem`.
 */
name: string, };

export type CloudName = "azure" | "auth0";

export type TenantChoice = { tenantId: string, displayName: string | null, defaultDomain: string | null, };

export type AzureTenants = { current: string, tenants: Array<TenantChoice>, 
/**
 * Subscriptions the identity can see in the current directory.
 */
subscriptionCount: number, 
/**
 * Only a person's sign-in (browser or device code) moves between directories.
 */
canSwitch: boolean, };

export type SettingsOverview = { settings: Settings, 
/**
 * The client id this build (or its environment) uses when the settings name none.
 */
defaultAzureClientId: string | null, 
/**
 * The one command an administrator runs to register the app in Microsoft Entra ID.
 */
registrationCommand: string, keychain: KeychainStatus, signedIn: SignedIn, };

export type SetupAccounts = { 
/**
 * The built-in sandbox, or the person's own clouds.
 */
mode: Mode, 
/**
 * The Auth0 tenant's domain the Management API is reached at.
 */
auth0Domain: string, 
/**
 * The Auth0 application (client id) signed in with; empty for a pasted Management API token.
 */
auth0Identity: string, 
/**
 * The Management API audience, when the domain is a custom one.
 */
auth0Audience: string | null, azureTenantId: string, 
/**
 * The Azure identity signed in with (a service principal's client id, or a person's name).
 */
azureIdentity: string, azureCloud: AzureCloudKind, 
/**
 * Entra ID and Resource Manager addresses of a custom cloud (the sandbox); `None` for the named clouds.
 */
azureAuthorityUrl: string | null, azureManagementUrl: string | null, };

export type CreatedResources = { 
/**
 * Steps finished and verified, in order.
 */
completed: Array<StepId>, streamId: string | null, partnerTopic: string | null, 
/**
 * The setup created the resource group (teardown may remove it when empty).
 */
resourceGroupCreated: boolean, };

export type CheckSince = { id: CheckId, state: CheckState, 
/**
 * RFC 3339: the first check that found it in this state, after one that did not.
 */
since: string, };

export type SavedSetup = { id: number, 
/**
 * Unique among saved setups; the person may rename it.
 */
name: string, 
/**
 * What the setup asks for. A webhook URL's query (it often holds a key) is not here: it is in the
 * keychain, and `webhook_key_in_keychain` says so.
 */
inputs: SetupInputs, webhookKeyInKeychain: boolean, accounts: SetupAccounts, created: CreatedResources, 
/**
 * RFC 3339.
 */
createdAt: string, updatedAt: string, 
/**
 * The last health check, if any.
 */
lastReport: HealthReport | null, 
/**
 * Per check of the last report, since when it has been in its state.
 */
since: Array<CheckSince>, };

export type SetupList = { setups: Array<SavedSetup>, notice: string | null, };

export type HealthAlert = { setupId: number, setupName: string, check: CheckId, checkTitle: string, 
/**
 * When the check that found it red was read (RFC 3339).
 */
at: string, };

export type ExportFormat = "json" | "terraform" | "shell";

export type Exported = { format: ExportFormat, 
/**
 * A file name to offer in the save dialog ("security-logs.setup.json", "security-logs.tf", ".sh").
 */
file_name: string, text: string, 
/**
 * A webhook URL's query (its key) was left out; the export says so too.
 */
webhook_key_left_out: boolean, };

export type FirstScreen = "welcome" | "home" | "wizard";

export type PageTimings = { reads_started_ms: number, reads_ms: number, painted_ms: number, };
