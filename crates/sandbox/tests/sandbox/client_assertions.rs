//! Client assertions instead of secrets: Auth0 private-key JWTs (applications registered with a public key)
//! and Microsoft identity certificate credentials (certificates uploaded to a service principal). Keys and
//! certificates are generated here, at test time.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cloud_sandbox::testing::KeyPair;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::X509;
use serde_json::{Value, json};

use crate::common::{Env, json_of, start};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Signing a client assertion with a test's key.
trait Sign {
    fn sign(&self, header: Header, claims: &Value) -> String;
}

impl Sign for KeyPair {
    fn sign(&self, header: Header, claims: &Value) -> String {
        let key = EncodingKey::from_rsa_pem(&self.private_pem()).unwrap();
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }
}

fn now(env: &Env) -> i64 {
    env.sandbox.handle().clock().now_secs()
}

fn claims(client_id: &str, aud: &str, now: i64, lifetime: i64) -> Value {
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now,
        "exp": now + lifetime,
        "jti": URL_SAFE_NO_PAD.encode(rand_bytes()),
    })
}

fn rand_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes).unwrap();
    bytes
}

fn auth0_tenant(env: &Env) -> String {
    format!(
        "https://{}/",
        env.info().auth0_domain.trim_start_matches("http://")
    )
}

async fn auth0_token(env: &Env, client_id: &str, assertion: &str) -> (u16, Value) {
    let response = env
        .http
        .post(format!("{}/oauth/token", env.info().auth0_domain))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion),
            ("audience", &env.mgmt_audience()),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    (status.as_u16(), body)
}

async fn register(env: &Env, key: &KeyPair, scopes: &[&str], alg: &str) -> String {
    let response = env
        .admin_post(
            "/auth0/applications",
            json!({"name": "Event Grid setup", "scopes": scopes, "public_key": key.public_pem(), "alg": alg}),
        )
        .await;
    let (status, body) = json_of(response).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["alg"], alg);
    body["client_id"].as_str().unwrap().to_owned()
}

