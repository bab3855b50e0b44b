//! `AlbVerifier`: the `x-amzn-oidc-data` header of an Application Load Balancer, against the
//! testkit's load balancer double (keys as PEM at `/alb-keys/{kid}`, tokens with `=` padding).

use std::time::Duration;

use cognito_testkit::{DEFAULT_ALB_ARN, Fault, TestIssuer, eventually, tamper_payload, tamper_signature};
use cognito_verify::{AlbKeyOptions, AlbVerifier, AlbVerifierBuilder, VerifyError};
use serde_json::{Value, json};
use test_support::unix_now;

const OTHER_ARN: &str =
    "arn:aws:elasticloadbalancing:local-1:999999999999:loadbalancer/app/evil/0000000000000000";

/// Key options with a short refetch interval.
fn fast_keys() -> AlbKeyOptions {
    AlbKeyOptions::default().min_refetch_interval(Duration::from_millis(200))
}

/// A verifier that trusts the testkit's load balancer, with a short refetch interval.
fn builder(issuer: &TestIssuer) -> AlbVerifierBuilder {
    issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).key_options(fast_keys())
}

fn verifier(issuer: &TestIssuer) -> AlbVerifier {
    builder(issuer).build().unwrap()
}

/// A token whose header, payload and signature segments all end in `=` padding.
fn padded_token(issuer: &TestIssuer) -> String {
    for n in 0..9 {
        let token = issuer.alb_token().claim("pad", Value::String("x".repeat(n))).sign();
        if token.split('.').all(|segment| segment.ends_with('=')) {
            return token;
        }
    }
    panic!("no padding length found");
}

#[tokio::test]
async fn valid_token_yields_the_user_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = builder(&issuer)
        .client_ids([issuer.default_client_id()])
        .issuer(issuer.issuer_url())
        .build()
        .unwrap();
    let token = issuer.alb_token().padding(false).claim("email", json!("alice@example.com")).sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.sub, issuer.default_sub());
    assert_eq!(claims.email.as_deref(), Some("alice@example.com"));
    assert_eq!(claims.username.as_deref(), Some("test-user"));
    assert_eq!(claims.iss.as_deref(), Some(issuer.issuer_url().as_str()));
    assert_eq!(claims.signer, DEFAULT_ALB_ARN);
    assert_eq!(claims.client.as_deref(), Some(issuer.default_client_id()));
    assert_eq!(claims.kid, issuer.alb_signing_kid());
    assert_eq!(claims.get("email_verified"), Some(&json!("true")));
    assert!(claims.exp > unix_now());
}

#[tokio::test]
async fn padded_segments_are_accepted() {
    let issuer = TestIssuer::start().await;
    let token = padded_token(&issuer);
    verifier(&issuer).verify(&token).await.unwrap();
}

#[tokio::test]
async fn wrong_padding_is_malformed() {
    let issuer = TestIssuer::start().await;
    let token = padded_token(&issuer);
    let (header, rest) = token.split_once('.').unwrap();
    let bad = format!("{header}=.{rest}");
    let err = verifier(&issuer).verify(&bad).await.unwrap_err();
    assert_eq!(err, VerifyError::Malformed("header is not base64url"));
    assert_eq!(issuer.alb_key_requests(), 0);
}

#[tokio::test]
async fn every_algorithm_but_es256_is_refused_before_any_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    for alg in ["none", "HS256", "RS256", "ES384", "ES512", "PS256", "EdDSA", "es256", "ES256 ", ""] {
        let token = issuer.alb_token().header("alg", json!(alg)).sign();
        assert_eq!(verifier.verify(&token).await.unwrap_err(), VerifyError::DisallowedAlgorithm(alg.into()));
    }
    let token = issuer.alb_token().without_header("alg").sign();
    assert_eq!(verifier.verify(&token).await.unwrap_err(), VerifyError::MalformedHeader("no alg"));
    let token = issuer.alb_token().header("alg", json!(["ES256"])).sign();
    assert!(matches!(verifier.verify(&token).await.unwrap_err(), VerifyError::MalformedHeader(_)));
    assert_eq!(issuer.alb_key_requests(), 0);
}

#[tokio::test]
async fn crit_header_is_refused_before_any_fetch_rfc7515_4_1_11() {
    let issuer = TestIssuer::start().await;
    let token = issuer.alb_token().header("crit", json!(["exp"])).sign();
    assert_eq!(
        verifier(&issuer).verify(&token).await.unwrap_err(),
        VerifyError::MalformedHeader(
            "`crit` names header extensions, and none is supported (RFC 7515 §4.1.11)"
        )
    );
    assert_eq!(issuer.alb_key_requests(), 0);
}

