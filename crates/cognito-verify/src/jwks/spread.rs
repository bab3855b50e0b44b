//! Spreading fetches over time, so that replicas started together (or throttled together) do
//! not fetch together: the jittered refresh interval, the wait after a 429, and the random delay
//! of an unknown-`kid` refetch.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;

/// The share of the refresh interval a background refresh may come early: each refresh is due
/// after a random time between `(1 - REFRESH_JITTER) × interval` and `interval` (80-100 %).
/// Never later than the interval, so a removed key is never trusted longer than configured.
pub(crate) const REFRESH_JITTER: f64 = 0.2;

/// A number in [0, 1), from the standard library's randomly keyed hasher: jitter needs no more.
pub(crate) fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// When a background refresh is due: `interval` less up to [`REFRESH_JITTER`] of it, never
/// below `floor` (the least time between fetches).
pub(crate) fn refresh_after(interval: Duration, floor: Duration) -> Duration {
    interval.mul_f64(1.0 - REFRESH_JITTER * random_fraction()).max(floor.min(interval))
}

/// The wait after a 429: what the issuer asked for (`Retry-After`), or else `fallback`, plus a
/// random share of `backoff` (the failure backoff, which doubles with each failure in a row),
/// capped at `max`. Never before the wait asked for; replicas throttled together come back
/// spread over the backoff, a window that widens until their fetches fit the quota.
pub(crate) fn throttled_wait(
    retry_after: Option<Duration>,
    fallback: Duration,
    backoff: Duration,
    max: Duration,
) -> Duration {
    let asked = retry_after.unwrap_or(fallback);
    asked.saturating_add(backoff.mul_f64(random_fraction())).min(max)
}

/// `now + wait`, or for a wait past the end of the clock (a `Retry-After` of 2^64 - 1 seconds
/// with no practical `max_retry_after`, say) the furthest instant it can tell: never a panic.
pub(crate) fn deadline(now: Instant, wait: Duration) -> Instant {
    /// About 30 years: what "never" means for a deadline.
    const FAR: Duration = Duration::from_secs(30 * 365 * 86_400);
    now.checked_add(wait).or_else(|| now.checked_add(FAR)).unwrap_or(now)
}

/// A random delay in `[0, spread]`.
pub(crate) fn delay_within(spread: Duration) -> Duration {
    spread.mul_f64(random_fraction())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn refreshes_come_between_80_and_100_percent_of_the_interval_and_vary() {
        let waits: Vec<Duration> = (0..200).map(|_| refresh_after(S(100), S(10))).collect();
        assert!(waits.iter().all(|w| *w >= S(80) && *w <= S(100)), "{waits:?}");
        let (min, max) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
        assert!(*max - *min > S(10), "spread {min:?}..{max:?}");
        assert_eq!(refresh_after(S(5), S(10)), S(5), "the floor never lengthens the interval");
    }

    #[test]
    fn a_throttled_wait_is_at_least_what_was_asked_and_at_most_the_cap() {
        for _ in 0..100 {
            let wait = throttled_wait(Some(S(30)), S(10), S(4), S(300));
            assert!(wait >= S(30) && wait <= S(34), "{wait:?}");
            let wait = throttled_wait(None, S(10), S(1), S(300));
            assert!(wait >= S(10) && wait <= S(11), "{wait:?}");
            assert_eq!(throttled_wait(Some(S(86_400)), S(10), S(1), S(300)), S(300));
        }
    }
}
