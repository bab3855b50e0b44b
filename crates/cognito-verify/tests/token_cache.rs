//! The verified-token cache: repeats skip the signature check, never the time checks.

use std::time::Duration;

use cognito_testkit::{TestIssuer, tamper_signature};
use cognito_verify::VerifyError;

#[tokio::test]
async fn a_verified_token_is_remembered() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().sign();
    let first = verifier.verify(&token).await.unwrap();
    let second = verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    assert_eq!(first.jti(), second.jti());
}

#[tokio::test]
async fn a_token_whose_signature_differs_from_a_cached_one_is_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().sign();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.verify(&tamper_signature(&token)).await.unwrap_err(), VerifyError::InvalidSignature);
    assert_eq!(verifier.cached_tokens(), 1);
}

#[tokio::test]
async fn rejected_tokens_are_not_remembered() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    verifier.verify(&issuer.access_token().client_id("other").sign()).await.unwrap_err();
    assert_eq!(verifier.cached_tokens(), 0);
}

#[tokio::test]
async fn a_cached_token_still_expires() {
    let issuer = TestIssuer::start().await;
    let clock = issuer.clock();
    clock.freeze();
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().expires_at(clock.now() + 2).sign();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    clock.advance(Duration::from_secs(2));
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Expired { .. })));
}

#[tokio::test]
async fn the_cache_can_be_turned_off() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().disable_token_cache().build().unwrap();
    let token = issuer.access_token().sign();
    verifier.verify(&token).await.unwrap();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 0);
}

#[tokio::test]
async fn the_cache_is_bounded_under_a_flood_of_distinct_tokens() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().token_cache_capacity(16).build().unwrap();
    for i in 0..300 {
        let token = issuer.access_token().claim("jti", serde_json::json!(format!("t{i}"))).sign();
        verifier.verify(&token).await.unwrap();
    }
    assert!(verifier.cached_tokens() <= 16, "{} entries", verifier.cached_tokens());
}