#[tokio::test]
async fn kids_that_could_change_the_key_url_are_refused_before_any_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    for kid in ["../x", "a/b", "..", "%2F", "a%2Fb", "a.b", "a?b=1", "a#b", "", "é"] {
        let token = issuer.alb_token().header("kid", json!(kid)).sign();
        let err = verifier.verify(&token).await.unwrap_err();
        assert!(matches!(err, VerifyError::MalformedHeader(_)), "{kid:?}: {err}");
    }
    let token = issuer.alb_token().without_header("kid").sign();
    assert_eq!(verifier.verify(&token).await.unwrap_err(), VerifyError::MissingKid);
    assert_eq!(issuer.alb_key_requests(), 0);
    assert_eq!(verifier.key_fetches(), 0);
}

#[tokio::test]
async fn token_of_another_load_balancer_is_refused() {
    let issuer = TestIssuer::start().await;
    let token = issuer.alb_token().signer(OTHER_ARN).sign();
    let err = verifier(&issuer).verify(&token).await.unwrap_err();
    assert_eq!(err, VerifyError::UntrustedSigner { found: OTHER_ARN.into() });
    let token = issuer.alb_token().without_header("signer").sign();
    assert_eq!(
        verifier(&issuer).verify(&token).await.unwrap_err(),
        VerifyError::MalformedHeader("no signer")
    );
    assert_eq!(issuer.alb_key_requests(), 0);
}

#[tokio::test]
async fn any_signer_accepts_every_load_balancer() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.alb_verifier().any_signer().build().unwrap();
    verifier.verify(&issuer.alb_token().signer(OTHER_ARN).sign()).await.unwrap();
}

#[tokio::test]
async fn token_for_another_client_is_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = builder(&issuer).client_ids(["the-client"]).build().unwrap();
    let err = verifier.verify(&issuer.alb_token().client("other-client").sign()).await.unwrap_err();
    assert_eq!(err, VerifyError::ClientMismatch { found: "other-client".into(), claims: None });
    let err = verifier.verify(&issuer.alb_token().without_header("client").sign()).await.unwrap_err();
    assert_eq!(err, VerifyError::MalformedHeader("no client"));
    verifier.verify(&issuer.alb_token().client("the-client").sign()).await.unwrap();
}

#[tokio::test]
async fn token_from_another_identity_provider_is_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = builder(&issuer).issuer(issuer.issuer_url()).build().unwrap();
    let err = verifier.verify(&issuer.alb_token().issuer("https://evil.example").sign()).await.unwrap_err();
    assert_eq!(err, VerifyError::IssuerMismatch { found: "https://evil.example".into(), claims: None });
}

#[tokio::test]
async fn expired_token_is_refused_unless_within_leeway() {
    let issuer = TestIssuer::start().await;
    let exp = unix_now() - 10;
    let token = issuer.alb_token().expires_at(exp).sign();
    let err = verifier(&issuer).verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::Expired { exp: e, .. } if e == exp), "{err}");
    let lenient = builder(&issuer).leeway(Duration::from_secs(60)).build().unwrap();
    lenient.verify(&token).await.unwrap();
}

#[tokio::test]
async fn an_expired_header_exp_is_enough_to_refuse() {
    let issuer = TestIssuer::start().await;
    let token = issuer.alb_token().header("exp", json!(unix_now() - 10)).sign();
    assert!(matches!(verifier(&issuer).verify(&token).await, Err(VerifyError::Expired { .. })));
}

#[tokio::test]
async fn exp_is_required_in_header_or_payload() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    verifier.verify(&issuer.alb_token().without_claim("exp").sign()).await.unwrap();
    verifier.verify(&issuer.alb_token().without_header("exp").sign()).await.unwrap();
    let token = issuer.alb_token().without_claim("exp").without_header("exp").sign();
    assert_eq!(verifier.verify(&token).await.unwrap_err(), VerifyError::MissingClaim("exp"));
    let token = issuer.alb_token().header("exp", json!("soon")).sign();
    assert_eq!(
        verifier.verify(&token).await.unwrap_err(),
        VerifyError::MalformedHeader("exp is not a number")
    );
}

#[tokio::test]
async fn tampered_payload_or_signature_is_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    let token = issuer.alb_token().padding(false).sign();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.verify(&tamper_payload(&token)).await.unwrap_err(), VerifyError::InvalidSignature);
    assert_eq!(verifier.verify(&tamper_signature(&token)).await.unwrap_err(), VerifyError::InvalidSignature);
}

#[tokio::test]
async fn removing_padding_from_a_padded_token_breaks_its_signature() {
    let issuer = TestIssuer::start().await;
    let token = padded_token(&issuer);
    let stripped: Vec<&str> = token.split('.').map(|segment| segment.trim_end_matches('=')).collect();
    let err = verifier(&issuer).verify(&stripped.join(".")).await.unwrap_err();
    assert_eq!(err, VerifyError::InvalidSignature);
}

