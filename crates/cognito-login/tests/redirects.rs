//! Issue 12, item 3: the login's token calls take their answer from the configured token
//! endpoint only. A client the application passes in (`http_client`) may follow redirects; an
//! answer it got that way is refused, and the sign-in does not complete.

mod support;

use cognito_testkit::{Fault, TestIssuer};
use support::{ALICE, App};

#[tokio::test]
async fn a_code_exchange_redirected_by_the_callers_client_is_refused() {
    // reqwest's default redirect policy follows up to 10.
    let following = reqwest::Client::new();
    let app = App::start_with(|builder| builder.http_client(following)).await;
    let elsewhere = TestIssuer::start().await;
    app.issuer.set_token_fault(Some(Fault::Redirect { status: 307, location: elsewhere.token_endpoint() }));
    let (_, page) = app.signed_in(ALICE, "/").await;
    assert_eq!(page.status, 502, "{}", page.body);
    assert_eq!(elsewhere.token_requests(), 1, "the caller's client did follow the redirect");
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
