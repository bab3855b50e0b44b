//! [`JwksQuota`]: Cognito's quota on JWKS downloads (13 Oct 2025), played by the test issuer,
//! and the log of JWKS requests a fleet test reads its rates from.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::lock::lock;

/// Requests kept in the [JWKS request log](crate::TestIssuer::jwks_request_log); later ones are
/// still counted, not logged.
pub const JWKS_REQUEST_LOG_CAPACITY: usize = 1_000_000;

/// A rate limit on the issuer's JWKS endpoint, as Cognito enforces one per user pool: a token
/// bucket of [`burst`](Self::burst) requests refilled at [`per_second`](Self::per_second); a
/// request past it is answered `429 Too Many Requests`, with `Retry-After` when
/// [`retry_after`](Self::retry_after) is set, and counted in
/// [`jwks_refused`](crate::TestIssuer::jwks_refused). Refused requests are counted in
/// [`jwks_requests`](crate::TestIssuer::jwks_requests) too.
///
/// ```
/// use std::time::Duration;
/// use cognito_testkit::{JwksQuota, TestIssuer};
/// use cognito_verify::VerifyError;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let issuer = TestIssuer::start().await;
/// issuer.set_jwks_quota(Some(JwksQuota::per_second(1.0).burst(1).retry_after(Duration::from_secs(5))));
/// let first = issuer.access_verifier().build().unwrap();
/// first.verify(&issuer.access_token().sign()).await.unwrap();
/// let second = issuer.access_verifier().build().unwrap();
/// let err = second.verify(&issuer.access_token().sign()).await.unwrap_err();
/// assert!(matches!(err, VerifyError::KeysUnavailable { .. }), "{err}");
/// assert_eq!(issuer.jwks_refused(), 1);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JwksQuota {
    per_second: f64,
    burst: f64,
    retry_after: Option<Duration>,
}

impl JwksQuota {
    /// `rate` requests per second (at least 0.001), a burst of `max(rate, 1)`, no `Retry-After`.
    pub fn per_second(rate: f64) -> JwksQuota {
        let rate = if rate.is_finite() { rate.max(0.001) } else { 0.001 };
        JwksQuota { per_second: rate, burst: rate.max(1.0), retry_after: None }
    }

    /// The requests that may come at once after a quiet period (at least 1).
    pub fn burst(mut self, burst: u32) -> JwksQuota {
        self.burst = f64::from(burst.max(1));
        self
    }

    /// Send `Retry-After` with each 429: this wait, in whole seconds, rounded up (HTTP has no
    /// finer unit).
    pub fn retry_after(mut self, wait: Duration) -> JwksQuota {
        self.retry_after = Some(wait);
        self
    }

    /// The rate, per second.
    pub fn rate(&self) -> f64 {
        self.per_second
    }
}

/// One JWKS request the issuer received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwksRequest {
    /// When it arrived.
    pub at: Instant,
    /// Whether the quota refused it (429).
    pub refused: bool,
}

/// The quota in force, its bucket, and the request log.
#[derive(Debug, Default)]
pub(crate) struct QuotaSlot(Mutex<QuotaState>);

#[derive(Debug, Default)]
struct QuotaState {
    quota: Option<JwksQuota>,
    tokens: f64,
    refilled_at: Option<Instant>,
    refused: u64,
    log: Vec<JwksRequest>,
}

impl QuotaSlot {
    /// Sets (or clears) the quota, with a full bucket.
    pub(crate) fn set(&self, quota: Option<JwksQuota>) {
        let mut state = lock(&self.0);
        state.tokens = quota.as_ref().map_or(0.0, |q| q.burst);
        state.refilled_at = Some(Instant::now());
        state.quota = quota;
    }

    /// Logs one request and answers 429 when the quota refuses it; `None`: serve it.
    pub(crate) fn admit(&self) -> Option<Response> {
        let now = Instant::now();
        let mut state = lock(&self.0);
        let refusal = state.take(now);
        if state.log.len() < JWKS_REQUEST_LOG_CAPACITY {
            state.log.push(JwksRequest { at: now, refused: refusal.is_some() });
        }
        let retry_after = refusal?;
        state.refused += 1;
        drop(state);
        let body = r#"{"__type":"TooManyRequestsException","message":"Rate exceeded"}"#;
        let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(wait) = retry_after {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        Some(response)
    }

    pub(crate) fn refused(&self) -> u64 {
        lock(&self.0).refused
    }

    pub(crate) fn log(&self) -> Vec<JwksRequest> {
        lock(&self.0).log.clone()
    }

    pub(crate) fn reset(&self) {
        let mut state = lock(&self.0);
        state.refused = 0;
        state.log.clear();
    }
}

impl QuotaState {
    /// Take a token: `None` when admitted, `Some(retry_after)` when refused.
    fn take(&mut self, now: Instant) -> Option<Option<Duration>> {
        let quota = self.quota.as_ref()?;
        let since = self.refilled_at.map_or(Duration::ZERO, |at| now.saturating_duration_since(at));
        self.tokens = (self.tokens + since.as_secs_f64() * quota.per_second).min(quota.burst);
        self.refilled_at = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return None;
        }
        Some(quota.retry_after)
    }
}

/// Requests per second over `log`: the most in any one-second window starting at a request
/// (the peak), and the mean over the time from `from` to `to`.
pub fn request_rates(log: &[JwksRequest], from: Instant, to: Instant) -> (usize, f64) {
    let times: Vec<Instant> = log.iter().map(|r| r.at).filter(|at| *at >= from && *at <= to).collect();
    let mut peak = 0;
    let mut end = 0;
    for (start, at) in times.iter().enumerate() {
        while times.get(end).is_some_and(|next| next.saturating_duration_since(*at) < Duration::from_secs(1))
        {
            end += 1;
        }
        peak = peak.max(end - start);
    }
    let span = to.saturating_duration_since(from).as_secs_f64();
    let mean = if span > 0.0 { times.len() as f64 / span } else { 0.0 };
    (peak, mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_burst_requests_are_refused_until_the_bucket_refills() {
        let slot = QuotaSlot::default();
        slot.set(Some(JwksQuota::per_second(10.0).burst(2).retry_after(Duration::from_millis(1500))));
        assert!(slot.admit().is_none());
        assert!(slot.admit().is_none());
        let refused = slot.admit().unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers().get(header::RETRY_AFTER).unwrap(), "2");
        assert_eq!(slot.refused(), 1);
        assert_eq!(slot.log().iter().filter(|r| r.refused).count(), 1);
        slot.set(None);
        assert!(slot.admit().is_none());
    }

    #[test]
    fn rates_are_the_busiest_second_and_the_mean() {
        let t0 = Instant::now();
        let at = |ms| JwksRequest { at: t0 + Duration::from_millis(ms), refused: false };
        let log = [at(0), at(100), at(200), at(1500), at(3900)];
        let (peak, mean) = request_rates(&log, t0, t0 + Duration::from_secs(4));
        assert_eq!(peak, 3);
        assert!((mean - 1.25).abs() < 1e-9, "{mean}");
    }
}
