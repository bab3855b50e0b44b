//! The token cache: one slot per scope set and resource, a lock-free read on the hot path, one fetch at a
//! time per slot in a spawned task (so a cancelled caller can't cancel it for the others), a
//! background refresh ahead of expiry, and the last failure remembered for a backoff window so
//! that callers in a loop cannot turn a fatal error into a flood of token requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::error::TokenError;
use crate::key::TokenKey;
use crate::request::{Fetched, TokenRequester};
use crate::token::AccessToken;

/// When a cached token stops being handed out, and when its replacement is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub(crate) expiry_margin: Duration,
    pub(crate) refresh_ahead: Duration,
}

impl Timing {
    /// `(refresh_at, stale_at)` for a token sent for at `sent_at` and valid for `lifetime`.
    ///
    /// The token is handed out until `lifetime - margin` (the margin capped at half the
    /// lifetime, so short-lived tokens are still cached); a background refresh starts
    /// `refresh_ahead` before that (capped at half of the usable time, so a short-lived token
    /// is not refreshed continuously).
    fn schedule(&self, sent_at: Instant, lifetime: Duration) -> (Instant, Instant) {
        let margin = self.expiry_margin.min(lifetime / 2);
        let usable = lifetime.saturating_sub(margin);
        let ahead = self.refresh_ahead.min(usable / 2);
        (sent_at + usable.saturating_sub(ahead), sent_at + usable)
    }
}

/// A token in a slot.
#[derive(Debug)]
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
    stale_at: Instant,
}

type Outcome = Option<Result<AccessToken, TokenError>>;

/// The cache of one scope set.
#[derive(Debug, Default)]
struct Slot {
    current: ArcSwapOption<Cached>,
    flight: Mutex<Flight>,
}

#[derive(Debug, Default)]
struct Flight {
    /// Present while a fetch runs; it receives the outcome.
    running: Option<watch::Receiver<Outcome>>,
    /// After a failed background refresh, the next one waits until then.
    background_not_before: Option<Instant>,
    /// The last fetch failed: callers get its error instead of a new fetch until its window
    /// ends.
    failure: Option<Remembered>,
    /// Fetches that failed in a row: the failure window doubles with each.
    failures: u32,
}

/// A failed fetch, handed out until `until`.
#[derive(Debug)]
struct Remembered {
    error: TokenError,
    until: Instant,
}

impl Flight {
    /// The remembered error while its window lasts, with the time left.
    fn remembered(&self, now: Instant) -> Option<TokenError> {
        let failure = self.failure.as_ref().filter(|failure| now < failure.until)?;
        Some(TokenError::RecentFailure {
            error: Box::new(failure.error.clone()),
            retry_after: failure.until.saturating_duration_since(now),
        })
    }
}

impl Slot {
    fn flight(&self) -> MutexGuard<'_, Flight> {
        // Plain data updated in single statements: a poisoned lock is still consistent.
        self.flight.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tokens per scope set, and the fetches that fill them.
#[derive(Debug)]
pub(crate) struct TokenCache {
    requester: TokenRequester,
    timing: Timing,
    slots: RwLock<HashMap<TokenKey, Arc<Slot>>>,
}

impl TokenCache {
    pub(crate) fn new(requester: TokenRequester, timing: Timing) -> Self {
        TokenCache { requester, timing, slots: RwLock::default() }
    }

    pub(crate) fn requester(&self) -> &TokenRequester {
        &self.requester
    }

    /// A token for `key`: the cached one while it is fresh, else the outcome of the fetch in
    /// flight (started if none is).
    pub(crate) async fn get(self: &Arc<Self>, key: &TokenKey) -> Result<AccessToken, TokenError> {
        let slot = self.slot(key);
        let fresh = self.fresh(&slot, key);
        #[cfg(feature = "metrics")]
        crate::instruments::token_cache(fresh.is_some());
        if let Some(token) = fresh {
            return Ok(token);
        }
        let mut outcome = {
            let mut flight = slot.flight();
            // A fetch may have finished since the lock-free check.
            if let Some(token) = self.fresh(&slot, key) {
                return Ok(token);
            }
            match &flight.running {
                // A closed channel means the fetch task died (its runtime shut down): start anew.
                Some(running) if running.has_changed().is_ok() => running.clone(),
                _ => {
                    if let Some(error) = flight.remembered(Instant::now()) {
                        return Err(error);
                    }
                    self.spawn_fetch(&slot, key, &mut flight)?
                }
            }
        };
        match outcome.wait_for(Option::is_some).await {
            Ok(done) => done.clone().unwrap_or(Err(TokenError::Aborted)),
            Err(_) => Err(TokenError::Aborted),
        }
    }

    /// The cached token for `key` if it is fresh; no waiting, no network (a background
    /// refresh may start).
    pub(crate) fn cached(self: &Arc<Self>, key: &TokenKey) -> Option<AccessToken> {
        let fresh = self.fresh(&self.slot(key), key);
        // A miss here is followed by `get` (the layer's slow path), which counts it.
        #[cfg(feature = "metrics")]
        if fresh.is_some() {
            crate::instruments::token_cache(true);
        }
        fresh
    }

