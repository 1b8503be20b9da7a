//! The shell export: a bash script over the `auth0` and `az` command lines (and `jq` for Auth0's JSON) that
//! does what the four steps do, one command at a time. Each step looks before it writes (a registered provider,
//! an existing group, configuration, stream, active topic or subscription is left as it is), so running it
//! again changes nothing. What differs per environment can be overridden from the environment; the webhook's
//! key is only ever read from it.

use std::fmt::Write;

use azure_client::AUTH0_PARTNER_IMMUTABLE_ID;
use setup_engine::{DestinationKind, SetupInputs};

use crate::text::Prepared;

pub(crate) fn script(setup: &Prepared<'_>) -> String {
    let inputs = setup.inputs;
    let mut out = String::from("#!/usr/bin/env bash\n");
    header(&mut out, setup);
    out.push_str("set -euo pipefail\n\n");
    settings(&mut out, setup);
    helpers(&mut out);
    prepare_azure(&mut out, inputs);
    create_stream(&mut out, inputs);
    activate_topic(&mut out);
    subscribe(&mut out, inputs);
    out.push_str("say \"Done: Auth0 streams its logs to the partner topic $topic, delivered by $EVENT_SUBSCRIPTION.\"\n");
    out
}

fn header(out: &mut String, setup: &Prepared<'_>) {
    let mut lines = vec![
        format!(
            "Auth0 log stream to Azure Event Grid: the setup \u{201c}{}\u{201d} as a script.",
            setup.name
        ),
        setup.origin_line(),
    ];
    if let Some(warning) = setup.key_warning(
        "set WEBHOOK_URL in the environment to the whole URL, key included, before running this script.",
    ) {
        lines.push(String::new());
        lines.push(format!("WARNING: {warning}"));
    }
    lines.extend(
        [
            "",
            "What it needs: bash, jq, the Auth0 CLI (`auth0`) and the Azure CLI (`az`), both signed in",
            "beforehand (`auth0 login`, `az login`): no credential is read from or written to this file.",
            "Per environment, override AUTH0_DOMAIN, SUBSCRIPTION_ID, RESOURCE_GROUP and REGION (and the",
            "destination's DESTINATION_RESOURCE_ID or WEBHOOK_URL) from the environment.",
            "",
            "The order it runs in, each step skipped when already done (running it again changes nothing):",
            "1. The Event Grid resource provider registered; the resource group; Auth0 authorized as a partner.",
            "2. The Auth0 log stream of type eventgrid: Auth0 creates the partner topic and names it.",
            "3. The partner topic activated. This must happen within 7 days of the topic's creation, or Azure",
            "   deletes the topic.",
            "4. The event subscription on the partner topic, delivering to the destination.",
        ]
        .map(str::to_owned),
    );
    for line in lines {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {}", line.replace(['\n', '\r'], " "));
        }
    }
    out.push('\n');
}

/// `NAME="${NAME:-default}"` through a quoted default, so no value is ever expanded by the shell.
fn overridable(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "default={}", quote(value));
    let _ = writeln!(out, "{name}=\"${{{name}:-$default}}\"");
}

fn settings(out: &mut String, setup: &Prepared<'_>) {
    let inputs = setup.inputs;
    out.push_str("# --- what differs per environment (override from the environment) ---\n");
    overridable(out, "AUTH0_DOMAIN", &inputs.auth0_domain);
    overridable(out, "SUBSCRIPTION_ID", &inputs.subscription_id);
    overridable(out, "RESOURCE_GROUP", &inputs.resource_group);
    overridable(out, "REGION", &inputs.region);
    let d = &inputs.destination;
    if d.kind == DestinationKind::Webhook {
        match setup.webhook_base() {
            Some(base) if !setup.webhook_key_left_out => overridable(out, "WEBHOOK_URL", base),
            _ => out.push_str(
                ": \"${WEBHOOK_URL:?set WEBHOOK_URL to the whole webhook URL, key included (the export left the key out)}\"\n",
            ),
        }
    } else {
        overridable(
            out,
            "DESTINATION_RESOURCE_ID",
            d.resource_id.as_deref().unwrap_or_default(),
        );
    }
    if let Some(dead_letter) = &inputs.dead_letter {
        overridable(
            out,
            "DEAD_LETTER_STORAGE_ACCOUNT_ID",
            &dead_letter.storage_account_id,
        );
    }
    out.push_str("\n# --- the setup ---\n");
    let _ = writeln!(out, "STREAM_NAME={}", quote(&inputs.stream_name));
    let _ = writeln!(
        out,
        "EVENT_SUBSCRIPTION={}",
        quote(&inputs.event_subscription_name)
    );
    let _ = writeln!(out, "AUTHORIZATION_DAYS={}", inputs.authorization_days);
    let _ = writeln!(
        out,
        "AUTH0_PARTNER_ID={}",
        quote(AUTH0_PARTNER_IMMUTABLE_ID)
    );
    out.push('\n');
}

