//! The client-credentials metrics (`cognito-client`'s `metrics` feature, on in this example)
//! after a known sequence of token requests: exactly the counts those requests cause (names and
//! labels in docs/observability.md). One test in its own binary: the recorder is process-wide.

use client_credentials::{LOCAL_CLIENT_ID, LocalSetup};
use cognito_client::{ClientCredentials, OAuthErrorCode, TokenError};
use test_support::prometheus_sample as sample;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_token_requests_by_outcome_and_cache_hits_and_misses() {
    let recorder = api::install_metrics_recorder().unwrap();
    let local = LocalSetup::start().await.unwrap();

    // A token fetched (one request, a cache miss), then served from the cache (a hit).
    local.tokens.access_token().await.unwrap();
    local.tokens.access_token().await.unwrap();
    // A wrong secret: one request answered `invalid_client`, never retried.
    let wrong_secret = ClientCredentials::builder()
        .token_endpoint(local.issuer.token_endpoint())
        .client_id(LOCAL_CLIENT_ID)
        .client_secret("not-the-secret")
        .build()
        .unwrap();
    let err = wrong_secret.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }), "{err}");

    recorder.run_upkeep();
    let page = recorder.render();
    let requests = |outcome| sample(&page, "cognito_client_token_requests_total", &[("outcome", outcome)]);
    assert_eq!(requests("success"), Some(1.0), "{page}");
    assert_eq!(requests("oauth_error"), Some(1.0), "{page}");
    assert_eq!(local.issuer.token_requests(), 2, "the counters match what the endpoint saw");
    let cache = |result| sample(&page, "cognito_client_token_cache_total", &[("result", result)]);
    assert_eq!(cache("miss"), Some(2.0), "{page}");
    assert_eq!(cache("hit"), Some(1.0), "{page}");
    let latency = |outcome| {
        sample(&page, "cognito_client_token_request_duration_seconds_count", &[("outcome", outcome)])
    };
    assert_eq!(latency("success"), Some(1.0), "{page}");
    assert_eq!(latency("oauth_error"), Some(1.0), "{page}");
}
