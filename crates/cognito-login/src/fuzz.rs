//! Not part of the API: an entry point for the `login_store` fuzz target in `fuzz/` and its
//! regression tests, hidden from the docs and free to change in any release.
//!
//! [`LoginStore`] reads the wall clock; this drives it over a `MemoryStore` at the times a
//! fuzz target chooses, with the records the login flow writes: an anonymous sign-in start (a
//! record holding only sign-ins in progress), a finished sign-in (tokens in the record), a
//! sign-out (the record deleted).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tower_sessions::MemoryStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, SessionStore};

use crate::session_data::{PENDING_KEY, TOKENS_KEY};
use crate::sign_ins::SignIns;
use crate::store::LoginStore;

/// A [`LoginStore`] over a `MemoryStore`, with at most `max` sign-ins in progress, driven at
/// the times given.
#[derive(Debug, Clone)]
pub struct SignInStore {
    store: LoginStore<MemoryStore>,
    /// How long a record is kept without activity (the session inactivity).
    inactivity: time::Duration,
}

impl SignInStore {
    /// A fresh store: at most `max` sign-ins in progress, records kept `inactivity` (a sign-in
    /// record at most [`SIGN_IN_TIMEOUT`](crate::SIGN_IN_TIMEOUT)).
    pub fn new(max: usize, inactivity: Duration) -> Self {
        let inactivity = time::Duration::try_from(inactivity).unwrap_or(time::Duration::MAX);
        let store =
            LoginStore::new(MemoryStore::default(), Duration::from_secs(5), 64, Arc::new(SignIns::new(max)));
        SignInStore { store, inactivity }
    }

    /// An anonymous visitor starts a sign-in at `now`: a new record holding only it. The id it
    /// was stored under, or the store's refusal.
    pub async fn start_sign_in(&self, now: OffsetDateTime) -> Result<Id, Error> {
        let mut data = HashMap::new();
        data.insert(PENDING_KEY.to_owned(), serde_json::json!([{ "state": "s" }]));
        let mut record = Record { id: Id::default(), data, expiry_date: now.saturating_add(self.inactivity) };
        self.store.create_at(&mut record, now).await?;
        Ok(record.id)
    }

    /// The sign-in of record `id` finishes at `now`: it now holds tokens, and no sign-in in
    /// progress.
    pub async fn finish_sign_in(&self, id: Id, now: OffsetDateTime) -> Result<(), Error> {
        let mut data = HashMap::new();
        data.insert(TOKENS_KEY.to_owned(), serde_json::json!({ "access_token": "a" }));
        let record = Record { id, data, expiry_date: now.saturating_add(self.inactivity) };
        self.store.save_at(&record, now).await
    }

    /// Sign-out: record `id` is deleted.
    pub async fn sign_out(&self, id: Id) -> Result<(), Error> {
        self.store.delete(&id).await
    }

    /// Record `id` as the wrapped store holds it (the `MemoryStore` judges expiry by the wall
    /// clock, not by the times given here).
    pub async fn load(&self, id: Id) -> Result<Option<Record>, Error> {
        self.store.load(&id).await
    }

    /// Whether record `id` holds tokens (a finished sign-in).
    pub fn is_signed_in(record: &Record) -> bool {
        record.data.contains_key(TOKENS_KEY)
    }

    /// Sign-ins in progress counted against the bound.
    pub fn in_progress(&self) -> usize {
        self.store.sign_ins_in_progress()
    }
}
