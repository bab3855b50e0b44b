//! Issue 12, item 3: tokens come from the configured token endpoint only. The client the
//! library builds follows no redirect; a client the application passes in (`http_client`) may,
//! and then the answer came from elsewhere: the fetch fails with `TokenError::Redirected`, is not
//! retried, and the token is not used.

mod common;

use cognito_client::{ClientAuth, TokenError};
use cognito_testkit::{Fault, TestIssuer};
use common::{client, issuer, tokens};
use http::StatusCode;

/// A client as an application may build one: reqwest's default redirect policy (follows up to
/// 10).
fn following_client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

/// An issuer that knows the same app client, and would hand it a token.
async fn other_issuer() -> TestIssuer {
    TestIssuer::builder().client(client(std::time::Duration::from_secs(3600))).start().await
}

fn redirect_to(location: String) -> Option<Fault> {
    Some(Fault::Redirect { status: 307, location })
}

#[tokio::test]
async fn a_client_secret_post_redirected_by_the_callers_client_fails_and_says_the_secret_went_along() {
    let trusted = issuer().await;
    let elsewhere = other_issuer().await;
    trusted.set_token_fault(redirect_to(elsewhere.token_endpoint()));
    let tokens =
        tokens(&trusted).auth_method(ClientAuth::Post).http_client(following_client()).build().unwrap();
    match tokens.access_token().await.unwrap_err() {
        TokenError::Redirected { reason } => {
            assert!(reason.contains("followed a redirect"), "{reason}");
            assert!(reason.contains("client secret went with the redirected request"), "{reason}");
        }
        other => panic!("expected Redirected, got {other}"),
    }
    assert_eq!(trusted.token_requests(), 1, "a redirect is not retried");
    // The 307 made the caller's client re-post the body there: the check comes after the fact.
    assert_eq!(elsewhere.token_requests(), 1);
}

#[tokio::test]
async fn a_basic_auth_request_redirected_by_the_callers_client_fails_and_is_not_retried() {
    let trusted = issuer().await;
    let elsewhere = other_issuer().await;
    trusted.set_token_fault(redirect_to(elsewhere.token_endpoint()));
    let tokens = tokens(&trusted).http_client(following_client()).build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err.cause(), TokenError::Redirected { .. }), "{err}");
    assert!(!err.is_transient());
    assert_eq!(trusted.token_requests(), 1);
}

#[tokio::test]
async fn the_library_client_follows_no_token_endpoint_redirect() {
    let trusted = issuer().await;
    let elsewhere = other_issuer().await;
    trusted.set_token_fault(redirect_to(elsewhere.token_endpoint()));
    let tokens = tokens(&trusted).auth_method(ClientAuth::Post).build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(err.cause(), TokenError::Status { status, .. } if *status == StatusCode::TEMPORARY_REDIRECT),
        "{err}"
    );
    assert_eq!(elsewhere.token_requests(), 0, "the secret never left for the redirect target");
}

#[tokio::test]
async fn a_localhost_token_endpoint_is_resolved_to_loopback_and_used() {
    let issuer = issuer().await;
    let endpoint = issuer.token_endpoint().replace("127.0.0.1", "localhost");
    let tokens = tokens(&issuer).token_endpoint(endpoint).build().unwrap();
    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 1);
}
