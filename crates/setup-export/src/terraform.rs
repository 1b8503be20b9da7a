//! The Terraform export: one `main.tf` a platform team applies with the official providers (auth0/auth0,
//! Azure/azapi, hashicorp/azurerm), the same four steps the engine performs. What differs between environments
//! is a variable (the subscription, group, region, Auth0 domain, destination ids, the webhook URL as a
//! sensitive one); the partner topic's name is read back from the log stream's `sink`, never guessed. Every
//! resource type and attribute written here is in `providers/allow-list.json`, which a test checks the parsed
//! output against.

use std::fmt::Write;

use azure_client::AUTH0_PARTNER_IMMUTABLE_ID;
use setup_engine::{DestinationKind, SetupInputs};

use crate::text::Prepared;

/// The provider versions the output is written for (`~>`: patch releases only).
pub(crate) const AUTH0_PROVIDER: &str = "~> 1.55.0";
pub(crate) const AZAPI_PROVIDER: &str = "~> 2.12.0";
pub(crate) const AZURERM_PROVIDER: &str = "~> 4.55.0";
/// Event Grid's REST API version of every Event Grid resource and action.
pub(crate) const EVENT_GRID_API: &str = "2025-02-15";

pub(crate) fn main_tf(setup: &Prepared<'_>) -> String {
    let inputs = setup.inputs;
    let mut out = String::new();
    header(&mut out, setup);
    settings(&mut out);
    variables(&mut out, setup);
    resource_group(&mut out, inputs);
    partner_authorization(&mut out, inputs);
    log_stream(&mut out, inputs);
    activation(&mut out);
    event_subscription(&mut out, inputs);
    outputs(&mut out);
    out
}

fn header(out: &mut String, setup: &Prepared<'_>) {
    let mut lines = vec![
        format!(
            "Auth0 log stream to Azure Event Grid: the setup \u{201c}{}\u{201d} as Terraform.",
            setup.name
        ),
        setup.origin_line(),
    ];
    if let Some(warning) = setup.key_warning(
        "pass the whole URL, key included, as the sensitive variable webhook_url (TF_VAR_webhook_url in the \
         environment), never in a file.",
    ) {
        lines.push(String::new());
        lines.push(format!("WARNING: {warning}"));
    }
    lines.extend(
        [
            "",
            "What it needs:",
            "- Terraform 1.11 or later (the webhook URL goes in a write-only argument, kept out of the state).",
            "- The providers auth0/auth0, Azure/azapi and hashicorp/azurerm (`terraform init` fetches them).",
            "- Credentials from the environment, never from this file: for Auth0, AUTH0_CLIENT_ID and",
            "  AUTH0_CLIENT_SECRET of a machine-to-machine application allowed the log stream scopes (or",
            "  AUTH0_API_TOKEN); for Azure, `az login` or ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET,",
            "  allowed to register providers and to manage Event Grid in the resource group.",
            "- Per environment, the variables below (a .tfvars file or TF_VAR_... variables).",
            "",
            "The order it applies in (Terraform follows the references):",
            "1. The Event Grid resource provider registered; the resource group created or found.",
            "2. The group's partner configuration, with Auth0 authorized to create a partner topic in it.",
            "   A group that already has one (another partner's): import it first, with",
            "   terraform import azapi_resource.partner_configuration <its id>.",
            "3. The Auth0 log stream of type eventgrid: Auth0 creates the partner topic and names it in the",
            "   stream's sink.",
            "4. The partner topic activated. This must happen within 7 days of the topic's creation, or Azure",
            "   deletes the topic: apply in one go.",
            "5. The event subscription on the partner topic, delivering to the destination.",
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

fn settings(out: &mut String) {
    let _ = write!(
        out,
        r#"terraform {{
  required_version = ">= 1.11.0"
  required_providers {{
    auth0 = {{
      source  = "auth0/auth0"
      version = "{AUTH0_PROVIDER}"
    }}
    azapi = {{
      source  = "Azure/azapi"
      version = "{AZAPI_PROVIDER}"
    }}
    azurerm = {{
      source  = "hashicorp/azurerm"
      version = "{AZURERM_PROVIDER}"
    }}
  }}
}}

provider "auth0" {{
  domain = var.auth0_domain
}}

provider "azapi" {{
  subscription_id = var.subscription_id
}}

provider "azurerm" {{
  features {{}}
  subscription_id = var.subscription_id
}}

"#
    );
}

fn variable(
    out: &mut String,
    name: &str,
    description: &str,
    default: Option<&str>,
    sensitive: bool,
) {
    let _ = writeln!(out, "variable \"{name}\" {{");
    let _ = writeln!(out, "  description = {}", quote(description));
    out.push_str("  type        = string\n");
    if let Some(default) = default {
        let _ = writeln!(out, "  default     = {}", quote(default));
    }
    if sensitive {
        out.push_str("  sensitive   = true\n");
    }
    out.push_str("}\n\n");
}

fn variables(out: &mut String, setup: &Prepared<'_>) {
    let inputs = setup.inputs;
    variable(
        out,
        "auth0_domain",
        "The Auth0 tenant's domain (or its custom domain).",
        Some(&inputs.auth0_domain),
        false,
    );
    variable(
        out,
        "subscription_id",
        "The Azure subscription that receives Auth0's partner topic.",
        Some(&inputs.subscription_id),
        false,
    );
    variable(
        out,
        "resource_group",
        "The resource group of the partner topic.",
        Some(&inputs.resource_group),
        false,
    );
    variable(
        out,
        "region",
        "The Azure region of the partner topic, from Auth0's list.",
        Some(&inputs.region),
        false,
    );
    let destination = &inputs.destination;
    if destination.kind == DestinationKind::Webhook {
        // Without its key the URL is no secret, but one given with its key is: the variable is sensitive.
        let default = (!setup.webhook_key_left_out)
            .then_some(setup.webhook_base())
            .flatten();
        variable(
            out,
            "webhook_url",
            "The webhook's https address, with its key (query string) if it has one. Sensitive.",
            default,
            true,
        );
    } else {
        variable(
            out,
            "destination_resource_id",
            "The Azure resource id of the destination.",
            destination.resource_id.as_deref(),
            false,
        );
    }
    if let Some(dead_letter) = &inputs.dead_letter {
        variable(
            out,
            "dead_letter_storage_account_id",
            "The storage account that receives undeliverable events.",
            Some(&dead_letter.storage_account_id),
            false,
        );
    }
}

fn resource_group(out: &mut String, inputs: &SetupInputs) {
    if inputs.create_resource_group {
        out.push_str(
            r#"resource "azurerm_resource_group" "setup" {
  name     = var.resource_group
  location = var.region
}

"#,
        );
    } else {
        out.push_str(
            r#"data "azurerm_resource_group" "setup" {
  name = var.resource_group
}

"#,
        );
    }
    let source = if inputs.create_resource_group {
        "azurerm_resource_group.setup.id"
    } else {
        "data.azurerm_resource_group.setup.id"
    };
    let _ = write!(
        out,
        r#"locals {{
  resource_group_id = {source}
  # Auth0 names the partner topic it creates in the log stream's sink: read back, never guessed.
  partner_topic_id = "${{local.resource_group_id}}/providers/Microsoft.EventGrid/partnerTopics/${{auth0_log_stream.eventgrid.sink[0].azure_partner_topic}}"
}}

