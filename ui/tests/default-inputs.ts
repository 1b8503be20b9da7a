// Generated from setup_engine::default_inputs() by src-tauri/src/bindings.rs. Do not edit: run `make bindings`.
import type { SetupInputs } from '../src/lib/ipc/bindings';

export const DEFAULT_INPUTS: SetupInputs = {
  "auth0_domain": "",
  "stream_name": "Azure Event Grid",
  "subscription_id": "",
  "resource_group": "auth0-events",
  "region": "westeurope",
  "create_resource_group": true,
  "authorization_days": 7,
  "event_categories": [],
  "pii": {
    "log_fields": [
      "first_name",
      "last_name",
      "username",
      "email",
      "phone",
      "address"
    ],
    "method": "mask"
  },
  "start_from": null,
  "destination": {
    "kind": "webhook",
    "webhook_url": null,
    "resource_id": null,
    "queue_name": null,
    "max_events_per_batch": null,
    "preferred_batch_size_in_kilobytes": null
  },
  "event_subscription_name": "auth0-logs",
  "log_codes": [],
  "retry": {
    "max_delivery_attempts": 30,
    "event_time_to_live_in_minutes": 1440
  },
  "dead_letter": null
};