fn helpers(out: &mut String) {
    out.push_str(
        r#"say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
for tool in auth0 az jq; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

"#,
    );
}

fn prepare_azure(out: &mut String, inputs: &SetupInputs) {
    out.push_str(
        r#"# --- 1. Azure: the provider, the group, Auth0 authorized ---
az account set --subscription "$SUBSCRIPTION_ID"
if [ "$(az provider show --namespace Microsoft.EventGrid --query registrationState --output tsv)" != "Registered" ]; then
  say "Registering the Microsoft.EventGrid resource provider"
  az provider register --namespace Microsoft.EventGrid --wait
fi
"#,
    );
    if inputs.create_resource_group {
        out.push_str(
            r#"if [ "$(az group exists --name "$RESOURCE_GROUP")" != "true" ]; then
  say "Creating the resource group $RESOURCE_GROUP in $REGION"
  az group create --name "$RESOURCE_GROUP" --location "$REGION" --output none
fi
"#,
        );
    } else {
        out.push_str(
            r#"[ "$(az group exists --name "$RESOURCE_GROUP")" = "true" ] || die "the resource group $RESOURCE_GROUP does not exist"
"#,
        );
    }
    out.push_str(
        r#"# Azure refuses an authorization longer than the configuration's maximum: create or raise it first (a
# configuration's other authorized partners are kept).
if az eventgrid partner configuration show --resource-group "$RESOURCE_GROUP" --output none 2>/dev/null; then
  maximum="$(az eventgrid partner configuration show --resource-group "$RESOURCE_GROUP" --query partnerAuthorization.defaultMaximumExpirationTimeInDays --output tsv)"
  if [ "${maximum:-7}" -lt "$AUTHORIZATION_DAYS" ]; then
    az eventgrid partner configuration update --resource-group "$RESOURCE_GROUP" \
      --default-maximum-expiration-time-in-days "$AUTHORIZATION_DAYS" --output none
  fi
else
  say "Creating the partner configuration of $RESOURCE_GROUP"
  az eventgrid partner configuration create --resource-group "$RESOURCE_GROUP" \
    --default-maximum-expiration-time-in-days "$AUTHORIZATION_DAYS" --output none
fi
# A few minutes short of the maximum, as Azure checks it against its own clock.
expires="$(date -u -d "+$AUTHORIZATION_DAYS days -10 minutes" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null \
  || date -u -v+"$AUTHORIZATION_DAYS"d -v-10M +%Y-%m-%dT%H:%M:%SZ)"
say "Authorizing Auth0 to create a partner topic in $RESOURCE_GROUP until $expires"
az eventgrid partner configuration authorize --resource-group "$RESOURCE_GROUP" \
  --partner-registration-immutable-id "$AUTH0_PARTNER_ID" --partner-name Auth0 \
  --authorization-expiration-date "$expires" --output none

"#,
    );
}

fn create_stream(out: &mut String, inputs: &SetupInputs) {
    out.push_str(
        r#"# --- 2. Auth0: the log stream (Auth0 creates the partner topic) ---
auth0 tenants use "$AUTH0_DOMAIN" >/dev/null
stream_id="$(auth0 api get log-streams | jq -r --arg name "$STREAM_NAME" \
  'map(select(.type == "eventgrid" and .name == $name)) | first | .id // empty')"
if [ -z "$stream_id" ]; then
  say "Creating the Auth0 log stream $STREAM_NAME"
  body="$(jq -n --arg name "$STREAM_NAME" --arg subscription "$SUBSCRIPTION_ID" --arg region "$REGION" \
    --arg group "$RESOURCE_GROUP" \
    '{name: $name, type: "eventgrid",
      sink: {azureSubscriptionId: $subscription, azureRegion: $region, azureResourceGroup: $group}}')"
"#,
    );
    let mut extra = serde_json::Map::new();
    if !inputs.event_categories.is_empty() {
        let filters: Vec<serde_json::Value> = inputs
            .event_categories
            .iter()
            .map(|c| serde_json::json!({"type": "category", "name": c}))
            .collect();
        extra.insert("filters".into(), filters.into());
    }
    if let Some(pii) = &inputs.pii {
        let mut config = serde_json::json!({"log_fields": pii.log_fields, "method": pii.method});
        if pii.method == "hash" {
            config["algorithm"] = "xxhash".into();
        }
        extra.insert("pii_config".into(), config);
    }
    if let Some(start_from) = &inputs.start_from {
        extra.insert("startFrom".into(), start_from.clone().into());
    }
    if !extra.is_empty() {
        let _ = writeln!(
            out,
            "  body=\"$(jq --argjson extra {} '. + $extra' <<<\"$body\")\"",
            quote(&serde_json::Value::Object(extra).to_string())
        );
    }
    out.push_str(
        r#"  stream_id="$(auth0 api post log-streams --data "$body" | jq -r .id)"
fi
# Auth0 names the topic it creates in the stream's sink: read back, never guessed.
topic=""
for _ in $(seq 1 60); do
  topic="$(auth0 api get "log-streams/$stream_id" | jq -r '.sink.azurePartnerTopic // empty')"
  if [ -n "$topic" ] && az eventgrid partner topic show --resource-group "$RESOURCE_GROUP" --name "$topic" --output none 2>/dev/null; then
    break
  fi
  topic=""
  sleep 5
done
[ -n "$topic" ] || die "Auth0's partner topic did not appear in $RESOURCE_GROUP within 5 minutes"

"#,
    );
}

