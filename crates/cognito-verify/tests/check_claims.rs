//! `CognitoVerifier::check_claims`: claims verified elsewhere (an API Gateway authorizer) are
//! held to every check of `verify` but the signature, with the same typing rules.

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, TokenUse, VerifyError};
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
    let checked = verifier.check_claims(&bytes(&claims)).unwrap();
    assert_eq!(checked.username.as_deref(), Some("alice"));
    assert!(checked.in_group("admin"));
    assert_eq!(verifier.jwks_fetches(), 0);
    assert_eq!(verifier.cached_tokens(), 0);
}

#[tokio::test]
async fn claims_are_held_to_issuer_token_use_client_and_expiry() {
    let (issuer, verifier) = issuer_and_verifier().await;
    let check = |claims: Value| verifier.check_claims(&bytes(&claims)).unwrap_err();
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
        verifier.check_claims(&bytes(&claims)).unwrap_err(),
        VerifyError::InvalidClaim { claim: "exp", expected: "a number" }
    );
    assert!(matches!(verifier.check_claims(b"[]"), Err(VerifyError::MalformedPayload(_))));
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
    assert!(verifier.check_claims(&bytes(&member)).is_ok());
    let outsider = issuer.access_token().client_id(CLIENT).groups(["users"]).claims_json();
    assert!(matches!(verifier.check_claims(&bytes(&outsider)), Err(VerifyError::MissingGroup { .. })));
}
