//! The JWKS cache: one per JWKS URL, shared by every verification of that issuer.
//!
//! Reads are lock-free: the current key set is an [`ArcSwapOption`] snapshot of parsed keys.
//! Fetches happen one at a time per URL, in a spawned task (so a cancelled request can't leave
//! one half done), and every caller that needs keys meanwhile waits on that one fetch. Unknown
//! `kid`s trigger at most one refetch per [`JwksOptions::min_refetch_interval`]; callers arriving
//! inside that window fail fast. A failed fetch keeps the last good set and backs off; a 429
//! (Cognito's JWKS quota) backs off at least its `Retry-After`. A background task refreshes the
//! set on an interval (or the document's `Cache-Control: max-age`), less a random 0-20 % so that
//! replicas started together spread their refreshes, so keys removed by the issuer stop being
//! trusted. An unknown-`kid` refetch may be delayed by a random time
//! ([`JwksOptions::unknown_kid_refetch_spread`]) so that a fleet seeing a new `kid` together
//! does not fetch at once.

pub(crate) mod fetch;
mod options;
mod refresh;
pub(crate) mod spread;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

pub use self::options::{DEFAULT_MAX_RETRY_AFTER, JwksOptions};

use self::fetch::{FetchError, fetch};
use self::refresh::refresh_loop;
use crate::error::VerifyError;
#[cfg(feature = "metrics")]
use crate::instruments;
use crate::keys::{IssuerKind, KeyEntry, KeySet, VerifyingKey};

/// The keys of one JWKS URL.
pub(crate) struct JwksCache {
    uri: String,
    /// The user pool this URL was derived from, when it was (see `IssuerConfig::pool`).
    pool: Option<String>,
    /// Whose keys these are: what a JWK without `alg` is for.
    issuer_kind: IssuerKind,
    client: reqwest::Client,
    options: JwksOptions,
    keys: ArcSwapOption<KeySet>,
    state: Mutex<FetchState>,
    /// Wakes the background refresher early (on drop, so it can exit).
    wake_refresher: Arc<Notify>,
    fetches: AtomicU64,
    /// Set by [`preload`](Self::preload): the refresher is started by the first lookup, since
    /// preloaded keys may never need a fetch to be found.
    refresher_wanted: AtomicBool,
    /// The background refresher has been spawned (set once, under the state lock; read without
    /// it on every unknown `kid`).
    refresher_started: AtomicBool,
    /// No first fetch before this (`first_fetch_spread`).
    first_fetch_at: Instant,
}

#[derive(Default)]
struct FetchState {
    /// Present while a fetch runs; it becomes `true` when the fetch finishes.
    in_flight: Option<watch::Receiver<bool>>,
    /// When the last fetch caused by an unknown kid started.
    last_refetch: Option<Instant>,
    /// After a failure, no fetch starts before this.
    backoff_until: Option<Instant>,
    failures: u32,
    last_error: Option<String>,
    /// The last fetch failed because the URL answered 403/404.
    not_found: bool,
    /// When the background refresher should fetch next.
    next_refresh: Option<Instant>,
    /// When the delayed refetch an unknown `kid` asked for is due (`refetch_spread`).
    pending_refetch: Option<Instant>,
}

/// Why a fetch may not start now.
/// A JWKS fetch in flight (joined or started), to wait for.
pub(crate) struct InFlight(watch::Receiver<bool>);

/// Where fetching a key stands after [`JwksCache::start_key_fetch`].
pub(crate) enum KeyFetch {
    /// Decided without waiting: the key, or the precise error.
    Ready(Result<Arc<VerifyingKey>, VerifyError>),
    /// A fetch is in flight: the key comes from [`JwksCache::key_after_fetch`].
    Wait(InFlight),
}

enum Refused {
    RateLimited(Duration),
    /// An unknown-`kid` refetch is due after this long (`unknown_kid_refetch_spread`).
    Scheduled(Duration),
}

