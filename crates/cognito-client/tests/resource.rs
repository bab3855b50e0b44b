//! Issue 20, item 2: asking for resource-bound access tokens (RFC 8707, Cognito's resource
//! binding): `resource` on the token request binds the access token's `aud`; tokens are cached
//! per resource; `invalid_target` is its own error and is not retried.

mod common;

use std::time::Duration;

use cognito_client::{ClientCredentials, ConfigError, OAuthErrorCode, TokenError};
use cognito_testkit::TestIssuer;
use common::{client, tokens};
use http::StatusCode;

const ORDERS: &str = "https://orders.example.com";
const BILLING: &str = "https://billing.example.com/api";

async fn issuer() -> TestIssuer {
    TestIssuer::builder().client(client(Duration::from_secs(3600)).resources([ORDERS, BILLING])).start().await
}

fn aud(token: &str) -> serde_json::Value {
    let (_, claims) = cognito_testkit::decode_token(token).unwrap();
    claims.get("aud").cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_resource_is_sent_on_the_token_request_and_binds_the_access_token_aud() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).resource(ORDERS).build().unwrap();
    assert_eq!(tokens.resource(), Some(ORDERS));
    let token = tokens.access_token().await.unwrap();
    assert_eq!(aud(token.as_str()), ORDERS);
}

#[tokio::test]
async fn without_a_resource_the_access_token_has_no_aud() {
    let issuer = issuer().await;
    let token = tokens(&issuer).build().unwrap().access_token().await.unwrap();
    assert_eq!(aud(token.as_str()), serde_json::Value::Null);
}

#[tokio::test]
async fn tokens_are_cached_per_resource() {
    let issuer = issuer().await;
    let orders = tokens(&issuer).resource(ORDERS).build().unwrap();
    let billing = orders.with_resource(Some(BILLING)).unwrap();
    let unbound = orders.with_resource(None).unwrap();
    for _ in 0..3 {
        assert_eq!(aud(orders.access_token().await.unwrap().as_str()), ORDERS);
        assert_eq!(aud(billing.access_token().await.unwrap().as_str()), BILLING);
        assert_eq!(aud(unbound.access_token().await.unwrap().as_str()), serde_json::Value::Null);
        // Other scopes, same resource: a slot of their own, still bound.
        assert_eq!(aud(orders.access_token_for([common::GET]).await.unwrap().as_str()), ORDERS);
    }
    assert_eq!(issuer.token_requests(), 4, "one request per scope set and resource");
}

#[tokio::test]
async fn an_unknown_resource_is_invalid_target_and_not_retried() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).resource("https://unknown.example.com").build().unwrap();
    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(
        err,
        TokenError::InvalidTarget {
            resource: "https://unknown.example.com".into(),
            description: None,
            status: StatusCode::BAD_REQUEST,
        }
    );
    assert!(!err.is_transient());
    assert!(err.to_string().contains("invalid_target"), "{err}");
    assert_eq!(issuer.token_requests(), 1, "invalid_target is not retried");
    // Remembered like any fatal answer: no request while the window lasts.
    let again = tokens.access_token().await.unwrap_err();
    assert!(matches!(again.cause(), TokenError::InvalidTarget { .. }), "{again:?}");
    assert_eq!(issuer.token_requests(), 1);
    assert_eq!(OAuthErrorCode::parse("invalid_target"), OAuthErrorCode::InvalidTarget);
}

#[test]
fn a_malformed_resource_is_refused_at_build() {
    for bad in ["", "two words", "https://api.example.com/#fragment"] {
        let err = ClientCredentials::builder()
            .token_endpoint("http://127.0.0.1:9/oauth2/token")
            .client_id("id")
            .client_secret("secret")
            .resource(bad)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::InvalidResource(bad.to_owned()), "{bad:?}");
    }
}
