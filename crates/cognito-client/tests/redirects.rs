//! Issue 12, item 3, and issue 21 ("a caller's own redirect-following client leaks the client
//! secret"): tokens come from the configured token endpoint only, and the client secret never
//! leaves for a redirect target, even with an `http_client` that follows redirects. The request
//! body cannot be replayed, so a 307 / 308 is not followed (the secret of `client_secret_post`
//! stays home); a 301 / 302 / 303 becomes a GET without the body, and reqwest drops the
//! `Authorization` header of `client_secret_basic` on a redirect to another origin (here: the
//! same host, another port).

mod common;

use cognito_client::{ClientAuth, TokenError};
use cognito_testkit::{Fault, RequestRecorder};
use common::{CLIENT_ID, SECRET, issuer, tokens};
use http::StatusCode;

/// A client as an application may build one: reqwest's default redirect policy (follows up to
/// 10).
fn following_client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

fn redirect(status: u16, recorder: &RequestRecorder) -> Option<Fault> {
    Some(Fault::Redirect { status, location: recorder.url("/oauth2/token") })
}

/// What reached the redirect target, if any of it is the secret.
fn leaked(recorder: &RequestRecorder) -> Vec<String> {
    recorder.requests().iter().filter(|r| r.contains(SECRET)).map(|r| format!("{r:?}")).collect()
}

#[tokio::test]
async fn a_307_to_another_server_gets_no_client_secret_post_from_a_following_client() {
    let trusted = issuer().await;
    let recorder = RequestRecorder::start().await;
    trusted.set_token_fault(redirect(307, &recorder));
    let tokens =
        tokens(&trusted).auth_method(ClientAuth::Post).http_client(following_client()).build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(err.cause(), TokenError::Status { status: StatusCode::TEMPORARY_REDIRECT, .. }),
        "{err}"
    );
    assert_eq!(leaked(&recorder), Vec::<String>::new(), "the secret went to the redirect target");
    assert_eq!(recorder.requests().len(), 0, "the body was re-posted: {:?}", recorder.requests());
    assert_eq!(trusted.token_requests(), 1, "a redirect is not retried");
}

#[tokio::test]
async fn a_308_to_another_server_gets_no_client_secret_basic_from_a_following_client() {
    let trusted = issuer().await;
    let recorder = RequestRecorder::start().await;
    trusted.set_token_fault(redirect(308, &recorder));
    let tokens = tokens(&trusted).http_client(following_client()).build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(err.cause(), TokenError::Status { status: StatusCode::PERMANENT_REDIRECT, .. }),
        "{err}"
    );
    assert_eq!(leaked(&recorder), Vec::<String>::new());
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_302_to_another_port_is_followed_without_the_secret_and_its_answer_refused() {
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let trusted = issuer().await;
        let recorder = RequestRecorder::start().await;
        trusted.set_token_fault(redirect(302, &recorder));
        let tokens = tokens(&trusted).auth_method(auth).http_client(following_client()).build().unwrap();
        let err = tokens.access_token().await.unwrap_err();
        match err.cause() {
            TokenError::Redirected { reason } => assert!(reason.contains("followed a redirect"), "{reason}"),
            other => panic!("{auth:?}: expected Redirected, got {other}"),
        }
        // The client followed with a GET: no body, no `Authorization` (another origin).
        let received = recorder.requests();
        assert_eq!(received.len(), 1, "{auth:?}");
        assert_eq!(received[0].method, http::Method::GET, "{auth:?}");
        assert!(!received[0].headers.contains_key(http::header::AUTHORIZATION), "{auth:?}: {received:?}");
        assert!(!received[0].contains(CLIENT_ID), "{auth:?}: {received:?}");
        assert_eq!(leaked(&recorder), Vec::<String>::new(), "{auth:?}");
    }
}

#[tokio::test]
async fn the_library_client_follows_no_token_endpoint_redirect() {
    let trusted = issuer().await;
    let recorder = RequestRecorder::start().await;
    trusted.set_token_fault(redirect(307, &recorder));
    let tokens = tokens(&trusted).auth_method(ClientAuth::Post).build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(err.cause(), TokenError::Status { status, .. } if *status == StatusCode::TEMPORARY_REDIRECT),
        "{err}"
    );
    assert_eq!(recorder.requests().len(), 0, "the secret never left for the redirect target");
}

#[tokio::test]
async fn a_localhost_token_endpoint_is_resolved_to_loopback_and_used() {
    let issuer = issuer().await;
    let endpoint = issuer.token_endpoint().replace("127.0.0.1", "localhost");
    let tokens = tokens(&issuer).token_endpoint(endpoint).build().unwrap();
    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 1);
}
