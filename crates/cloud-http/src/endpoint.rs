//! Which base URLs a client may talk to: https anywhere, plain http only on this machine (the sandbox).
//! A bare host name ("tenant.eu.auth0.com") means https.

use std::net::IpAddr;

use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("{field}: \"{value}\" is not a valid URL or host name")]
    Malformed { field: String, value: String },
    #[error(
        "{field}: \"{value}\" uses plain http on a non-loopback host; only https is allowed off this machine"
    )]
    InsecureScheme { field: String, value: String },
    #[error("{field}: scheme \"{scheme}\" is not supported, use https")]
    UnsupportedScheme { field: String, scheme: String },
    #[error("{field}: must not carry a user name, password, query or fragment")]
    ExtraParts { field: String },
}

impl EndpointError {
    pub fn field(&self) -> &str {
        match self {
            Self::Malformed { field, .. }
            | Self::InsecureScheme { field, .. }
            | Self::UnsupportedScheme { field, .. }
            | Self::ExtraParts { field } => field,
        }
    }
}

/// Parses a base URL, returning it with a trailing slash so relative joins keep any path prefix.
pub fn parse_endpoint(field: &str, raw: &str) -> Result<Url, EndpointError> {
    let trimmed = raw.trim();
    let malformed = || EndpointError::Malformed {
        field: field.to_owned(),
        value: raw.to_owned(),
    };
    if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return Err(malformed());
    }
    let candidate = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&candidate).map_err(|_| malformed())?;
    if url.host().is_none() {
        return Err(malformed());
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(EndpointError::InsecureScheme {
                field: field.to_owned(),
                value: raw.to_owned(),
            });
        }
        other => {
            return Err(EndpointError::UnsupportedScheme {
                field: field.to_owned(),
                scheme: other.to_owned(),
            });
        }
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(EndpointError::ExtraParts {
            field: field.to_owned(),
        });
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_host_means_https_with_trailing_slash() {
        let url = parse_endpoint("auth0_domain", "acme.eu.auth0.com").unwrap();
        assert_eq!(url.as_str(), "https://acme.eu.auth0.com/");
    }

    #[test]
    fn http_is_only_for_loopback() {
        assert!(parse_endpoint("f", "http://127.0.0.1:8080").is_ok());
        assert!(parse_endpoint("f", "http://[::1]:8080/prefix").is_ok());
        assert!(parse_endpoint("f", "http://localhost:1").is_ok());
        assert!(matches!(
            parse_endpoint("f", "http://login.example.com"),
            Err(EndpointError::InsecureScheme { .. })
        ));
        assert!(matches!(
            parse_endpoint("f", "http://10.0.0.1"),
            Err(EndpointError::InsecureScheme { .. })
        ));
        assert!(matches!(
            parse_endpoint("f", "ftp://x.example.com"),
            Err(EndpointError::UnsupportedScheme { .. })
        ));
    }

    #[test]
    fn rejects_junk_and_extra_parts() {
        for raw in [
            "",
            "   ",
            "a b.com",
            "https://",
            "https://u:p@x.com",
            "https://x.com/?a=1",
            "https://x.com/#f",
        ] {
            let err = parse_endpoint("management", raw).unwrap_err();
            assert_eq!(err.field(), "management", "{raw}");
        }
    }

    #[test]
    fn keeps_a_path_prefix() {
        let url = parse_endpoint("f", "https://proxy.example.com/azure").unwrap();
        assert_eq!(
            url.join("subscriptions").unwrap().as_str(),
            "https://proxy.example.com/azure/subscriptions"
        );
    }
}
