//! A 429 from the JWKS endpoint (Cognito's JWKS quota) is counted as its own fetch outcome,
//! `throttled`, and the requests held back by its `Retry-After` as `backoff` refusals (see
//! docs/observability.md). One test in its own binary: the recorder is process-wide.

use std::time::Duration;

use api::{SCOPE_GET, install_metrics_recorder, router_with_metrics};
use cognito_testkit::{JwksQuota, TestIssuer, serve_router};
use reqwest::StatusCode;
use test_support::prometheus_sample as sample;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwks_429_is_counted_as_throttled_and_the_wait_as_backoff_refusals() {
    let recorder = install_metrics_recorder().unwrap();
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let jwks_uri = issuer.jwks_url();
    let base = format!("http://{}", serve_router(router_with_metrics(verifier, recorder)).await);
    let http = reqwest::Client::new();

    // The quota's one request spent elsewhere: the API's first fetch gets 429, Retry-After 60 s.
    issuer.set_jwks_quota(Some(JwksQuota::per_second(0.001).burst(1).retry_after(Duration::from_secs(60))));
    assert_eq!(http.get(&jwks_uri).send().await.unwrap().status(), StatusCode::OK);
    let token = issuer.access_token().scopes([SCOPE_GET]).sign();
    for _ in 0..2 {
        let response = http.get(format!("{base}/transactions")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!((issuer.jwks_requests(), issuer.jwks_refused()), (2, 1));

    let page = http.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    let uri = ("jwks_uri", jwks_uri.as_str());
    let throttled = [uri, ("outcome", "throttled")];
    assert_eq!(sample(&page, "cognito_verify_jwks_fetches_total", &throttled), Some(1.0), "{page}");
    let backoff = [uri, ("reason", "backoff")];
    assert_eq!(sample(&page, "cognito_verify_jwks_refetches_refused_total", &backoff), Some(1.0), "{page}");
}
