//! The testkit mints only tokens Cognito sends: claims an access token never carries without a
//! pre-token-generation trigger (or resource binding, for `aud`) make signing fail with the
//! reason and the way to opt in.

use cognito_testkit::{PreTokenGeneration, TestIssuer};
use serde_json::json;

async fn with_trigger(trigger: PreTokenGeneration) -> TestIssuer {
    TestIssuer::builder().pre_token_generation(trigger).start().await
}

#[tokio::test]
async fn custom_attribute_in_an_access_token_is_refused_without_a_trigger() {
    let issuer = TestIssuer::start().await;
    let err = issuer.access_token().claim("custom:tenant", json!("acme")).check().unwrap_err();
    assert_eq!(err.claim(), "custom:tenant");
    let message = err.to_string();
    assert!(message.contains("custom attributes are in ID tokens only"), "{message}");
    assert!(message.contains(".pre_token_generation(PreTokenGeneration::V2)"), "{message}");
    assert!(message.contains("for_negative_test"), "{message}");
}

#[tokio::test]
#[should_panic(
    expected = "Cognito puts `custom:tenant` in an access token only when a pre-token-generation trigger"
)]
async fn signing_an_access_token_with_a_custom_attribute_fails_without_a_trigger() {
    let issuer = TestIssuer::start().await;
    let _ = issuer.access_token().claim("custom:tenant", json!("acme")).sign();
}

#[tokio::test]
async fn id_token_claims_are_refused_in_an_access_token_without_a_trigger() {
    let issuer = TestIssuer::start().await;
    for (name, value) in
        [("email", json!("a@example.com")), ("cognito:username", json!("alice")), ("tenant", json!(1))]
    {
        let err = issuer.access_token().claim(name, value).check().unwrap_err();
        assert_eq!(err.claim(), name);
    }
    assert_eq!(issuer.access_token().email("a@example.com").check().unwrap_err().claim(), "email");
}

#[tokio::test]
async fn aud_in_an_access_token_is_refused_unless_resource_bound() {
    let issuer = with_trigger(PreTokenGeneration::V3).await;
    let err = issuer.access_token().audience("https://api.example.com").check().unwrap_err();
    assert_eq!(err.claim(), "aud");
    assert!(err.to_string().contains(".resource("), "{err}");
    let err = issuer.client_credentials_token("m2m").audience("x").check().unwrap_err();
    assert_eq!(err.claim(), "aud");

    let bound = issuer.access_token().resource("https://api.example.com").sign();
    let verifier = issuer.access_verifier().build().unwrap();
    assert!(verifier.verify(&bound).await.is_ok());
    issuer.client_credentials_token("m2m").resource("https://api.example.com").sign();
}

#[tokio::test]
async fn a_v2_trigger_customizes_user_access_tokens_but_not_client_credentials() {
    let issuer = with_trigger(PreTokenGeneration::V2).await;
    issuer.access_token().claim("custom:tenant", json!("acme")).email("a@example.com").sign();
    let err = issuer.client_credentials_token("m2m").claim("tenant", json!("acme")).check().unwrap_err();
    assert!(err.to_string().contains("PreTokenGeneration::V3"), "{err}");

    let v3 = with_trigger(PreTokenGeneration::V3).await;
    v3.client_credentials_token("m2m").claim("tenant", json!("acme")).sign();
}

#[tokio::test]
async fn a_v1_trigger_customizes_id_tokens_only() {
    let issuer = with_trigger(PreTokenGeneration::V1).await;
    assert!(issuer.access_token().claim("tenant", json!("acme")).check().is_err());
    issuer.id_token().claim("tenant", json!("acme")).sign();
}

#[tokio::test]
async fn no_trigger_puts_nbf_or_oidc_claims_in_an_access_token() {
    let issuer = with_trigger(PreTokenGeneration::V3).await;
    let err = issuer.access_token().not_before(1).check().unwrap_err();
    assert_eq!(err.claim(), "nbf");
    assert!(err.to_string().contains("no pre-token-generation trigger can add it"), "{err}");
    assert!(issuer.access_token().claim("nonce", json!("n")).check().is_err());
}

#[tokio::test]
async fn client_credentials_tokens_carry_no_username_or_groups() {
    let issuer = TestIssuer::start().await;
    assert_eq!(
        issuer.client_credentials_token("m2m").username("bot").check().unwrap_err().claim(),
        "username"
    );
    assert_eq!(
        issuer.client_credentials_token("m2m").groups(["admin"]).check().unwrap_err().claim(),
        "cognito:groups"
    );
}

#[tokio::test]
async fn id_tokens_carry_custom_attributes_without_a_trigger() {
    let issuer = TestIssuer::start().await;
    let token = issuer.id_token().claim("custom:tenant", json!("acme")).sign();
    assert!(issuer.id_verifier().build().unwrap().verify(&token).await.is_ok());
}

#[tokio::test]
async fn for_negative_test_signs_any_claims() {
    let issuer = TestIssuer::start().await;
    let token = issuer
        .access_token()
        .claim("custom:tenant", json!("acme"))
        .claim("aud", json!(["x"]))
        .not_before(1)
        .for_negative_test();
    assert!(token.check().is_ok());
    token.sign();
}
