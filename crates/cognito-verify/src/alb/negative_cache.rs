//! [`NegativeCache`]: the `kid`s whose fetch failed recently, each with its error, held for a
//! fixed time-to-live.
//!
//! Unlike the key cache, whose eviction favours entries seen often, this one evicts strictly the
//! oldest failure first, and only when full. Its capacity is validated to hold every failure the
//! fetch budget allows within one time-to-live, so a `kid` that failed is never forgotten (and
//! refetched) early, however many other `kid`s fail meanwhile.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::VerifyError;

pub(crate) struct NegativeCache {
    state: Mutex<State>,
    capacity: usize,
    ttl: Duration,
}

#[derive(Default)]
struct State {
    /// The failure of each `kid` and until when it stands. `std`'s randomly keyed hasher: the
    /// keys are chosen by whoever sends tokens.
    failures: HashMap<String, Failure>,
    /// `kid`s in the order they failed, with the failure's sequence number (an entry whose number
    /// no longer matches `failures` is stale: that failure was removed or renewed).
    order: VecDeque<(String, u64, Instant)>,
    next_seq: u64,
}

struct Failure {
    seq: u64,
    until: Instant,
    error: VerifyError,
}

impl NegativeCache {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        NegativeCache { state: Mutex::new(State::default()), capacity: capacity.max(1), ttl }
    }

    /// The error of `kid`'s recent failure, while it stands; a `KeysUnavailable` carries the
    /// time left as its `retry_after`.
    pub(crate) fn get(&self, kid: &str) -> Option<VerifyError> {
        let state = self.lock();
        let Failure { until, error, .. } = state.failures.get(kid)?;
        let left = until.checked_duration_since(Instant::now()).filter(|left| !left.is_zero())?;
        Some(match error.clone() {
            VerifyError::KeysUnavailable { reason, .. } => {
                VerifyError::KeysUnavailable { reason, retry_after: left }
            }
            other => other,
        })
    }

    /// Remember that `kid`'s fetch failed with `error`, for the time-to-live.
    pub(crate) fn insert(&self, kid: &str, error: VerifyError) {
        let now = Instant::now();
        let until = now + self.ttl;
        let mut state = self.lock();
        state.drop_expired(now);
        while state.failures.len() >= self.capacity && state.pop_oldest() {}
        let seq = state.next_seq;
        state.next_seq += 1;
        state.failures.insert(kid.to_owned(), Failure { seq, until, error });
        state.order.push_back((kid.to_owned(), seq, until));
    }

    /// Forget `kid` (its key was fetched).
    pub(crate) fn remove(&self, kid: &str) {
        self.lock().failures.remove(kid);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Each update leaves the maps consistent (a stale order entry is tolerated).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn drop_expired(&mut self, now: Instant) {
        while self.order.front().is_some_and(|(_, _, until)| *until <= now) {
            self.pop_oldest();
        }
    }

    /// Remove the oldest entry of `order`, and its failure unless that was renewed since.
    /// `false` when there is none.
    fn pop_oldest(&mut self) -> bool {
        let Some((kid, seq, _)) = self.order.pop_front() else { return false };
        if self.failures.get(&kid).is_some_and(|failure| failure.seq == seq) {
            self.failures.remove(&kid);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(kid: &str) -> VerifyError {
        VerifyError::UnknownKid { kid: kid.to_owned() }
    }

    #[test]
    fn every_failure_within_capacity_is_held_whatever_the_order_of_lookups() {
        let cache = NegativeCache::new(200, Duration::from_secs(60));
        let kids: Vec<String> = (0..200).map(|n| format!("kid-{n}")).collect();
        for kid in &kids {
            cache.insert(kid, unknown(kid));
        }
        for kid in kids.iter().rev() {
            assert_eq!(cache.get(kid), Some(unknown(kid)), "{kid}");
        }
    }

    #[test]
    fn when_full_the_oldest_failure_goes_first() {
        let cache = NegativeCache::new(2, Duration::from_secs(60));
        cache.insert("a", unknown("a"));
        cache.insert("b", unknown("b"));
        cache.insert("c", unknown("c"));
        assert_eq!(cache.get("a"), None);
        assert_eq!(cache.get("b"), Some(unknown("b")));
        assert_eq!(cache.get("c"), Some(unknown("c")));
    }

    #[test]
    fn a_renewed_failure_is_not_dropped_by_its_stale_entry() {
        let cache = NegativeCache::new(2, Duration::from_secs(60));
        cache.insert("a", unknown("a"));
        cache.remove("a");
        cache.insert("b", unknown("b"));
        cache.insert("a", unknown("a"));
        cache.insert("c", unknown("c"));
        // Full: the stale first entry of "a" is skipped, and the oldest live failure, "b", goes.
        assert_eq!(cache.get("a"), Some(unknown("a")));
        assert_eq!(cache.get("b"), None);
        assert_eq!(cache.get("c"), Some(unknown("c")));
    }

    #[test]
    fn a_failure_stands_for_the_time_to_live_only() {
        let cache = NegativeCache::new(4, Duration::ZERO);
        cache.insert("a", unknown("a"));
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn keys_unavailable_carries_the_time_left() {
        let cache = NegativeCache::new(4, Duration::from_secs(30));
        let down =
            VerifyError::KeysUnavailable { reason: "down".into(), retry_after: Duration::from_secs(99) };
        cache.insert("a", down);
        match cache.get("a") {
            Some(VerifyError::KeysUnavailable { retry_after, .. }) => {
                assert!(retry_after <= Duration::from_secs(30) && retry_after > Duration::from_secs(25));
            }
            other => panic!("{other:?}"),
        }
    }
}
