//! `CognitoVerifier::check_claims`: claims verified elsewhere (an API Gateway authorizer) are
//! held to every check of `verify` but the signature, with the same typing rules, and the async
//! check runs on them (without a header or key).

use std::sync::{Arc, Mutex};

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, Rejection, TokenUse, VerifyError};
use serde_json::{Value, json};
use test_support::unix_now as now;

const CLIENT: &str = "client-a";

async fn issuer_and_verifier() -> (TestIssuer, CognitoVerifier) {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier().token_use(TokenUse::Access).client_ids([CLIENT]).build().unwrap();
    (issuer, verifier)
}

fn bytes(claims: &Value) -> Vec<u8> {
    serde_json::to_vec(claims).unwrap()
}

#[tokio::test]
async fn claims_of_a_valid_access_token_are_accepted_without_any_key_fetch() {
    let (issuer, verifier) = issuer_and_verifier().await;
    let claims = issuer.access_token().client_id(CLIENT).username("alice").groups(["admin"]).claims_json();
    let checked = verifier.check_claims(&bytes(&claims)).await.unwrap();
    assert_eq!(checked.username(), Some("alice"));
    assert!(checked.in_group("admin"));
    assert_eq!(verifier.jwks_fetches(), 0);
    assert_eq!(verifier.cached_tokens(), 0);
}

#[tokio::test]
async fn claims_are_held_to_issuer_token_use_client_and_expiry() {
    let (issuer, verifier) = issuer_and_verifier().await;
    let check = |claims: Value| verifier.check_claims_now(&bytes(&claims)).unwrap().unwrap_err();
    let other_issuer =
        issuer.access_token().client_id(CLIENT).issuer("https://elsewhere.example/pool").claims_json();
    assert!(matches!(check(other_issuer), VerifyError::IssuerMismatch { .. }));
    let id_token = issuer.id_token().audience(CLIENT).claims_json();
    assert!(matches!(check(id_token), VerifyError::TokenUseMismatch { .. }));
    let other_client = issuer.access_token().client_id("client-b").claims_json();
    assert_eq!(
        check(other_client).without_claims(),
        VerifyError::ClientMismatch { found: "client-b".into(), claims: None }
    );
    let expired = issuer.access_token().client_id(CLIENT).expires_at(now() - 60).claims_json();
    assert!(matches!(check(expired), VerifyError::Expired { .. }));
}

#[tokio::test]
async fn claims_are_typed_as_a_token_payload_is() {
    let (issuer, verifier) = issuer_and_verifier().await;
    let mut claims = issuer.access_token().client_id(CLIENT).claims_json();
    claims["exp"] = json!("2000000000");
    assert_eq!(
        verifier.check_claims(&bytes(&claims)).await.unwrap_err(),
        VerifyError::InvalidClaim { claim: "exp", expected: "a number" }
    );
    assert!(matches!(verifier.check_claims(b"[]").await, Err(VerifyError::MalformedPayload(_))));
}

#[tokio::test]
async fn required_groups_apply_to_checked_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .required_groups(["admin"])
        .build()
        .unwrap();
    let member = issuer.access_token().client_id(CLIENT).groups(["admin"]).claims_json();
    assert!(verifier.check_claims(&bytes(&member)).await.is_ok());
    let outsider = issuer.access_token().client_id(CLIENT).groups(["users"]).claims_json();
    assert!(matches!(verifier.check_claims(&bytes(&outsider)).await, Err(VerifyError::MissingGroup { .. })));
}

#[tokio::test]
async fn check_claims_runs_the_async_check_and_its_refusal_carries_the_claims() {
    let issuer = TestIssuer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .async_check(move |token| {
            let record = Arc::clone(&record);
            async move {
                let jti = token.claims().jti().map(str::to_owned);
                record.lock().unwrap().push((jti.clone(), token.header().is_some(), token.jwk().is_some()));
                match jti.as_deref() {
                    Some("revoked") => Err(Rejection::invalid_token("token revoked")),
                    _ => Ok(()),
                }
            }
        })
        .build()
        .unwrap();
    let revoked = issuer.access_token().client_id(CLIENT).claim("jti", json!("revoked")).claims_json();
    let err = verifier.check_claims(&bytes(&revoked)).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::Rejected { reason, forbidden: false, .. } if reason == "token revoked"),
        "{err:?}"
    );
    assert_eq!(err.verified_claims().map(|claims| claims.client()), Some(Some(CLIENT)));
    let fine = issuer.access_token().client_id(CLIENT).claim("jti", json!("fine")).claims_json();
    verifier.check_claims(&bytes(&fine)).await.unwrap();
    // No token, so no header or key for the check to see.
    let expected = vec![(Some("revoked".to_owned()), false, false), (Some("fine".to_owned()), false, false)];
    assert_eq!(*seen.lock().unwrap(), expected);
}

#[tokio::test]
async fn check_claims_now_defers_to_check_claims_when_an_async_check_is_set() {
    let issuer = TestIssuer::start().await;
    let verifier =
        issuer.verifier().token_use(TokenUse::Access).client_ids([CLIENT]).async_check(|_| async { Ok(()) });
    let verifier = verifier.build().unwrap();
    let claims = bytes(&issuer.access_token().client_id(CLIENT).claims_json());
    assert!(verifier.check_claims_now(&claims).is_none());
    assert!(verifier.check_claims(&claims).await.is_ok());
}

#[tokio::test]
async fn check_claims_does_not_run_the_async_check_when_another_check_failed() {
    let issuer = TestIssuer::start().await;
    let runs = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&runs);
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .async_check(move |_| {
            *counter.lock().unwrap() += 1;
            async { Ok(()) }
        })
        .build()
        .unwrap();
    let expired = issuer.access_token().client_id(CLIENT).expires_at(now() - 60).claims_json();
    assert!(matches!(verifier.check_claims(&bytes(&expired)).await, Err(VerifyError::Expired { .. })));
    assert_eq!(*runs.lock().unwrap(), 0);
}
