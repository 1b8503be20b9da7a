//! Everything that exists in the emulated clouds: the Auth0 tenant (clients, users, log streams, logs), the
//! Azure tenant (principals, subscriptions, resource groups, partner configurations, partner topics, event
//! subscriptions, operations) and the pipeline's record of every event. Serialisable as a whole, which is
//! what `GET /_sandbox/state` shows and `--state FILE` stores.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{SandboxConfig, SeedUser};
use crate::tokens::{random_alphanumeric, random_guid, random_hex, sandbox_secret};

/// The home directory's name, as Resource Manager's `GET /tenants` and identity-platform errors show it.
pub const HOME_DIRECTORY_NAME: &str = "Sandbox Directory";

/// The second directory seeded by default, where the seeded users are guests.
pub const GUEST_DIRECTORY_NAME: &str = "Fabrikam Partners";
pub const GUEST_DIRECTORY_DOMAIN: &str = "fabrikam-partners.onmicrosoft.com";
pub const GUEST_SUBSCRIPTION_NAME: &str = "Fabrikam Partners subscription";
/// Every guest's role on the guest directory's subscriptions.
pub const GUEST_ROLE: &str = "Contributor";

/// Auth0's partner registration immutable id in Event Grid.
pub const AUTH0_PARTNER_ID: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";

/// The scopes the seeded machine-to-machine application is granted on the Management API.
pub const M2M_SCOPES: &[&str] = &[
    "read:log_streams",
    "create:log_streams",
    "update:log_streams",
    "delete:log_streams",
    "read:logs",
];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct World {
    pub auth0: Auth0State,
    pub azure: AzureState,
    /// Every event the pipeline handled, with how it ended.
    pub events: Vec<EventRecord>,
    /// Events delivered to destinations the sandbox does not call (Event Hubs, queues, ...).
    pub recorded_deliveries: Vec<Value>,
    /// Events received by the built-in `/_sandbox/inbox/{name}` receivers.
    pub inboxes: BTreeMap<String, Vec<Value>>,
    /// Partner-topic metric totals per minute, keyed `topicId|metric|subscription|minute`.
    pub metrics: BTreeMap<String, f64>,
    /// Identity-platform grants in flight; never written to the state file (they are secrets).
    #[serde(skip)]
    pub grants: Grants,
    pub next_seq: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Auth0State {
    pub tenant: String,
    pub m2m_client_id: String,
    pub m2m_client_secret: String,
    /// Public keys the seeded application accepts private-key JWT assertions from (none until registered).
    pub m2m_credentials: Vec<PublicKeyCredential>,
    /// Machine-to-machine applications registered through the admin API, authenticating with private-key
    /// JWTs only.
    pub applications: Vec<Auth0Application>,
    pub users: Vec<SeedUser>,
    pub streams: Vec<LogStream>,
    pub logs: Vec<Value>,
}

/// A machine-to-machine application with its Management API grant and private-key JWT credentials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Auth0Application {
    pub client_id: String,
    pub name: String,
    /// Management API scopes granted to the application.
    pub scopes: Vec<String>,
    pub credentials: Vec<PublicKeyCredential>,
}

/// A public key registered for private-key JWT client authentication (Auth0 calls it a credential).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicKeyCredential {
    /// Auth0 generates it; an assertion may name it in its `kid` header.
    pub kid: String,
    /// `RS256`, `RS384` or `PS256`: assertions must be signed with exactly this algorithm.
    pub alg: String,
    /// The RSA public key in PEM.
    pub pem: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LogStream {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub stream_type: String,
    pub status: String,
    pub sink: Value,
    pub filters: Option<Value>,
    pub is_priority: Option<bool>,
    pub pii_config: Option<Value>,
    pub start_from_ms: Option<i64>,
    pub created_ms: i64,
    /// The tenant log position when the stream was created; it carries only later entries.
    pub created_after_seq: u64,
    /// Since when publishing has failed without a success in between (drives suspension).
    pub failing_since_ms: Option<i64>,
    /// What the dashboard's Health tab would show (last errors, newest last).
    pub delivery_errors: Vec<Value>,
    /// Reads still to answer without `sink.azurePartnerTopic` (Auth0 reports the name only later).
    pub partner_topic_hidden_reads: u32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AzureState {
    pub tenant_id: String,
    pub tenant_domain: String,
    pub principals: Vec<Principal>,
    pub subscriptions: Vec<Subscription>,
    pub partner_configurations: Vec<PartnerConfiguration>,
    pub partner_topics: Vec<PartnerTopic>,
    pub event_subscriptions: Vec<EventSubscription>,
    pub operations: BTreeMap<String, Operation>,
    /// Other directories (Entra ID tenants) where users of the home directory are guests. Service principals
    /// belong to the home directory only.
    pub guest_directories: Vec<GuestDirectory>,
}

/// A directory as lookups answer it: the home directory or a guest directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directory {
    pub tenant_id: String,
    pub domain: String,
    pub display_name: String,
    pub is_home: bool,
}

