//! The layer while the issuer's JWKS endpoint is down: keys already fetched keep verifying (the
//! background refresh fails and the last good key set is kept), and keys never fetched mean 503
//! until the endpoint heals.

use std::net::SocketAddr;
use std::time::Duration;

use api::SCOPE_GET;
use cognito_testkit::{Fault, TestIssuer, eventually};
use cognito_verify::{CognitoVerifier, JwksOptions};
use reqwest::StatusCode;

const WAIT: Duration = Duration::from_secs(10);

/// A verifier that refreshes its keys in the background every 50 ms and retries failures after
/// 20-50 ms, so an outage is noticed within the test's time.
fn eager_verifier(issuer: &TestIssuer) -> CognitoVerifier {
    let options = JwksOptions::default()
        .refresh_interval(Duration::from_millis(50))
        .min_refetch_interval(Duration::from_millis(50))
        .backoff(Duration::from_millis(20), Duration::from_millis(50));
    issuer.access_verifier().jwks_options(options).build().unwrap()
}

async fn start_api() -> (TestIssuer, String) {
    let issuer = TestIssuer::start().await;
    let addr = cognito_testkit::serve_router(api::router(eager_verifier(&issuer))).await;
    (issuer, format!("http://{addr}/transactions"))
}

async fn get(url: &str, token: &str) -> StatusCode {
    reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status()
}

/// Waits until the JWKS endpoint has refused `n` more requests: the background refresh has
/// failed, repeatedly.
async fn wait_for_failed_refreshes(issuer: &TestIssuer, n: u64) {
    let before = issuer.jwks_requests();
    eventually(WAIT, || async { issuer.jwks_requests() >= before + n }).await;
}

#[tokio::test]
async fn known_kid_tokens_keep_verifying_while_the_jwks_endpoint_returns_500() {
    let (issuer, url) = start_api().await;
    let seen = issuer.access_token().scopes([SCOPE_GET]).sign();
    assert_eq!(get(&url, &seen).await, StatusCode::OK);

    issuer.set_jwks_fault(Some(Fault::Status(500)));
    wait_for_failed_refreshes(&issuer, 3).await;

    // A token verified before the outage, and one the verifier has never seen (no cache hit:
    // a full signature check with the kept key).
    assert_eq!(get(&url, &seen).await, StatusCode::OK);
    let fresh = issuer.access_token().scopes([SCOPE_GET]).sign();
    assert_eq!(get(&url, &fresh).await, StatusCode::OK);
}

#[tokio::test]
async fn token_signed_with_a_key_published_during_the_outage_is_401_not_503() {
    let (issuer, url) = start_api().await;
    assert_eq!(get(&url, &issuer.access_token().scopes([SCOPE_GET]).sign()).await, StatusCode::OK);

    issuer.set_jwks_fault(Some(Fault::Status(500)));
    wait_for_failed_refreshes(&issuer, 1).await;
    issuer.rotate_key();
    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(issuer.access_token().scopes([SCOPE_GET]).sign())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
}

#[tokio::test]
async fn service_recovers_once_the_jwks_endpoint_heals() {
    let (issuer, url) = start_api().await;
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    let token = issuer.access_token().scopes([SCOPE_GET]).sign();
    assert_eq!(get(&url, &token).await, StatusCode::SERVICE_UNAVAILABLE);

    issuer.set_jwks_fault(None);
    eventually(WAIT, || async { get(&url, &token).await == StatusCode::OK }).await;
}

#[tokio::test]
async fn grpc_calls_keep_succeeding_while_the_jwks_endpoint_returns_500() {
    let issuer = TestIssuer::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(grpc::serve(listener, eager_verifier(&issuer)));
    let token = || issuer.access_token().scopes([grpc::REQUIRED_SCOPE]).sign();
    assert_eq!(grpc::check(addr, Some(&token())).await.unwrap(), grpc::SERVING);

    issuer.set_jwks_fault(Some(Fault::Status(500)));
    wait_for_failed_refreshes(&issuer, 3).await;
    assert_eq!(grpc::check(addr, Some(&token())).await.unwrap(), grpc::SERVING);
}
