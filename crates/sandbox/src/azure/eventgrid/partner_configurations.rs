//! Partner configurations: authorizing Auth0 in a resource group (with expiry held to the configuration's
//! maximum, which a PATCH raises) and the verified-partner list.

use super::scope::{DAY_MS, bad_request, canonical_group, method_not_allowed, not_found};
use super::wire::configuration_json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::azure::request::{Ctx, EVENTGRID_API, group_scope, json};
use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::http_util::arm_error;
use crate::state::{AUTH0_PARTNER_ID, AuthorizedPartner, PartnerConfiguration, World};

pub fn verified_partners(ctx: &Ctx, name: Option<&str>) -> Result<Response, Response> {
    ctx.api_version(EVENTGRID_API, "verifiedPartners")?;
    let partners = [
        (
            "Auth0",
            AUTH0_PARTNER_ID,
            "Auth0",
            "Auth0 log streams deliver tenant logs as CloudEvents.",
        ),
        (
            "SAP",
            "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1",
            "SAP",
            "SAP S/4HANA business events.",
        ),
    ];
    let as_json = |(name, id, org, description): (&str, &str, &str, &str)| {
        json!({
            "id": format!("/providers/Microsoft.EventGrid/verifiedPartners/{name}"),
            "name": name,
            "type": "Microsoft.EventGrid/verifiedPartners",
            "properties": {
                "partnerRegistrationImmutableId": id,
                "organizationName": org,
                "partnerDisplayName": org,
                "partnerTopicDetails": {"description": description, "longDescription": description,
                    "setupUri": "https://marketplace.auth0.com/integrations/azure-log-streaming"},
                "provisioningState": "Succeeded",
            },
        })
    };
    match name {
        None => Ok(json(
            StatusCode::OK,
            json!({"value": partners.into_iter().map(as_json).collect::<Vec<_>>()}),
        )),
        Some(name) => partners
            .into_iter()
            .find(|p| p.0.eq_ignore_ascii_case(name))
            .map(|p| json(StatusCode::OK, as_json(p)))
            .ok_or_else(|| {
                arm_error(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    &format!("The verified partner '{name}' was not found."),
                )
            }),
    }
}

// ---- partner configurations ----

pub(super) fn find_configuration<'w>(
    world: &'w mut World,
    sub: &str,
    rg: &str,
) -> Option<&'w mut PartnerConfiguration> {
    world.azure.partner_configurations.iter_mut().find(|c| {
        c.subscription_id.eq_ignore_ascii_case(sub) && c.resource_group.eq_ignore_ascii_case(rg)
    })
}

pub(super) fn list_configurations(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let mut world = ctx.shared.world();
    let value: Vec<Value> = find_configuration(&mut world, sub, rg)
        .map(|c| vec![configuration_json(c)])
        .unwrap_or_default();
    Ok(json(StatusCode::OK, json!({"value": value})))
}

