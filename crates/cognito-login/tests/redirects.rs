//! Issue 12, item 3, and issue 21 ("a caller's own redirect-following client leaks the client
//! secret"): the login's token calls take their answer from the configured token endpoint
//! only, and nothing secret (client secret, code and PKCE verifier, refresh token) follows a
//! redirect, even with an `http_client` that follows redirects: the form cannot be replayed, so
//! a 307 / 308 is not followed, and the secret is only in `Authorization`, which reqwest drops
//! on a redirect to another origin.

mod support;

use std::time::Duration;

use cognito_testkit::{Fault, RequestRecorder, TestIssuer};
use support::{ALICE, App, confidential_client};

const SECRET: &str = "login-secret-0123456789abcdef";

fn redirect(status: u16, recorder: &RequestRecorder) -> Option<Fault> {
    Some(Fault::Redirect { status, location: recorder.url("/oauth2/token") })
}

#[tokio::test]
async fn a_307_from_the_token_endpoint_gets_no_code_verifier_or_secret_from_a_following_client() {
    // reqwest's default redirect policy follows up to 10.
    let following = reqwest::Client::new();
    let app = App::start_with_client(
        |base| confidential_client(base, SECRET),
        |builder| builder.client_secret(SECRET).http_client(following),
    )
    .await;
    let recorder = RequestRecorder::start().await;
    app.issuer.set_token_fault(redirect(307, &recorder));
    let (_, page) = app.signed_in(ALICE, "/").await;
    // The 307 is the token endpoint's answer: a refused exchange, as with the login's client.
    assert_eq!(page.status, 400, "{}", page.body);
    let received = recorder.requests();
    assert!(received.is_empty(), "the form went to the redirect target: {received:?}");
}

#[tokio::test]
async fn a_307_on_refresh_gets_no_refresh_token_from_a_following_client() {
    let following = reqwest::Client::new();
    let app = App::start_with(|builder| builder.http_client(following)).await;
    let (browser, page) = app.signed_in(ALICE, "/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let recorder = RequestRecorder::start().await;
    app.issuer.set_token_fault(redirect(308, &recorder));
    app.issuer.clock().advance(Duration::from_secs(3600));
    let _ = browser.get(&app.url("/")).await;
    let received = recorder.requests();
    assert!(received.is_empty(), "the refresh went to the redirect target: {received:?}");
}

#[tokio::test]
async fn the_login_client_follows_no_token_endpoint_redirect() {
    let app = App::start().await;
    let elsewhere = TestIssuer::start().await;
    app.issuer.set_token_fault(Some(Fault::Redirect { status: 307, location: elsewhere.token_endpoint() }));
    let (_, page) = app.signed_in(ALICE, "/").await;
    // The 307 is the token endpoint's answer: a refused exchange.
    assert_eq!(page.status, 400, "{}", page.body);
    assert_eq!(elsewhere.token_requests(), 0);
}
