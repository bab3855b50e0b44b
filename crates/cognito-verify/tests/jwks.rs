//! The JWKS cache under rotation, concurrency and IdP failures.
//!
//! Timings are shortened through `JwksOptions` so behaviour that takes seconds in production
//! (refresh, backoff) shows up quickly; tests wait on conditions, never for fixed times.

use std::sync::Arc;
use std::time::Duration;

use cognito_testkit::{Fault, TestIssuer, eventually};
use cognito_verify::{CognitoVerifier, JwksOptions, VerifyError};

fn fast() -> JwksOptions {
    JwksOptions::default()
        .min_refetch_interval(Duration::from_millis(300))
        .backoff(Duration::from_millis(50), Duration::from_millis(200))
        .timeout(Duration::from_millis(500))
}

fn verifier(issuer: &TestIssuer, options: JwksOptions) -> CognitoVerifier {
    issuer.access_verifier().jwks_options(options).build().unwrap()
}

#[tokio::test]
async fn keys_are_fetched_lazily_once_and_shared() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    assert_eq!(issuer.jwks_requests(), 0, "building a verifier makes no request");
    for _ in 0..5 {
        verifier.verify(&issuer.access_token().sign()).await.unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 1);
}

#[tokio::test]
async fn hydrate_fetches_keys_before_the_first_token() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    verifier.hydrate().await.unwrap();
    assert_eq!(issuer.jwks_requests(), 1);
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    assert_eq!(issuer.jwks_requests(), 1);
}

#[tokio::test]
async fn hydrate_reports_an_unreachable_idp_as_keys_unavailable() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Status(503)));
    let err = verifier(&issuer, fast()).hydrate().await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
}

#[tokio::test]
async fn new_kid_after_rotation_is_fetched_once() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    issuer.rotate_key();
    for _ in 0..3 {
        verifier.verify(&issuer.access_token().sign()).await.unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_verifications_of_a_new_kid_cause_one_fetch() {
    let issuer = TestIssuer::start().await;
    // The default refetch interval (10 s) is what production uses.
    let verifier = verifier(&issuer, JwksOptions::default());
    verifier.hydrate().await.unwrap();
    issuer.rotate_key();
    let token: Arc<str> = issuer.access_token().sign().into();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), Arc::clone(&token));
            tokio::spawn(async move { verifier.verify(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 2, "one fetch at start, one for the new kid");
}

#[tokio::test]
async fn a_flood_of_unknown_kids_is_rate_limited_while_known_kids_keep_verifying() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, JwksOptions::default());
    verifier.hydrate().await.unwrap();
    for i in 0..200 {
        let unknown = issuer.access_token().kid(format!("unknown-{i}")).sign();
        assert!(matches!(verifier.verify(&unknown).await, Err(VerifyError::UnknownKid { .. })));
        let known = issuer.access_token().claim("jti", serde_json::json!(format!("jti-{i}"))).sign();
        verifier.verify(&known).await.unwrap();
    }
    assert_eq!(issuer.jwks_requests(), 2, "hydrate, then one refetch for the whole flood");
}

#[tokio::test]
async fn removed_key_stops_verifying_after_the_background_refresh() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(
        &issuer,
        fast().refresh_interval(Duration::from_millis(100)).min_refetch_interval(Duration::from_millis(100)),
    );
    let old_kid = issuer.signing_kid();
    let old_token = issuer.access_token().sign();
    verifier.verify(&old_token).await.unwrap();
    issuer.rotate_key();
    issuer.remove_key(&old_kid);
    // The verified-token cache holds the old token; it must go with its key.
    eventually(Duration::from_secs(10), || async {
        matches!(verifier.verify(&old_token).await, Err(VerifyError::UnknownKid { .. }))
    })
    .await;
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
}

#[tokio::test]
async fn cache_control_max_age_sets_the_refresh_interval() {
    let issuer = TestIssuer::builder().jwks_max_age(Some(Duration::from_secs(1))).start().await;
    let verifier = verifier(&issuer, fast().refresh_interval(Duration::from_secs(3600)));
    verifier.hydrate().await.unwrap();
    eventually(Duration::from_secs(10), || async { issuer.jwks_requests() >= 2 }).await;
}

#[tokio::test]
async fn known_kids_keep_verifying_from_the_last_good_set_while_the_jwks_fails() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(
        &issuer,
        fast().refresh_interval(Duration::from_millis(50)).min_refetch_interval(Duration::from_millis(50)),
    );
    verifier.hydrate().await.unwrap();
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    eventually(Duration::from_secs(10), || async { issuer.jwks_requests() >= 3 }).await;
    for i in 0..10 {
        let token = issuer.access_token().claim("jti", serde_json::json!(format!("fresh-{i}"))).sign();
        verifier.verify(&token).await.unwrap();
    }
    // Unknown kids during the outage fail as unknown, not as unavailable: keys exist.
    let unknown = issuer.access_token().kid("new").sign();
    assert!(matches!(verifier.verify(&unknown).await, Err(VerifyError::UnknownKid { .. })));
}

