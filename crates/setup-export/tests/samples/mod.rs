//! Setups to export, shared by the tests and the `sample-scripts` example (which writes their shell exports for
//! `make lint`'s shellcheck): a webhook whose URL carries a key, an Event Hub with dead-lettering and a
//! storage queue with every filter, its saved name full of characters that need quoting.

use setup_engine::{
    DeadLetterInput, DeliveryRetryInput, DestinationInput, DestinationKind, PiiInput, SetupInputs,
};
use setup_export::ExportOrigin;

/// The webhook's key, as a test hands it out: it must appear in no export.
pub const WEBHOOK_KEY: &str = "SECRET-K3Y-f00dfeed1234";

pub fn origin() -> ExportOrigin {
    ExportOrigin {
        app: "Auth0 Event Grid Setup 0.1.0".into(),
        exported_at: "2026-12-04T18:00:00Z".into(),
    }
}

fn base() -> SetupInputs {
    SetupInputs {
        auth0_domain: "acme.eu.auth0.com".into(),
        subscription_id: "11111111-2222-3333-4444-555555555555".into(),
        resource_group: "auth0-events".into(),
        region: "westeurope".into(),
        ..SetupInputs::default()
    }
}

/// (name, inputs) of each sample.
pub fn setups() -> Vec<(&'static str, SetupInputs)> {
    let webhook = SetupInputs {
        stream_name: "Security logs".into(),
        event_categories: vec!["auth.login.fail".into(), "auth.signup.success".into()],
        pii: Some(PiiInput {
            log_fields: vec!["email".into(), "phone".into()],
            method: "hash".into(),
        }),
        start_from: Some("2026-12-01T00:00:00Z".into()),
        destination: DestinationInput {
            kind: DestinationKind::Webhook,
            webhook_url: Some(format!(
                "https://hooks.example.com/api/auth0?code={WEBHOOK_KEY}&clientId=default"
            )),
            max_events_per_batch: Some(10),
            preferred_batch_size_in_kilobytes: Some(64),
            ..DestinationInput::default()
        },
        log_codes: vec!["s".into(), "f".into(), "fp".into()],
        ..base()
    };
    let event_hub = SetupInputs {
        stream_name: "Event Hub logs".into(),
        create_resource_group: false,
        authorization_days: 30,
        destination: DestinationInput {
            kind: DestinationKind::Eventhub,
            resource_id: Some(
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/streaming/providers/Microsoft.EventHub/namespaces/acme-ns/eventhubs/auth0".into(),
            ),
            ..DestinationInput::default()
        },
        event_subscription_name: "auth0-to-hub".into(),
        retry: DeliveryRetryInput {
            max_delivery_attempts: 10,
            event_time_to_live_in_minutes: 120,
        },
        dead_letter: Some(DeadLetterInput {
            storage_account_id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/streaming/providers/Microsoft.Storage/storageAccounts/acmedead".into(),
            container_name: "dead-letters".into(),
        }),
        ..base()
    };
    let queue = SetupInputs {
        stream_name: "Ops queue".into(),
        event_categories: vec!["user.fail".into()],
        pii: Some(PiiInput {
            log_fields: vec!["username".into()],
            method: "mask".into(),
        }),
        destination: DestinationInput {
            kind: DestinationKind::Storagequeue,
            resource_id: Some(
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/ops/providers/Microsoft.Storage/storageAccounts/acmeops".into(),
            ),
            queue_name: Some("auth0-events".into()),
            ..DestinationInput::default()
        },
        log_codes: vec!["sapi".into()],
        dead_letter: Some(DeadLetterInput {
            storage_account_id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/ops/providers/Microsoft.Storage/storageAccounts/acmeops".into(),
            container_name: "dead".into(),
        }),
        ..base()
    };
    vec![
        ("Security logs (webhook)", webhook),
        ("Event Hub, dead-lettered", event_hub),
        ("Ops \"queue\" $HOME ${x} %{y} it's\nnext line", queue),
    ]
}
