//! Issue 20, item 2: a sign-in that asks for a resource-bound access token (RFC 8707,
//! Cognito's resource binding). `resource` goes on the authorize request and on the code
//! exchange (the testkit refuses an exchange that does not repeat it), not on refresh.

mod support;

use std::time::Duration;

use cognito_login::{CognitoLogin, LoginConfigError};
use cognito_testkit::TestBrowser;
use support::{ALICE, App, public_client};

const API: &str = "https://api.example.com";

#[tokio::test]
async fn the_resource_is_sent_on_the_authorize_request_and_the_code_exchange() {
    let app =
        App::start_with_client(|base| public_client(base).resources([API]), |builder| builder.resource(API))
            .await;
    let browser = TestBrowser::new();
    let form = browser.get(&app.url("/")).await;
    assert_eq!(form.url.path(), "/oauth2/authorize");
    assert!(form.url.query_pairs().any(|(k, v)| k == "resource" && v == API), "{}", form.url);
    // The testkit refuses an exchange that does not repeat the resource (invalid_target).
    let page = browser.sign_in(&form, ALICE.0, ALICE.1).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body, "hello alice groups=admin");
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 1);
}

#[tokio::test]
async fn a_resource_bound_session_refreshes() {
    let app =
        App::start_with_client(|base| public_client(base).resources([API]), |builder| builder.resource(API))
            .await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    app.issuer.clock().advance(Duration::from_secs(3600));
    let page = browser.get(&app.url("/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let counts = app.issuer.hosted_login_counts();
    assert_eq!((counts.refreshes, counts.refused_refreshes), (1, 0));
}

#[tokio::test]
async fn a_resource_the_client_may_not_ask_for_ends_the_sign_in_with_invalid_target() {
    let app = App::start_with_client(
        |base| public_client(base).resources([API]),
        |builder| builder.resource("https://other.example.com"),
    )
    .await;
    // The hosted login refuses the authorize request: back to the callback with the error.
    let page = TestBrowser::new().get(&app.url("/")).await;
    assert_eq!(page.status, 400, "{}", page.body);
    let callback = page.visited.iter().find(|url| url.path() == "/auth/callback").unwrap();
    assert!(callback.query_pairs().any(|(k, v)| k == "error" && v == "invalid_target"), "{callback}");
    assert_eq!(app.issuer.hosted_login_counts().code_exchanges, 0);
}

#[test]
fn a_malformed_resource_is_refused_at_build() {
    let verifier = cognito_verify::CognitoVerifier::builder()
        .user_pool("eu-west-1_AbCdEf123")
        .token_use(cognito_verify::TokenUse::Any)
        .client_ids(["client"])
        .build()
        .unwrap();
    let err = CognitoLogin::builder()
        .domain("my-prefix", "eu-west-1")
        .client_id("client")
        .redirect_uri("https://app.example.com/auth/callback")
        .verifier(verifier)
        .resource("two words")
        .build()
        .unwrap_err();
    assert_eq!(err, LoginConfigError::InvalidResource("two words".into()));
}
