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

/// Hits on one thread past the point where the thread keeps its own copy of the claims (the
/// token cache's per-thread front).
const HOT: usize = 10;

#[tokio::test]
async fn a_token_hot_on_one_thread_keeps_its_claims_and_is_refused_once_its_key_is_gone() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .access_verifier()
        .jwks_options(
            cognito_verify::JwksOptions::default()
                .refresh_interval(Duration::from_millis(50))
                .min_refetch_interval(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    let kid = issuer.signing_kid();
    let token = issuer.access_token().groups(["admin"]).sign();
    let first = verifier.verify(&token).await.unwrap();
    for _ in 0..HOT {
        assert_eq!(verifier.verify(&token).await.unwrap(), first);
    }
    issuer.rotate_key();
    issuer.remove_key(&kid);
    cognito_testkit::eventually(Duration::from_secs(10), || async {
        matches!(verifier.verify(&token).await, Err(VerifyError::UnknownKid { .. }))
    })
    .await;
    assert_eq!(verifier.cached_tokens(), 0);
}

#[test]
fn threads_hitting_one_token_all_get_its_claims() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let issuer = runtime.block_on(TestIssuer::start());
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().groups(["admin"]).sign();
    let first = runtime.block_on(verifier.verify(&token)).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..HOT {
                    let claims = verifier.verify_now(&token).unwrap().unwrap();
                    assert_eq!(claims, first);
                    assert!(claims.in_group("admin"));
                }
            });
        }
    });
    let other = issuer.access_token().sign();
    assert_eq!(
        runtime.block_on(verifier.verify(&tamper_signature(&token))).unwrap_err(),
        VerifyError::InvalidSignature
    );
    runtime.block_on(verifier.verify(&other)).unwrap();
}
