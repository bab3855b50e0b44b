//! Issue 12, item 3: token requests to a loopback or plain-http endpoint never go through an
//! environment proxy. Each test runs its body in a child process (this test binary again) with
//! `HTTP_PROXY` / `ALL_PROXY` pointing at a listener of the parent that counts connections, since
//! a test cannot change its own process's environment safely.

use cognito_client::{ClientAuth, ClientCredentials};
use cognito_testkit::ClientRegistration;
use cognito_testkit::TestIssuer;
use test_support::{in_child_behind_a_proxy, is_child};

const CHILD: &str = "COGNITO_PROXY_TEST_CHILD";

#[tokio::test]
async fn a_client_secret_post_to_a_loopback_endpoint_never_goes_through_a_proxy() {
    if is_child(CHILD) {
        let issuer = TestIssuer::builder()
            .client(ClientRegistration::new("m2m", "m2m-secret").scopes(["api/read"]))
            .start()
            .await;
        let tokens = ClientCredentials::builder()
            .token_endpoint(issuer.token_endpoint())
            .client_id("m2m")
            .client_secret("m2m-secret")
            .auth_method(ClientAuth::Post)
            .scopes(["api/read"])
            .build()
            .unwrap();
        tokens.access_token().await.unwrap();
        assert_eq!(issuer.token_requests(), 1);
        return;
    }
    let (passed, proxied) = in_child_behind_a_proxy(
        "a_client_secret_post_to_a_loopback_endpoint_never_goes_through_a_proxy",
        CHILD,
    );
    assert_eq!(proxied, 0, "connections to the proxy");
    assert!(passed, "the child failed: see its output above");
}
