//! A custom claim that is missing or has the wrong type is refused with an error that names the
//! claim, never its value.

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, VerifyError};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Account {
    #[serde(rename = "custom:tenant")]
    tenant: String,
    #[serde(rename = "custom:seats")]
    seats: u32,
    #[serde(rename = "custom:address", default)]
    address: Option<Address>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Address {
    street: String,
}

async fn verifier(issuer: &TestIssuer) -> CognitoVerifier<Account> {
    issuer.id_verifier().custom_claims::<Account>().build().unwrap()
}

#[tokio::test]
async fn missing_required_custom_claim_is_named_in_the_error() {
    let issuer = TestIssuer::start().await;
    let token = issuer.id_token().claim("custom:tenant", json!("acme")).sign();
    let err = verifier(&issuer).await.verify(&token).await.unwrap_err();
    assert_eq!(err, VerifyError::CustomClaim { claim: "custom:seats".into(), problem: "is missing" });
    assert_eq!(err.to_string(), "custom claim `custom:seats` is missing");
}

#[tokio::test]
async fn mistyped_custom_claim_is_named_never_its_value() {
    let issuer = TestIssuer::start().await;
    let token = issuer
        .id_token()
        .claim("custom:tenant", json!("acme"))
        .claim("custom:seats", json!("secret-value-7f3a"))
        .sign();
    let err = verifier(&issuer).await.verify(&token).await.unwrap_err();
    assert!(matches!(&err, VerifyError::CustomClaim { claim, .. } if claim == "custom:seats"), "{err:?}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(shown.contains("custom:seats"), "{shown}");
        assert!(!shown.contains("secret-value-7f3a"), "the value leaked: {shown}");
    }
}

#[tokio::test]
async fn nested_custom_claim_is_named_by_its_path() {
    let issuer = TestIssuer::start().await;
    let token = issuer
        .id_token()
        .claim("custom:tenant", json!("acme"))
        .claim("custom:seats", json!(3))
        .claim("custom:address", json!({"street": 12}))
        .sign();
    let err = verifier(&issuer).await.verify(&token).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::CustomClaim { claim, .. } if claim == "custom:address.street"),
        "{err:?}"
    );
    let token = issuer
        .id_token()
        .claim("custom:tenant", json!("acme"))
        .claim("custom:seats", json!(3))
        .claim("custom:address", json!({}))
        .sign();
    let err = verifier(&issuer).await.verify(&token).await.unwrap_err();
    assert_eq!(
        err,
        VerifyError::CustomClaim { claim: "custom:address.street".into(), problem: "is missing" }
    );
}