impl JwksCache {
    pub(crate) fn new(
        uri: String,
        client: reqwest::Client,
        options: JwksOptions,
        pool: Option<String>,
        issuer_kind: IssuerKind,
    ) -> Arc<Self> {
        Arc::new(JwksCache {
            uri,
            pool,
            issuer_kind,
            client,
            keys: ArcSwapOption::empty(),
            state: Mutex::new(FetchState::default()),
            wake_refresher: Arc::new(Notify::new()),
            fetches: AtomicU64::new(0),
            refresher_wanted: AtomicBool::new(false),
            refresher_started: AtomicBool::new(false),
            first_fetch_at: Instant::now() + spread::delay_within(options.first_fetch_spread),
            options,
        })
    }

    /// Start with `set`, a JWKS document given in the configuration, as if fetched now: when
    /// fetching from the URL is on, the background refresh replaces it after the refresh
    /// interval, and an unknown `kid` refetches as usual.
    pub(crate) fn preload(&self, set: KeySet) {
        self.keys.store(Some(Arc::new(set)));
        if self.options.fetch_from_url {
            self.lock().next_refresh = Some(Instant::now() + self.options.refresh_interval);
            self.refresher_wanted.store(true, Ordering::Relaxed);
        }
    }

    /// The key for `kid`, which [`lookup`](Self::lookup) did not find: fetching or refetching
    /// the set when allowed, and failing with the precise error when the key still is not there.
    ///
    /// The first step is synchronous: when no fetch has to be waited for (fetching is off, or a
    /// refetch is refused, rate-limited or scheduled for later) the outcome is decided at once,
    /// without a future, which is what keeps a flood of unknown `kid`s cheap.
    pub(crate) fn start_key_fetch(self: &Arc<Self>, kid: &str) -> KeyFetch {
        if !self.options.fetch_from_url {
            return KeyFetch::Ready(self.lookup(kid).unwrap_or_else(|| Err(VerifyError::unknown_kid(kid))));
        }
        self.start_refresher();
        match self.join_or_start(false) {
            Ok(fetch) => KeyFetch::Wait(fetch),
            Err(refused) => KeyFetch::Ready(self.key_after(kid, Err(refused))),
        }
    }

    /// The key for `kid` once the fetch [`start_key_fetch`](Self::start_key_fetch) started or
    /// joined has finished.
    pub(crate) async fn key_after_fetch(
        self: &Arc<Self>,
        kid: &str,
        fetch: InFlight,
    ) -> Result<Arc<VerifyingKey>, VerifyError> {
        self.wait(fetch).await;
        self.key_after(kid, Ok(()))
    }

    /// The key for `kid` after a fetch (`Ok`) or a refusal to fetch, or the precise error.
    fn key_after(
        self: &Arc<Self>,
        kid: &str,
        fetched: Result<(), Refused>,
    ) -> Result<Arc<VerifyingKey>, VerifyError> {
        match fetched {
            Ok(()) | Err(Refused::RateLimited(_)) if self.keys.load().is_some() => {
                self.lookup(kid).unwrap_or_else(|| Err(VerifyError::unknown_kid(kid)))
            }
            Ok(()) => Err(self.unavailable(None)),
            Err(Refused::RateLimited(retry_after)) => Err(self.unavailable(Some(retry_after))),
            Err(Refused::Scheduled(retry_after)) => Err(VerifyError::KeysUnavailable {
                reason: format!(
                    "kid {kid:?} is not in the key set yet: the fetch is spread over time \
                     (first_fetch_spread, unknown_kid_refetch_spread) and due in {} ms",
                    retry_after.as_millis()
                ),
                retry_after,
            }),
        }
    }