# Registering is idempotent: a registered provider stays registered.
resource "azapi_resource_action" "register_event_grid" {{
  type        = "Microsoft.Resources/providers@2021-04-01"
  resource_id = "/subscriptions/${{var.subscription_id}}/providers/Microsoft.EventGrid"
  action      = "register"
  method      = "POST"
}}

"#
    );
}

fn partner_authorization(out: &mut String, inputs: &SetupInputs) {
    let _ = write!(
        out,
        r#"# Every resource group has at most one partner configuration, named "default".
resource "azapi_resource" "partner_configuration" {{
  type      = "Microsoft.EventGrid/partnerConfigurations@{EVENT_GRID_API}"
  name      = "default"
  parent_id = local.resource_group_id
  location  = "global"
  body = {{
    properties = {{
      partnerAuthorization = {{
        defaultMaximumExpirationTimeInDays = {days}
      }}
    }}
  }}
  depends_on = [azapi_resource_action.register_event_grid]
}}

# Auth0 authorized for the configuration's maximum ({days} days, no expiry given), every other partner kept.
resource "azapi_resource_action" "authorize_auth0" {{
  type        = "Microsoft.EventGrid/partnerConfigurations@{EVENT_GRID_API}"
  resource_id = azapi_resource.partner_configuration.id
  action      = "authorizePartner"
  method      = "POST"
  body = {{
    partnerRegistrationImmutableId = "{AUTH0_PARTNER_IMMUTABLE_ID}"
    partnerName                    = "Auth0"
  }}
}}

"#,
        days = inputs.authorization_days
    );
}