fn refusal(body: &Value) -> String {
    assert_eq!(body["error"], "invalid_client", "{body}");
    body["error_description"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_auth0_application_signs_in_with_its_private_key_and_gets_only_its_scopes() {
    let env = start().await;
    let key = KeyPair::new();
    let client_id = register(&env, &key, &["read:log_streams", "read:logs"], "RS256").await;
    let assertion = key.sign(
        Header::new(Algorithm::RS256),
        &claims(&client_id, &auth0_tenant(&env), now(&env), 60),
    );
    let (status, body) = auth0_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "read:log_streams read:logs");
    let token = body["access_token"].as_str().unwrap();
    let (status, _) = json_of(
        env.auth0(reqwest::Method::GET, "/log-streams", token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = json_of(
        env.auth0(
            reqwest::Method::POST,
            "/log-streams",
            token,
            Some(json!({"name": "x", "type": "http", "sink": {}})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "{body}");

    // The same assertion again is a replay.
    let (status, body) = auth0_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 401);
    assert!(refusal(&body).contains("jti was already used"), "{body}");

    let logs = env.admin_get("/state").await["auth0"]["logs"].clone();
    let types: Vec<&str> = logs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["type"].as_str())
        .collect();
    assert!(types.ends_with(&["seccft", "feccft"]), "{types:?}");
}

#[tokio::test]
async fn auth0_refuses_assertions_naming_what_is_wrong() {
    let env = start().await;
    let key = KeyPair::new();
    let client_id = register(&env, &key, &["read:logs"], "RS256").await;
    let tenant = auth0_tenant(&env);
    let t = now(&env);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "another key",
            KeyPair::new().sign(
                Header::new(Algorithm::RS256),
                &claims(&client_id, &tenant, t, 60),
            ),
            "signature does not verify",
        ),
        (
            "expired",
            key.sign(
                Header::new(Algorithm::RS256),
                &claims(&client_id, &tenant, t - 120, 60),
            ),
            "expired (exp)",
        ),
        (
            "ten minutes",
            key.sign(
                Header::new(Algorithm::RS256),
                &claims(&client_id, &tenant, t, 600),
            ),
            "at most 300 s",
        ),
        (
            "token endpoint as aud",
            key.sign(
                Header::new(Algorithm::RS256),
                &claims(&client_id, &format!("{tenant}oauth/token"), t, 60),
            ),
            "aud",
        ),
        (
            "other issuer",
            key.sign(Header::new(Algorithm::RS256), &{
                let mut c = claims(&client_id, &tenant, t, 60);
                c["iss"] = json!("someone-else");
                c
            }),
            "iss (someone-else) must be the client id",
        ),
        (
            "PS256 for an RS256 credential",
            key.sign(
                Header::new(Algorithm::PS256),
                &claims(&client_id, &tenant, t, 60),
            ),
            "signed with PS256 but the credential is registered for RS256",
        ),
        (
            "unknown kid",
            key.sign(
                Header {
                    kid: Some("nope".into()),
                    ..Header::new(Algorithm::RS256)
                },
                &claims(&client_id, &tenant, t, 60),
            ),
            "kid \"nope\"",
        ),
        ("not a JWT", "abc".into(), "not a valid JWT"),
    ];
    for (case, assertion, expected) in cases {
        let (status, body) = auth0_token(&env, &client_id, &assertion).await;
        assert_eq!(status, 401, "{case}: {body}");
        let description = refusal(&body);
        assert!(description.contains(expected), "{case}: {description}");
    }

    // An assertion valid when signed expires on the sandbox clock.
    let assertion = key.sign(
        Header::new(Algorithm::RS256),
        &claims(&client_id, &tenant, now(&env), 60),
    );
    env.sandbox.handle().advance(Duration::from_secs(61));
    let (status, body) = auth0_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 401);
    assert!(refusal(&body).contains("expired"), "{body}");

    // Unknown applications and the wrong assertion type.
    let (status, body) = auth0_token(&env, "nobody", &assertion).await;
    assert_eq!(status, 401);
    assert!(refusal(&body).contains("unknown client"), "{body}");
    let response = env
        .http
        .post(format!("{}/oauth/token", env.info().auth0_domain))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_assertion_type", "urn:other"),
            ("client_assertion", assertion.as_str()),
            ("audience", &env.mgmt_audience()),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn the_seeded_application_takes_a_ps256_key_and_keys_are_checked_on_registration() {
    let env = start().await;
    let key = KeyPair::new();
    let client_id = env.info().auth0_client_id.clone();
    let kid = env
        .sandbox
        .handle()
        .add_auth0_public_key(&client_id, &key.public_pem(), "PS256")
        .unwrap();
    let assertion = key.sign(
        Header {
            kid: Some(kid),
            ..Header::new(Algorithm::PS256)
        },
        &claims(
            &client_id,
            &format!("{}/", env.info().auth0_domain),
            now(&env),
            60,
        ),
    );
    let (status, body) = auth0_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["scope"],
        "read:log_streams create:log_streams update:log_streams delete:log_streams read:logs"
    );

    for (request, expected) in [
        (
            json!({"name": "a", "scopes": [], "public_key": String::from_utf8(key.private_pem()).unwrap()}),
            "public_key: this is a private key",
        ),
        (
            json!({"name": "a", "scopes": [], "public_key": "nonsense"}),
            "public_key: expected an RSA public key",
        ),
        (
            json!({"name": "a", "scopes": ["read:users"], "public_key": key.public_pem()}),
            "scopes: \"read:users\"",
        ),
        (
            json!({"name": "a", "scopes": [], "public_key": key.public_pem(), "alg": "HS256"}),
            "alg: \"HS256\"",
        ),
        (
            json!({"name": " ", "scopes": [], "public_key": key.public_pem()}),
            "name: must not be empty",
        ),
    ] {
        let (status, body) = json_of(env.admin_post("/auth0/applications", request).await).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains(expected),
            "{expected}: {body}"
        );
    }
    let small = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
    let error = env
        .sandbox
        .handle()
        .register_auth0_application(
            "small",
            &["read:logs"],
            &String::from_utf8(small.public_key_to_pem().unwrap()).unwrap(),
            "RS256",
        )
        .unwrap_err();
    assert!(error.to_string().contains("at least 2048"), "{error}");

    // An application without a grant cannot get a Management API token.
    let client_id = register(&env, &key, &[], "RS256").await;
    let assertion = key.sign(
        Header::new(Algorithm::RS256),
        &claims(&client_id, &auth0_tenant(&env), now(&env), 60),
    );
    let (status, body) = auth0_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("client-grant"),
        "{body}"
    );
}

fn token_url(env: &Env) -> String {
    format!(
        "{}/{}/oauth2/v2.0/token",
        env.info().azure_authority,
        env.info().azure_tenant_id
    )
}

fn x5t(cert: &X509) -> String {
    URL_SAFE_NO_PAD.encode(cert.digest(MessageDigest::sha1()).unwrap())
}

fn cert_header(x5t: &str) -> Header {
    Header {
        x5t: Some(x5t.to_owned()),
        ..Header::new(Algorithm::RS256)
    }
}

async fn azure_token(env: &Env, client_id: &str, assertion: &str) -> (u16, Value) {
    let response = env
        .http
        .post(token_url(env))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion),
            ("scope", "https://management.azure.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    (status.as_u16(), body)
}

