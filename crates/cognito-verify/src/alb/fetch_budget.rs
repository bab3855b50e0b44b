//! [`FetchBudget`]: the global bound on ALB key fetches, whatever the `kid`s: a token bucket
//! (a burst, then a sustained rate) and a cap on fetches in flight. A fetch that does not fit is
//! refused at once, before any socket is opened.
//!
//! One token of the bucket and one place in flight are a reserve (when the burst and the cap are
//! at least 2): an ordinary fetch may only start while they stay free; a priority fetch (for the
//! `kid` asked for most, see [`Demand`](super::demand::Demand)) may take them. A flood of fresh
//! `kid`s thus spends every other token but cannot starve the key genuine traffic asks for,
//! and the bound on all fetches together is unchanged.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::demand::Demand;
use super::options::AlbKeyOptions;
use crate::error::VerifyError;

/// Why a fetch may not start now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Refusal {
    /// The rate limit's bucket is empty; the next fetch may start after this long.
    RateLimited(Duration),
    /// `max_fetches_in_flight` fetches are running.
    InFlight,
}

impl Refusal {
    /// A fixed name, for the metric label.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) fn label(self) -> &'static str {
        match self {
            Refusal::RateLimited(_) => "rate_limit",
            Refusal::InFlight => "in_flight",
        }
    }

    /// The retryable error its caller gets.
    pub(crate) fn into_error(self) -> VerifyError {
        match self {
            Refusal::RateLimited(retry_after) => VerifyError::KeysUnavailable {
                reason: "ALB key fetches are rate limited (fetch_rate, fetch_burst)".to_owned(),
                retry_after,
            },
            Refusal::InFlight => VerifyError::KeysUnavailable {
                reason: "too many ALB key fetches in flight (max_fetches_in_flight)".to_owned(),
                retry_after: Duration::from_secs(1),
            },
        }
    }
}

pub(crate) struct FetchBudget {
    bucket: Mutex<Bucket>,
    in_flight: Semaphore,
    per_second: f64,
    burst: f64,
    /// Tokens an ordinary fetch must leave in the bucket.
    reserved_tokens: f64,
    /// Places in flight an ordinary fetch must leave free.
    reserved_in_flight: usize,
}

/// Whether a fetch may use the reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Priority {
    /// Leaves the reserve alone.
    Ordinary,
    /// The `kid` asked for most: may take the reserve.
    Reserve,
}

/// Whether a fetch for `kid` may start now: `kid` is counted in `demand`, then tried against
/// `budget`, with the reserve when it is the `kid` asked for most. The permit counts the fetch in
/// flight until dropped.
pub(crate) fn admit<'a>(
    demand: &Demand,
    budget: &'a FetchBudget,
    kid: &str,
) -> Result<SemaphorePermit<'a>, Refusal> {
    let priority = if demand.record(kid) { Priority::Reserve } else { Priority::Ordinary };
    budget.try_start(priority)
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl FetchBudget {
    pub(crate) fn new(options: &AlbKeyOptions) -> Self {
        let burst = f64::from(options.fetch_burst);
        FetchBudget {
            bucket: Mutex::new(Bucket { tokens: burst, refilled_at: Instant::now() }),
            in_flight: Semaphore::new(options.max_fetches_in_flight),
            per_second: f64::from(options.fetch_rate),
            burst,
            reserved_tokens: if options.fetch_burst >= 2 { 1.0 } else { 0.0 },
            reserved_in_flight: usize::from(options.max_fetches_in_flight >= 2),
        }
    }

    /// A fetch may start: the permit counts it in flight until dropped. Refused at once, taking
    /// nothing, when the cap on fetches in flight is reached or the bucket is empty (for an
    /// ordinary fetch: when only the reserve is left).
    pub(crate) fn try_start(&self, priority: Priority) -> Result<SemaphorePermit<'_>, Refusal> {
        let permit = self.in_flight.try_acquire().map_err(|_| Refusal::InFlight)?;
        let (keep_tokens, keep_in_flight) = match priority {
            Priority::Ordinary => (self.reserved_tokens, self.reserved_in_flight),
            Priority::Reserve => (0.0, 0),
        };
        // Checked after taking a place: concurrent fetches can only make this stricter.
        if self.in_flight.available_permits() < keep_in_flight {
            return Err(Refusal::InFlight);
        }
        self.take_token(keep_tokens)?;
        Ok(permit)
    }

    fn take_token(&self, keep: f64) -> Result<(), Refusal> {
        // Plain numbers updated in one step: a panic elsewhere cannot leave them half-written.
        let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let earned = now.saturating_duration_since(bucket.refilled_at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 + keep {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = Duration::try_from_secs_f64((1.0 + keep - bucket.tokens) / self.per_second)
            .unwrap_or(Duration::from_secs(1));
        Err(Refusal::RateLimited(wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_is_spent_then_fetches_are_refused_with_the_wait_for_the_next_one() {
        let budget = FetchBudget::new(&AlbKeyOptions::default().fetch_burst(3).fetch_rate(1));
        for _ in 0..2 {
            drop(budget.try_start(Priority::Ordinary).unwrap());
        }
        // The last token is the reserve.
        assert!(matches!(budget.try_start(Priority::Ordinary).map(drop), Err(Refusal::RateLimited(_))));
        drop(budget.try_start(Priority::Reserve).unwrap());
        match budget.try_start(Priority::Reserve) {
            Err(Refusal::RateLimited(wait)) => assert!(wait <= Duration::from_secs(1), "{wait:?}"),
            other => panic!("expected a rate-limit refusal, got {:?}", other.map(drop)),
        }
    }

    #[test]
    fn fetches_beyond_the_in_flight_cap_are_refused_without_spending_the_bucket() {
        let budget = FetchBudget::new(&AlbKeyOptions::default().fetch_burst(10).max_fetches_in_flight(3));
        let first = budget.try_start(Priority::Ordinary).unwrap();
        let second = budget.try_start(Priority::Ordinary).unwrap();
        // The third place is the reserve.
        assert_eq!(budget.try_start(Priority::Ordinary).map(drop), Err(Refusal::InFlight));
        let reserve = budget.try_start(Priority::Reserve).unwrap();
        assert_eq!(budget.try_start(Priority::Reserve).map(drop), Err(Refusal::InFlight));
        drop(first);
        // An ordinary fetch always leaves one place free.
        assert_eq!(budget.try_start(Priority::Ordinary).map(drop), Err(Refusal::InFlight));
        drop(reserve);
        let fourth = budget.try_start(Priority::Ordinary).unwrap();
        drop((second, fourth));
        // 4 of the 10 tokens were spent: 5 more ordinary fetches may start, then the reserve.
        for _ in 0..5 {
            drop(budget.try_start(Priority::Ordinary).unwrap());
        }
        assert!(matches!(budget.try_start(Priority::Ordinary).map(drop), Err(Refusal::RateLimited(_))));
        drop(budget.try_start(Priority::Reserve).unwrap());
        assert!(matches!(budget.try_start(Priority::Reserve).map(drop), Err(Refusal::RateLimited(_))));
    }

    #[test]
    fn with_a_burst_and_cap_of_one_there_is_no_reserve() {
        let budget = FetchBudget::new(&AlbKeyOptions::default().fetch_burst(1).max_fetches_in_flight(1));
        drop(budget.try_start(Priority::Ordinary).unwrap());
        assert!(matches!(budget.try_start(Priority::Reserve).map(drop), Err(Refusal::RateLimited(_))));
    }
}
