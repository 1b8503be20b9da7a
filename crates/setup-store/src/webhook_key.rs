//! A webhook URL's query string often holds the endpoint's key (`?code=...` of an Azure Function), so the
//! store never sees it: it lives in the keychain, one account per saved setup, and is put back on the URL only
//! when a check or a fix needs the whole address. The wizard's draft, a file too, keeps its query the same way
//! under an account of its own.

use keychain::Keychain;
use setup_engine::{Secret, SetupError, SetupInputs};

use crate::model::SavedSetup;
use crate::store::without_webhook_query;

const KEY: &str = "webhook-query";
/// The keychain account of the wizard draft's webhook query.
const DRAFT_ACCOUNT: &str = "wizard-draft";

/// The webhook queries of the saved setups, in the keychain.
#[derive(Debug, Clone)]
pub struct WebhookKeys {
    keychain: Keychain,
}

impl WebhookKeys {
    pub fn new(keychain: Keychain) -> Self {
        Self { keychain }
    }

    /// Keeps the query `save` cut off the setup's webhook URL (`Saved::webhook_query`); `None` removes an
    /// earlier one, the URL having none now.
    pub async fn keep(&self, setup_id: i64, query: Option<&Secret>) -> Result<(), SetupError> {
        let account = account(setup_id);
        let kept = match query {
            Some(query) => self.keychain.save(&account, KEY, query).await,
            None => self.keychain.delete(&account, KEY).await,
        };
        kept.map_err(keychain_error)
    }

    /// The setup's inputs with its webhook URL whole again (as saved when no query is kept).
    pub async fn restore(&self, setup: &SavedSetup) -> Result<SetupInputs, SetupError> {
        let mut inputs = setup.inputs.clone();
        if !setup.webhook_key_in_keychain {
            return Ok(inputs);
        }
        let query = self
            .keychain
            .load(&account(setup.id), KEY)
            .await
            .map_err(keychain_error)?;
        if let (Some(url), Some(query)) = (inputs.destination.webhook_url.as_mut(), query) {
            url.push('?');
            url.push_str(query.expose());
        }
        Ok(inputs)
    }

    /// The draft's inputs as its file may hold them: the webhook URL without its query (and fragment), the query
    /// kept in the keychain instead (or an earlier one removed when the URL has none now).
    pub async fn keep_draft(&self, inputs: SetupInputs) -> Result<SetupInputs, SetupError> {
        let (inputs, query) = without_webhook_query(inputs);
        let kept = match &query {
            Some(query) => self.keychain.save(DRAFT_ACCOUNT, KEY, query).await,
            None => self.keychain.delete(DRAFT_ACCOUNT, KEY).await,
        };
        kept.map_err(keychain_error)?;
        Ok(inputs)
    }

    /// The draft's inputs as read from its file, with the webhook URL whole again.
    pub async fn restore_draft(&self, mut inputs: SetupInputs) -> Result<SetupInputs, SetupError> {
        let Some(url) = inputs.destination.webhook_url.as_mut() else {
            return Ok(inputs);
        };
        if url.contains('?') {
            // A draft written before its query moved to the keychain.
            return Ok(inputs);
        }
        let query = self
            .keychain
            .load(DRAFT_ACCOUNT, KEY)
            .await
            .map_err(keychain_error)?;
        if let Some(query) = query {
            url.push('?');
            url.push_str(query.expose());
        }
        Ok(inputs)
    }

    /// Removes the draft's query (when the draft is cleared).
    pub async fn forget_draft(&self) -> Result<(), SetupError> {
        self.keychain
            .sign_out(DRAFT_ACCOUNT)
            .await
            .map_err(keychain_error)
    }

    /// Removes what the keychain holds for the setup (when it is forgotten).
    pub async fn forget(&self, setup_id: i64) -> Result<(), SetupError> {
        self.keychain
            .sign_out(&account(setup_id))
            .await
            .map_err(keychain_error)
    }
}

fn account(setup_id: i64) -> String {
    format!("saved-setup-{setup_id}")
}