    /// Forgets every cached token; fetches in flight still complete and fill their slots.
    pub(crate) fn clear(&self) {
        for slot in self.slots.read().unwrap_or_else(PoisonError::into_inner).values() {
            slot.current.store(None);
        }
    }

    fn slot(&self, key: &TokenKey) -> Arc<Slot> {
        if let Some(slot) = self.slots.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return Arc::clone(slot);
        }
        let mut slots = self.slots.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(slots.entry(key.clone()).or_default())
    }

    /// The slot's token if it may still be handed out; starts a background refresh when it is
    /// due.
    fn fresh(self: &Arc<Self>, slot: &Arc<Slot>, key: &TokenKey) -> Option<AccessToken> {
        let current = slot.current.load();
        let cached = current.as_ref()?;
        let now = Instant::now();
        if now >= cached.stale_at {
            return None;
        }
        if now >= cached.refresh_at {
            self.refresh_in_background(slot, key, now);
        }
        Some(cached.token.clone())
    }

    fn refresh_in_background(self: &Arc<Self>, slot: &Arc<Slot>, key: &TokenKey, now: Instant) {
        let Ok(mut flight) = slot.flight.try_lock() else {
            // Someone holds the lock: they are starting or finishing a fetch for this slot.
            return;
        };
        let running = flight.running.as_ref().is_some_and(|running| running.has_changed().is_ok());
        if running || flight.background_not_before.is_some_and(|not_before| now < not_before) {
            return;
        }
        tracing::debug!(
            scopes = key.scopes.as_str(),
            resource = key.resource(),
            "refreshing the client-credentials token ahead of expiry"
        );
        // Without a runtime the refresh waits for the first caller that has one.
        let _ = self.spawn_fetch(slot, key, &mut flight);
    }

    /// Starts the fetch task for `slot`; the returned receiver gets its outcome.
    fn spawn_fetch(
        self: &Arc<Self>,
        slot: &Arc<Slot>,
        key: &TokenKey,
        flight: &mut Flight,
    ) -> Result<watch::Receiver<Outcome>, TokenError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| TokenError::Aborted)?;
        let (done, outcome) = watch::channel(None);
        flight.running = Some(outcome.clone());
        let (cache, slot, key) = (Arc::clone(self), Arc::clone(slot), key.clone());
        runtime.spawn(async move {
            let result = cache.requester.fetch(&key).await;
            let mut flight = slot.flight();
            match &result {
                Ok(fetched) => {
                    slot.current.store(Some(Arc::new(cache.entry(fetched))));
                    flight.background_not_before = None;
                    flight.failure = None;
                    flight.failures = 0;
                }
                // The runtime is going away: nothing the endpoint said, nothing to remember.
                Err(TokenError::Aborted) => {}
                Err(error) => {
                    let retry = &cache.requester.config().retry;
                    let now = Instant::now();
                    flight.background_not_before = Some(now + retry.backoff.max);
                    flight.failures = flight.failures.saturating_add(1);
                    let window = retry.remember_for(flight.failures, error);
                    flight.failure = Some(Remembered { error: error.clone(), until: now + window });
                }
            }
            // Cleared under the lock after the slot is filled: a caller that finds no fetch
            // running finds the new token.
            flight.running = None;
            drop(flight);
            let _ = done.send(Some(result.map(|fetched| fetched.token)));
        });
        Ok(outcome)
    }

    fn entry(&self, fetched: &Fetched) -> Cached {
        let (refresh_at, stale_at) = self.timing.schedule(fetched.sent_at, fetched.lifetime);
        Cached { token: fetched.token.clone(), refresh_at, stale_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn schedule(margin: u64, ahead: u64, lifetime: u64) -> (Duration, Duration) {
        let t0 = Instant::now();
        let timing = Timing { expiry_margin: secs(margin), refresh_ahead: secs(ahead) };
        let (refresh_at, stale_at) = timing.schedule(t0, secs(lifetime));
        (refresh_at - t0, stale_at - t0)
    }

    #[test]
    fn an_hour_token_is_used_until_the_margin_and_refreshed_ahead_of_it() {
        assert_eq!(schedule(60, 300, 3600), (secs(3600 - 60 - 300), secs(3600 - 60)));
    }

    #[test]
    fn the_margin_is_capped_at_half_the_lifetime() {
        assert_eq!(schedule(59, 0, 60).1, secs(30));
        assert_eq!(schedule(20, 0, 60).1, secs(40));
        assert_eq!(schedule(600, 0, 60).1, secs(30));
    }

    #[test]
    fn refresh_ahead_is_capped_at_half_the_usable_time() {
        // 5 min token, default margin and refresh-ahead: used 240 s, refreshed from 120 s.
        assert_eq!(schedule(60, 300, 300), (secs(120), secs(240)));
        assert_eq!(schedule(0, 3600, 10), (secs(5), secs(10)));
    }

    #[test]
    fn zero_margin_and_refresh_ahead_use_the_whole_lifetime() {
        assert_eq!(schedule(0, 0, 100), (secs(100), secs(100)));
    }
}
