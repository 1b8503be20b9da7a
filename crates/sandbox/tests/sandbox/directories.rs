//! The second Azure directory ("Fabrikam Partners"): the seeded users are its guests, service principals are
//! not; user flows accept its id or domain, a refresh token moves between a user's directories, and Resource
//! Manager keeps each directory's subscriptions to tokens of that directory.

use std::time::Duration;

use cloud_sandbox::{GuestDirectoryInfo, SandboxConfig, SeedUser};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{Env, json_of, start, start_with};
use crate::identity::{VERIFIER, challenge, claims, query_of, with_query};

const CLIENT: &str = "desktop-app";
const SCOPE: &str = "https://management.azure.com/.default offline_access openid";
const SUBSCRIPTIONS: &str = "/subscriptions?api-version=2022-12-01";
const TENANTS: &str = "/tenants?api-version=2022-12-01";

fn guest(env: &Env) -> GuestDirectoryInfo {
    env.info()
        .azure_guest_directory
        .clone()
        .expect("the guest directory is seeded by default")
}

fn user(env: &Env, index: usize) -> (String, String) {
    let user = &env.info().users[index];
    (user.name.clone(), user.password.clone())
}

/// Submits the authorize form of `tenant` (id, domain or `organizations`) as `name`.
async fn authorize(env: &Env, tenant: &str, name: &str, password: &str) -> reqwest::Response {
    let base = format!(
        "{}/{tenant}/oauth2/v2.0/authorize",
        env.info().azure_authority
    );
    let challenge = challenge();
    let mut form = vec![
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", "http://localhost:50123"),
        ("scope", SCOPE),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let page = env.http.get(with_query(&base, &form)).send().await.unwrap();
    assert_eq!(page.status(), 200, "the sign-in page of {tenant}");
    form.push(("username", name));
    form.push(("password", password));
    env.http.post(&base).form(&form).send().await.unwrap()
}

/// A full browser sign-in at `tenant`: the token answer (access, id and refresh tokens).
async fn sign_in(env: &Env, tenant: &str, index: usize) -> Value {
    let (name, password) = user(env, index);
    let response = authorize(env, tenant, &name, &password).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let code = query_of(response.headers()["location"].to_str().unwrap())["code"].clone();
    let (status, tokens) = json_of(
        env.http
            .post(token_url(env, tenant))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", code.as_str()),
                ("redirect_uri", "http://localhost:50123"),
                ("code_verifier", VERIFIER),
                ("scope", SCOPE),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

fn token_url(env: &Env, tenant: &str) -> String {
    format!("{}/{tenant}/oauth2/v2.0/token", env.info().azure_authority)
}

async fn refresh(env: &Env, tenant: &str, refresh_token: &str) -> (StatusCode, Value) {
    json_of(
        env.http
            .post(token_url(env, tenant))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", refresh_token),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn access(tokens: &Value) -> &str {
    tokens["access_token"].as_str().unwrap()
}

/// The tenant ids and display names `GET /tenants` lists for a token.
async fn tenants(env: &Env, token: &str) -> Vec<(String, String)> {
    listed(env, TENANTS, token, ["tenantId", "displayName"]).await
}

/// The (subscription id, tenant id) pairs `GET /subscriptions` lists for a token.
async fn subscriptions(env: &Env, token: &str) -> Vec<(String, String)> {
    listed(env, SUBSCRIPTIONS, token, ["subscriptionId", "tenantId"]).await
}

/// Two fields of every item a Resource Manager list at `path` answers to `token` with.
async fn listed(env: &Env, path: &str, token: &str, [a, b]: [&str; 2]) -> Vec<(String, String)> {
    let (status, body) = json_of(env.arm(Method::GET, path, token, None).await).await;
    assert_eq!(status, 200, "{body}");
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item[a].as_str().unwrap().to_owned(),
                item[b].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Starts a device-code sign-in at `tenant` (id or domain): Microsoft's answer (codes and the device page).
async fn start_device_code(env: &Env, tenant: &str) -> Value {
    let (status, device) = json_of(
        env.http
            .post(format!(
                "{}/{tenant}/oauth2/v2.0/devicecode",
                env.info().azure_authority
            ))
            .form(&[("client_id", CLIENT), ("scope", SCOPE)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{device}");
    device
}

/// Submits the device page for `device`'s user code as `name`: the page's text.
async fn approve_device_code(env: &Env, device: &Value, name: &str, password: &str) -> String {
    env.http
        .post(device["verification_uri"].as_str().unwrap())
        .form(&[
            ("user_code", device["user_code"].as_str().unwrap()),
            ("username", name),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Asks `tenant`'s token endpoint once for `device`'s tokens.
async fn poll_device_code(env: &Env, tenant: &str, device: &Value) -> (StatusCode, Value) {
    json_of(
        env.http
            .post(token_url(env, tenant))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", CLIENT),
                ("device_code", device["device_code"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_guest_directory_is_seeded_with_the_default_users_as_guests() {
    let env = start().await;
    let directory = guest(&env);
    assert_eq!(directory.display_name, "Fabrikam Partners");
    assert_eq!(directory.domain, "fabrikam-partners.onmicrosoft.com");
    assert_eq!(
        directory.subscription_name,
        "Fabrikam Partners subscription"
    );
    assert_ne!(directory.tenant_id, env.info().azure_tenant_id);
    assert_ne!(directory.subscription_id, env.info().subscription_id);
    let users: Vec<String> = env.info().users.iter().map(|u| u.name.clone()).collect();
    assert_eq!(directory.guests, users);
    let state = env.sandbox.handle().state();
    assert_eq!(
        state["azure"]["guest_directories"][0]["tenant_id"],
        directory.tenant_id.as_str()
    );

    let without = start_with(SandboxConfig {
        guest_directory: false,
        ..SandboxConfig::for_tests()
    })
    .await;
    assert!(without.info().azure_guest_directory.is_none());
    let (status, body) = json_of(
        without
            .http
            .get(format!(
                "{}/{}/v2.0/.well-known/openid-configuration",
                without.info().azure_authority,
                directory.domain
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "no such tenant without the guest directory");
    assert_eq!(body["error_codes"][0], 90002, "{body}");
}

#[tokio::test]
async fn a_guest_signs_in_to_the_guest_directory_by_its_domain_and_sees_only_its_subscription() {
    let env = start().await;
    let directory = guest(&env);
    let tokens = sign_in(&env, &directory.domain, 0).await;
    let token = access(&tokens);
    let claims_of = claims(token);
    assert_eq!(claims_of["tid"], directory.tenant_id.as_str());
    assert_eq!(
        claims_of["iss"],
        format!("https://sts.windows.net/{}/", directory.tenant_id)
    );
    let id_token = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["tid"], directory.tenant_id.as_str());
    let home = sign_in(&env, "organizations", 0).await;
    assert_ne!(
        claims(access(&home))["oid"],
        claims_of["oid"],
        "a guest is another object in the guest directory"
    );

    assert_eq!(
        subscriptions(&env, token).await,
        vec![(
            directory.subscription_id.clone(),
            directory.tenant_id.clone()
        )]
    );
    assert_eq!(
        tenants(&env, token).await,
        vec![
            (
                env.info().azure_tenant_id.clone(),
                "Sandbox Directory".into()
            ),
            (directory.tenant_id.clone(), "Fabrikam Partners".into()),
        ]
    );

    // The home directory's subscription is out of reach with this token, as with real Resource Manager.
    let home_sub = format!("{}/resourcegroups?api-version=2025-04-01", env.sub_path());
    let response = env.arm(Method::GET, &home_sub, token, None).await;
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "InvalidAuthenticationTokenTenant");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "The access token is from the wrong issuer 'https://sts.windows.net/{}/'",
            directory.tenant_id
        )),
        "{message}"
    );
    assert!(
        challenge.contains(&env.info().azure_tenant_id),
        "the challenge names the subscription's directory: {challenge}"
    );
    let (status, _) = json_of(
        env.arm(
            Method::GET,
            &format!("{}?api-version=2022-12-01", env.sub_path()),
            token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 401, "also the subscription itself");
}

#[tokio::test]
async fn a_guest_is_contributor_on_the_guest_subscription_whatever_its_home_role() {
    let env = start().await;
    let directory = guest(&env);
    // Rita is a Reader at home.
    assert_eq!(env.info().users[1].azure_role, "Reader");
    let body = serde_json::json!({"location": "westeurope"});
    let home = sign_in(&env, "organizations", 1).await;
    let (status, _) = json_of(
        env.arm(
            Method::PUT,
            &format!("{}?api-version=2025-04-01", env.group_path("rita-home")),
            access(&home),
            Some(body.clone()),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "Reader at home");

    let guest_tokens = sign_in(&env, &directory.tenant_id, 1).await;
    let group = format!(
        "/subscriptions/{}/resourceGroups/rita-guest?api-version=2025-04-01",
        directory.subscription_id
    );
    let (status, created) = json_of(
        env.arm(Method::PUT, &group, access(&guest_tokens), Some(body))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = json_of(env.arm(Method::GET, &group, access(&home), None).await).await;
    assert_eq!(
        status, 401,
        "a home token cannot read the guest subscription"
    );
}

#[tokio::test]
async fn a_refresh_token_is_redeemed_in_every_directory_of_its_user() {
    let env = start().await;
    let directory = guest(&env);
    let home_tenant = env.info().azure_tenant_id.clone();
    let tokens = sign_in(&env, "organizations", 0).await;
    assert_eq!(claims(access(&tokens))["tid"], home_tenant.as_str());
    assert_eq!(
        subscriptions(&env, access(&tokens)).await,
        vec![(env.info().subscription_id.clone(), home_tenant.clone())],
        "a home token lists only the home directory's subscriptions"
    );
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert!(first.starts_with("sandbox_"), "made up by the sandbox");

    let (status, switched) = refresh(&env, &directory.tenant_id, &first).await;
    assert_eq!(status, 200, "{switched}");
    assert_eq!(
        claims(access(&switched))["tid"],
        directory.tenant_id.as_str()
    );
    assert_eq!(
        subscriptions(&env, access(&switched)).await,
        vec![(
            directory.subscription_id.clone(),
            directory.tenant_id.clone()
        )]
    );
    let (status, _) = refresh(&env, &directory.tenant_id, &first).await;
    assert_eq!(status, 400, "the redeemed refresh token is spent");

    // Back home by domain, and by `organizations`, which means the home directory.
    let second = switched["refresh_token"].as_str().unwrap();
    let (status, back) = refresh(&env, "sandbox.onmicrosoft.com", second).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(claims(access(&back))["tid"], home_tenant.as_str());
    let (status, again) = refresh(
        &env,
        &directory.domain,
        back["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    let (status, organizations) = refresh(
        &env,
        "organizations",
        again["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{organizations}");
    assert_eq!(claims(access(&organizations))["tid"], home_tenant.as_str());
}

#[tokio::test]
async fn the_device_code_flow_signs_a_guest_in_to_the_guest_directory() {
    let env = start().await;
    let directory = guest(&env);
    let device = start_device_code(&env, &directory.domain).await;
    let (name, password) = user(&env, 0);
    let page = approve_device_code(&env, &device, &name, &password).await;
    assert!(page.contains("You have signed in"), "{page}");
    let (status, tokens) = poll_device_code(&env, &directory.domain, &device).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(claims(access(&tokens))["tid"], directory.tenant_id.as_str());
    env.sandbox.handle().advance(Duration::from_secs(5));
}

#[tokio::test]
async fn outsiders_and_service_principals_are_refused_by_the_guest_directory() {
    let env = start_with(SandboxConfig::for_tests().with_user(SeedUser {
        name: "eve@sandbox.test".into(),
        password: "sandbox-eve-1".into(),
        azure_role: "Owner".into(),
    }))
    .await;
    let directory = guest(&env);
    assert!(!directory.guests.contains(&"eve@sandbox.test".to_owned()));

    // The browser sign-in stays on the sign-in page with Entra ID's message.
    let r = authorize(&env, &directory.domain, "eve@sandbox.test", "sandbox-eve-1").await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("AADSTS50020: User account &#39;eve@sandbox.test&#39;")
            && page.contains("does not exist in tenant &#39;Fabrikam Partners&#39;"),
        "{page}"
    );
    assert!(page.contains("<form"), "another account may sign in");

    // Eve's home refresh token is refused by the guest directory and stays usable at home.
    let eve = 2;
    assert_eq!(env.info().users[eve].name, "eve@sandbox.test");
    let tokens = sign_in(&env, "organizations", eve).await;
    let first = tokens["refresh_token"].as_str().unwrap();
    let (status, refused) = refresh(&env, &directory.tenant_id, first).await;
    assert_eq!(
        (status.as_u16(), refused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(refused["error_codes"][0], 50020, "{refused}");
    assert_eq!(
        tenants(&env, access(&tokens)).await.len(),
        1,
        "only her home directory"
    );
    let (status, _) = refresh(&env, "organizations", first).await;
    assert_eq!(status, 200, "a refusal does not spend the refresh token");

    // The device page refuses her for a code started in the guest directory; the code stays pending.
    let device = start_device_code(&env, &directory.tenant_id).await;
    let page = approve_device_code(&env, &device, "eve@sandbox.test", "sandbox-eve-1").await;
    assert!(page.contains("AADSTS50020"), "{page}");
    let (_, pending) = poll_device_code(&env, &directory.tenant_id, &device).await;
    assert_eq!(pending["error"], "authorization_pending");

    // A service principal exists only in its home directory.
    let info = env.info().clone();
    let (status, body) = json_of(
        env.http
            .post(token_url(&env, &directory.domain))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", info.azure_client_id.as_str()),
                ("client_secret", info.azure_client_secret.as_str()),
                ("scope", "https://management.azure.com/.default"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    assert_eq!(body["error_codes"][0], 700016, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("was not found in the directory 'Fabrikam Partners'"),
        "{body}"
    );
    let sp = env.azure_token().await;
    assert_eq!(
        tenants(&env, &sp).await,
        vec![(info.azure_tenant_id.clone(), "Sandbox Directory".into())]
    );
    assert_eq!(
        subscriptions(&env, &sp).await,
        vec![(info.subscription_id.clone(), info.azure_tenant_id.clone())]
    );
    let (status, _) = json_of(
        env.arm(
            Method::GET,
            &format!(
                "/subscriptions/{}/resourcegroups?api-version=2025-04-01",
                directory.subscription_id
            ),
            &sp,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn each_directory_has_destinations_of_its_own() {
    let env = start_with(SandboxConfig::for_tests().with_destination_resources(true)).await;
    let directory = guest(&env);
    let tokens = sign_in(&env, &directory.domain, 0).await;
    let guest_token = access(&tokens);
    let path = |sub: &str| {
        format!(
            "/subscriptions/{sub}/providers/Microsoft.ServiceBus/namespaces?api-version=2021-11-01"
        )
    };
    let (status, body) = json_of(
        env.arm(
            Method::GET,
            &path(&directory.subscription_id),
            guest_token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let namespace = &body["value"][0];
    assert_eq!(namespace["name"], "fabrikam-bus");
    let id = namespace["id"].as_str().unwrap();
    assert!(id.contains("/resourceGroups/fabrikam-shared/"), "{id}");
    let (status, topics) = json_of(
        env.arm(
            Method::GET,
            &format!("{id}/topics?api-version=2021-11-01"),
            guest_token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{topics}");
    assert_eq!(topics["value"][0]["name"], "auth0");
    // The home directory's destinations are out of reach with the guest directory's token.
    let (status, _) = json_of(
        env.arm(
            Method::GET,
            &path(&env.info().subscription_id),
            guest_token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
}