/// A principal's object in one directory and its role on that directory's subscriptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub object_id: String,
    pub role: String,
    /// The sign-in name for users (home or guest); `None` for service principals.
    pub user: Option<String>,
}

/// A directory the home directory's users are invited to, with subscriptions of its own.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GuestDirectory {
    pub tenant_id: String,
    pub domain: String,
    pub display_name: String,
    pub guests: Vec<Guest>,
}

/// A home-directory user invited to a guest directory: a separate object there, with its own role.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Guest {
    /// The user's sign-in name in the home directory.
    pub user: String,
    /// The guest object's id in the guest directory (not the user's home object id).
    pub object_id: String,
    /// Role on every subscription of the guest directory.
    pub role: String,
}

/// A service principal or a user, with its role on every seeded subscription.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Principal {
    pub object_id: String,
    pub display_name: String,
    /// Application (client) id for service principals, the sign-in name for users.
    pub client_id: String,
    pub secret: String,
    pub is_user: bool,
    /// Owner, Contributor or Reader.
    pub role: String,
    /// Certificates whose private keys may sign client assertions for this service principal.
    pub certificates: Vec<PrincipalCertificate>,
}

/// A certificate uploaded to an app registration (public part only).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PrincipalCertificate {
    /// SHA-1 of the DER certificate in upper-case hex, as the Azure portal shows it.
    pub thumbprint: String,
    /// The certificate in PEM.
    pub pem: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Subscription {
    pub subscription_id: String,
    pub display_name: String,
    /// The directory the subscription belongs to; empty in state files from before guest directories, which
    /// [`World::complete`] reads as the home directory.
    pub tenant_id: String,
    pub event_grid: ProviderRegistration,
    pub resource_groups: Vec<ResourceGroup>,
    /// Event Hubs namespaces, storage accounts, Service Bus namespaces and web apps a destination can be
    /// chosen from (seeded; nothing creates them through the API).
    pub resources: Vec<DestinationResource>,
}

/// A resource an event subscription can deliver to, or the parent of one: an Event Hubs namespace with its
/// event hubs, a storage account with its queues, a Service Bus namespace with its queues and topics, a web
/// app (a function app when its `kind` says so) with its functions.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DestinationResource {
    pub resource_group: String,
    /// `Microsoft.EventHub/namespaces`, `Microsoft.Storage/storageAccounts`, `Microsoft.ServiceBus/namespaces`
    /// or `Microsoft.Web/sites`.
    pub resource_type: String,
    pub name: String,
    /// Azure's short location name (`westeurope`).
    pub location: String,
    /// `Microsoft.Web/sites` only: `functionapp`, `functionapp,linux`, `app`, ...
    pub kind: Option<String>,
    pub children: Vec<ChildResource>,
}

/// An event hub, a queue, a topic or a function inside a [`DestinationResource`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildResource {
    /// The path segments between the parent's id and the child's name: `eventhubs`,
    /// `queueServices/default/queues`, `queues`, `topics` or `functions`.
    pub collection: String,
    pub name: String,
}

impl DestinationResource {
    pub fn arm_id(&self, subscription_id: &str) -> String {
        format!(
            "/subscriptions/{subscription_id}/resourceGroups/{}/providers/{}/{}",
            self.resource_group, self.resource_type, self.name
        )
    }
}