fn activate_topic(out: &mut String) {
    out.push_str(
        r#"# --- 3. Azure: the partner topic activated (within 7 days of its creation) ---
if [ "$(az eventgrid partner topic show --resource-group "$RESOURCE_GROUP" --name "$topic" --query activationState --output tsv)" != "Activated" ]; then
  say "Activating the partner topic $topic"
  az eventgrid partner topic activate --resource-group "$RESOURCE_GROUP" --name "$topic" --output none
fi

"#,
    );
}

fn subscribe(out: &mut String, inputs: &SetupInputs) {
    let d = &inputs.destination;
    out.push_str("# --- 4. Azure: the event subscription on the partner topic ---\n");
    out.push_str(
        "subscription_args=(--resource-group \"$RESOURCE_GROUP\" --partner-topic-name \"$topic\" --name \"$EVENT_SUBSCRIPTION\")\n",
    );
    out.push_str(
        r#"if az eventgrid partner topic event-subscription show "${subscription_args[@]}" --output none 2>/dev/null; then
  say "The event subscription $EVENT_SUBSCRIPTION exists: left as it is"
else
  say "Creating the event subscription $EVENT_SUBSCRIPTION"
"#,
    );
    let kind = serde_json::to_value(d.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let endpoint = match d.kind {
        DestinationKind::Webhook => "\"$WEBHOOK_URL\"".to_owned(),
        DestinationKind::Storagequeue => format!(
            "\"$DESTINATION_RESOURCE_ID/queueServices/default/queues/\"{}",
            quote(d.queue_name.as_deref().unwrap_or_default())
        ),
        _ => "\"$DESTINATION_RESOURCE_ID\"".to_owned(),
    };
    let _ = writeln!(
        out,
        "  create_args=(--endpoint-type {kind} --endpoint {endpoint} --event-delivery-schema cloudeventschemav1_0)"
    );
    let _ = writeln!(
        out,
        "  create_args+=(--max-delivery-attempts {} --event-ttl {})",
        inputs.retry.max_delivery_attempts, inputs.retry.event_time_to_live_in_minutes
    );
    if let Some(n) = d.max_events_per_batch {
        let _ = writeln!(out, "  create_args+=(--max-events-per-batch {n})");
    }
    if let Some(n) = d.preferred_batch_size_in_kilobytes {
        let _ = writeln!(
            out,
            "  create_args+=(--preferred-batch-size-in-kilobytes {n})"
        );
    }
    if !inputs.log_codes.is_empty() {
        let codes: Vec<String> = inputs.log_codes.iter().map(|c| quote(c)).collect();
        let _ = writeln!(
            out,
            "  create_args+=(--advanced-filter data.type StringIn {})",
            codes.join(" ")
        );
    }
    if let Some(dead_letter) = &inputs.dead_letter {
        let _ = writeln!(
            out,
            "  create_args+=(--deadletter-endpoint \"$DEAD_LETTER_STORAGE_ACCOUNT_ID/blobServices/default/containers/\"{})",
            quote(&dead_letter.container_name)
        );
    }
    out.push_str(
        "  az eventgrid partner topic event-subscription create \"${subscription_args[@]}\" \"${create_args[@]}\" --output none\nfi\n",
    );
}

/// A single-quoted shell word: nothing inside is expanded.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_single_quoted() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's $HOME"), r"'it'\''s $HOME'");
    }
}
