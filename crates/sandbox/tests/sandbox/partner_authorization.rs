//! The partner configuration's authorization limit: an authorization beyond
//! `defaultMaximumExpirationTimeInDays` (7 when absent) of Azure's now is refused with Azure's error shape;
//! a PATCH raises the maximum and keeps every authorized partner; answers carry Azure's `Date`.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::common::{EG, RM, json_of, start};

const AUTH0: &str = "804a11ca-ce9b-4158-8e94-3c8dc7a072ec";
const OTHER: &str = "5c9a8d6a-0c7e-4a4b-9f61-3f0a8b5fe8c1";

fn days_from(now: OffsetDateTime, days: i64) -> String {
    (now + time::Duration::days(days)).format(&Rfc3339).unwrap()
}

#[tokio::test]
async fn arm_answers_are_dated_by_azure_s_clock() {
    let env = start().await;
    let azure = env.azure_token().await;
    let date_of = |r: &reqwest::Response| {
        let text = r.headers()["date"].to_str().unwrap().to_owned();
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        time::PrimitiveDateTime::parse(&text, &format)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .assume_utc()
    };
    let path = format!("{}?api-version=2022-12-01", env.sub_path());
    let before = date_of(&env.arm(Method::GET, &path, &azure, None).await);
    let sandbox_now = env.sandbox.handle().clock().now();
    assert!(
        (sandbox_now - before).abs() < time::Duration::seconds(1),
        "{before} vs {sandbox_now}"
    );
    env.sandbox.handle().advance(Duration::from_secs(86_400));
    let azure = env.azure_token().await;
    let later = date_of(&env.arm(Method::GET, &path, &azure, None).await);
    assert_eq!(
        (later - before).whole_hours(),
        24,
        "the sandbox's clock, not the machine's"
    );
    let error = env
        .arm(
            Method::GET,
            "/subscriptions/nope/resourcegroups?api-version=2025-04-01",
            &azure,
            None,
        )
        .await;
    assert!(error.headers().contains_key("date"), "errors are dated too");
}

#[tokio::test]
async fn an_authorization_beyond_the_maximum_is_refused_until_a_patch_raises_it() {
    let env = start().await;
    let azure = env.azure_token().await;
    env.register_event_grid(&azure).await;
    env.create_group(&azure, "rg", "westeurope").await;
    let config = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default")
    );
    let authorize = format!(
        "{}?{EG}",
        env.eg_path("rg", "partnerConfigurations/default/authorizePartner")
    );
    let now = env.sandbox.handle().clock().now();

    // Someone else's configuration: another partner, no maximum given (so 7 days).
    let (status, _) = json_of(
        env.arm(
            Method::PUT,
            &config,
            &azure,
            Some(json!({"location": "global", "properties": {"partnerAuthorization": {
                "authorizedPartnersList": [{"partnerRegistrationImmutableId": OTHER, "partnerName": "SAP",
                    "authorizationExpirationTimeInUtc": days_from(now, 5)}]}}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = json_of(
        env.arm(
            Method::PUT,
            &config,
            &azure,
            Some(
                json!({"location": "global", "properties": {"partnerAuthorization": {
                "authorizedPartnersList": [{"partnerRegistrationImmutableId": OTHER,
                    "authorizationExpirationTimeInUtc": days_from(now, 8)}]}}}),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "a PUT is held to the same maximum: {body}");

    let auth0_for = |days: i64| {
        json!({"partnerRegistrationImmutableId": AUTH0, "partnerName": "Auth0",
               "authorizationExpirationTimeInUtc": days_from(now, days)})
    };
    let (status, body) = json_of(
        env.arm(Method::POST, &authorize, &azure, Some(auth0_for(30)))
            .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "BadRequest");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("defaultMaximumExpirationTimeInDays is 7"),
        "{body}"
    );
    let (status, _) = json_of(
        env.arm(Method::POST, &authorize, &azure, Some(auth0_for(7)))
            .await,
    )
    .await;
    assert_eq!(status, 200, "exactly the maximum is allowed");

    // The PATCH body (PartnerConfigurationUpdateParameters) has no partner list: every partner stays.
    let (status, body) = json_of(
        env.arm(
            Method::PATCH,
            &config,
            &azure,
            Some(json!({"properties": {"defaultMaximumExpirationTimeInDays": 30}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let authorization = &body["properties"]["partnerAuthorization"];
    assert_eq!(authorization["defaultMaximumExpirationTimeInDays"], 30);
    let partners: Vec<&str> = authorization["authorizedPartnersList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partnerRegistrationImmutableId"].as_str().unwrap())
        .collect();
    assert_eq!(partners, vec![OTHER, AUTH0]);
    let (status, body) = json_of(
        env.arm(Method::POST, &authorize, &azure, Some(auth0_for(30)))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    for bad in [json!(0), json!(366), json!("thirty")] {
        let (status, _) = json_of(
            env.arm(
                Method::PATCH,
                &config,
                &azure,
                Some(json!({"properties": {"defaultMaximumExpirationTimeInDays": bad}})),
            )
            .await,
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
    let elsewhere = format!(
        "{}?{EG}",
        env.eg_path("other-rg", "partnerConfigurations/default")
    );
    env.arm(
        Method::PUT,
        &format!("{}?{RM}", env.group_path("other-rg")),
        &azure,
        Some(json!({"location": "westeurope"})),
    )
    .await;
    let (status, _) = json_of(
        env.arm(
            Method::PATCH,
            &elsewhere,
            &azure,
            Some(json!({"properties": {"defaultMaximumExpirationTimeInDays": 30}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "nothing to update");
    let reader = env
        .azure_token_for(
            &env.info().azure_reader_client_id.clone(),
            &env.info().azure_reader_client_secret.clone(),
        )
        .await;
    let (status, body) = json_of(
        env.arm(
            Method::PATCH,
            &config,
            &reader,
            Some(json!({"properties": {"defaultMaximumExpirationTimeInDays": 60}})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
}