/// Reads one authorized partner entry, applying the expiry rules (1 to 365 days ahead, default from the
/// configuration).
pub(super) fn parse_partner(
    entry: &Value,
    now: i64,
    default_days: u32,
) -> Result<AuthorizedPartner, Response> {
    let id = entry["partnerRegistrationImmutableId"]
        .as_str()
        .unwrap_or("");
    let name = entry["partnerName"].as_str().unwrap_or("");
    if id.is_empty() && name.is_empty() {
        return Err(bad_request(
            "Either partnerRegistrationImmutableId or partnerName must be specified for an authorized partner.",
        ));
    }
    if !id.is_empty() && !crate::tokens::is_guid(id) {
        return Err(bad_request(&format!(
            "partnerRegistrationImmutableId '{id}' is not a valid GUID."
        )));
    }
    let expires_ms = match entry["authorizationExpirationTimeInUtc"].as_str() {
        Some(text) => parse_rfc3339_ms(text).ok_or_else(|| {
            bad_request(&format!(
                "authorizationExpirationTimeInUtc '{text}' is not a valid ISO 8601 date-time."
            ))
        })?,
        None => now + default_days as i64 * DAY_MS,
    };
    if expires_ms <= now {
        return Err(bad_request(
            "authorizationExpirationTimeInUtc must be in the future.",
        ));
    }
    if expires_ms > now + 365 * DAY_MS + 60_000 {
        return Err(bad_request(
            "authorizationExpirationTimeInUtc cannot be more than 365 days in the future.",
        ));
    }
    // EventGrid.json (Partner.authorizationExpirationTimeInUtc): "the allowed values are between 1 to the
    // value of defaultMaximumExpirationTimeInDays specified in PartnerConfiguration", measured on Azure's
    // clock (the `Date` of its answers).
    if expires_ms > now + default_days as i64 * DAY_MS {
        return Err(bad_request(&format!(
            "authorizationExpirationTimeInUtc '{}' is more than {default_days} day(s) from now ({}): the partner configuration's defaultMaximumExpirationTimeInDays is {default_days}. Raise it (PATCH the partner configuration) or choose an earlier time.",
            rfc3339_ms(expires_ms),
            rfc3339_ms(now)
        )));
    }
    let (id, name) = match (id, name) {
        ("", n) if n.eq_ignore_ascii_case("Auth0") => {
            (AUTH0_PARTNER_ID.to_owned(), "Auth0".to_owned())
        }
        (i, "") if i.eq_ignore_ascii_case(AUTH0_PARTNER_ID) => {
            (AUTH0_PARTNER_ID.to_owned(), "Auth0".to_owned())
        }
        (i, n) => (i.to_ascii_lowercase(), n.to_owned()),
    };
    Ok(AuthorizedPartner {
        partner_registration_immutable_id: id,
        partner_name: name,
        expires_ms,
    })
}

/// The partner a body names: its registration id (lowercase), else its name.
fn partner_key(entry: &Value) -> Result<(String, String), Response> {
    let id = entry["partnerRegistrationImmutableId"]
        .as_str()
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = entry["partnerName"].as_str().unwrap_or("").to_owned();
    if id.is_empty() && name.is_empty() {
        return Err(bad_request(
            "Either partnerRegistrationImmutableId or partnerName must be specified for an authorized partner.",
        ));
    }
    Ok((id, name))
}

pub(super) fn configuration(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let scope = format!(
        "{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
        group_scope(sub, rg)
    );
    match ctx.method {
        Method::GET => {
            let mut world = ctx.shared.world();
            match find_configuration(&mut world, sub, rg) {
                Some(c) => Ok(json(StatusCode::OK, configuration_json(c))),
                None => Err(not_found("partnerConfigurations", "default", rg)),
            }
        }
        Method::PUT => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/write", &scope)?;
            let body = ctx.json_body()?;
            let location = body["location"].as_str().unwrap_or("");
            if !location.eq_ignore_ascii_case("global") {
                return Err(bad_request(&format!(
                    "The location '{location}' is not valid for a partner configuration; it must be 'global'."
                )));
            }
            let authorization = &body["properties"]["partnerAuthorization"];
            let days = authorization["defaultMaximumExpirationTimeInDays"]
                .as_u64()
                .unwrap_or(7);
            if !(1..=365).contains(&days) {
                return Err(bad_request(
                    "defaultMaximumExpirationTimeInDays must be between 1 and 365.",
                ));
            }
            let now = ctx.shared.clock.now_ms();
            let mut partners = Vec::new();
            for entry in authorization["authorizedPartnersList"]
                .as_array()
                .into_iter()
                .flatten()
            {
                partners.push(parse_partner(entry, now, days as u32)?);
            }
            let mut world = ctx.shared.world();
            let tags = body.get("tags").cloned().unwrap_or(Value::Null);
            let (status, config) = match find_configuration(&mut world, sub, rg) {
                Some(existing) => {
                    existing.default_maximum_expiration_days = days as u32;
                    existing.authorized = partners;
                    existing.tags = tags;
                    (StatusCode::OK, existing.clone())
                }
                None => {
                    let config = PartnerConfiguration {
                        subscription_id: sub.to_owned(),
                        resource_group: canonical_group(&world, sub, rg),
                        default_maximum_expiration_days: days as u32,
                        authorized: partners,
                        tags,
                    };
                    world.azure.partner_configurations.push(config.clone());
                    (StatusCode::CREATED, config)
                }
            };
            Ok(json(status, configuration_json(&config)))
        }
        Method::PATCH => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/write", &scope)?;
            update_configuration(ctx, sub, rg)
        }
        Method::DELETE => {
            ctx.require_write("Microsoft.EventGrid/partnerConfigurations/delete", &scope)?;
            let mut world = ctx.shared.world();
            let before = world.azure.partner_configurations.len();
            world.azure.partner_configurations.retain(|c| {
                !(c.subscription_id.eq_ignore_ascii_case(sub)
                    && c.resource_group.eq_ignore_ascii_case(rg))
            });
            Ok(if before == world.azure.partner_configurations.len() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                StatusCode::OK.into_response()
            })
        }
        _ => Ok(method_not_allowed(ctx)),
    }
}

