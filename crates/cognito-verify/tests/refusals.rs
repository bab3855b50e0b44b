//! A token refused by a claim check after its signature verified carries its claims, so a
//! service can log who was refused; a token refused before carries none.

mod tenant;

use std::time::Duration;

use cognito_testkit::{TestClock, TestIssuer, tamper_payload, tamper_signature};
use cognito_verify::{AlbClaims, CognitoClaims, VerifyError};
use serde_json::json;

#[tokio::test]
async fn a_claim_check_refusal_carries_the_verified_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().required_scopes(["orders/read"]).build().unwrap();
    let refused = [
        issuer.access_token().scopes(["orders/read"]).expires_at(issuer.clock().now() - 60).sign(),
        issuer.access_token().scopes(["orders/read"]).client_id("client-b").sign(),
        issuer.access_token().scopes(["orders/write"]).sign(),
        issuer.id_token().sign(),
    ];
    for token in refused {
        let err = verifier.verify(&token).await.unwrap_err();
        let claims = err.verified_claims().unwrap_or_else(|| panic!("no claims in {err:?}"));
        assert_eq!(claims.sub(), issuer.default_sub(), "{err:?}");
        let typed = claims.get::<CognitoClaims>().unwrap_or_else(|| panic!("untyped claims in {err:?}"));
        assert!(typed.jti().is_some(), "{err:?}");
        assert!(claims.get::<AlbClaims>().is_none());
    }
}

#[tokio::test]
async fn a_refusal_before_the_signature_verified_carries_no_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let expired = issuer.access_token().expires_at(issuer.clock().now() - 60).sign();
    let cases =
        [tamper_signature(&expired), tamper_payload(&expired), issuer.access_token().kid("unknown").sign()];
    for token in cases {
        let err = verifier.verify(&token).await.unwrap_err();
        assert!(err.verified_claims().is_none(), "{err:?}");
    }
}

#[tokio::test]
async fn a_cached_token_refused_on_expiry_carries_its_claims() {
    let clock = TestClock::frozen_at(1_900_000_000);
    let issuer = TestIssuer::builder().clock(clock.clone()).start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().expires_at(1_900_000_060).sign();
    verifier.verify(&token).await.unwrap();
    clock.advance(Duration::from_secs(60));
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::Expired { .. }), "{err:?}");
    assert_eq!(err.verified_claims().map(|claims| claims.sub()), Some(issuer.default_sub()));
}

#[tokio::test]
async fn the_error_message_and_debug_output_show_no_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().build().unwrap();
    let token = issuer.id_token().audience("client-b").email("alice@example.com").sign();
    let err = verifier.verify(&token).await.unwrap_err();
    assert_eq!(err.verified_claims().and_then(|claims| claims.client()), Some("client-b"));
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("alice@example.com") && !shown.contains(issuer.default_sub()), "{shown}");
    }
}

#[tokio::test]
async fn custom_claims_are_reachable_from_the_refusal() {
    let issuer = TestIssuer::start().await;
    let verifier = tenant::acme_only(&issuer);
    let token = issuer.id_token().claim("custom:tenant", json!("globex")).sign();
    let err = verifier.verify(&token).await.unwrap_err();
    let claims =
        err.verified_claims().and_then(|claims| claims.get::<CognitoClaims<tenant::Tenant>>()).unwrap();
    assert_eq!(claims.custom.tenant, "globex");
}

#[tokio::test]
async fn claims_checked_by_check_claims_are_carried_too() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let json = issuer.access_token().client_id("client-b").claims_json();
    let err = verifier.check_claims(json.to_string().as_bytes()).await.unwrap_err();
    assert_eq!(err.verified_claims().and_then(|claims| claims.client()), Some("client-b"));
}

#[tokio::test]
async fn an_expired_alb_token_carries_its_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.alb_verifier().any_signer().build().unwrap();
    let token = issuer.alb_token().expires_at(issuer.clock().now() - 60).sign();
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::Expired { .. }), "{err:?}");
    let claims = err.verified_claims().and_then(|claims| claims.get::<AlbClaims>()).unwrap();
    assert!(!claims.sub.is_empty());
}

#[tokio::test]
async fn refusals_of_one_token_by_two_verifiers_compare_equal() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().client_id("client-b").sign();
    let first = issuer.access_verifier().build().unwrap().verify(&token).await.unwrap_err();
    let second = issuer.access_verifier().build().unwrap().verify(&token).await.unwrap_err();
    assert_eq!(first, second);
    let other = issuer.access_token().client_id("client-b").sub("someone-else").sign();
    let third = issuer.access_verifier().build().unwrap().verify(&other).await.unwrap_err();
    assert_ne!(first, third);
    assert_eq!(first.without_claims(), third.without_claims());
}
