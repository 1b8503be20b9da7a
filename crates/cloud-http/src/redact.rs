//! Error texts without the secrets an address can carry. A webhook URL often holds its endpoint's key in the
//! query (`?code=...` of an Azure Function), and an HTTP library's error names the URL it was sending to, so
//! every error text that can reach a message, a log or "Copy diagnostics" goes through here first.

/// A `reqwest` error as text, with its causes, without the URL it names; any address still left in a cause
/// loses its query and fragment (see [`strip_url_queries`]).
pub fn error_text(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        // reqwest repeats its innermost cause in its own text at times.
        if !text.ends_with(&inner_text) {
            text = format!("{text}: {inner_text}");
        }
        source = inner.source();
    }
    strip_url_queries(&text)
}

/// `text` with the query, fragment and user info of every `http://` or `https://` address in it removed
/// (scheme, host, port and path stay, so the message still says where).
pub fn strip_url_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_scheme(rest) {
        out.push_str(&rest[..start]);
        let address = &rest[start..];
        let end = address
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | '`'))
            .unwrap_or(address.len());
        out.push_str(&clean_address(&address[..end]));
        rest = &address[end..];
    }
    out.push_str(rest);
    out
}

/// A writer for log lines that strips every address's query, fragment and user info on the way through
/// ([`strip_url_queries`]), so a webhook's key cannot reach a log file or the terminal even when a message or
/// a library's error names the URL. Each `write` must hold whole lines, as a `tracing` formatter writes them
/// (one event per call).
pub struct QueryStripping<W>(pub W);

impl<W: std::io::Write> std::io::Write for QueryStripping<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(bytes);
        self.0.write_all(strip_url_queries(&text).as_bytes())?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn find_scheme(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("http://"), lower.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn clean_address(address: &str) -> String {
    let cut = address.find(['?', '#']).unwrap_or(address.len());
    let address = &address[..cut];
    // `scheme://user:password@host/...`: the user info goes too.
    let (scheme, after) = address.split_once("://").unwrap_or(("", address));
    let authority_end = after.find('/').unwrap_or(after.len());
    let (authority, path) = after.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_where_they_point_and_lose_what_they_carry() {
        assert_eq!(
            strip_url_queries(
                "error sending request for url (https://fn.example.net/api/x?code=k3y#f): refused"
            ),
            "error sending request for url (https://fn.example.net/api/x): refused"
        );
        assert_eq!(
            strip_url_queries("at HTTP://user:pa55@127.0.0.1:8080/hook?sig=1 and http://a.b/c"),
            "at HTTP://127.0.0.1:8080/hook and http://a.b/c"
        );
        assert_eq!(strip_url_queries("no address here"), "no address here");
    }

    #[test]
    fn a_log_line_loses_the_query_of_every_address_it_names() {
        use std::io::Write;
        let mut out = QueryStripping(Vec::new());
        write!(
            out,
            "INFO detail=\"failed: https://fn.example.net/api/hook?code=k3y-1 (https://a.b/c?x=k3y-2)\"\n"
        )
        .unwrap();
        let line = String::from_utf8(out.0).unwrap();
        assert_eq!(
            line,
            "INFO detail=\"failed: https://fn.example.net/api/hook (https://a.b/c)\"\n"
        );
    }

    /// A request that cannot connect: reqwest names the URL, its query included; the text does not.
    #[tokio::test]
    async fn a_reqwest_error_loses_its_url_query() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let error = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/hook?code=k3y-in-query"))
            .send()
            .await
            .unwrap_err();
        assert!(
            format!("{error}").contains("k3y-in-query"),
            "reqwest names the URL: {error}"
        );
        let text = error_text(error);
        assert!(!text.contains("k3y-in-query"), "{text}");
        assert!(!text.is_empty());
    }
}