fn log_stream(out: &mut String, inputs: &SetupInputs) {
    out.push_str("resource \"auth0_log_stream\" \"eventgrid\" {\n");
    let _ = writeln!(out, "  name = {}", quote(&inputs.stream_name));
    out.push_str("  type = \"eventgrid\"\n");
    if !inputs.event_categories.is_empty() {
        out.push_str("  filters = [\n");
        for category in &inputs.event_categories {
            let _ = writeln!(
                out,
                "    {{ type = \"category\", name = {} }},",
                quote(category)
            );
        }
        out.push_str("  ]\n");
    }
    if let Some(start_from) = &inputs.start_from {
        let _ = writeln!(out, "  start_from = {}", quote(start_from));
    }
    if let Some(pii) = &inputs.pii {
        out.push_str("  pii_config {\n");
        let _ = writeln!(out, "    log_fields = {}", list(&pii.log_fields));
        let _ = writeln!(out, "    method     = {}", quote(&pii.method));
        if pii.method == "hash" {
            out.push_str("    algorithm  = \"xxhash\"\n");
        }
        out.push_str("  }\n");
    }
    out.push_str(
        r#"  sink {
    azure_subscription_id = var.subscription_id
    azure_region          = var.region
    azure_resource_group  = var.resource_group
  }
  depends_on = [azapi_resource_action.authorize_auth0]
}

"#,
    );
}

fn activation(out: &mut String) {
    let _ = write!(
        out,
        r#"# Auth0 creates the topic moments after the stream: the action is retried while Azure does not know it yet.
resource "azapi_resource_action" "activate_topic" {{
  type        = "Microsoft.EventGrid/partnerTopics@{EVENT_GRID_API}"
  resource_id = local.partner_topic_id
  action      = "activate"
  method      = "POST"
  retry = {{
    error_message_regex = ["ResourceNotFound", "NotFound"]
  }}
}}

"#
    );
}

fn event_subscription(out: &mut String, inputs: &SetupInputs) {
    let d = &inputs.destination;
    let webhook = d.kind == DestinationKind::Webhook;
    let _ = write!(
        out,
        r#"resource "azapi_resource" "event_subscription" {{
  type      = "Microsoft.EventGrid/partnerTopics/eventSubscriptions@{EVENT_GRID_API}"
  name      = {name}
  parent_id = local.partner_topic_id
  body = {{
    properties = {{
      destination = {{
        endpointType = "{endpoint_type}"
        properties = {{
"#,
        name = quote(&inputs.event_subscription_name),
        endpoint_type = d.kind.endpoint_type(),
    );
    if !webhook {
        out.push_str("          resourceId = var.destination_resource_id\n");
    }
    if let Some(queue) = &d.queue_name {
        let _ = writeln!(out, "          queueName = {}", quote(queue));
    }
    if let Some(n) = d.max_events_per_batch {
        let _ = writeln!(out, "          maxEventsPerBatch = {n}");
    }
    if let Some(n) = d.preferred_batch_size_in_kilobytes {
        let _ = writeln!(out, "          preferredBatchSizeInKilobytes = {n}");
    }
    out.push_str("        }\n      }\n");
    out.push_str("      eventDeliverySchema = \"CloudEventSchemaV1_0\"\n");
    if !inputs.log_codes.is_empty() {
        let _ = write!(
            out,
            r#"      filter = {{
        advancedFilters = [
          {{
            operatorType = "StringIn"
            key          = "data.type"
            values       = {codes}
          }},
        ]
      }}
"#,
            codes = list(&inputs.log_codes)
        );
    }
    let _ = write!(
        out,
        r#"      retryPolicy = {{
        maxDeliveryAttempts      = {attempts}
        eventTimeToLiveInMinutes = {ttl}
      }}
"#,
        attempts = inputs.retry.max_delivery_attempts,
        ttl = inputs.retry.event_time_to_live_in_minutes
    );
    if let Some(dead_letter) = &inputs.dead_letter {
        let _ = write!(
            out,
            r#"      deadLetterDestination = {{
        endpointType = "StorageBlob"
        properties = {{
          resourceId        = var.dead_letter_storage_account_id
          blobContainerName = {container}
        }}
      }}
"#,
            container = quote(&dead_letter.container_name)
        );
    }
    out.push_str("    }\n  }\n");
    if webhook {
        out.push_str(
            r#"  # Write-only: the URL and its key reach Azure but neither the plan nor the state.
  sensitive_body = {
    properties = {
      destination = {
        properties = {
          endpointUrl = var.webhook_url
        }
      }
    }
  }
"#,
        );
    }
    out.push_str("  depends_on = [azapi_resource_action.activate_topic]\n}\n\n");
}

fn outputs(out: &mut String) {
    out.push_str(
        r#"output "log_stream_id" {
  value = auth0_log_stream.eventgrid.id
}

output "partner_topic_id" {
  value = local.partner_topic_id
}
"#,
    );
}

/// An HCL string literal: quotes and backslashes escaped, and `${` / `%{` kept literal.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_for_hcl() {
        assert_eq!(quote(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(quote("${var.x} %{if}"), r#""$${var.x} %%{if}""#);
        assert_eq!(quote("line\nnext"), r#""line\nnext""#);
    }
}
