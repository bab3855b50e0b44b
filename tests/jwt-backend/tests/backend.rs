//! An application that uses jsonwebtoken with a crypto backend of its own choosing can use
//! cognito-verify in the same build: our crates enable no backend, and never call into one.

use cognito_testkit::TestIssuer;

#[tokio::test]
async fn cognito_verify_works_next_to_the_applications_jsonwebtoken_backend() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().client_ids(["app"]).build().unwrap();
    let token = issuer.access_token().client_id("app").scopes(["a/b"]).sign();

    let claims = verifier.verify(&token).await.unwrap();
    assert!(claims.scopes().contains("a/b"));

    // The application's own use of jsonwebtoken, with the backend it enabled, still works in
    // the same process (this panics at run time if the feature unification went wrong).
    #[derive(serde::Deserialize)]
    struct AppClaims {
        client_id: String,
    }
    let pem = issuer.public_key_pem(&issuer.signing_kid()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[issuer.issuer_url()]);
    validation.validate_aud = false;
    let decoded = jsonwebtoken::decode::<AppClaims>(&token, &key, &validation).unwrap();
    assert_eq!(decoded.claims.client_id, "app");
}