async fn upload(env: &Env, client_id: &str, cert: &X509) {
    let pem = String::from_utf8(cert.to_pem().unwrap()).unwrap();
    let (status, body) = json_of(
        env.admin_post(
            &format!("/azure/principals/{client_id}/certificates"),
            json!({"certificate": pem}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let expected: String = cert
        .digest(MessageDigest::sha1())
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(body["thumbprint"], expected);
}

#[tokio::test]
async fn a_service_principal_signs_in_with_a_certificate_and_calls_resource_manager() {
    let env = start().await;
    let client_id = env.info().azure_client_id.clone();
    let key = KeyPair::new();
    let cert = key.certificate.clone();
    upload(&env, &client_id, &cert).await;

    let assertion = key.sign(
        cert_header(&x5t(&cert)),
        &claims(&client_id, &token_url(&env), now(&env), 300),
    );
    let (status, body) = azure_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let (status, subscriptions) = env.subscriptions(token).await;
    assert_eq!(status, 200, "{subscriptions}");
    assert_eq!(
        subscriptions["value"][0]["subscriptionId"],
        env.info().subscription_id
    );

    // azure_identity writes x5t in standard base64; that names the same certificate.
    let standard = STANDARD.encode(cert.digest(MessageDigest::sha1()).unwrap());
    let assertion = key.sign(
        cert_header(&standard),
        &claims(&client_id, &token_url(&env), now(&env), 300),
    );
    let (status, body) = azure_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = azure_token(&env, &client_id, &assertion).await;
    assert_eq!(status, 401);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("jti was already used"),
        "{body}"
    );
}

#[tokio::test]
async fn the_identity_platform_refuses_certificate_assertions_with_aadsts_codes() {
    let env = start().await;
    let client_id = env.info().azure_client_id.clone();
    let key = KeyPair::new();
    let cert = key.certificate.clone();
    upload(&env, &client_id, &cert).await;
    let stranger = KeyPair::new();
    let stranger_cert = stranger.certificate.clone();
    let url = token_url(&env);
    let t = now(&env);
    let cases: Vec<(&str, String, u64, &str)> = vec![
        (
            "certificate not uploaded",
            stranger.sign(
                cert_header(&x5t(&stranger_cert)),
                &claims(&client_id, &url, t, 300),
            ),
            700_027,
            "not registered on application",
        ),
        (
            "signed by another key",
            stranger.sign(cert_header(&x5t(&cert)), &claims(&client_id, &url, t, 300)),
            700_027,
            "signature does not verify",
        ),
        (
            "no x5t",
            key.sign(
                Header::new(Algorithm::RS256),
                &claims(&client_id, &url, t, 300),
            ),
            700_027,
            "no x5t",
        ),
        (
            "audience is the authority",
            key.sign(
                cert_header(&x5t(&cert)),
                &claims(&client_id, &env.info().azure_authority, t, 300),
            ),
            700_023,
            "aud",
        ),
        (
            "issuer",
            key.sign(cert_header(&x5t(&cert)), &{
                let mut c = claims(&client_id, &url, t, 300);
                c["iss"] = json!("00000000-0000-0000-0000-000000000000");
                c
            }),
            700_021,
            "iss",
        ),
        (
            "expired",
            key.sign(
                cert_header(&x5t(&cert)),
                &claims(&client_id, &url, t - 600, 300),
            ),
            700_024,
            "expired",
        ),
        (
            "a day long",
            key.sign(
                cert_header(&x5t(&cert)),
                &claims(&client_id, &url, t, 86_400),
            ),
            700_024,
            "at most 600 s",
        ),
    ];
    for (case, assertion, code, expected) in cases {
        let (status, body) = azure_token(&env, &client_id, &assertion).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(body["error"], "invalid_client", "{case}: {body}");
        assert_eq!(body["error_codes"][0], code, "{case}: {body}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.contains(expected), "{case}: {description}");
    }

    // Neither a secret nor an assertion.
    let response = env
        .http
        .post(token_url(&env))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("scope", "https://management.azure.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_codes"][0], 7_000_218, "{body}");

    // Registration refuses what is not a certificate, and unknown principals.
    let pem = String::from_utf8(cert.to_pem().unwrap()).unwrap();
    for (path, certificate, expected) in [
        (
            format!("/azure/principals/{client_id}/certificates"),
            key.public_pem(),
            "certificate: expected an X.509 certificate",
        ),
        (
            "/azure/principals/00000000-0000-0000-0000-000000000000/certificates".to_owned(),
            pem,
            "client_id: no service principal",
        ),
    ] {
        let (status, body) = json_of(
            env.admin_post(&path, json!({"certificate": certificate}))
                .await,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body["error"].as_str().unwrap().contains(expected), "{body}");
    }
}
