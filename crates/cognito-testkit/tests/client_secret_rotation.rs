//! Issue 20, item 6: two secrets per app client, either accepted, each removable at run time
//! (Cognito's client secret rotation, 30 Jan 2026).

mod support;

use cognito_testkit::{ClientRegistration, TestIssuer};
use serde_json::json;
use support::code_flow::token_request;

async fn with_secret(issuer: &TestIssuer, secret: &str) -> u16 {
    let form = [("grant_type", "client_credentials"), ("client_id", "m2m"), ("client_secret", secret)];
    token_request(issuer, &form).await.0
}

#[tokio::test]
async fn either_of_two_secrets_is_accepted_and_each_can_be_removed_at_run_time() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new("m2m", "first-secret").second_secret("second-secret").scopes(["x/y"]))
        .start()
        .await;
    assert_eq!(
        (with_secret(&issuer, "first-secret").await, with_secret(&issuer, "second-secret").await),
        (200, 200)
    );
    assert_eq!(with_secret(&issuer, "third-secret").await, 400);

    assert!(issuer.remove_client_secret("m2m", "first-secret"));
    assert_eq!(
        (with_secret(&issuer, "first-secret").await, with_secret(&issuer, "second-secret").await),
        (400, 200)
    );
    assert!(issuer.add_client_secret("m2m", "third-secret"));
    assert!(!issuer.add_client_secret("m2m", "fourth-secret"), "at most two, as in Cognito");
    assert!(issuer.remove_client_secret("m2m", "second-secret"));
    assert_eq!(issuer.client_secrets("m2m"), ["third-secret"]);
    assert_eq!(
        (with_secret(&issuer, "second-secret").await, with_secret(&issuer, "third-secret").await),
        (400, 200)
    );

    // The last secret cannot be removed, as in Cognito.
    assert!(!issuer.remove_client_secret("m2m", "third-secret"));
    assert_eq!(with_secret(&issuer, "third-secret").await, 200);
    let (status, body) =
        token_request(&issuer, &[("grant_type", "client_credentials"), ("client_id", "m2m")]).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "invalid_client" })),
        "a confidential client is not public"
    );
}

#[tokio::test]
async fn a_public_client_gets_no_secret() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::public("web").second_secret("ignored"))
        .start()
        .await;
    assert!(!issuer.add_client_secret("web", "also-ignored"));
    assert!(issuer.client_secrets("web").is_empty());
    assert!(!issuer.add_client_secret("unknown", "secret"));
}
