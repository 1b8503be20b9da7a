//! Answer shapes shared by the emulated hosts: Auth0's error body, ARM's error envelope with its request
//! ids, OAuth error bodies, and reading a body that may be JSON or a form.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::tokens::random_guid;

/// Auth0's error shape: `{"statusCode", "error", "message", "errorCode"?}`, with a fresh request id in
/// `X-Auth0-RequestId` as Auth0's answers carry one.
pub fn auth0_error(status: StatusCode, message: &str, error_code: Option<&str>) -> Response {
    let mut body = json!({
        "statusCode": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    if let Some(code) = error_code {
        body["errorCode"] = json!(code);
    }
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(id) = HeaderValue::from_str(&random_guid().replace('-', "")[..20]) {
        response.headers_mut().insert("x-auth0-requestid", id);
    }
    response
}

/// ARM's error envelope `{"error": {"code", "message"}}` with fresh request ids.
pub fn arm_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    with_arm_headers((status, axum::Json(body)).into_response())
}

/// Adds `x-ms-request-id` and `x-ms-correlation-request-id` (unless a handler already set them).
pub fn with_arm_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for name in ["x-ms-request-id", "x-ms-correlation-request-id"] {
        if !headers.contains_key(name)
            && let Ok(value) = HeaderValue::from_str(&random_guid())
        {
            headers.insert(name, value);
        }
    }
    response
}

/// An OAuth 2.0 error body as the Microsoft identity platform writes it.
pub fn aad_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description}"),
        "error_codes": [code],
        "timestamp": crate::clock::rfc3339_ms(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)),
        "trace_id": random_guid(),
        "correlation_id": random_guid(),
    });
    (status, axum::Json(body)).into_response()
}

/// An OAuth 2.0 error body as Auth0's authentication API writes it.
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// Parses a request body as JSON or `application/x-www-form-urlencoded`, by its content type.
pub fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> =
            serde_urlencoded_pairs(body).map_err(|e| format!("invalid form body: {e}"))?;
        let mut map = serde_json::Map::new();
        for (k, v) in pairs {
            map.insert(k, Value::String(v));
        }
        return Ok(Value::Object(map));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

fn serde_urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let mut pairs = Vec::new();
    for part in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((percent_decode(k)?, percent_decode(v)?));
    }
    Ok(pairs)
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space).
pub fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).map_err(|e| e.to_string())?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape %{hex}"))?);
                i += 2;
            }
            b'%' => return Err("truncated percent escape".into()),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Encodes a query-string component.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A string field of a JSON object.
pub fn str_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

/// Escapes text for HTML.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let body = parse_body(
            &headers,
            b"grant_type=client_credentials&audience=https%3A%2F%2Fx%2F&a=b+c",
        )
        .unwrap();
        assert_eq!(body["audience"], "https://x/");
        assert_eq!(body["a"], "b c");
        assert!(percent_decode("%4").is_err());
    }

    #[test]
    fn encode_round_trips() {
        let text = "http://127.0.0.1:5/cb?x=1 2";
        assert_eq!(percent_decode(&percent_encode(text)).unwrap(), text);
    }
}