fn keychain_error(error: keychain::KeychainError) -> SetupError {
    sign_in::SignInError::from(error).into()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use keychain::{MemoryEntries, Persistence};

    use super::*;
    use crate::{CreatedResources, NewSetup, SetupStore};

    #[tokio::test]
    async fn the_query_goes_to_the_keychain_and_comes_back_on_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let store = SetupStore::open(dir.path().join("setups.db"))
            .unwrap()
            .store;
        let keys = WebhookKeys::new(Keychain::with_store(
            Arc::new(MemoryEntries::default()),
            Persistence::Keychain,
        ));
        let mut inputs = SetupInputs {
            auth0_domain: "acme.eu.auth0.com".into(),
            stream_name: "hook".into(),
            ..SetupInputs::default()
        };
        let whole = "https://fn.example.net/api/auth0?code=secret-1";
        inputs.destination.webhook_url = Some(whole.into());
        let saved = store
            .save(NewSetup {
                name: None,
                inputs: inputs.clone(),
                accounts: crate::store::tests::accounts(),
                created: CreatedResources::default(),
                replaces: None,
            })
            .unwrap();
        keys.keep(saved.setup.id, saved.webhook_query.as_ref())
            .await
            .unwrap();
        assert_eq!(keys.restore(&saved.setup).await.unwrap(), inputs);

        // Another setup's key is not this one's.
        let mut other = saved.setup.clone();
        other.id += 1;
        assert_eq!(
            keys.restore(&other)
                .await
                .unwrap()
                .destination
                .webhook_url
                .as_deref(),
            Some("https://fn.example.net/api/auth0")
        );

        keys.forget(saved.setup.id).await.unwrap();
        assert_eq!(
            keys.restore(&saved.setup)
                .await
                .unwrap()
                .destination
                .webhook_url
                .as_deref(),
            Some("https://fn.example.net/api/auth0")
        );
    }

    #[tokio::test]
    async fn the_drafts_query_goes_to_the_keychain_and_comes_back() {
        let store = Arc::new(MemoryEntries::default());
        let keys = WebhookKeys::new(Keychain::with_store(store.clone(), Persistence::Keychain));
        let mut inputs = SetupInputs::default();
        inputs.destination.webhook_url =
            Some("https://fn.example.net/api/x?code=secret-2#top".into());
        let for_file = keys.keep_draft(inputs.clone()).await.unwrap();
        assert_eq!(
            for_file.destination.webhook_url.as_deref(),
            Some("https://fn.example.net/api/x")
        );
        assert_eq!(
            keys.restore_draft(for_file.clone())
                .await
                .unwrap()
                .destination
                .webhook_url
                .as_deref(),
            Some("https://fn.example.net/api/x?code=secret-2")
        );
        // A saved setup's key is not the draft's.
        assert!(
            store
                .names()
                .iter()
                .all(|name| name.starts_with("wizard-draft/"))
        );

        // A URL without a query now: the earlier one goes.
        let mut plain = for_file.clone();
        plain.destination.webhook_url = Some("https://fn.example.net/api/y".into());
        keys.keep_draft(plain.clone()).await.unwrap();
        assert_eq!(keys.restore_draft(plain.clone()).await.unwrap(), plain);

        keys.keep_draft(inputs).await.unwrap();
        keys.forget_draft().await.unwrap();
        assert!(store.names().is_empty(), "{:?}", store.names());
    }

    #[tokio::test]
    async fn keeping_no_query_removes_an_earlier_one() {
        let keys = WebhookKeys::new(Keychain::with_store(
            Arc::new(MemoryEntries::default()),
            Persistence::Keychain,
        ));
        let store_dir = tempfile::tempdir().unwrap();
        let store = SetupStore::open(store_dir.path().join("setups.db"))
            .unwrap()
            .store;
        let mut inputs = SetupInputs {
            stream_name: "s".into(),
            ..SetupInputs::default()
        };
        inputs.destination.webhook_url = Some("https://h.example/x?k=1".into());
        let mut setup = store
            .save(NewSetup {
                name: None,
                inputs,
                accounts: crate::store::tests::accounts(),
                created: CreatedResources::default(),
                replaces: None,
            })
            .unwrap()
            .setup;
        keys.keep(setup.id, Some(&Secret::new("k=1")))
            .await
            .unwrap();
        keys.keep(setup.id, None).await.unwrap();
        // Even a setup that still says a key is kept gets the bare URL once the key is gone.
        setup.webhook_key_in_keychain = true;
        assert_eq!(
            keys.restore(&setup)
                .await
                .unwrap()
                .destination
                .webhook_url
                .as_deref(),
            Some("https://h.example/x")
        );
    }
}