#[tokio::test]
async fn idp_down_at_start_gives_keys_unavailable_then_recovers() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    let token = issuer.access_token().sign();
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("500")), "{err}");
    assert!(err.is_retryable());
    issuer.set_jwks_fault(None);
    eventually(Duration::from_secs(10), || async { verifier.verify(&token).await.is_ok() }).await;
}

#[tokio::test]
async fn failed_fetches_back_off_instead_of_hammering_the_idp() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast().backoff(Duration::from_secs(30), Duration::from_secs(60)));
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    let token = issuer.access_token().sign();
    for _ in 0..50 {
        let err = verifier.verify(&token).await.unwrap_err();
        assert!(
            matches!(err, VerifyError::KeysUnavailable { retry_after, .. } if retry_after > Duration::from_secs(1))
        );
    }
    assert_eq!(issuer.jwks_requests(), 1);
}

/// The reason of the `KeysUnavailable` a first token meets when the JWKS endpoint has `fault`.
async fn unavailable_reason(fault: Fault, options: JwksOptions) -> String {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, options);
    issuer.set_jwks_fault(Some(fault));
    match verifier.verify(&issuer.access_token().sign()).await {
        Err(VerifyError::KeysUnavailable { reason, .. }) => reason,
        other => panic!("expected KeysUnavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn oversized_jwks_is_refused() {
    let reason =
        unavailable_reason(Fault::Oversized(1024 * 1024), fast().max_response_bytes(64 * 1024)).await;
    assert!(reason.contains("larger than"), "{reason}");
}

#[tokio::test]
async fn malformed_jwks_is_refused() {
    let reason = unavailable_reason(Fault::Garbage, fast()).await;
    assert!(reason.contains("malformed"), "{reason}");
}

#[tokio::test]
async fn slow_jwks_times_out() {
    let options = fast().timeout(Duration::from_millis(200));
    let reason = unavailable_reason(Fault::Delay(Duration::from_secs(5)), options).await;
    assert!(reason.contains("timed out"), "{reason}");
}

#[tokio::test]
async fn closed_connection_is_a_failed_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    issuer.set_jwks_fault(Some(Fault::CloseConnection));
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
}

#[tokio::test]
async fn a_fetch_that_fails_once_is_retried_after_the_backoff() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer, fast());
    issuer.set_jwks_fault_for(Fault::Status(502), 1);
    let token = issuer.access_token().sign();
    assert!(verifier.verify(&token).await.unwrap_err().is_retryable());
    eventually(Duration::from_secs(10), || async { verifier.verify(&token).await.is_ok() }).await;
    assert_eq!(issuer.jwks_requests(), 2);
}

/// An issuer whose JWKS publishes its signing key only as `edit` makes it (once or more).
async fn issuer_publishing(edit: impl Fn(&mut serde_json::Value), copies: usize) -> TestIssuer {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let mut jwk = issuer.public_jwk(&kid).unwrap();
    edit(&mut jwk);
    issuer.remove_key(&kid);
    for _ in 0..copies {
        issuer.publish_raw_jwk(jwk.clone());
    }
    issuer
}

#[tokio::test]
async fn a_jwks_without_a_usable_key_is_a_successful_fetch_whose_kids_are_unusable_keys() {
    let issuer = issuer_publishing(|jwk| jwk["use"] = serde_json::json!("enc"), 1).await;
    let verifier = verifier(&issuer, fast());
    verifier.hydrate().await.unwrap();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert_eq!(
        err,
        VerifyError::UnusableKey { kid: issuer.signing_kid(), reason: "JWK `use` is not `sig`".into() }
    );
    assert!(!err.is_retryable());
    assert_eq!(issuer.jwks_requests(), 1, "a successful fetch is not retried per token");
}

#[tokio::test]
async fn a_jwks_whose_only_kid_is_listed_twice_is_a_successful_fetch_whose_kid_is_unusable() {
    let issuer = issuer_publishing(|_| {}, 2).await;
    let verifier = verifier(&issuer, fast());
    verifier.hydrate().await.unwrap();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::UnusableKey { reason, .. } if reason.contains("more than once")),
        "{err}"
    );
}

#[tokio::test]
async fn a_token_of_an_issuer_whose_jwks_answers_403_gets_keys_unavailable() {
    let issuer = TestIssuer::start().await;
    issuer.set_jwks_fault(Some(Fault::Status(403)));
    let err = verifier(&issuer, fast()).verify(&issuer.access_token().sign()).await.unwrap_err();
    assert!(matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("403")), "{err}");
    assert!(err.is_retryable());
}
