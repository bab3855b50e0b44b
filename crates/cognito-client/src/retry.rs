//! When to retry a token request and how long to wait first: exponential backoff with jitter,
//! or the server's `Retry-After`.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// Bounded retries of one token fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: crate::config::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before the retry that follows failed attempt number `attempt` (1-based): the
    /// server's `Retry-After` (capped) when it sent one, else `initial × 2^(attempt-1)` capped
    /// at the maximum, scaled by a random factor in [0.5, 1] so that many clients failing
    /// together don't retry together.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(retry_after) = retry_after {
            return retry_after.min(self.max_retry_after);
        }
        let exponent = attempt.saturating_sub(1).min(20);
        let base = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        base.mul_f64(0.5 + 0.5 * random_fraction())
    }
}

/// The delta-seconds form of `Retry-After`. (The HTTP-date form is ignored: the backoff applies.)
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// A number in [0, 1), from the standard library's randomly keyed hasher: jitter needs no more.
fn random_fraction() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(10),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_maximum() {
        let p = policy();
        for _ in 0..50 {
            let first = p.delay(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = p.delay(3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = p.delay(30, None);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1), "{late:?}");
        }
    }

    #[test]
    fn jitter_varies() {
        let p = policy();
        let delays: std::collections::HashSet<_> = (0..20).map(|_| p.delay(4, None)).collect();
        assert!(delays.len() > 1);
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let p = policy();
        assert_eq!(p.delay(1, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(p.delay(1, Some(Duration::from_secs(3600))), Duration::from_secs(10));
    }

    #[test]
    fn retry_after_seconds_are_parsed_and_dates_ignored() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&headers), None);
    }
}
