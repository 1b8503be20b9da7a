//! Resource Manager and service-principal sign-in: tokens, api-version checks, error envelope and headers,
//! tenants, subscriptions, provider registration, resource groups, role checks.

use std::time::Duration;

use cloud_sandbox::{FaultKind, FaultRule, Faults, SandboxConfig};
use reqwest::Method;
use serde_json::json;

use crate::common::{EG, RM, json_of, start, start_with};

#[tokio::test]
async fn client_credentials_token_and_its_errors() {
    let env = start().await;
    let info = env.info().clone();
    let token = env.azure_token().await;
    assert_eq!(token.split('.').count(), 3);
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        info.azure_authority, info.azure_tenant_id
    );
    let (status, body) = json_of(
        env.http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &info.azure_client_id),
                ("client_secret", "wrong"),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000215")
    );
    let (status, body) = json_of(
        env.http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &info.azure_client_id),
                ("client_secret", &info.azure_client_secret),
                ("scope", "https://management.azure.com"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_scope");
    let other = format!("{}/not-a-tenant/oauth2/v2.0/token", info.azure_authority);
    let (status, body) = json_of(
        env.http
            .post(&other)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("AADSTS90002")
    );
}

#[tokio::test]
async fn arm_errors_use_the_envelope_and_request_ids() {
    let env = start().await;
    let r = env
        .arm(
            Method::GET,
            "/subscriptions?api-version=2022-12-01",
            "garbage",
            None,
        )
        .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("x-ms-request-id"));
    assert!(r.headers().contains_key("x-ms-correlation-request-id"));
    let (_, body) = json_of(r).await;
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    let r = env
        .http
        .get(format!(
            "{}/subscriptions?api-version=2022-12-01",
            env.info().azure_management
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (401, Some("AuthenticationFailed"))
    );

    let token = env.azure_token().await;
    let (status, body) = json_of(env.arm(Method::GET, "/subscriptions", &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("MissingApiVersionParameter"))
    );
    let (status, body) = json_of(
        env.arm(
            Method::GET,
            "/subscriptions?api-version=1999-01-01",
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("InvalidApiVersionParameter"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2022-12-01")
    );
}

#[tokio::test]
async fn tenants_and_subscriptions() {
    let env = start().await;
    let token = env.azure_token().await;
    let (status, body) = json_of(
        env.arm(Method::GET, "/tenants?api-version=2022-12-01", &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["value"][0]["tenantId"], env.info().azure_tenant_id);
    let (status, body) = env.subscriptions(&token).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["value"][0]["subscriptionId"],
        env.info().subscription_id
    );
    assert_eq!(body["value"][0]["state"], "Enabled");
    let missing =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups?api-version=2025-04-01";
    let (status, body) = json_of(env.arm(Method::GET, missing, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("SubscriptionNotFound"))
    );
}

#[tokio::test]
async fn provider_registration_takes_a_while_and_gates_event_grid() {
    let env =
        start_with(SandboxConfig::for_tests().with_registration_delay(Duration::from_secs(30)))
            .await;
    let token = env.azure_token().await;
    let provider = format!("{}/providers/Microsoft.EventGrid?{RM}", env.sub_path());
    let (_, body) = json_of(env.arm(Method::GET, &provider, &token, None).await).await;
    assert_eq!(body["registrationState"], "NotRegistered");
    assert!(body["resourceTypes"].as_array().unwrap().iter().any(|t| {
        t["resourceType"] == "partnerTopics"
            && t["locations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "West Europe")
    }));
    let topics = format!(
        "{}/providers/Microsoft.EventGrid/partnerTopics?{EG}",
        env.sub_path()
    );
    let (status, body) = json_of(env.arm(Method::GET, &topics, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("MissingSubscriptionRegistration"))
    );

    let register = env.register_path();
    let (status, body) = json_of(env.arm(Method::POST, &register, &token, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["registrationState"], "Registering");
    let (_, body) = json_of(env.arm(Method::GET, &provider, &token, None).await).await;
    assert_eq!(body["registrationState"], "Registering");
    env.sandbox.handle().advance(Duration::from_secs(31));
    let (_, body) = json_of(env.arm(Method::GET, &provider, &token, None).await).await;
    assert_eq!(body["registrationState"], "Registered");
    let (status, _) = json_of(env.arm(Method::GET, &topics, &token, None).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn resource_groups_create_read_head() {
    let env = start().await;
    let token = env.azure_token().await;
    let group = format!("{}?{RM}", env.group_path("auth0-logs"));
    let (status, body) = json_of(env.arm(Method::GET, &group, &token, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (404, Some("ResourceGroupNotFound"))
    );
    assert_eq!(
        env.arm(Method::HEAD, &group, &token, None).await.status(),
        404
    );
    let (status, body) = json_of(
        env.arm(
            Method::PUT,
            &group,
            &token,
            Some(json!({"location": "westeurope"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(body["name"], "auth0-logs");
    let (status, _) = json_of(
        env.arm(
            Method::PUT,
            &group,
            &token,
            Some(json!({"location": "westeurope"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        env.arm(Method::HEAD, &group, &token, None).await.status(),
        204
    );
    let upper = format!(
        "{}?{RM}",
        env.group_path("AUTH0-LOGS")
            .replace("resourceGroups", "RESOURCEGROUPS")
    );
    assert_eq!(
        env.arm(Method::GET, &upper, &token, None).await.status(),
        200,
        "ARM paths ignore case"
    );
    let (status, body) = json_of(env.arm(Method::PUT, &group, &token, Some(json!({}))).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (400, Some("LocationRequired"))
    );
    let (_, body) = json_of(
        env.arm(
            Method::GET,
            &format!("{}/resourcegroups?{RM}", env.sub_path()),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reader_gets_authorization_failed_on_writes_but_can_read() {
    let env = start().await;
    let info = env.info().clone();
    let reader = env
        .azure_token_for(
            &info.azure_reader_client_id,
            &info.azure_reader_client_secret,
        )
        .await;
    let (status, _) = env.subscriptions(&reader).await;
    assert_eq!(status, 200);
    let register = env.register_path();
    let (status, body) = json_of(env.arm(Method::POST, &register, &reader, None).await).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Microsoft.EventGrid/register/action")
    );
    let group = format!("{}?{RM}", env.group_path("rg"));
    let (status, body) = json_of(
        env.arm(
            Method::PUT,
            &group,
            &reader,
            Some(json!({"location": "eastus"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
}

#[tokio::test]
async fn lists_page_with_next_link() {
    let env = start().await;
    let token = env.azure_token().await;
    for name in ["a", "b", "c"] {
        env.arm(
            Method::PUT,
            &format!("{}?{RM}", env.group_path(name)),
            &token,
            Some(json!({"location": "eastus"})),
        )
        .await;
    }
    let (_, first) = json_of(
        env.arm(
            Method::GET,
            &format!("{}/resourcegroups?{RM}&$top=2", env.sub_path()),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(first["value"].as_array().unwrap().len(), 2);
    let next = first["nextLink"].as_str().unwrap();
    assert!(next.starts_with(&env.info().azure_management));
    let r = env.http.get(next).bearer_auth(&token).send().await.unwrap();
    let (_, second) = json_of(r).await;
    assert_eq!(second["value"].as_array().unwrap().len(), 1);
    assert!(second.get("nextLink").is_none());
    let (_, all) = json_of(
        env.arm(
            Method::GET,
            &format!("{}/resourcegroups?{RM}", env.sub_path()),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(all["value"].as_array().unwrap().len(), 3);
    assert!(all.get("nextLink").is_none());
}

#[tokio::test]
async fn unknown_routes_answer_in_each_hosts_shape() {
    let env = start().await;
    let token = env.azure_token().await;
    let (status, body) = json_of(
        env.arm(
            Method::GET,
            "/providers/Microsoft.Nothing/things?api-version=2025-04-01",
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert!(body["error"]["code"].is_string());
    let r = env
        .http
        .get(format!("{}/api/v2/users", env.info().auth0_domain))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(
        (status.as_u16(), body["statusCode"].as_u64()),
        (404, Some(404))
    );
}

#[tokio::test]
async fn a_client_correlation_id_is_echoed() {
    let env = start().await;
    let token = env.azure_token().await;
    let r = env
        .http
        .get(format!(
            "{}/subscriptions?api-version=2022-12-01",
            env.info().azure_management
        ))
        .bearer_auth(&token)
        .header(
            "x-ms-correlation-request-id",
            "11111111-2222-3333-4444-555555555555",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["x-ms-correlation-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert!(r.headers().contains_key("x-ms-request-id"));
}

#[tokio::test]
async fn extra_seeds_exist() {
    let mut config = SandboxConfig::for_tests().with_user(cloud_sandbox::SeedUser {
        name: "bob@sandbox.test".into(),
        password: "pw-bob".into(),
        azure_role: "Reader".into(),
    });
    config
        .extra_subscriptions
        .push("Second subscription".into());
    config
        .extra_resource_groups
        .push(("existing-rg".into(), "northeurope".into()));
    let env = start_with(config).await;
    assert!(
        env.info()
            .users
            .iter()
            .any(|u| u.name == "bob@sandbox.test" && u.azure_role == "Reader")
    );
    let token = env.azure_token().await;
    let (_, subs) = env.subscriptions(&token).await;
    assert_eq!(subs["value"].as_array().unwrap().len(), 2);
    let (status, group) = json_of(
        env.arm(
            Method::GET,
            &format!("{}?{RM}", env.group_path("existing-rg")),
            &token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), group["location"].as_str()),
        (200, Some("northeurope"))
    );
}

/// A dropped connection ends with no answer at all: unhandled, the write never happened; handled, it did
/// and is logged, only its answer lost. A 429 without `Retry-After` says nothing about how long to wait.
#[tokio::test]
async fn dropped_connections_and_bare_429s() {
    let env = start().await;
    let token = env.azure_token().await;
    let handle = env.sandbox.handle();
    let group = |name: &str| format!("{}?{RM}", env.group_path(name));
    let put = |name: &str| {
        env.http
            .put(format!("{}{}", env.info().azure_management, group(name)))
            .bearer_auth(&token)
            .json(&json!({"location": "westeurope"}))
            .send()
    };
    for handled in [false, true] {
        handle.set_faults(Faults {
            rules: vec![
                FaultRule::new(FaultKind::DropConnection {
                    handled,
                    delay_millis: 0,
                })
                .on_writes()
                .times(1),
            ],
            ..Faults::default()
        });
        let name = format!("dropped-{handled}");
        let before = handle.requests().len();
        let error = put(&name).await.expect_err("no answer at all");
        assert!(!error.is_connect(), "the connection was open: {error:?}");
        let (status, _) = json_of(env.arm(Method::GET, &group(&name), &token, None).await).await;
        assert_eq!(
            status.as_u16(),
            if handled { 200 } else { 404 },
            "handled: {handled}"
        );
        let logged: Vec<_> = handle.requests()[before..]
            .iter()
            .filter(|r| r.method == "PUT")
            .map(|r| r.status)
            .collect();
        assert_eq!(
            logged,
            if handled { vec![201] } else { vec![] },
            "handled: {handled}"
        );
        assert_eq!(handle.faults().rules[0].fired, 1);
    }
    handle.set_faults(Faults {
        rules: vec![FaultRule::new(FaultKind::TooManyRequestsWithoutRetryAfter).times(1)],
        ..Faults::default()
    });
    let answer = put("throttled").await.unwrap();
    assert_eq!(answer.status(), 429);
    assert!(
        answer.headers().get("retry-after").is_none(),
        "{:?}",
        answer.headers()
    );
}