    /// The current key set if it holds exactly `key` for `kid`, for
    /// [`still_trusts`](Self::still_trusts); otherwise a reference that no set matches.
    pub(crate) fn snapshot_holding(&self, kid: &str, key: &Arc<VerifyingKey>) -> Weak<KeySet> {
        match self.keys.load().as_ref() {
            Some(set) if matches!(set.get(kid), Some(KeyEntry::Usable(k)) if Arc::ptr_eq(k, key)) => {
                Arc::downgrade(set)
            }
            _ => Weak::new(),
        }
    }

    /// Whether `key` is still the current key for `kid`: the key set is still `snapshot` (sets
    /// are immutable, and a `Weak` keeps its address from being reused), or the current set
    /// holds the very same key. Used on every verified-token cache hit.
    pub(crate) fn still_trusts(&self, snapshot: &Weak<KeySet>, kid: &str, key: &Arc<VerifyingKey>) -> bool {
        match self.keys.load().as_ref() {
            Some(set) if std::ptr::eq(Arc::as_ptr(set), snapshot.as_ptr()) => true,
            Some(set) => matches!(set.get(kid), Some(KeyEntry::Usable(k)) if Arc::ptr_eq(k, key)),
            None => false,
        }
    }

    /// Fetch now (sharing a fetch already running), for `hydrate()`.
    /// Fails when the fetch failed, even if an older key set is still in use.
    /// With fetching off there is nothing to fetch: the keys are the configured documents.
    pub(crate) async fn hydrate(self: &Arc<Self>) -> Result<(), VerifyError> {
        if !self.options.fetch_from_url {
            return Ok(());
        }
        self.start_refresher();
        // Before the first fetch may start (`first_fetch_spread`), hydrate waits for it.
        tokio::time::sleep_until(self.first_fetch_at).await;
        let retry_after = match self.fetch_shared(true).await {
            Ok(()) => None,
            Err(Refused::RateLimited(retry_after) | Refused::Scheduled(retry_after)) => Some(retry_after),
        };
        if self.keys.load().is_none() || self.lock().last_error.is_some() {
            return Err(self.unavailable(retry_after));
        }
        Ok(())
    }

    /// Whether the last fetch failed because the URL answered 403/404.
    pub(crate) fn not_found(&self) -> bool {
        self.lock().not_found
    }

    /// How many fetches this cache has started.
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Spawn the background refresher, once, on the caller's runtime.
    fn start_refresher(self: &Arc<Self>) {
        if !self.options.fetch_from_url || self.refresher_started.load(Ordering::Acquire) {
            return;
        }
        // The state lock makes the check and the spawn one step.
        let _starting = self.lock();
        if self.refresher_started.load(Ordering::Acquire) {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            self.refresher_started.store(true, Ordering::Release);
            self.refresher_wanted.store(false, Ordering::Relaxed);
            runtime.spawn(refresh_loop(Arc::downgrade(self), Arc::clone(&self.wake_refresher)));
        }
    }

    /// The key for `kid` from the current set, without fetching: `None` when there is no set
    /// yet or it has no such `kid`.
    pub(crate) fn lookup(self: &Arc<Self>, kid: &str) -> Option<Result<Arc<VerifyingKey>, VerifyError>> {
        if self.refresher_wanted.load(Ordering::Relaxed) {
            self.start_refresher();
        }
        let keys = self.keys.load();
        Some(match keys.as_ref()?.get(kid)? {
            KeyEntry::Usable(key) => Ok(Arc::clone(key)),
            KeyEntry::Unusable(reason) => {
                Err(VerifyError::UnusableKey { kid: kid.to_owned(), reason: reason.clone() })
            }
        })
    }

    /// The retryable error for "no keys": why, and when the next fetch may start.
    fn unavailable(&self, retry_after: Option<Duration>) -> VerifyError {
        let state = self.lock();
        let reason = state.last_error.clone().unwrap_or_else(|| "no key set fetched yet".to_owned());
        let retry_after = retry_after
            .or_else(|| state.backoff_until.map(|until| until.saturating_duration_since(Instant::now())))
            .unwrap_or(self.options.backoff.initial);
        VerifyError::KeysUnavailable { reason, retry_after }
    }

