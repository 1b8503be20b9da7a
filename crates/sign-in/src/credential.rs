//! An `azure_core` `TokenCredential` built on a signed-in user's refresh token, so an interactive sign-in plugs
//! into the engine exactly like a service principal or `az login`. Access tokens stay in memory and are renewed
//! shortly before they expire; every rotated refresh token replaces the stored one at once (newest wins);
//! a refresh token the identity platform no longer accepts becomes a clean "sign in again".

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error as CoreError, ErrorKind};
use cloud_http::{Clock, Secret};
use keychain::Keychain;
use oauth2::{RefreshToken, Scope, TokenResponse as _};
use time::OffsetDateTime;
use tokio::sync::Mutex;
use url::Url;

use crate::error::SignInError;
use crate::oauth::{OAuthHttp, TokenAnswer, identity_client, refused_grant, token_error};

/// The keychain key of an Azure user's refresh token.
pub const REFRESH_TOKEN_KEY: &str = "azure-refresh-token";

/// Azure omits nothing here in practice; when it does, assume the documented minimum lifetime.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// The refresh token, shared by every tenant view of one signed-in user: rotation in one is seen by all.
struct RefreshSlot {
    token: Mutex<Secret>,
    keychain: Keychain,
    keychain_account: String,
}

pub struct RefreshTokenCredential {
    authority: Url,
    tenant: String,
    client_id: String,
    http: OAuthHttp,
    clock: Arc<dyn Clock>,
    renew_margin: Duration,
    refresh: Arc<RefreshSlot>,
    cache: Mutex<HashMap<String, (Secret, OffsetDateTime)>>,
}

impl std::fmt::Debug for RefreshTokenCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshTokenCredential")
            .field("authority", &self.authority.as_str())
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

pub(crate) struct CredentialParts {
    pub authority: Url,
    pub tenant: String,
    pub client_id: String,
    pub http: OAuthHttp,
    pub clock: Arc<dyn Clock>,
    pub renew_margin: Duration,
    pub keychain: Keychain,
    pub keychain_account: String,
}

impl RefreshTokenCredential {
    pub(crate) fn new(parts: CredentialParts, refresh_token: Secret) -> Self {
        Self {
            authority: parts.authority,
            tenant: parts.tenant,
            client_id: parts.client_id,
            http: parts.http,
            clock: parts.clock,
            renew_margin: parts.renew_margin,
            refresh: Arc::new(RefreshSlot {
                token: Mutex::new(refresh_token),
                keychain: parts.keychain,
                keychain_account: parts.keychain_account,
            }),
            cache: Mutex::default(),
        }
    }

    /// The same user acting in another tenant: the refresh token is redeemed against `/{tenant}`.
    pub fn for_tenant(&self, tenant: &str) -> Self {
        Self {
            authority: self.authority.clone(),
            tenant: tenant.to_owned(),
            client_id: self.client_id.clone(),
            http: self.http.clone(),
            clock: self.clock.clone(),
            renew_margin: self.renew_margin,
            refresh: self.refresh.clone(),
            cache: Mutex::default(),
        }
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// Remembers an access token that came with the sign-in, so the first call needs no refresh.
    pub(crate) async fn remember(&self, scope: &str, answer: &TokenAnswer) {
        let expires_on = self.expiry(answer);
        self.cache.lock().await.insert(
            scope.to_owned(),
            (
                Secret::new(answer.access_token().secret().clone()),
                expires_on,
            ),
        );
    }

    /// An access token for `scopes`, from memory while it has more than the renewal margin left.
    pub async fn access_token(&self, scopes: &[&str]) -> Result<AccessToken, SignInError> {
        self.token(scopes, false).await
    }

    /// A new access token for `scopes` whatever the cache holds: for a caller whose token was refused before
    /// its announced expiry (revoked sessions, policy changes).
    pub async fn renewed_access_token(&self, scopes: &[&str]) -> Result<AccessToken, SignInError> {
        self.token(scopes, true).await
    }

    async fn token(&self, scopes: &[&str], renew: bool) -> Result<AccessToken, SignInError> {
        let key = scopes.join(" ");
        let mut cache = self.cache.lock().await;
        if let Some((token, expires_on)) = cache.get(&key)
            && !renew
            && self.is_fresh(*expires_on)
        {
            return Ok(access_token(token, *expires_on));
        }
        let answer = self.redeem(scopes).await?;
        let expires_on = self.expiry(&answer);
        let token = Secret::new(answer.access_token().secret().clone());
        let result = access_token(&token, expires_on);
        cache.insert(key, (token, expires_on));
        Ok(result)
    }

    fn is_fresh(&self, expires_on: OffsetDateTime) -> bool {
        self.clock.now() + self.renew_margin < expires_on
    }

    fn expiry(&self, answer: &TokenAnswer) -> OffsetDateTime {
        self.clock.now() + answer.expires_in().unwrap_or(DEFAULT_LIFETIME)
    }

    /// Redeems the refresh token and stores the rotated one before anything else can use the old one.
    async fn redeem(&self, scopes: &[&str]) -> Result<TokenAnswer, SignInError> {
        let mut current = self.refresh.token.lock().await;
        let client = identity_client(&self.authority, &self.tenant, &self.client_id)?;
        let presented = RefreshToken::new(current.expose().to_owned());
        let mut request = client.exchange_refresh_token(&presented);
        for scope in scopes.iter().copied().chain(["offline_access"]) {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let answer = request
            .request_async(&self.http)
            .await
            .map_err(|e| token_error(e, |refusal| refused_grant(refusal, true)))?;
        if let Some(next) = answer.refresh_token() {
            let next = Secret::new(next.secret().clone());
            let slot = &self.refresh;
            if let Err(error) = slot
                .keychain
                .save(&slot.keychain_account, REFRESH_TOKEN_KEY, &next)
                .await
            {
                // The new token still works for this session; the next start will ask to sign in again.
                tracing::warn!(
                    code = error.code(),
                    "could not store the renewed Azure sign-in"
                );
            }
            *current = next;
        }
        Ok(answer)
    }
}

fn access_token(token: &Secret, expires_on: OffsetDateTime) -> AccessToken {
    AccessToken::new(
        azure_core::credentials::Secret::new(token.expose().to_owned()),
        expires_on,
    )
}

/// What one consumer (an `AzureClient`, the engine) is given. Consumers keep the token until shortly before it
/// expires, so a consumer asking again while the token it holds is still fresh means the service refused it
/// early; then the refresh token is redeemed instead of serving the same refused token from memory.
pub(crate) struct ConsumerCredential {
    inner: Arc<RefreshTokenCredential>,
    served: std::sync::Mutex<HashMap<String, OffsetDateTime>>,
}

impl ConsumerCredential {
    pub fn new(inner: Arc<RefreshTokenCredential>) -> Self {
        Self {
            inner,
            served: std::sync::Mutex::default(),
        }
    }
}

impl std::fmt::Debug for ConsumerCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[async_trait::async_trait]
impl TokenCredential for ConsumerCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let key = scopes.join(" ");
        let refused = self
            .served
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .is_some_and(|expires_on| self.inner.is_fresh(*expires_on));
        let token = if refused {
            self.inner.renewed_access_token(scopes).await
        } else {
            self.inner.access_token(scopes).await
        }
        .map_err(|error| CoreError::new(ErrorKind::Credential, error))?;
        self.served
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key, token.expires_on);
        Ok(token)
    }
}

#[async_trait::async_trait]
impl TokenCredential for RefreshTokenCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.access_token(scopes)
            .await
            .map_err(|error| CoreError::new(ErrorKind::Credential, error))
    }
}
