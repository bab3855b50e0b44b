//! When to retry a token request and how long to wait first: exponential backoff with jitter,
//! or the server's `Retry-After`.

use std::time::Duration;

use cognito_http::{Backoff, OutOfRange};
use http::HeaderMap;
use http::header::RETRY_AFTER;

/// Default [`max_attempts`](crate::ClientCredentialsBuilder::max_attempts): 3.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Bounded retries of one token fetch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_attempts: u32,
    /// Jitter takes off up to half of each wait, so many clients failing together spread out
    /// from their first retry on.
    pub(crate) backoff: Backoff,
    pub(crate) max_retry_after: Duration,
    /// After a failed fetch (retries spent), how long callers get the remembered error instead
    /// of a new fetch: doubling per failed fetch in a row, up to the maximum, less up to a
    /// quarter of jitter, never below the initial wait.
    pub(crate) failure_backoff: Backoff,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff: Backoff {
                initial: Duration::from_millis(100),
                max: Duration::from_secs(2),
                jitter: 0.5,
                below_initial: true,
            },
            max_retry_after: Duration::from_secs(10),
            failure_backoff: Backoff {
                initial: Duration::from_secs(1),
                max: Duration::from_secs(60),
                jitter: 0.25,
                below_initial: false,
            },
        }
    }
}

impl RetryPolicy {
    /// The wait before the retry that follows failed attempt number `attempt` (1-based): the
    /// server's `Retry-After` (capped) when it sent one, else the backoff: `initial ×
    /// 2^(attempt-1)` capped at the maximum, scaled by a random factor in [0.5, 1] so that many
    /// clients failing together don't retry together.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(retry_after) => retry_after.min(self.max_retry_after),
            None => self.backoff.delay(attempt),
        }
    }

    /// How long a fetch that failed with `error`, the `failures`-th failed fetch in a row, is
    /// remembered: the failure backoff, or the server's `Retry-After` (capped) when longer.
    pub(crate) fn remember_for(&self, failures: u32, error: &crate::error::TokenError) -> Duration {
        let window = self.failure_backoff.delay(failures);
        match error {
            crate::error::TokenError::Status { retry_after: Some(retry_after), .. } => {
                window.max((*retry_after).min(self.max_retry_after))
            }
            _ => window,
        }
    }

    /// At least one attempt, and valid backoffs.
    pub(crate) fn validate(&self) -> Result<(), OutOfRange> {
        OutOfRange::check(self.max_attempts >= 1, "max_attempts", "must be at least 1")?;
        self.backoff.validate()?;
        self.failure_backoff.validate().map_err(|_| OutOfRange {
            option: "failure_backoff",
            reason: "initial must be above zero and max at least initial",
        })
    }
}

/// The delta-seconds form of `Retry-After`. (The HTTP-date form is ignored: the backoff applies.)
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn policy() -> RetryPolicy {
        let mut policy = RetryPolicy { max_attempts: 5, ..RetryPolicy::default() };
        policy.backoff.max = Duration::from_secs(1);
        policy
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
    fn a_failure_is_remembered_for_the_doubling_window_or_a_longer_retry_after() {
        let p = RetryPolicy::default();
        let invalid_client = crate::error::TokenError::OAuth {
            error: crate::error::OAuthErrorCode::InvalidClient,
            description: None,
            status: http::StatusCode::UNAUTHORIZED,
        };
        assert_eq!(p.remember_for(1, &invalid_client), Duration::from_secs(1));
        let third = p.remember_for(3, &invalid_client);
        assert!(third >= Duration::from_secs(3) && third <= Duration::from_secs(4), "{third:?}");
        let late = p.remember_for(30, &invalid_client);
        assert!(late >= Duration::from_secs(45) && late <= Duration::from_secs(60), "{late:?}");
        let throttled = |secs| crate::error::TokenError::Status {
            status: http::StatusCode::TOO_MANY_REQUESTS,
            attempts: 3,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(p.remember_for(1, &throttled(7)), Duration::from_secs(7));
        assert_eq!(p.remember_for(1, &throttled(3600)), Duration::from_secs(10));
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
