//! [`LoginStore`]: the session store as [`CognitoLogin::session_layer`](crate::CognitoLogin::session_layer)
//! uses it: every call bounded in time and in number, and sign-ins in progress bounded in
//! lifetime and in number.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use crate::sign_ins::{SignIns, is_sign_in_record, sign_in_expiry};

/// The error message of a store call that did not finish within the session store timeout.
pub(crate) const TIMED_OUT: &str = "the session store did not answer in time";
/// The error message of a store call refused because too many were in flight.
pub(crate) const BUSY: &str = "too many session store calls in flight";
/// A store call that has not completed this many timeouts after it started is dropped.
const ABANDON_AFTER: u32 = 10;
/// The error message of a sign-in record refused because too many sign-ins are in progress.
pub(crate) const TOO_MANY_SIGN_INS: &str = "too many sign-ins in progress";

/// The session store `S` wrapped by [`CognitoLogin::session_layer`](crate::CognitoLogin::session_layer):
///
/// - every call (`create`, `save`, `load`, `delete`) must finish within the
///   [session store timeout](crate::CognitoLoginBuilder::session_store_timeout), waiting for a
///   place among the [calls in flight](crate::CognitoLoginBuilder::session_store_concurrency)
///   included; otherwise it fails, and the request gets a 503 page (or a 503 RFC 6750 answer for
///   API requests) instead of waiting for a store that is down or slow. A call that timed out is
///   dropped, so the work waiting on a slow store never exceeds the calls in flight;
/// - a record holding nothing but sign-ins in progress (an anonymous visitor sent to the hosted
///   login) expires when its sign-ins time out
///   ([`SIGN_IN_TIMEOUT`](crate::SIGN_IN_TIMEOUT)), not after the session inactivity, and this
///   process creates at most [`max_sign_ins_in_progress`](crate::CognitoLoginBuilder::max_sign_ins_in_progress)
///   of them at a time; the expired ones are deleted (a store such as tower-sessions'
///   `MemoryStore` never deletes a record by itself).
///
/// Cheap to clone when `S` is.
#[derive(Clone)]
pub struct LoginStore<S> {
    inner: S,
    timeout: Duration,
    in_flight: Arc<Semaphore>,
    sign_ins: Arc<SignIns>,
}

impl<S> LoginStore<S> {
    pub(crate) fn new(inner: S, timeout: Duration, concurrency: usize, sign_ins: Arc<SignIns>) -> Self {
        LoginStore { inner, timeout, in_flight: Arc::new(Semaphore::new(concurrency)), sign_ins }
    }

    /// The store it wraps.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// How many records holding only sign-ins in progress this process created that are still
    /// live (or being created).
    pub fn sign_ins_in_progress(&self) -> usize {
        self.sign_ins.count()
    }

    /// `call`, answered within the timeout. The call holds a place among the calls in flight
    /// until it completes, not just until the request gives up on it: a store that answers late
    /// has at most `concurrency` calls outstanding, however many requests come. A call still
    /// running [`ABANDON_AFTER`] timeouts later is dropped, so that a store that never answers
    /// cannot hold the places for ever.
    async fn bounded<T: Send + 'static>(
        &self,
        call: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let place = match tokio::time::timeout_at(deadline, Arc::clone(&self.in_flight).acquire_owned()).await
        {
            Ok(Ok(place)) => place,
            // Never closed: the semaphore lives as long as the store.
            Ok(Err(_)) | Err(_) => {
                tracing::warn!(target: "cognito_login", "session store call refused: {BUSY}");
                return Err(Error::Backend(BUSY.to_owned()));
            }
        };
        let abandon_after = self.timeout.saturating_mul(ABANDON_AFTER);
        let running = tokio::spawn(async move {
            let _place = place;
            tokio::time::timeout(abandon_after, call).await
        });
        match tokio::time::timeout_at(deadline, running).await {
            Ok(Ok(Ok(result))) => result,
            Ok(Err(_)) => Err(Error::Backend("the session store call failed".to_owned())),
            Ok(Ok(Err(_))) | Err(_) => {
                let limit = self.timeout;
                tracing::warn!(target: "cognito_login", ?limit, "session store call timed out");
                Err(Error::Backend(TIMED_OUT.to_owned()))
            }
        }
    }
}