/// `PartnerConfigurations_Update`: `PartnerConfigurationUpdateParameters` carries `tags` and
/// `properties.defaultMaximumExpirationTimeInDays` only, so the authorized partners are kept as they are.
/// Answered synchronously (200), which the operation's responses allow.
pub(super) fn update_configuration(ctx: &Ctx, sub: &str, rg: &str) -> Result<Response, Response> {
    let body = ctx.json_body()?;
    let days = &body["properties"]["defaultMaximumExpirationTimeInDays"];
    let days = match days {
        Value::Null => None,
        value => match value.as_u64().filter(|d| (1..=365).contains(d)) {
            Some(d) => Some(d as u32),
            None => {
                return Err(bad_request(
                    "defaultMaximumExpirationTimeInDays must be between 1 and 365.",
                ));
            }
        },
    };
    let mut world = ctx.shared.world();
    let Some(config) = find_configuration(&mut world, sub, rg) else {
        return Err(not_found("partnerConfigurations", "default", rg));
    };
    if let Some(days) = days {
        config.default_maximum_expiration_days = days;
    }
    if let Some(tags) = body.get("tags").filter(|t| !t.is_null()) {
        config.tags = tags.clone();
    }
    Ok(json(StatusCode::OK, configuration_json(config)))
}

pub(super) fn change_authorization(
    ctx: &Ctx,
    sub: &str,
    rg: &str,
    authorize: bool,
) -> Result<Response, Response> {
    if ctx.method != Method::POST {
        return Ok(method_not_allowed(ctx));
    }
    let verb = if authorize {
        "authorizePartner"
    } else {
        "unauthorizePartner"
    };
    ctx.require_write(
        &format!("Microsoft.EventGrid/partnerConfigurations/{verb}/action"),
        &format!(
            "{}/providers/Microsoft.EventGrid/partnerConfigurations/default",
            group_scope(sub, rg)
        ),
    )?;
    let body = ctx.json_body()?;
    let now = ctx.shared.clock.now_ms();
    let mut world = ctx.shared.world();
    if find_configuration(&mut world, sub, rg).is_none() {
        if !authorize {
            return Err(not_found("partnerConfigurations", "default", rg));
        }
        let resource_group = canonical_group(&world, sub, rg);
        world
            .azure
            .partner_configurations
            .push(PartnerConfiguration {
                subscription_id: sub.to_owned(),
                resource_group,
                default_maximum_expiration_days: 7,
                authorized: Vec::new(),
                tags: Value::Null,
            });
    }
    let config = find_configuration(&mut world, sub, rg).expect("just ensured");
    if !authorize {
        // `PartnerConfigurations_UnauthorizePartner` names the partner "either by partner registration
        // immutable Id or by partner name"; its own example sends an expiry in the past, so none is checked.
        let (id, name) = partner_key(&body)?;
        config.authorized.retain(|p| {
            let same_id = !id.is_empty()
                && p.partner_registration_immutable_id
                    .eq_ignore_ascii_case(&id);
            let same_name = id.is_empty() && p.partner_name.eq_ignore_ascii_case(&name);
            !(same_id || same_name)
        });
        return Ok(json(StatusCode::OK, configuration_json(config)));
    }
    let partner = parse_partner(&body, now, config.default_maximum_expiration_days)?;
    config.authorized.retain(|p| {
        !p.partner_registration_immutable_id
            .eq_ignore_ascii_case(&partner.partner_registration_immutable_id)
    });
    config.authorized.push(partner);
    Ok(json(StatusCode::OK, configuration_json(config)))
}
