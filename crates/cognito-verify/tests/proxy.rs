//! Issue 12, item 3: key fetches from a loopback or plain-http URL never go through an
//! environment proxy. Each test runs its body in a child process (this test binary again) with
//! `HTTP_PROXY` / `ALL_PROXY` pointing at a listener of the parent that counts connections, since
//! a test cannot change its own process's environment safely.

use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
use cognito_verify::TokenUse;
use test_support::{in_child_behind_a_proxy, is_child};

const CHILD: &str = "COGNITO_PROXY_TEST_CHILD";

#[tokio::test]
async fn loopback_jwks_is_fetched_directly_whatever_the_proxy_variables_say() {
    if is_child(CHILD) {
        let issuer = TestIssuer::start().await;
        let verifier = issuer
            .verifier()
            .token_use(TokenUse::Access)
            .client_ids([issuer.default_client_id()])
            .build()
            .unwrap();
        verifier.verify(&issuer.access_token().sign()).await.unwrap();
        assert_eq!(issuer.jwks_requests(), 1);
        return;
    }
    let (passed, proxied) =
        in_child_behind_a_proxy("loopback_jwks_is_fetched_directly_whatever_the_proxy_variables_say", CHILD);
    assert_eq!(proxied, 0, "connections to the proxy");
    assert!(passed, "the child failed: see its output above");
}

#[tokio::test]
async fn loopback_alb_keys_are_fetched_directly_whatever_the_proxy_variables_say() {
    if is_child(CHILD) {
        let issuer = TestIssuer::start().await;
        let verifier = issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).build().unwrap();
        verifier.verify(&issuer.alb_token().sign()).await.unwrap();
        assert_eq!(issuer.alb_key_requests(), 1);
        return;
    }
    let (passed, proxied) = in_child_behind_a_proxy(
        "loopback_alb_keys_are_fetched_directly_whatever_the_proxy_variables_say",
        CHILD,
    );
    assert_eq!(proxied, 0, "connections to the proxy");
    assert!(passed, "the child failed: see its output above");
}
