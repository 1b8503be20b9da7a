//! A credential where none belongs: a key named like one (`client_secret`, `password`, `token`, `..._key`) or a
//! value that looks like one (a JWT, a connection string's key, a private key, a URL carrying a query or a
//! user and password). An imported document holding one is refused before anything else reads it.

use serde_json::Value;

/// Key names (lower case, `-` as `_`) that hold a credential wherever they appear.
const SECRET_KEYS: [&str; 14] = [
    "secret",
    "password",
    "passwd",
    "pwd",
    "token",
    "key",
    "apikey",
    "sas",
    "sig",
    "signature",
    "authorization",
    "credential",
    "credentials",
    "connection_string",
];

/// Endings of key names that hold a credential (`client_secret`, `api_key`, `access_token`).
const SECRET_KEY_ENDINGS: [&str; 6] = [
    "_secret",
    "_password",
    "_token",
    "_key",
    "_credential",
    "_credentials",
];

/// The first place in `value` holding a credential: its path and why it looks like one.
pub(crate) fn find(value: &Value, path: &str) -> Option<(String, &'static str)> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, inner)| {
            let inner_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if secret_key(key) {
                return Some((inner_path, "is named like a credential"));
            }
            find(inner, &inner_path)
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find(item, &format!("{path}[{i}]"))),
        Value::String(text) => credential_like(text).map(|why| (path.to_owned(), why)),
        _ => None,
    }
}

fn secret_key(key: &str) -> bool {
    let key = key.trim().to_ascii_lowercase().replace('-', "_");
    SECRET_KEYS.contains(&key.as_str()) || SECRET_KEY_ENDINGS.iter().any(|e| key.ends_with(e))
}

/// Why `text` looks like a credential, if it does.
fn credential_like(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if looks_like_jwt(text) {
        return Some("looks like a token (a JWT)");
    }
    if lower.starts_with("bearer ") {
        return Some("looks like an authorization header");
    }
    if lower.contains("-----begin") {
        return Some("looks like a private key or certificate");
    }
    if [
        "accountkey=",
        "sharedaccesskey=",
        "sharedaccesssignature",
        "password=",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
    {
        return Some("looks like a connection string with its key");
    }
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Some("is a URL carrying a user name or password");
        }
        if rest.contains('?') {
            return Some("is a URL carrying a query string (where a webhook's key goes)");
        }
    }
    None
}

/// Three base64url segments, the first a JSON header (`eyJ` is `{"` encoded).
fn looks_like_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts.iter().all(|p| {
            p.len() >= 2
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_named_like_credentials_are_found_with_their_path() {
        for key in [
            "client_secret",
            "password",
            "token",
            "key",
            "api-key",
            "AUTH0_CLIENT_SECRET",
            "access_token",
            "account_key",
        ] {
            let value = json!({"inputs": {"destination": {key: "x"}}});
            let (path, why) = find(&value, "").unwrap_or_else(|| panic!("{key}"));
            assert_eq!(path, format!("inputs.destination.{key}"));
            assert!(why.contains("credential"));
        }
    }

    #[test]
    fn values_that_look_like_credentials_are_found() {
        for (value, why) in [
            ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "JWT"),
            ("Bearer abc", "authorization"),
            (
                "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==",
                "connection string",
            ),
            ("-----BEGIN PRIVATE KEY-----", "private key"),
            ("https://fn.example/api/x?code=abc", "query"),
            ("https://user:pass@hook.example/x", "password"),
        ] {
            let doc = json!({"inputs": {"log_codes": ["s", value]}});
            let (path, reason) = find(&doc, "").unwrap_or_else(|| panic!("{value}"));
            assert_eq!(path, "inputs.log_codes[1]");
            assert!(reason.contains(why), "{value}: {reason}");
        }
    }

    #[test]
    fn an_ordinary_setup_holds_none() {
        let doc = json!({
            "$schema": "https://raw.githubusercontent.com/o/r/main/schemas/setup-document.schema.json",
            "version": 1,
            "notes": ["The webhook URL's query string (it holds the endpoint's key) was left out."],
            "inputs": {
                "auth0_domain": "acme.eu.auth0.com",
                "destination": {"kind": "webhook", "webhook_url": "https://hooks.example/auth0",
                    "max_events_per_batch": 10, "queue_name": null},
                "dead_letter": {"storage_account_id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z",
                    "container_name": "dead"},
                "event_subscription_name": "auth0-logs",
                "pii": {"log_fields": ["email"], "method": "hash"}
            }
        });
        assert_eq!(find(&doc, ""), None);
    }
}
