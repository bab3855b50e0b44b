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

    /// `call` within the timeout, holding a place among the calls in flight.
    async fn bounded<T>(&self, call: impl Future<Output = Result<T>>) -> Result<T> {
        let bounded = async {
            // Never closed: the semaphore lives as long as the store.
            let _place = self.in_flight.acquire().await.map_err(|_| Error::Backend(BUSY.to_owned()))?;
            call.await
        };
        match tokio::time::timeout(self.timeout, bounded).await {
            Ok(result) => result,
            Err(_) => {
                let limit = self.timeout;
                tracing::warn!(target: "cognito_login", ?limit, "session store call timed out");
                Err(Error::Backend(TIMED_OUT.to_owned()))
            }
        }
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
        let now = OffsetDateTime::now_utc();
        let Some(expiry) = clamp(record, now) else {
            return self.bounded(self.inner.create(record)).await;
        };
        record.expiry_date = expiry;
        let (reservation, expired) = self.sign_ins.reserve(now);
        for id in expired {
            // Gone already from stores that expire records themselves (Redis).
            if let Err(err) = self.bounded(self.inner.delete(&id)).await {
                tracing::debug!(target: "cognito_login", %err, "could not delete an expired sign-in record");
            }
        }
        let Some(reservation) = reservation else {
            tracing::warn!(target: "cognito_login", max = self.sign_ins.max(), "sign-in refused: {TOO_MANY_SIGN_INS}");
            return Err(Error::Backend(TOO_MANY_SIGN_INS.to_owned()));
        };
        match self.bounded(self.inner.create(record)).await {
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

    async fn save(&self, record: &Record) -> Result<()> {
        let now = OffsetDateTime::now_utc();
        let expiry = clamp(record, now);
        let result = match expiry {
            Some(expiry) if expiry < record.expiry_date => {
                let clamped = Record { expiry_date: expiry, ..record.clone() };
                self.bounded(self.inner.save(&clamped)).await
            }
            _ => self.bounded(self.inner.save(record)).await,
        };
        if result.is_ok() {
            self.sign_ins.saved(record.id, expiry);
        }
        result
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.bounded(self.inner.load(id)).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let result = self.bounded(self.inner.delete(id)).await;
        if result.is_ok() {
            self.sign_ins.deleted(id);
        }
        result
    }
}