impl<S: SessionStore + Clone> LoginStore<S> {
    /// `create` in the wrapped store (which may change the record's id on a collision).
    async fn create_in_store(&self, record: &mut Record) -> Result<()> {
        let (inner, mut owned) = (self.inner.clone(), record.clone());
        let created = self
            .bounded(async move {
                inner.create(&mut owned).await?;
                Ok(owned.id)
            })
            .await?;
        record.id = created;
        Ok(())
    }

    async fn save_in_store(&self, record: Record) -> Result<()> {
        let inner = self.inner.clone();
        self.bounded(async move { inner.save(&record).await }).await
    }

    async fn delete_in_store(&self, id: Id) -> Result<()> {
        let inner = self.inner.clone();
        self.bounded(async move { inner.delete(&id).await }).await
    }
}

impl<S> fmt::Debug for LoginStore<S>
where
    S: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginStore")
            .field("inner", &self.inner)
            .field("timeout", &self.timeout)
            .field("sign_ins_in_progress", &self.sign_ins.count())
            .finish_non_exhaustive()
    }
}

/// A sign-in record expires with its sign-ins.
fn clamp(record: &Record, now: OffsetDateTime) -> Option<OffsetDateTime> {
    is_sign_in_record(record).then(|| record.expiry_date.min(sign_in_expiry(now)))
}

#[async_trait]
impl<S: SessionStore + Clone> SessionStore for LoginStore<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.create_at(record, OffsetDateTime::now_utc()).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.save_at(record, OffsetDateTime::now_utc()).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let (inner, id) = (self.inner.clone(), *id);
        self.bounded(async move { inner.load(&id).await }).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let result = self.delete_in_store(*id).await;
        if result.is_ok() {
            self.sign_ins.deleted(id);
        }
        result
    }
}

impl<S: SessionStore + Clone> LoginStore<S> {
    /// [`SessionStore::create`] at `now` (the wall clock; a fuzz target's own clock).
    pub(crate) async fn create_at(&self, record: &mut Record, now: OffsetDateTime) -> Result<()> {
        let Some(expiry) = clamp(record, now) else {
            return self.create_in_store(record).await;
        };
        record.expiry_date = expiry;
        let (reservation, expired) = self.sign_ins.reserve(now);
        for id in expired {
            // Gone already from stores that expire records themselves (Redis).
            if let Err(err) = self.delete_in_store(id).await {
                tracing::debug!(target: "cognito_login", %err, "could not delete an expired sign-in record");
            }
        }
        let Some(reservation) = reservation else {
            tracing::warn!(target: "cognito_login", max = self.sign_ins.max(), "sign-in refused: {TOO_MANY_SIGN_INS}");
            return Err(Error::Backend(TOO_MANY_SIGN_INS.to_owned()));
        };
        match self.create_in_store(record).await {
            Ok(()) => {
                self.sign_ins.created(reservation, record.id, expiry);
                Ok(())
            }
            Err(err) => {
                self.sign_ins.cancel(reservation);
                Err(err)
            }
        }
    }

    /// [`SessionStore::save`] at `now`.
    pub(crate) async fn save_at(&self, record: &Record, now: OffsetDateTime) -> Result<()> {
        let expiry = clamp(record, now);
        let result = match expiry {
            Some(expiry) if expiry < record.expiry_date => {
                self.save_in_store(Record { expiry_date: expiry, ..record.clone() }).await
            }
            _ => self.save_in_store(record.clone()).await,
        };
        if result.is_ok() {
            self.sign_ins.saved(record.id, expiry);
        }
        result
    }
}
