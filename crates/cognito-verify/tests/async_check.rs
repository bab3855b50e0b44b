//! The asynchronous custom check: what it sees, how it refuses (401 or 403), and when it runs.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, ConfigError, NoCustomClaims, Rejection, VerifiedToken, VerifyError};
use serde_json::json;

/// A `jti` deny-list, as a database would hold it.
#[derive(Clone, Default)]
struct DenyList(Arc<Mutex<HashSet<String>>>);

impl DenyList {
    fn deny(&self, jti: &str) {
        self.0.lock().unwrap().insert(jti.to_owned());
    }
    async fn contains(&self, jti: &str) -> bool {
        tokio::task::yield_now().await;
        self.0.lock().unwrap().contains(jti)
    }
}

/// The future an async check returns, boxed so the check can be named.
type CheckFuture = Pin<Box<dyn Future<Output = Result<(), Rejection>> + Send>>;

/// An async check refusing, with `rejection`, the tokens whose `jti` is in `denied`.
fn jti_check(
    denied: DenyList,
    rejection: fn(&'static str) -> Rejection,
) -> impl Fn(VerifiedToken<NoCustomClaims>) -> CheckFuture + Send + Sync + 'static {
    move |token| {
        let denied = denied.clone();
        Box::pin(async move {
            let jti = token.claims().jti().map(str::to_owned).unwrap_or_default();
            if denied.contains(&jti).await { Err(rejection("token revoked")) } else { Ok(()) }
        })
    }
}

/// A verifier of `issuer` whose async check refuses, with `rejection`, the `jti`s in the list.
fn deny_list_verifier(
    issuer: &TestIssuer,
    rejection: fn(&'static str) -> Rejection,
) -> (DenyList, CognitoVerifier) {
    let denied = DenyList::default();
    let verifier =
        issuer.access_verifier().async_check(jti_check(denied.clone(), rejection)).build().unwrap();
    (denied, verifier)
}

/// What verifying a token whose `jti` was revoked gives, with the check refusing as `rejection`.
async fn verify_revoked(issuer: &TestIssuer, rejection: fn(&'static str) -> Rejection) -> VerifyError {
    let (denied, verifier) = deny_list_verifier(issuer, rejection);
    let token = issuer.access_token().claim("jti", json!("revoked")).sign();
    denied.deny("revoked");
    verifier.verify(&token).await.unwrap_err()
}

#[tokio::test]
async fn an_async_check_sees_the_header_the_jwk_and_the_claims() {
    let issuer = TestIssuer::start().await;
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let verifier = issuer
        .access_verifier()
        .async_check(move |token| {
            let record = Arc::clone(&record);
            async move {
                let kid = token.header().and_then(|header| header.get("kid")).cloned();
                *record.lock().unwrap() = Some((kid, token.jwk(), token.claims().sub().to_owned()));
                Ok(())
            }
        })
        .build()
        .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    let (kid, jwk, sub) = seen.lock().unwrap().take().unwrap();
    let signing_kid = issuer.signing_kid();
    assert_eq!(kid, Some(json!(signing_kid)));
    assert_eq!(jwk, issuer.public_jwk(&signing_kid));
    assert_eq!(sub, issuer.default_sub());
}

#[tokio::test]
async fn an_async_check_refusal_as_invalid_token_is_a_401_rejection_with_the_claims() {
    let issuer = TestIssuer::start().await;
    let err = verify_revoked(&issuer, Rejection::invalid_token).await;
    assert!(!err.is_forbidden());
    assert_eq!(err.verified_claims().map(|claims| claims.sub()), Some(issuer.default_sub()));
    assert_eq!(
        err.without_claims(),
        VerifyError::Rejected { reason: "token revoked".into(), forbidden: false, claims: None }
    );
}

#[tokio::test]
async fn an_async_check_refusal_as_forbidden_is_a_403_rejection() {
    let issuer = TestIssuer::start().await;
    let err = verify_revoked(&issuer, Rejection::forbidden).await;
    assert!(err.is_forbidden());
    assert_eq!(
        err.without_claims(),
        VerifyError::Rejected { reason: "token revoked".into(), forbidden: true, claims: None }
    );
}

#[tokio::test]
async fn an_async_check_runs_on_cached_tokens_too() {
    let issuer = TestIssuer::start().await;
    let (denied, verifier) = deny_list_verifier(&issuer, Rejection::invalid_token);
    let token = issuer.access_token().claim("jti", json!("later-revoked")).sign();
    verifier.verify(&token).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);
    denied.deny("later-revoked");
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Rejected { .. })));
}

#[tokio::test]
async fn an_async_check_does_not_run_when_another_check_failed() {
    let issuer = TestIssuer::start().await;
    let runs = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&runs);
    let verifier = issuer
        .access_verifier()
        .async_check(move |_token| {
            *counter.lock().unwrap() += 1;
            async { Ok(()) }
        })
        .build()
        .unwrap();
    let err = verifier.verify(&issuer.access_token().client_id("client-b").sign()).await.unwrap_err();
    assert!(matches!(err, VerifyError::ClientMismatch { .. }), "{err:?}");
    assert_eq!(*runs.lock().unwrap(), 0);
}

#[tokio::test]
async fn verify_now_defers_to_verify_when_an_async_check_is_set() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().async_check(|_token| async { Ok(()) }).build().unwrap();
    let token = issuer.access_token().sign();
    verifier.verify(&token).await.unwrap();
    assert!(verifier.verify_now(&token).is_none());
}

#[tokio::test]
async fn an_async_check_set_before_custom_claims_is_a_configuration_error() {
    let issuer = TestIssuer::start().await;
    let err = issuer
        .access_verifier()
        .async_check(|_token| async { Ok(()) })
        .custom_claims::<serde_json::Value>()
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::OutOfRange { option: "async_check", .. }), "{err:?}");
}
