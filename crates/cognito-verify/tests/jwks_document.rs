//! Keys from a JWKS document given in the configuration (like aws-jwt-verify's `cacheJwks`):
//! used without a fetch, refreshed from the URL as usual unless fetching is off.

use std::time::Duration;

use cognito_testkit::{TestIssuer, eventually};
use cognito_verify::{ConfigError, JwksOptions, VerifyError};

#[tokio::test]
async fn keys_from_a_jwks_document_verify_without_any_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .access_verifier()
        .jwks_document(issuer.issuer_url(), issuer.jwks().to_string())
        .build()
        .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    verifier.hydrate().await.unwrap();
    assert_eq!(issuer.jwks_requests(), 1, "only hydrate fetched");
}

#[tokio::test]
async fn a_kid_missing_from_the_document_is_fetched_from_the_url() {
    let issuer = TestIssuer::start().await;
    let document = issuer.jwks().to_string();
    issuer.rotate_key();
    let verifier = issuer.access_verifier().jwks_document(issuer.issuer_url(), document).build().unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    assert_eq!(issuer.jwks_requests(), 1);
}

#[tokio::test]
async fn keys_from_a_jwks_document_are_refreshed_from_the_url() {
    let issuer = TestIssuer::start().await;
    let options = JwksOptions::default()
        .min_refetch_interval(Duration::from_millis(50))
        .refresh_interval(Duration::from_millis(200));
    let verifier = issuer
        .access_verifier()
        .jwks_document(issuer.issuer_url(), issuer.jwks().to_string())
        .jwks_options(options)
        .build()
        .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    eventually(Duration::from_secs(10), || async { issuer.jwks_requests() >= 1 }).await;
}

#[tokio::test]
async fn with_fetching_off_nothing_is_ever_fetched() {
    let issuer = TestIssuer::start().await;
    let document = issuer.jwks().to_string();
    let verifier = issuer
        .access_verifier()
        .jwks_document(issuer.issuer_url(), document)
        .jwks_options(JwksOptions::default().fetch_from_url(false))
        .build()
        .unwrap();
    verifier.hydrate().await.unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    let kid = issuer.rotate_key();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert_eq!(err, VerifyError::UnknownKid { kid });
    assert_eq!(issuer.jwks_requests(), 0);
}

#[tokio::test]
async fn unusable_jwks_documents_are_configuration_errors() {
    let issuer = TestIssuer::start().await;
    let jwks = issuer.jwks().to_string();
    let cases = [
        ("https://elsewhere.example/pool", jwks.as_str(), "not an issuer this verifier trusts"),
        (issuer.issuer_url().as_str(), "[]", "not a JSON object with a `keys` array"),
        (
            issuer.issuer_url().as_str(),
            r#"{"keys":[{"kid":"k","kty":"oct","k":"c2VjcmV0"}]}"#,
            "holds no usable key",
        ),
    ]
    .map(|(target, document, reason)| (target.to_owned(), document.to_owned(), reason));
    for (target, document, reason) in cases {
        let err = issuer.access_verifier().jwks_document(target.clone(), document).build().unwrap_err();
        assert_eq!(err, ConfigError::InvalidJwks { issuer: target, reason });
    }
    let twice = issuer
        .access_verifier()
        .jwks_document(issuer.issuer_url(), jwks.clone())
        .jwks_document(issuer.issuer_url(), jwks)
        .build()
        .unwrap_err();
    assert_eq!(twice, ConfigError::InvalidJwks { issuer: issuer.issuer_url(), reason: "given twice" });
}

#[tokio::test]
async fn fetching_off_without_any_document_is_a_configuration_error() {
    let issuer = TestIssuer::start().await;
    let err = issuer
        .access_verifier()
        .jwks_options(JwksOptions::default().fetch_from_url(false))
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::OutOfRange { option: "fetch_from_url", .. }), "{err:?}");
}