#[tokio::test]
async fn signature_by_another_load_balancer_key_is_refused() {
    let issuer = TestIssuer::start().await;
    let old = issuer.alb_signing_kid();
    let new = issuer.rotate_alb_key();
    let token = issuer.alb_token().signed_with_kid(new).header("kid", json!(old)).sign();
    assert_eq!(verifier(&issuer).verify(&token).await.unwrap_err(), VerifyError::InvalidSignature);
}

#[tokio::test]
async fn unknown_kid_is_refused_and_not_refetched_within_the_interval() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    let kid = issuer.rotate_alb_key();
    issuer.remove_alb_key(&kid);
    let token = issuer.alb_token().sign();
    for _ in 0..3 {
        assert_eq!(verifier.verify(&token).await.unwrap_err(), VerifyError::UnknownKid { kid: kid.clone() });
    }
    assert_eq!(issuer.alb_key_requests(), 1);
}

#[tokio::test]
async fn key_endpoint_failure_is_retryable_keys_unavailable_then_heals() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    issuer.set_alb_key_fault(Some(Fault::Status(500)));
    let token = issuer.alb_token().sign();
    let err = verifier.verify(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::KeysUnavailable { .. }) && err.is_retryable(), "{err}");
    // Within the refetch interval the failure stands, without another request.
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::KeysUnavailable { .. })));
    assert_eq!(issuer.alb_key_requests(), 1);
    issuer.set_alb_key_fault(None);
    eventually(Duration::from_secs(5), || async { verifier.verify(&token).await.is_ok() }).await;
    assert_eq!(issuer.alb_key_requests(), 2);
}

#[tokio::test]
async fn oversized_or_garbage_key_documents_are_refused() {
    let issuer = TestIssuer::start().await;
    issuer.set_alb_key_fault_for(Fault::Oversized(64 * 1024), 1);
    let err = verifier(&issuer).verify(&issuer.alb_token().sign()).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("larger")),
        "{err}"
    );
    issuer.set_alb_key_fault_for(Fault::Garbage, 1);
    let err = verifier(&issuer).verify(&issuer.alb_token().sign()).await.unwrap_err();
    assert!(matches!(err, VerifyError::UnusableKey { .. }), "{err}");
}

#[tokio::test]
async fn slow_key_endpoint_times_out_as_keys_unavailable() {
    let issuer = TestIssuer::start().await;
    issuer.set_alb_key_fault(Some(Fault::Delay(Duration::from_secs(5))));
    let verifier =
        builder(&issuer).key_options(fast_keys().timeout(Duration::from_millis(200))).build().unwrap();
    let err = verifier.verify(&issuer.alb_token().sign()).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable { reason, .. } if reason.contains("timed out")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tokens_with_a_new_kid_cause_one_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    // Keep the fetch in flight long enough for every request to arrive meanwhile.
    issuer.set_alb_key_fault_for(Fault::Delay(Duration::from_millis(200)), 1);
    let token = issuer.alb_token().sign();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (verifier, token) = (verifier.clone(), token.clone());
        tasks.spawn(async move { verifier.verify(&token).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(issuer.alb_key_requests(), 1);
    assert_eq!(verifier.key_fetches(), 1);
}

#[tokio::test]
async fn verify_now_answers_once_the_key_is_cached() {
    let issuer = TestIssuer::start().await;
    let verifier = verifier(&issuer);
    let token = issuer.alb_token().sign();
    assert!(verifier.verify_now(&token).is_none());
    verifier.verify(&token).await.unwrap();
    assert!(verifier.verify_now(&token).unwrap().is_ok());
    let bad = issuer.alb_token().signer(OTHER_ARN).sign();
    assert!(matches!(verifier.verify_now(&bad), Some(Err(VerifyError::UntrustedSigner { .. }))));
}

#[tokio::test]
async fn oversized_and_malformed_tokens_are_refused() {
    let issuer = TestIssuer::start().await;
    let verifier = builder(&issuer).max_token_bytes(1024).build().unwrap();
    let big = issuer.alb_token().claim("big", json!("x".repeat(2000))).sign();
    assert!(matches!(verifier.verify(&big).await, Err(VerifyError::TokenTooLarge { .. })));
    for token in ["", "a", "a.b", "a.b.c.d", ".b.c", "a..c"] {
        assert!(matches!(verifier.verify(token).await, Err(VerifyError::Malformed(_))), "{token:?}");
    }
    assert_eq!(issuer.alb_key_requests(), 0);
}
