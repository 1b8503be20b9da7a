//! Auth0: client-credentials tokens and their log entries, and the Management API per the OpenAPI subset.

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{json_of, start};

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn client_credentials_token_carries_scope_audience_expiry_and_logs_seccft() {
    let env = start().await;
    let token = env.auth0_token().await;
    let claims = claims(&token);
    assert_eq!(claims["aud"], env.mgmt_audience());
    assert!(
        claims["scope"]
            .as_str()
            .unwrap()
            .contains("create:log_streams")
    );
    assert!(claims["scope"].as_str().unwrap().contains("read:logs"));
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    // JSON body and the loopback audience form work too.
    let r = env
        .http
        .post(format!("{}/oauth/token", env.info().auth0_domain))
        .json(
            &json!({"grant_type": "client_credentials", "client_id": env.info().auth0_client_id,
            "client_secret": env.info().auth0_client_secret,
            "audience": format!("{}/api/v2/", env.info().auth0_domain)}),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    let (status, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:seccft", &token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(logs.as_array().unwrap().len(), 2);
    assert_eq!(logs[0]["client_id"], env.info().auth0_client_id);
}

#[tokio::test]
async fn failed_client_credentials_answer_like_auth0_and_log_feccft() {
    let env = start().await;
    let url = format!("{}/oauth/token", env.info().auth0_domain);
    let (status, body) = json_of(
        env.http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", env.info().auth0_client_id.as_str()),
                ("client_secret", "nope"),
                ("audience", env.mgmt_audience().as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": "access_denied", "error_description": "Unauthorized"})
    );
    let (status, body) = json_of(
        env.http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", env.info().auth0_client_id.as_str()),
                ("client_secret", env.info().auth0_client_secret.as_str()),
                ("audience", "https://elsewhere/api/v2/"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("Service not enabled within domain")
    );
    let token = env.auth0_token().await;
    let (_, logs) = json_of(
        env.auth0(Method::GET, "/logs?q=type:feccft", &token, None)
            .await,
    )
    .await;
    assert_eq!(logs.as_array().unwrap().len(), 2);
}
