//! Load balancer public keys: fetched as PEM from `{endpoint}/{kid}`, parsed once per `kid`.
//!
//! A `kid` names one key forever, so a fetched key never needs refreshing; the cache is only
//! bounded. Fetches are single-flight per `kid` (concurrent callers wait for the one fetch) and
//! bounded globally by a [`FetchBudget`] (rate limit and in-flight cap: a fetch over budget is
//! refused at once). A failed fetch is remembered for `min_refetch_interval` in a
//! [`NegativeCache`] sized to hold every failure of that interval, so a flood of tokens with
//! unknown `kid`s neither hammers the endpoint nor evicts good keys nor gets a `kid` refetched
//! early. Nor does it starve a newly rotated genuine key: the budget keeps a reserve for the `kid`
//! asked for most ([`Demand`]), which a key every request behind the load balancer names soon
//! is, and a flood of fresh `kid`s never is.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cognito_http::RequestLimits;

use super::demand::Demand;
use super::fetch_budget::{FetchBudget, admit};
use super::key::AlbKey;
use super::key_fetch::fetch;
use super::negative_cache::NegativeCache;
use super::options::AlbKeyOptions;
use crate::error::VerifyError;

pub(crate) struct AlbKeys {
    endpoint: String,
    client: reqwest::Client,
    keys: quick_cache::sync::Cache<String, Arc<AlbKey>>,
    failures: NegativeCache,
    budget: FetchBudget,
    demand: Demand,
    min_refetch_interval: Duration,
    limits: RequestLimits,
    fetches: AtomicU64,
}

impl AlbKeys {
    /// Keys fetched from `{endpoint}/{kid}` with `client`.
    pub(crate) fn new(endpoint: String, options: &AlbKeyOptions, client: reqwest::Client) -> Self {
        AlbKeys {
            endpoint,
            client,
            keys: quick_cache::sync::Cache::new(options.cache_capacity),
            failures: NegativeCache::new(options.negative_cache_capacity, options.min_refetch_interval),
            budget: FetchBudget::new(options),
            demand: Demand::new(),
            min_refetch_interval: options.min_refetch_interval,
            limits: options.limits,
            fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key for `kid` without fetching: `Some(Err)` while a recent failure for it stands,
    /// `None` when a fetch is needed.
    pub(crate) fn cached(&self, kid: &str) -> Option<Result<Arc<AlbKey>, VerifyError>> {
        if let Some(key) = self.keys.get(kid) {
            return Some(Ok(key));
        }
        self.failures.get(kid).map(Err)
    }

    /// The key for `kid`, fetching it if needed and the budget allows; one fetch per `kid` at a
    /// time.
    pub(crate) async fn fetch(&self, kid: &str) -> Result<Arc<AlbKey>, VerifyError> {
        if let Some(cached) = self.cached(kid) {
            return cached;
        }
        let guard = match self.keys.get_value_or_guard_async(kid).await {
            Ok(key) => return Ok(key),
            Err(guard) => guard,
        };
        // A fetch that failed while this caller waited for the guard recorded why.
        if let Some(err) = self.failures.get(kid) {
            return Err(err);
        }
        // Refused: nothing is remembered (the kid was not tried); waiters try the budget in turn.
        let _in_flight = admit(&self.demand, &self.budget, kid).map_err(|refusal| {
            tracing::debug!(%kid, reason = refusal.label(), "ALB key fetch refused");
            #[cfg(feature = "metrics")]
            crate::instruments::alb_key_fetch_refused(&self.endpoint, refusal.label());
            refusal.into_error()
        })?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}/{kid}", self.endpoint);
        #[cfg(feature = "metrics")]
        let started = tokio::time::Instant::now();
        let result = fetch(&self.client, &url, kid, self.min_refetch_interval, &self.limits).await;
        #[cfg(feature = "metrics")]
        crate::instruments::alb_key_fetch(
            &self.endpoint,
            result.as_ref().map_or_else(|failure| failure.kind, |_| "success"),
            started.elapsed(),
        );
        match result {
            Ok(key) => {
                let key = Arc::new(key);
                // Only fails if the entry was filled meanwhile, which the guard prevents.
                let _ = guard.insert(Arc::clone(&key));
                self.failures.remove(kid);
                tracing::debug!(%kid, "ALB key fetched");
                Ok(key)
            }
            Err(failure) => {
                let error = failure.error;
                tracing::warn!(%kid, %error, "ALB key fetch failed");
                self.failures.insert(kid, error.clone());
                // Waiters take the guard next, find the failure and return it without a fetch.
                drop(guard);
                Err(error)
            }
        }
    }
}
