//! What every format shares: the inputs with the webhook URL's key cut off, the file name, the lines that say
//! where an export came from and what it left out, and quoting.

use setup_engine::SetupInputs;

use crate::ExportOrigin;

/// A setup ready to write out: its inputs never hold a webhook URL's query.
pub(crate) struct Prepared<'a> {
    pub name: &'a str,
    pub inputs: &'a SetupInputs,
    pub origin: &'a ExportOrigin,
    pub webhook_key_left_out: bool,
}

impl Prepared<'_> {
    /// "Exported from the setup “x” by Auth0 Event Grid Setup 0.1.0 on 2026-...".
    pub fn origin_line(&self) -> String {
        format!(
            "Exported from the setup \u{201c}{}\u{201d} by {} on {}.",
            self.name, self.origin.app, self.origin.exported_at
        )
    }

    /// The warning when the webhook URL's key was left out, worded for where the key goes back.
    pub fn key_warning(&self, where_it_goes: &str) -> Option<String> {
        self.webhook_key_left_out.then(|| {
            format!(
                "The webhook URL's query string (it holds the endpoint's key) was left out of this export: \
                 {where_it_goes}"
            )
        })
    }

    pub fn webhook_base(&self) -> Option<&str> {
        self.inputs.destination.webhook_url.as_deref()
    }
}

/// The inputs with the webhook URL's query and fragment cut off, and whether anything was cut.
pub(crate) fn without_webhook_query(inputs: &SetupInputs) -> (SetupInputs, bool) {
    let mut inputs = inputs.clone();
    let Some(url) = inputs.destination.webhook_url.take() else {
        return (inputs, false);
    };
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let cut = end < url.len() && url.len() > end + 1;
    inputs.destination.webhook_url = Some(url[..end].to_owned());
    (inputs, cut)
}

/// A file name from a setup's name: lower-case letters, digits and dashes ("setup" when nothing is left).
pub(crate) fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "setup".to_owned()
    } else {
        slug.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_file_names() {
        assert_eq!(slug("Security logs (prod)"), "security-logs-prod");
        assert_eq!(slug("  "), "setup");
        assert_eq!(slug("Überwachung"), "berwachung");
    }

    #[test]
    fn the_query_and_fragment_are_cut_and_said() {
        let mut inputs = SetupInputs::default();
        inputs.destination.webhook_url = Some("https://x.example/api?code=abc#top".into());
        let (cut, left_out) = without_webhook_query(&inputs);
        assert!(left_out);
        assert_eq!(
            cut.destination.webhook_url.as_deref(),
            Some("https://x.example/api")
        );
        inputs.destination.webhook_url = Some("https://x.example/api".into());
        assert!(!without_webhook_query(&inputs).1);
        inputs.destination.webhook_url = Some("https://x.example/api?".into());
        let (cut, left_out) = without_webhook_query(&inputs);
        assert!(!left_out, "an empty query holds no key");
        assert_eq!(
            cut.destination.webhook_url.as_deref(),
            Some("https://x.example/api")
        );
    }
}