    fn lock(&self) -> MutexGuard<'_, FetchState> {
        // The state is plain data updated in small steps; a panic elsewhere can't leave it
        // inconsistent, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Join the fetch in flight, or start one if allowed, and wait for it to finish.
    /// `scheduled` fetches (background refresh, hydrate) ignore the unknown-kid rate limit but
    /// not the failure backoff.
    async fn fetch_shared(self: &Arc<Self>, scheduled: bool) -> Result<(), Refused> {
        let fetch = self.join_or_start(scheduled)?;
        self.wait(fetch).await;
        Ok(())
    }

    /// The synchronous part of [`fetch_shared`](Self::fetch_shared): the fetch in flight, or
    /// one started now, to wait for; or why none may start now.
    fn join_or_start(self: &Arc<Self>, scheduled: bool) -> Result<InFlight, Refused> {
        {
            let mut state = self.lock();
            match &state.in_flight {
                Some(rx) => Ok(InFlight(rx.clone())),
                None => {
                    let now = Instant::now();
                    if let Some(until) = state.backoff_until.filter(|until| *until > now) {
                        #[cfg(feature = "metrics")]
                        instruments::refetch_refused(&self.uri, "backoff");
                        return Err(Refused::RateLimited(until - now));
                    }
                    let have_keys = self.keys.load().is_some();
                    if !have_keys && now < self.first_fetch_at {
                        // The refresher fetches when it is due; callers meanwhile get 503.
                        state.next_refresh = Some(self.first_fetch_at);
                        drop(state);
                        self.wake_refresher.notify_one();
                        return Err(Refused::Scheduled(self.first_fetch_at - now));
                    }
                    if !scheduled
                        && have_keys
                        && let Some(due) = state.pending_refetch.filter(|due| *due > now)
                    {
                        return Err(Refused::Scheduled(due - now));
                    }
                    // The rate limit spaces refetches caused by unknown kids; a scheduled fetch
                    // (start-up, refresh) does not count against it.
                    if !scheduled
                        && have_keys
                        && let Some(allowed_at) = state
                            .last_refetch
                            .map(|last| last + self.options.min_refetch_interval)
                            .filter(|allowed_at| *allowed_at > now)
                    {
                        #[cfg(feature = "metrics")]
                        instruments::refetch_refused(&self.uri, "rate_limit");
                        return Err(Refused::RateLimited(allowed_at - now));
                    }
                    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                        state.last_error = Some("no tokio runtime to fetch keys on".to_owned());
                        return Err(Refused::RateLimited(self.options.backoff.initial));
                    };
                    if !scheduled && have_keys && !self.options.refetch_spread.is_zero() {
                        // The refresher fetches when it is due; callers meanwhile get 503.
                        let due = now + spread::delay_within(self.options.refetch_spread);
                        state.last_refetch = Some(now);
                        state.pending_refetch = Some(due);
                        state.next_refresh = Some(state.next_refresh.map_or(due, |next| next.min(due)));
                        #[cfg(feature = "metrics")]
                        instruments::unknown_kid_refetch(&self.uri);
                        drop(state);
                        self.wake_refresher.notify_one();
                        return Err(Refused::Scheduled(due - now));
                    }
                    let (tx, rx) = watch::channel(false);
                    state.in_flight = Some(rx.clone());
                    if !scheduled && have_keys {
                        state.last_refetch = Some(now);
                        #[cfg(feature = "metrics")]
                        instruments::unknown_kid_refetch(&self.uri);
                    }
                    self.fetches.fetch_add(1, Ordering::Relaxed);
                    let cache = Arc::clone(self);
                    runtime.spawn(async move {
                        cache.fetch_and_store().await;
                        cache.lock().in_flight = None;
                        // Receivers may all be gone; nothing to tell then.
                        let _ = tx.send(true);
                    });
                    Ok(InFlight(rx))
                }
            }
        }
    }

    /// Wait for the fetch `fetch` to finish.
    async fn wait(&self, fetch: InFlight) {
        let InFlight(mut done) = fetch;
        if done.wait_for(|finished| *finished).await.is_err() {
            // The fetch task died with its runtime; forget it so the next caller starts anew.
            let mut state = self.lock();
            if state.in_flight.as_ref().is_some_and(|rx| rx.same_channel(&done)) {
                state.in_flight = None;
            }
        }
    }

    async fn fetch_and_store(&self) {
        #[cfg(feature = "metrics")]
        let started = Instant::now();
        let result = fetch(&self.client, &self.uri, &self.options.limits, self.issuer_kind).await;
        let now = Instant::now();
        #[cfg(feature = "metrics")]
        instruments::jwks_fetch(
            &self.uri,
            result.as_ref().map_or_else(|err| err.kind, |_| "success"),
            now - started,
        );
        let mut state = self.lock();
        state.pending_refetch = None;
        match result {
            Ok((mut set, max_age)) => {
                if let Some(previous) = self.keys.load().as_ref() {
                    set.reuse_unchanged(previous);
                }
                if set.usable() == 0 {
                    tracing::warn!(uri = %self.uri, keys = set.len(),
                        "JWKS fetched, but it holds no usable key: every token of this issuer is refused");
                } else {
                    tracing::debug!(uri = %self.uri, keys = set.len(), "JWKS fetched");
                }
                self.keys.store(Some(Arc::new(set)));
                state.failures = 0;
                state.backoff_until = None;
                state.last_error = None;
                state.not_found = false;
                let interval = max_age
                    // max-age may only shorten the interval: an IdP (or a proxy) must not be able
                    // to keep a removed key trusted longer than the operator configured.
                    // max then min, not clamp: no configuration can make this panic.
                    .map(|age| age.max(self.options.min_refetch_interval).min(self.options.refresh_interval))
                    .unwrap_or(self.options.refresh_interval);
                state.next_refresh =
                    Some(now + spread::refresh_after(interval, self.options.min_refetch_interval));
            }
            Err(FetchError { reason, kind, not_found, throttled }) => {
                state.failures = state.failures.saturating_add(1);
                let mut backoff = self.options.backoff.delay(state.failures);
                if let Some(retry_after) = throttled {
                    backoff = spread::throttled_wait(
                        retry_after,
                        self.options.min_refetch_interval,
                        backoff,
                        self.options.max_retry_after,
                    );
                }
                let kept_previous_keys = self.keys.load().is_some();
                // A format or region the pool may simply not use: not a fault by itself, and not
                // refetched in the background until a token names this issuer again.
                let unused_issuer = not_found && self.pool.is_some() && !kept_previous_keys;
                match (&self.pool, not_found) {
                    (Some(pool), true) if unused_issuer => tracing::info!(uri = %self.uri, %pool, %reason,
                        "JWKS not found for this issuer of the user pool; fine if the pool does not \
                         use this issuer format or region, otherwise check the pool id and region"),
                    // Logged once per backoff: fetches are spaced by it.
                    (None, true) => tracing::error!(uri = %self.uri, %reason, ?backoff,
                        "JWKS URL not found: check the issuer URL (and the pool id and region in it)"),
                    _ => tracing::warn!(uri = %self.uri, %reason, kind, failures = state.failures, ?backoff,
                        kept_previous_keys, "JWKS fetch failed"),
                }
                let until = spread::deadline(now, backoff);
                state.backoff_until = Some(until);
                state.next_refresh = (!unused_issuer).then_some(until);
                state.last_error = Some(reason);
                state.not_found = not_found;
            }
        }
        drop(state);
        self.wake_refresher.notify_one();
    }
}

impl Drop for JwksCache {
    fn drop(&mut self) {
        self.wake_refresher.notify_one();
    }
}
