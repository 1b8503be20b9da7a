//! The RFC 8252 loopback redirect: a tiny HTTP server on 127.0.0.1 and [::1] (same random port) that receives
//! the browser's return from the authorize page exactly once. The `state` is compared (in constant time) before
//! anything else: a request without the right state is answered 400 and the listener keeps waiting, so no other
//! local process can end a sign-in with a stray `GET /?state=x` (RFC 9700 §4.7, RFC 8252 §8.1). Any later
//! callback is refused. The wait's deadline runs from the moment the port is bound, and a cancel wins over a
//! callback that arrives at the same time. The browser gets a small page saying how the sign-in ended, never a
//! code or token.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cloud_http::Secret;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::error::SignInError;

/// The Cancel button's end of a sign-in. Cheap to clone: keep one in the UI state and call [`SignInCancel::cancel`].
/// Use a new one for every sign-in: once cancelled it stays cancelled.
///
/// A sign-in ends in one of two ways, decided once: cancelled, or committed (the code was redeemed and what
/// it returned is about to be kept). [`SignInCancel::commit`] and [`SignInCancel::cancel`] race on one atomic
/// value, so a cancel that was accepted always ends the sign-in as cancelled with nothing stored, and a cancel
/// that comes after the commit is refused (it answers `false`: there was nothing left to cancel).
#[derive(Debug, Clone, Default)]
pub struct SignInCancel {
    token: CancellationToken,
    outcome: Arc<AtomicU8>,
}

const UNDECIDED: u8 = 0;
const CANCELLED: u8 = 1;
const COMMITTED: u8 = 2;

impl SignInCancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the sign-in unless it has already committed; says whether it is cancelled now.
    pub fn cancel(&self) -> bool {
        let decided = self.outcome.compare_exchange(
            UNDECIDED,
            CANCELLED,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        let cancelled = matches!(decided, Ok(_) | Err(CANCELLED));
        if cancelled {
            self.token.cancel();
        }
        cancelled
    }

    pub fn is_cancelled(&self) -> bool {
        self.outcome.load(Ordering::Acquire) == CANCELLED
    }

    /// Waits until the sign-in is cancelled (forever once it has committed).
    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    /// Decides the sign-in's outcome for good: `Err(Cancelled)` if a cancel came first, otherwise from now on
    /// every cancel is refused. Call it after the last step that can be abandoned and before anything is
    /// stored.
    pub fn commit(&self) -> Result<(), SignInError> {
        match self.outcome.compare_exchange(
            UNDECIDED,
            COMMITTED,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) | Err(COMMITTED) => Ok(()),
            Err(_) => Err(SignInError::Cancelled),
        }
    }
}

/// What the browser is told once the app has finished with its callback.
#[derive(Debug)]
pub enum CallbackPage {
    SignedIn { who: String },
    Failed { message: String },
}

/// One return from the browser: the authorization code (or why there is none: wrong state, refusal), and the
/// means to tell the browser tab how it ended.
#[derive(Debug)]
pub struct BrowserCallback {
    outcome: Result<Secret, SignInError>,
    reply: oneshot::Sender<CallbackPage>,
}

impl BrowserCallback {
    pub fn split(self) -> (Result<Secret, SignInError>, CallbackReply) {
        (self.outcome, CallbackReply(self.reply))
    }
}

/// The browser tab waits on this for its page.
#[derive(Debug)]
pub struct CallbackReply(oneshot::Sender<CallbackPage>);

impl CallbackReply {
    pub fn send(self, page: CallbackPage) {
        // The browser may have given up waiting; nothing more to tell it then.
        let _ = self.0.send(page);
    }
}

struct Slot {
    expected_state: String,
    sender: Mutex<Option<oneshot::Sender<BrowserCallback>>>,
}

/// Listens until dropped. Only the first callback carrying the expected state is delivered.
pub struct LoopbackListener {
    port: u16,
    receiver: Option<oneshot::Receiver<BrowserCallback>>,
    stop: CancellationToken,
    bound_at: tokio::time::Instant,
}

