//! The metrics of the `metrics` cargo feature, recorded through the `metrics` facade (a no-op
//! until the application installs a recorder). Names and labels: `docs/observability.md`.

use std::time::Duration;

/// HTTP requests to the token endpoint (retries included), by `outcome`.
pub(crate) const TOKEN_REQUESTS: &str = "cognito_client_token_requests_total";
/// Token endpoint latency in seconds, by `outcome`.
pub(crate) const TOKEN_REQUEST_DURATION: &str = "cognito_client_token_request_duration_seconds";

/// One request to the token endpoint finished after `elapsed` with `outcome` (`success` or a
/// failure kind).
pub(crate) fn token_request(outcome: &'static str, elapsed: Duration) {
    metrics::counter!(TOKEN_REQUESTS, "outcome" => outcome).increment(1);
    metrics::histogram!(TOKEN_REQUEST_DURATION, "outcome" => outcome).record(elapsed.as_secs_f64());
}

/// A token was asked of the cache: `hit` (a fresh token was at hand) or `miss` (a fetch was
/// started or joined).
pub(crate) fn token_cache(hit: bool) {
    if hit {
        metrics::counter!("cognito_client_token_cache_total", "result" => "hit").increment(1);
    } else {
        metrics::counter!("cognito_client_token_cache_total", "result" => "miss").increment(1);
    }
}
