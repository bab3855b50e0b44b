//! Running an application without AWS: the testkit issuer stands in when no pool is configured,
//! and the application's own verifier settings still apply.

use cognito_testkit::local_issuer_unless_configured_in;
use cognito_verify::{CognitoVerifier, ConfigError, TokenUse, VerifyError};

#[tokio::test]
async fn the_local_issuer_stands_in_when_no_pool_is_configured() {
    let builder = CognitoVerifier::builder().token_use(TokenUse::Access).required_scopes(["orders/read"]);
    let (builder, local) = local_issuer_unless_configured_in(builder, |_| None).await.unwrap();
    let verifier = builder.build().unwrap();
    let issuer = local.expect("a local issuer when COGNITO_USER_POOL_ID is not set");

    let token = issuer.access_token().scopes(["orders/read"]).sign();
    assert!(verifier.verify(&token).await.is_ok());
    // The application's own requirement still applies.
    let token = issuer.access_token().scopes(["orders/write"]).sign();
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::InsufficientScope { .. })));
}

#[tokio::test]
async fn a_configured_pool_is_used_and_no_local_issuer_starts() {
    let env = |name: &str| match name {
        "COGNITO_USER_POOL_ID" => Some("eu-west-1_AbCdEf123".to_owned()),
        "COGNITO_CLIENT_ID" => Some("4a1bexampleclientid".to_owned()),
        _ => None,
    };
    let builder = CognitoVerifier::builder().token_use(TokenUse::Id);
    let (builder, local) = local_issuer_unless_configured_in(builder, env).await.unwrap();
    assert!(local.is_none());
    let verifier = builder.build().unwrap();
    let issuers: Vec<String> = verifier.jwks_urls().map(|(issuer, _)| issuer.to_owned()).collect();
    assert!(
        issuers.iter().any(|i| i == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"),
        "{issuers:?}"
    );
}

#[tokio::test]
async fn a_malformed_configuration_is_an_error_not_a_local_issuer() {
    let env = |name: &str| (name == "COGNITO_USER_POOL_ID").then(|| "eu-west-1_AbCdEf123".to_owned());
    let err = local_issuer_unless_configured_in(CognitoVerifier::builder(), env).await.err();
    assert_eq!(err, Some(ConfigError::MissingEnv("COGNITO_CLIENT_ID")));
}