/// The destinations a directory's first subscription starts with, all in one resource group: a few of each
/// kind, some with nothing inside (an empty list is a case the wizard explains).
fn seeded_destinations(home: bool) -> (ResourceGroup, Vec<DestinationResource>) {
    let (group, location) = if home {
        ("contoso-integration", "westeurope")
    } else {
        ("fabrikam-shared", "eastus")
    };
    let child = |collection: &str, name: &str| ChildResource {
        collection: collection.into(),
        name: name.into(),
    };
    let resource =
        |resource_type: &str, name: &str, kind: Option<&str>, children: Vec<ChildResource>| {
            DestinationResource {
                resource_group: group.into(),
                resource_type: resource_type.into(),
                name: name.into(),
                location: location.into(),
                kind: kind.map(str::to_owned),
                children,
            }
        };
    const HUBS: &str = "Microsoft.EventHub/namespaces";
    const STORAGE: &str = "Microsoft.Storage/storageAccounts";
    const BUS: &str = "Microsoft.ServiceBus/namespaces";
    const SITES: &str = "Microsoft.Web/sites";
    const QUEUES: &str = "queueServices/default/queues";
    let resources = if home {
        vec![
            resource(
                HUBS,
                "contoso-events",
                None,
                vec![
                    child("eventhubs", "auth0-logs"),
                    child("eventhubs", "security-alerts"),
                ],
            ),
            resource(
                HUBS,
                "contoso-telemetry",
                None,
                vec![child("eventhubs", "app-telemetry")],
            ),
            resource(HUBS, "contoso-archive", None, Vec::new()),
            resource(
                STORAGE,
                "contosologs01",
                None,
                vec![child(QUEUES, "auth0-events"), child(QUEUES, "signups")],
            ),
            resource(STORAGE, "contosobackup02", None, Vec::new()),
            resource(
                BUS,
                "contoso-messaging",
                None,
                vec![
                    child("queues", "auth0-logs"),
                    child("queues", "user-sync"),
                    child("topics", "identity-events"),
                ],
            ),
            resource(
                BUS,
                "contoso-orders",
                None,
                vec![child("topics", "order-updates")],
            ),
            resource(
                SITES,
                "contoso-auth0-handlers",
                Some("functionapp"),
                vec![
                    child("functions", "OnAuth0Log"),
                    child("functions", "OnSignup"),
                ],
            ),
            resource(
                SITES,
                "contoso-linux-jobs",
                Some("functionapp,linux"),
                vec![child("functions", "ProcessEvents")],
            ),
            resource(SITES, "contoso-website", Some("app"), Vec::new()),
        ]
    } else {
        vec![
            resource(
                HUBS,
                "fabrikam-stream",
                None,
                vec![child("eventhubs", "auth0")],
            ),
            resource(
                STORAGE,
                "fabrikamqueues",
                None,
                vec![child(QUEUES, "auth0-logs")],
            ),
            resource(
                BUS,
                "fabrikam-bus",
                None,
                vec![child("queues", "events"), child("topics", "auth0")],
            ),
            resource(
                SITES,
                "fabrikam-functions",
                Some("functionapp"),
                vec![child("functions", "HandleAuth0Event")],
            ),
        ]
    };
    let group = ResourceGroup {
        name: group.into(),
        location: location.into(),
        tags: Value::Null,
    };
    (group, resources)
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderRegistration {
    /// NotRegistered, Registering or Registered (Registering turns Registered when `ready_ms` passes).
    pub state: String,
    pub ready_ms: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceGroup {
    pub name: String,
    pub location: String,
    pub tags: Value,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerConfiguration {
    pub subscription_id: String,
    pub resource_group: String,
    pub default_maximum_expiration_days: u32,
    pub authorized: Vec<AuthorizedPartner>,
    pub tags: Value,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorizedPartner {
    pub partner_registration_immutable_id: String,
    pub partner_name: String,
    pub expires_ms: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerTopic {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    /// The partner's own text; its format is undocumented (see `auth0_topic_source`).
    pub source: String,
    /// `partnerRegistrationImmutableId` as Azure shows it; optional in Azure's schema, so `None` is omitted.
    pub partner_registration_immutable_id: Option<String>,
    /// NeverActivated, Activated or Deactivated.
    pub activation_state: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// When Azure deletes it if still `NeverActivated` (never before `expires_ms`).
    pub deleted_ms: i64,
    /// The Auth0 stream it was created for (empty for topics seeded through the admin API).
    pub stream_id: String,
    pub description: String,
    /// Set by `PATCH` (`PartnerTopicUpdateParameters.tags`); null when none.
    pub tags: Value,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSubscription {
    pub subscription_id: String,
    pub resource_group: String,
    pub topic: String,
    pub name: String,
    /// The properties as the client sent them, with defaults filled in (minus `provisioningState`).
    pub properties: Value,
    /// Creating, Updating, Deleting, Succeeded, Failed or AwaitingManualAction.
    pub provisioning_state: String,
    /// The long-running operation acting on it now (its PUT or DELETE).
    pub operation_id: Option<String>,
    /// While `AwaitingManualAction`: the WebHook did not grant the CloudEvents handshake, and may still do
    /// so through the callback URL it was sent, until then.
    pub validation: Option<PendingValidation>,
    /// While `Deleting`: when the deletion completes and the name is free again (sandbox ms).
    pub deleting_until_ms: Option<i64>,
}

/// A validation callback (`WebHook-Request-Callback`) an endpoint may still call.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PendingValidation {
    /// The secret part of the callback URL.
    pub token: String,
    /// Until when (sandbox ms) the callback is accepted; then the subscription ends `Failed`.
    pub until_ms: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Operation {
    pub id: String,
    pub location: String,
    /// InProgress, Succeeded, Failed, Canceled, or AwaitingManualAction (an event subscription waiting for
    /// its WebHook).
    pub status: String,
    pub error: Option<Value>,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    /// `put` or `delete` (what its `Location` answers once done); empty in state files from before.
    pub kind: String,
    /// The ARM id of the resource it acts on.
    pub resource_id: String,
}

/// One event (one log entry through one stream, to one subscription), and how it ended.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventRecord {
    pub id: String,
    pub log_id: String,
    pub log_type: String,
    pub stream_id: String,
    pub partner_topic: Option<String>,
    pub event_subscription: Option<String>,
    pub destination: Option<String>,
    pub endpoint: Option<String>,
    /// pending, delivered, dropped or dead_lettered.
    pub status: String,
    pub reason: Option<String>,
    pub attempts: u32,
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
}

/// Authorization codes, refresh tokens and device codes of both identity providers.
#[derive(Clone, Debug, Default)]
pub struct Grants {
    pub codes: BTreeMap<String, CodeGrant>,
    pub refresh_tokens: BTreeMap<String, UserGrant>,
    pub devices: BTreeMap<String, DeviceGrant>,
    /// Client assertions already presented (`{issuer}:{client}:{jti}`) with their expiry in sandbox seconds,
    /// so each is accepted once; forgotten once expired.
    pub used_assertions: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserGrant {
    /// `auth0` or `azure`.
    pub issuer: String,
    pub client_id: String,
    pub user: String,
    pub scope: String,
    pub tenant: String,
}

#[derive(Clone, Debug)]
pub struct CodeGrant {
    pub grant: UserGrant,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub expires_ms: i64,
}

#[derive(Clone, Debug)]
pub struct DeviceGrant {
    pub user_code: String,
    pub issuer: String,
    pub client_id: String,
    pub scope: String,
    pub tenant: String,
    pub expires_ms: i64,
    pub interval_secs: i64,
    pub last_poll_ms: Option<i64>,
    /// `None` while pending, then `Some(Ok(user))` or `Some(Err(()))` when denied.
    pub decision: Option<Result<String, ()>>,
}

/// The interactive users every sandbox has; they are also guests of the guest directory (users added by the
/// configuration belong to the home directory only).
fn default_users() -> Vec<SeedUser> {
    vec![
        SeedUser {
            name: "ada@sandbox.test".into(),
            password: "sandbox_ada-1".into(),
            azure_role: "Owner".into(),
        },
        SeedUser {
            name: "rita.reader@sandbox.test".into(),
            password: "sandbox_rita-1".into(),
            azure_role: "Reader".into(),
        },
    ]
}

impl Subscription {
    fn new(display_name: &str, tenant_id: &str) -> Self {
        Self {
            subscription_id: random_guid(),
            display_name: display_name.to_owned(),
            tenant_id: tenant_id.to_owned(),
            event_grid: ProviderRegistration {
                state: "NotRegistered".into(),
                ready_ms: 0,
            },
            resource_groups: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// Adds the destinations this directory's subscriptions start with (see [`seeded_destinations`]).
    fn seed_destinations(&mut self, home: bool) {
        let (group, resources) = seeded_destinations(home);
        self.resource_groups.push(group);
        self.resources.extend(resources);
    }
}

/// Seeding and lookups.
impl World {
    pub fn seeded(config: &SandboxConfig) -> World {
        let mut users = default_users();
        users.extend(config.extra_users.iter().cloned());
        let mut principals = vec![
            Principal {
                object_id: random_guid(),
                display_name: "sandbox-setup-contributor".into(),
                client_id: random_guid(),
                secret: sandbox_secret(30),
                is_user: false,
                role: "Contributor".into(),
                certificates: Vec::new(),
            },
            Principal {
                object_id: random_guid(),
                display_name: "sandbox-reader".into(),
                client_id: random_guid(),
                secret: sandbox_secret(30),
                is_user: false,
                role: "Reader".into(),
                certificates: Vec::new(),
            },
        ];
        principals.extend(users.iter().map(|u| Principal {
            object_id: random_guid(),
            display_name: u.name.split('@').next().unwrap_or(&u.name).to_owned(),
            client_id: u.name.clone(),
            secret: String::new(),
            is_user: true,
            role: u.azure_role.clone(),
            certificates: Vec::new(),
        }));
        let tenant_id = random_guid();
        let mut subscriptions = vec![Subscription::new("Sandbox subscription", &tenant_id)];
        subscriptions.extend(
            config
                .extra_subscriptions
                .iter()
                .map(|name| Subscription::new(name, &tenant_id)),
        );
        if config.destination_resources {
            subscriptions[0].seed_destinations(true);
        }
        for (name, location) in &config.extra_resource_groups {
            subscriptions[0].resource_groups.push(ResourceGroup {
                name: name.clone(),
                location: location.clone(),
                tags: Value::Null,
            });
        }
        let mut world = World {
            auth0: Auth0State {
                tenant: format!("sandbox-{}", &random_hex(3)),
                m2m_client_id: random_alphanumeric(32),
                m2m_client_secret: sandbox_secret(48),
                users,
                ..Auth0State::default()
            },
            azure: AzureState {
                tenant_id,
                tenant_domain: "sandbox.onmicrosoft.com".into(),
                principals,
                subscriptions,
                ..AzureState::default()
            },
            ..World::default()
        };
        world.complete(config);
        world
    }

    /// Brings a world up to what this version seeds: subscriptions without a directory (state files from
    /// before guest directories) belong to the home directory, and the guest directory is added when the
    /// configuration asks for one and the world has none yet.
    pub fn complete(&mut self, config: &SandboxConfig) {
        let home = self.azure.tenant_id.clone();
        for sub in &mut self.azure.subscriptions {
            if sub.tenant_id.is_empty() {
                sub.tenant_id = home.clone();
            }
        }
        if !config.guest_directory || !self.azure.guest_directories.is_empty() {
            return;
        }
        let tenant_id = random_guid();
        let guests = default_users()
            .iter()
            .filter(|u| {
                self.azure
                    .principals
                    .iter()
                    .any(|p| p.is_user && p.client_id.eq_ignore_ascii_case(&u.name))
            })
            .map(|u| Guest {
                user: u.name.clone(),
                object_id: random_guid(),
                role: GUEST_ROLE.into(),
            })
            .collect();
        let mut subscription = Subscription::new(GUEST_SUBSCRIPTION_NAME, &tenant_id);
        if config.destination_resources {
            subscription.seed_destinations(false);
        }
        self.azure.subscriptions.push(subscription);
        self.azure.guest_directories.push(GuestDirectory {
            tenant_id,
            domain: GUEST_DIRECTORY_DOMAIN.into(),
            display_name: GUEST_DIRECTORY_NAME.into(),
            guests,
        });
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn subscription_mut(&mut self, id: &str) -> Option<&mut Subscription> {
        self.azure
            .subscriptions
            .iter_mut()
            .find(|s| s.subscription_id.eq_ignore_ascii_case(id))
    }

    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.azure
            .subscriptions
            .iter()
            .find(|s| s.subscription_id.eq_ignore_ascii_case(id))
    }

    pub fn resource_group(&self, sub: &str, rg: &str) -> Option<&ResourceGroup> {
        self.subscription(sub)?
            .resource_groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(rg))
    }

    pub fn principal_by_object_id(&self, oid: &str) -> Option<&Principal> {
        self.azure.principals.iter().find(|p| p.object_id == oid)
    }

    /// The directory named by its tenant id or one of its domains (case-insensitive).
    pub fn directory(&self, id_or_domain: &str) -> Option<Directory> {
        let azure = &self.azure;
        if id_or_domain.eq_ignore_ascii_case(&azure.tenant_id)
            || id_or_domain.eq_ignore_ascii_case(&azure.tenant_domain)
        {
            return Some(self.home_directory());
        }
        azure
            .guest_directories
            .iter()
            .find(|d| {
                id_or_domain.eq_ignore_ascii_case(&d.tenant_id)
                    || id_or_domain.eq_ignore_ascii_case(&d.domain)
            })
            .map(|d| Directory {
                tenant_id: d.tenant_id.clone(),
                domain: d.domain.clone(),
                display_name: d.display_name.clone(),
                is_home: false,
            })
    }

    pub fn home_directory(&self) -> Directory {
        Directory {
            tenant_id: self.azure.tenant_id.clone(),
            domain: self.azure.tenant_domain.clone(),
            display_name: HOME_DIRECTORY_NAME.into(),
            is_home: true,
        }
    }

    /// A user's object in a directory: the home user, or its guest object in a guest directory.
    pub fn user_in(&self, tenant_id: &str, user: &str) -> Option<Member> {
        if tenant_id == self.azure.tenant_id {
            return self
                .azure
                .principals
                .iter()
                .find(|p| p.is_user && p.client_id.eq_ignore_ascii_case(user))
                .map(|p| Member {
                    object_id: p.object_id.clone(),
                    role: p.role.clone(),
                    user: Some(p.client_id.clone()),
                });
        }
        self.azure
            .guest_directories
            .iter()
            .find(|d| d.tenant_id == tenant_id)?
            .guests
            .iter()
            .find(|g| g.user.eq_ignore_ascii_case(user))
            .map(|g| Member {
                object_id: g.object_id.clone(),
                role: g.role.clone(),
                user: Some(g.user.clone()),
            })
    }

    /// The principal (user, guest or service principal) with this object id in a directory.
    pub fn member_by_object_id(&self, tenant_id: &str, oid: &str) -> Option<Member> {
        if tenant_id == self.azure.tenant_id {
            return self.principal_by_object_id(oid).map(|p| Member {
                object_id: p.object_id.clone(),
                role: p.role.clone(),
                user: p.is_user.then(|| p.client_id.clone()),
            });
        }
        self.azure
            .guest_directories
            .iter()
            .find(|d| d.tenant_id == tenant_id)?
            .guests
            .iter()
            .find(|g| g.object_id == oid)
            .map(|g| Member {
                object_id: g.object_id.clone(),
                role: g.role.clone(),
                user: Some(g.user.clone()),
            })
    }

    /// The directories a user belongs to: the home directory first, then those it is a guest of.
    pub fn directories_of_user(&self, user: &str) -> Vec<Directory> {
        let mut directories = vec![self.home_directory()];
        directories.extend(
            self.azure
                .guest_directories
                .iter()
                .filter(|d| d.guests.iter().any(|g| g.user.eq_ignore_ascii_case(user)))
                .map(|d| Directory {
                    tenant_id: d.tenant_id.clone(),
                    domain: d.domain.clone(),
                    display_name: d.display_name.clone(),
                    is_home: false,
                }),
        );
        directories
    }

    /// Brings time-driven state up to date: finished registrations, expired never-activated topics.
    pub fn settle(&mut self, now_ms: i64) {
        for sub in &mut self.azure.subscriptions {
            if sub.event_grid.state == "Registering" && now_ms >= sub.event_grid.ready_ms {
                sub.event_grid.state = "Registered".into();
            }
        }
        let expired: Vec<(String, String, String)> = self
            .azure
            .partner_topics
            .iter()
            .filter(|t| {
                t.activation_state == "NeverActivated" && now_ms >= t.expires_ms.max(t.deleted_ms)
            })
            .map(|t| {
                (
                    t.subscription_id.clone(),
                    t.resource_group.clone(),
                    t.name.clone(),
                )
            })
            .collect();
        for (sub, rg, name) in expired {
            self.remove_partner_topic(&sub, &rg, &name);
        }
        self.settle_event_subscriptions(now_ms);
    }

    /// Deletions that have run their time end (the subscription is gone, its operation `Succeeded`), and
    /// WebHook validations nobody completed in time end `Failed`.
    fn settle_event_subscriptions(&mut self, now_ms: i64) {
        let mut finished = Vec::new();
        self.azure.event_subscriptions.retain(|es| {
            let gone = es.deleting_until_ms.is_some_and(|t| now_ms >= t);
            if gone && let Some(op) = &es.operation_id {
                finished.push((op.clone(), None));
            }
            !gone
        });
        for es in &mut self.azure.event_subscriptions {
            let Some(validation) = es.validation.as_ref().filter(|v| now_ms >= v.until_ms) else {
                continue;
            };
            let error = serde_json::json!({
                "code": "Url validation",
                "message": format!(
                    "Webhook validation handshake failed for {}. The endpoint did not grant the CloudEvents validation request, and its callback was not called before {}. For troubleshooting, visit https://aka.ms/esvalidationcloudevent.",
                    es.properties["destination"]["properties"]["endpointUrl"]
                        .as_str()
                        .unwrap_or("")
                        .split('?')
                        .next()
                        .unwrap_or(""),
                    crate::clock::rfc3339_ms(validation.until_ms)
                ),
            });
            es.validation = None;
            es.provisioning_state = "Failed".into();
            if let Some(op) = &es.operation_id {
                finished.push((op.clone(), Some(error)));
            }
        }
        for (id, error) in finished {
            if let Some(op) = self.azure.operations.get_mut(&id) {
                op.status = if error.is_some() {
                    "Failed"
                } else {
                    "Succeeded"
                }
                .into();
                op.error = error;
                op.end_ms = Some(now_ms);
            }
        }
    }

    /// Deletes a partner topic and its event subscriptions.
    pub fn remove_partner_topic(&mut self, sub: &str, rg: &str, name: &str) -> bool {
        let before = self.azure.partner_topics.len();
        self.azure.partner_topics.retain(|t| {
            !(t.subscription_id.eq_ignore_ascii_case(sub)
                && t.resource_group.eq_ignore_ascii_case(rg)
                && t.name.eq_ignore_ascii_case(name))
        });
        self.azure.event_subscriptions.retain(|e| {
            !(e.subscription_id.eq_ignore_ascii_case(sub)
                && e.resource_group.eq_ignore_ascii_case(rg)
                && e.topic.eq_ignore_ascii_case(name))
        });
        before != self.azure.partner_topics.len()
    }

    pub fn add_metric(
        &mut self,
        topic_id: &str,
        metric: &str,
        subscription: &str,
        at_ms: i64,
        n: f64,
    ) {
        let minute = at_ms.div_euclid(60_000);
        let key = format!(
            "{}|{metric}|{subscription}|{minute}",
            topic_id.to_ascii_lowercase()
        );
        *self.metrics.entry(key).or_insert(0.0) += n;
    }
}

impl PartnerTopic {
    pub fn arm_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{}",
            self.subscription_id, self.resource_group, self.name
        )
    }
}

impl EventSubscription {
    pub fn topic_arm_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventGrid/partnerTopics/{}",
            self.subscription_id, self.resource_group, self.topic
        )
    }

    pub fn arm_id(&self) -> String {
        format!("{}/eventSubscriptions/{}", self.topic_arm_id(), self.name)
    }
}