impl std::fmt::Debug for LoopbackListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackListener")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Drop for LoopbackListener {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl LoopbackListener {
    /// Binds a random port on 127.0.0.1 and, where the machine has IPv6 loopback, the same port on [::1].
    pub async fn bind(expected_state: impl Into<String>) -> Result<Self, SignInError> {
        let (listeners, port) = bind_both().await.map_err(|e| SignInError::Listener {
            detail: e.to_string(),
        })?;
        let (sender, receiver) = oneshot::channel();
        let slot = Arc::new(Slot {
            expected_state: expected_state.into(),
            sender: Mutex::new(Some(sender)),
        });
        let router = Router::new()
            .route("/", get(callback))
            .fallback(not_found)
            .with_state(slot);
        let stop = CancellationToken::new();
        for listener in listeners {
            let server = axum::serve(listener, router.clone())
                .with_graceful_shutdown(stop.clone().cancelled_owned());
            tokio::spawn(async move {
                if let Err(error) = server.await {
                    tracing::warn!(%error, "loopback listener stopped");
                }
            });
        }
        Ok(Self {
            port,
            receiver: Some(receiver),
            stop,
            bound_at: tokio::time::Instant::now(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://localhost:{port}` (or `http://127.0.0.1:{port}` in a build that chose it,
    /// `config::REDIRECT_HOST`): the loopback redirect URI Entra ID accepts on any port.
    pub fn redirect_uri(&self) -> String {
        format!("http://{}:{}", crate::config::REDIRECT_HOST, self.port)
    }

    /// Waits for the browser's return until `timeout` after the port was bound, unless `cancel` fires first.
    /// Once only. A cancel wins: a callback that arrives together with it (or before the caller looks) is not
    /// delivered, and the listener stops.
    pub async fn wait(
        &mut self,
        timeout: Duration,
        cancel: &SignInCancel,
    ) -> Result<BrowserCallback, SignInError> {
        let receiver = self.receiver.take().ok_or_else(|| SignInError::Listener {
            detail: "this listener has already delivered its callback".into(),
        })?;
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => Err(SignInError::Cancelled),
            () = tokio::time::sleep_until(self.bound_at + timeout) => {
                Err(SignInError::TimedOut { waited_secs: timeout.as_secs() })
            }
            received = receiver => received.map_err(|_| SignInError::Listener {
                detail: "the listener stopped before the browser returned".into(),
            }),
        };
        if cancel.is_cancelled() {
            self.stop.cancel();
            return Err(SignInError::Cancelled);
        }
        if outcome.is_err() {
            self.stop.cancel();
        }
        outcome
    }
}

async fn bind_both() -> std::io::Result<(Vec<TcpListener>, u16)> {
    let mut last_error = None;
    // The random IPv4 port may be taken on IPv6; a few tries find one free on both.
    for _ in 0..8 {
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = v4.local_addr()?.port();
        match TcpListener::bind((Ipv6Addr::LOCALHOST, port)).await {
            Ok(v6) => return Ok((vec![v4, v6], port)),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => last_error = Some(error),
            // No IPv6 loopback on this machine: "localhost" then resolves to 127.0.0.1 only.
            Err(_) => return Ok((vec![v4], port)),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no free loopback port")))
}

async fn callback(
    State(slot): State<Arc<Slot>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    // The state first: only the browser returning from the authorize page this sign-in opened knows it, so
    // anything else is answered here and the sign-in keeps waiting for the real answer.
    if !state_matches(&params, &slot.expected_state) {
        return page(
            StatusCode::BAD_REQUEST,
            "Nothing to do here",
            "This address only receives the answer of a sign-in started from Auth0 Event Grid Setup.",
        );
    }
    let sender = slot
        .sender
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    let Some(sender) = sender else {
        return page(
            StatusCode::CONFLICT,
            "This sign-in link was already used",
            "Each sign-in can be completed once. If you are not signed in yet, start again from the app.",
        );
    };
    let (reply, answer) = oneshot::channel();
    let delivered = sender.send(BrowserCallback {
        outcome: read_callback(&params, &slot.expected_state),
        reply,
    });
    if delivered.is_err() {
        return page(
            StatusCode::GONE,
            "This sign-in has ended",
            "The app is no longer waiting for this sign-in (it was cancelled or timed out). Start again from the app.",
        );
    }
    match answer.await {
        Ok(CallbackPage::SignedIn { who }) => page(
            StatusCode::OK,
            "You are signed in",
            &format!(
                "Signed in as {who}. You can close this tab and return to Auth0 Event Grid Setup."
            ),
        ),
        Ok(CallbackPage::Failed { message }) => page(
            StatusCode::BAD_REQUEST,
            "The sign-in did not complete",
            &format!("{message}. Return to Auth0 Event Grid Setup to try again."),
        ),
        Err(_) => page(
            StatusCode::OK,
            "Return to the app",
            "You can close this tab and return to Auth0 Event Grid Setup.",
        ),
    }
}

fn read_callback(
    params: &HashMap<String, String>,
    expected_state: &str,
) -> Result<Secret, SignInError> {
    if !state_matches(params, expected_state) {
        return Err(SignInError::StateMismatch);
    }
    if let Some(error) = params.get("error") {
        return Err(SignInError::Refused {
            error: error.clone(),
            description: params
                .get("error_description")
                .map(|d| crate::oauth::first_line(d)),
        });
    }
    params
        .get("code")
        .filter(|code| !code.is_empty())
        .map(|code| Secret::new(code.clone()))
        .ok_or(SignInError::MissingCode)
}

fn state_matches(params: &HashMap<String, String>, expected_state: &str) -> bool {
    let state = params.get("state").map(String::as_str).unwrap_or_default();
    !expected_state.is_empty() && bool::from(state.as_bytes().ct_eq(expected_state.as_bytes()))
}

async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        "This address only receives the answer of a sign-in.",
    )
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>body{{font-family:system-ui,sans-serif;\
         max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}}@media(prefers-color-scheme:dark)\
         {{body{{background:#1e1e1e;color:#eee}}}}</style></head><body><main><h1>{title}</h1><p>{text}</p>\
         </main></body></html>",
        title = escape(title),
        text = escape(text),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_state_must_match_exactly() {
        let ok = read_callback(&params(&[("code", "c"), ("state", "s1")]), "s1");
        assert_eq!(ok.unwrap().expose(), "c");
        for wrong in ["s2", "s", "s1 ", ""] {
            let err = read_callback(&params(&[("code", "c"), ("state", wrong)]), "s1").unwrap_err();
            assert_eq!(err.code(), "SignInStateMismatch", "state {wrong:?}");
        }
        let missing = read_callback(&params(&[("code", "c")]), "s1").unwrap_err();
        assert_eq!(missing.code(), "SignInStateMismatch");
    }

    #[test]
    fn refusals_and_missing_codes_are_named() {
        let refused = read_callback(
            &params(&[
                ("state", "s"),
                ("error", "access_denied"),
                ("error_description", "AADSTS65004: declined.\nTrace"),
            ]),
            "s",
        )
        .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the sign-in was refused: access_denied (AADSTS65004: declined.)"
        );
        let no_code = read_callback(&params(&[("state", "s")]), "s").unwrap_err();
        assert_eq!(no_code.code(), "SignInNoCode");
    }

    #[test]
    fn pages_escape_what_they_show() {
        assert_eq!(escape("<b>&\""), "&lt;b&gt;&amp;&quot;");
    }
}
