//! A JWKS endpoint's `429 Too Many Requests` and its `Retry-After`, as a fetch reads them and
//! turns them into a wait (target `retry_after`).

use std::time::Duration;

use crate::jwks::{fetch, spread};

/// What an answer of a JWKS endpoint makes the verifier wait, when it is a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottledWait {
    /// The `Retry-After` read, if any (delta-seconds only).
    pub retry_after: Option<Duration>,
    /// The wait before the next fetch: the `Retry-After` (or `fallback`) plus a random share of
    /// the backoff, capped at `max_retry_after`.
    pub wait: Duration,
    /// How far ahead of now the next fetch is scheduled, as the verifier records it.
    pub scheduled_in: Duration,
}

/// An answer with `status` and, if given, `retry_after` as its `Retry-After` header value (a
/// value that cannot be a header counts as absent), read and turned into a wait exactly as a
/// JWKS fetch does: `None` when the answer is not a 429 (an ordinary failure, not the quota),
/// or an invalid status code.
pub fn jwks_throttled_wait(
    status: u16,
    retry_after: Option<&[u8]>,
    fallback: Duration,
    backoff: Duration,
    max_retry_after: Duration,
) -> Option<ThrottledWait> {
    let status = reqwest::StatusCode::from_u16(status).ok()?;
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(value) = retry_after.and_then(|value| reqwest::header::HeaderValue::from_bytes(value).ok()) {
        headers.insert(reqwest::header::RETRY_AFTER, value);
    }
    let retry_after = fetch::throttled(status, &headers)?;
    let wait = spread::throttled_wait(retry_after, fallback, backoff, max_retry_after);
    let now = tokio::time::Instant::now();
    let scheduled_in = spread::deadline(now, wait).saturating_duration_since(now);
    Some(ThrottledWait { retry_after, wait, scheduled_in })
}
