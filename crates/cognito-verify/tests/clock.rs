//! The verifier's clock: injectable, read with sub-second precision, and compared with
//! fractional NumericDates exactly (RFC 7519 §2).

use std::time::{Duration, UNIX_EPOCH};

use cognito_testkit::{TestClock, TestIssuer};
use cognito_verify::VerifyError;
use serde_json::json;

/// A whole second, far from any real clock.
const T: i64 = 1_900_000_000;

/// An issuer whose clock (shared with the verifiers it presets) is frozen at `T`.
async fn frozen_issuer() -> (TestIssuer, TestClock) {
    let clock = TestClock::frozen_at(T);
    (TestIssuer::builder().clock(clock.clone()).start().await, clock)
}

/// `err` is `Expired` at `exp`, seen at `now` (whole seconds).
fn assert_expired(err: VerifyError, exp: i64, now: i64) {
    let VerifyError::Expired { exp: found_exp, now: found_now, .. } = err else { panic!("{err:?}") };
    assert_eq!((found_exp, found_now), (exp, now));
}

/// `T` plus `millis` milliseconds.
fn at_millis(millis: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(T as u64) + Duration::from_millis(millis)
}

#[tokio::test]
async fn a_token_expires_on_the_injected_clock_without_waiting() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier = issuer.access_verifier().disable_token_cache().build().unwrap();
    let token = issuer.access_token().lifetime(Duration::from_secs(3600)).sign();
    verifier.verify(&token).await.unwrap();
    clock.advance(Duration::from_secs(3599));
    verifier.verify(&token).await.unwrap();
    clock.advance(Duration::from_secs(1));
    assert_expired(verifier.verify(&token).await.unwrap_err(), T + 3600, T + 3600);
}

#[tokio::test]
async fn a_cached_token_still_expires_on_the_injected_clock() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer.access_token().expires_at(T + 60).sign();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    clock.advance(Duration::from_secs(60));
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Expired { .. })));
    assert!(matches!(verifier.verify_now(&token), Some(Err(VerifyError::Expired { .. }))));
}

#[tokio::test]
async fn a_function_is_a_clock() {
    let issuer = TestIssuer::start().await;
    let token = issuer.access_token().lifetime(Duration::from_secs(3600)).sign();
    let later = issuer.clock().time() + Duration::from_secs(7200);
    let verifier = issuer.access_verifier().clock(move || later).build().unwrap();
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Expired { .. })));
}

#[tokio::test]
async fn fractional_exp_is_compared_with_sub_second_precision() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier = issuer.access_verifier().disable_token_cache().build().unwrap();
    let token = issuer.access_token().claim("exp", json!(T as f64 + 0.5)).sign();
    clock.set_time(at_millis(250));
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.exp(), T, "the public field shows whole seconds, rounded down");
    clock.set_time(at_millis(499));
    verifier.verify(&token).await.unwrap();
    clock.set_time(at_millis(500));
    assert_expired(verifier.verify(&token).await.unwrap_err(), T, T);
}

#[tokio::test]
async fn fractional_nbf_is_never_truncated_toward_acceptance() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier = issuer.access_verifier().disable_token_cache().build().unwrap();
    let token = issuer.access_token().claim("nbf", json!(T as f64 + 0.5)).for_negative_test().sign();
    clock.set_time(at_millis(250));
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::NotYetValid { nbf: T, now: T, .. }), "{err:?}");
    clock.set_time(at_millis(500));
    verifier.verify(&token).await.unwrap();
}

#[tokio::test]
async fn fractional_iat_is_never_truncated_toward_acceptance() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier = issuer.access_verifier().disable_token_cache().build().unwrap();
    let token = issuer.access_token().claim("iat", json!(T as f64 + 0.5)).sign();
    clock.set_time(at_millis(250));
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::IssuedInFuture { iat: T, now: T, .. }), "{err:?}");
    clock.set_time(at_millis(500));
    verifier.verify(&token).await.unwrap();
}

#[tokio::test]
async fn the_clock_and_the_leeway_are_read_with_sub_second_precision() {
    let (issuer, clock) = frozen_issuer().await;
    let verifier =
        issuer.access_verifier().leeway(Duration::from_millis(500)).disable_token_cache().build().unwrap();
    let token = issuer.access_token().expires_at(T + 1).sign();
    clock.set_time(at_millis(1499));
    verifier.verify(&token).await.unwrap();
    clock.set_time(at_millis(1500));
    assert_expired(verifier.verify(&token).await.unwrap_err(), T + 1, T + 1);
}

#[tokio::test]
async fn fractional_exp_of_an_alb_token_is_compared_with_sub_second_precision() {
    let issuer = TestIssuer::start().await;
    let exp = issuer.clock().now() + 60;
    let fractional = json!(exp as f64 + 0.5);
    let token = issuer.alb_token().header("exp", fractional.clone()).claim("exp", fractional).sign();
    let before = UNIX_EPOCH + Duration::from_millis(exp as u64 * 1000 + 499);
    let at = UNIX_EPOCH + Duration::from_millis(exp as u64 * 1000 + 500);
    let verifier = |now| issuer.alb_verifier().any_signer().clock(move || now).build().unwrap();
    verifier(before).verify(&token).await.unwrap();
    assert!(matches!(verifier(at).verify(&token).await, Err(VerifyError::Expired { .. })));
}
