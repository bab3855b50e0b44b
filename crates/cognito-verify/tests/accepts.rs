//! What a verifier accepts: the token shapes Cognito issues, several pools, leeway, custom
//! claims, and configuration (builder and environment).

mod tenant;

use std::time::Duration;

use cognito_testkit::{KeyKind, TestIssuer};
use cognito_verify::{CognitoVerifier, ConfigError, TokenUse, VerifyError};
use serde_json::json;
use test_support::unix_now as now;

#[tokio::test]
async fn user_access_token_is_accepted_with_its_claims() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let token = issuer
        .access_token()
        .username("alice")
        .scopes(["transactions/get", "transactions/post"])
        .groups(["admin", "users"])
        .sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.token_use(), "access");
    assert_eq!(claims.client_id(), Some(issuer.default_client_id()));
    assert!(claims.aud().is_empty(), "Cognito access tokens carry no aud");
    assert_eq!(claims.username(), Some("alice"));
    assert!(claims.scopes().contains_all(&["transactions/get", "transactions/post"]));
    assert!(claims.in_group("admin") && claims.in_group("users"));
    assert_eq!(claims.iss(), issuer.issuer_url());
    assert_eq!(claims.version(), Some(2));
    assert!(claims.exp() > now());
}

#[tokio::test]
async fn client_credentials_access_token_is_accepted() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().client_ids(["m2m-client"]).build().unwrap();
    let token = issuer.client_credentials_token("m2m-client").scopes(["transactions/post"]).sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.sub(), "m2m-client");
    assert_eq!(claims.username(), None);
    assert!(claims.groups().is_empty());
    assert!(claims.scopes().contains("transactions/post"));
}

#[tokio::test]
async fn id_token_is_checked_against_aud() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().build().unwrap();
    let token = issuer.id_token().email("alice@example.com").groups(["admin"]).sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.token_use(), "id");
    assert_eq!(claims.aud(), [issuer.default_client_id()]);
    assert_eq!(claims.email(), Some("alice@example.com"));
    assert!(claims.cognito_username().is_some());
    assert!(claims.in_group("admin"));

    let other_client = issuer.id_token().audience("client-b").sign();
    assert_eq!(
        verifier.verify(&other_client).await.unwrap_err().without_claims(),
        VerifyError::ClientMismatch { found: "client-b".into(), claims: None }
    );
}

#[tokio::test]
async fn token_use_any_accepts_both_kinds_but_nothing_else() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier_for(TokenUse::Any).build().unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
    verifier.verify(&issuer.id_token().sign()).await.unwrap();
    let odd = issuer.access_token().claim("token_use", json!("refresh")).sign();
    assert!(matches!(verifier.verify(&odd).await, Err(VerifyError::TokenUseMismatch { .. })));
}

#[tokio::test]
async fn any_client_accepts_every_client_when_spelled_out() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().any_client().build().unwrap();
    verifier.verify(&issuer.access_token().client_id("whoever").sign()).await.unwrap();
}

#[tokio::test]
async fn every_accepted_algorithm_verifies() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let mut kinds = vec![KeyKind::Rsa4096, KeyKind::Es256, KeyKind::Es384, KeyKind::Ed25519];
    // ring has no P-521: ES512 is verified on the aws-lc-rs backend only (spec_rules.rs).
    if cfg!(feature = "aws-lc-rs") {
        kinds.push(KeyKind::Es512);
    }
    let kids: Vec<String> = kinds.iter().map(|kind| issuer.add_key(*kind)).collect();
    for (kind, kid) in kinds.iter().zip(kids) {
        let token = issuer.access_token().signed_with_kid(&kid).sign();
        verifier.verify(&token).await.unwrap_or_else(|err| panic!("{kind:?}: {err}"));
    }
}

#[tokio::test]
async fn rs384_and_rs512_verify_with_a_jwk_that_names_no_alg() {
    let issuer = TestIssuer::start().await;
    let kid = issuer.signing_kid();
    let mut jwk = issuer.public_jwk(&kid).unwrap();
    jwk.as_object_mut().unwrap().remove("alg");
    issuer.remove_key(&kid);
    issuer.publish_raw_jwk(jwk);
    let verifier = issuer.access_verifier().build().unwrap();
    for alg in ["RS256", "RS384", "RS512"] {
        let token = issuer.access_token().signed_with_kid(&kid).alg(alg).sign();
        verifier.verify(&token).await.unwrap_or_else(|err| panic!("{alg}: {err}"));
    }
}

/// Two pools, and a verifier that trusts both.
async fn two_pools() -> (TestIssuer, TestIssuer, CognitoVerifier) {
    let pool_a = TestIssuer::builder().pool_id("local-1_PoolA").start().await;
    let pool_b = TestIssuer::builder().pool_id("local-1_PoolB").start().await;
    let verifier = CognitoVerifier::builder()
        .issuer(pool_a.issuer_url())
        .issuer(pool_b.issuer_url())
        .token_use(TokenUse::Access)
        .client_ids([cognito_testkit::DEFAULT_CLIENT_ID])
        .build()
        .unwrap();
    (pool_a, pool_b, verifier)
}

#[tokio::test]
async fn several_pools_are_selected_by_iss() {
    let (pool_a, pool_b, verifier) = two_pools().await;
    let a = verifier.verify(&pool_a.access_token().sign()).await.unwrap();
    let b = verifier.verify(&pool_b.access_token().sign()).await.unwrap();
    assert_eq!((a.iss(), b.iss()), (pool_a.issuer_url().as_str(), pool_b.issuer_url().as_str()));
    assert_eq!((pool_a.jwks_requests(), pool_b.jwks_requests()), (1, 1));
}

#[tokio::test]
async fn a_pool_cannot_sign_for_another_pool() {
    let (pool_a, pool_b, verifier) = two_pools().await;
    // Signed by B, claiming to be from A: A's key set has no such key.
    let forged = pool_b.access_token().issuer(pool_a.issuer_url()).sign();
    assert!(matches!(verifier.verify(&forged).await, Err(VerifyError::UnknownKid { .. })));
    // Signed by B with A's kid: the signature fails.
    let forged = pool_b.access_token().issuer(pool_a.issuer_url()).kid(pool_a.signing_kid()).sign();
    assert_eq!(verifier.verify(&forged).await.unwrap_err(), VerifyError::InvalidSignature);
    // A pool the verifier does not know at all.
    let stranger = TestIssuer::builder().pool_id("local-1_Stranger").start().await;
    let token = stranger.access_token().sign();
    assert_eq!(
        verifier.verify(&token).await.unwrap_err(),
        VerifyError::UntrustedIssuer { found: stranger.issuer_url() }
    );
    assert_eq!(stranger.jwks_requests(), 0);
}

#[tokio::test]
async fn leeway_tolerates_small_clock_skew_only() {
    let issuer = TestIssuer::start().await;
    let strict = issuer.access_verifier().build().unwrap();
    let lenient = issuer.access_verifier().leeway(Duration::from_secs(60)).build().unwrap();
    let just_expired = issuer.access_token().expires_at(now() - 20).sign();
    assert!(matches!(strict.verify(&just_expired).await, Err(VerifyError::Expired { .. })));
    lenient.verify(&just_expired).await.unwrap();

    let long_expired = issuer.access_token().expires_at(now() - 120).sign();
    assert!(matches!(lenient.verify(&long_expired).await, Err(VerifyError::Expired { .. })));

    let slightly_future =
        issuer.access_token().issued_at(now() + 20).not_before(now() + 20).for_negative_test().sign();
    assert!(matches!(strict.verify(&slightly_future).await, Err(VerifyError::NotYetValid { .. })));
    lenient.verify(&slightly_future).await.unwrap();

    let far_future = issuer.access_token().issued_at(now() + 120).sign();
    assert!(matches!(lenient.verify(&far_future).await, Err(VerifyError::IssuedInFuture { .. })));
}

#[tokio::test]
async fn custom_claims_are_parsed_into_the_users_type() {
    let issuer = TestIssuer::start().await;
    let verifier = tenant::acme_only(&issuer);
    let token = issuer.id_token().claim("custom:tenant", json!("acme")).sign();
    assert_eq!(verifier.verify(&token).await.unwrap().custom.tenant, "acme");
    let token = issuer.id_token().claim("custom:tenant", json!("globex")).sign();
    assert_eq!(
        verifier.verify(&token).await.unwrap_err().without_claims(),
        VerifyError::Rejected { reason: "wrong tenant".into(), forbidden: false, claims: None }
    );
    let token = issuer.id_token().sign();
    assert_eq!(
        verifier.verify(&token).await.unwrap_err(),
        VerifyError::CustomClaim { claim: "custom:tenant".into(), problem: "is missing" }
    );
}

#[test]
fn builder_requires_the_security_choices() {
    let base = || CognitoVerifier::builder().user_pool("eu-west-1_AbCdEf123");
    assert_eq!(base().client_ids(["c"]).build().unwrap_err(), ConfigError::TokenUseNotSet);
    assert_eq!(base().token_use(TokenUse::Access).build().unwrap_err(), ConfigError::ClientsNotSet);
    assert_eq!(
        base().token_use(TokenUse::Access).client_ids(Vec::<String>::new()).build().unwrap_err(),
        ConfigError::EmptyClientIds
    );
    assert_eq!(
        CognitoVerifier::builder().token_use(TokenUse::Access).any_client().build().unwrap_err(),
        ConfigError::NoIssuer
    );
    assert!(matches!(
        base().token_use(TokenUse::Access).any_client().leeway(Duration::from_secs(3600)).build(),
        Err(ConfigError::LeewayTooLarge { .. })
    ));
    assert_eq!(
        CognitoVerifier::builder()
            .user_pool("not-a-pool")
            .token_use(TokenUse::Access)
            .any_client()
            .build()
            .unwrap_err(),
        ConfigError::InvalidUserPoolId("not-a-pool".into())
    );
    assert!(matches!(
        CognitoVerifier::builder()
            .issuer("http://idp.example.com/pool")
            .token_use(TokenUse::Access)
            .any_client()
            .build(),
        Err(ConfigError::InsecureUrl(_))
    ));
}

#[test]
fn user_pool_derives_the_cognito_issuer() {
    let verifier = CognitoVerifier::builder()
        .user_pool("eu-west-1_AbCdEf123")
        .user_pool("us-gov-west-1_Xyz")
        .token_use(TokenUse::Access)
        .any_client()
        .build()
        .unwrap();
    let issuers: Vec<&str> = verifier.issuers().collect();
    assert_eq!(
        issuers,
        [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Xyz",
            "https://issuer-cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Xyz"
        ]
    );
}

#[test]
fn from_env_names_the_missing_or_malformed_variable() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    assert_eq!(
        CognitoVerifier::from_lookup(env(&[])).unwrap_err(),
        ConfigError::MissingEnv("COGNITO_USER_POOL_ID")
    );
    assert_eq!(
        CognitoVerifier::from_lookup(env(&[("COGNITO_USER_POOL_ID", "eu-west-1_Abc")])).unwrap_err(),
        ConfigError::MissingEnv("COGNITO_CLIENT_ID")
    );
    let err = CognitoVerifier::from_lookup(env(&[
        ("COGNITO_USER_POOL_ID", "eu-west-1_Abc"),
        ("COGNITO_CLIENT_ID", "a,b"),
        ("COGNITO_TOKEN_USE", "refresh"),
    ]))
    .unwrap_err();
    assert!(matches!(err, ConfigError::MalformedEnv { name: "COGNITO_TOKEN_USE", .. }));
    let err = CognitoVerifier::from_lookup(env(&[
        ("COGNITO_USER_POOL_ID", "nope"),
        ("COGNITO_CLIENT_ID", "a"),
        ("COGNITO_TOKEN_USE", "access"),
    ]))
    .unwrap_err();
    assert!(matches!(err, ConfigError::MalformedEnv { name: "COGNITO_USER_POOL_ID", .. }));
    let verifier = CognitoVerifier::from_lookup(env(&[
        ("COGNITO_USER_POOL_ID", "eu-west-1_Abc"),
        ("COGNITO_CLIENT_ID", "a, b"),
        ("COGNITO_TOKEN_USE", "ID"),
    ]))
    .unwrap();
    assert_eq!(verifier.token_use(), TokenUse::Id);
}

#[tokio::test]
async fn from_env_with_an_explicit_issuer_verifies_against_it() {
    let issuer = TestIssuer::start().await;
    let issuer_url = issuer.issuer_url();
    let verifier = CognitoVerifier::from_lookup(|name| match name {
        "COGNITO_USER_POOL_ID" => Some(issuer.pool_id().to_owned()),
        "COGNITO_CLIENT_ID" => Some(issuer.default_client_id().to_owned()),
        "COGNITO_TOKEN_USE" => Some("access".to_owned()),
        "COGNITO_ISSUER" => Some(issuer_url.clone()),
        _ => None,
    })
    .unwrap();
    verifier.verify(&issuer.access_token().sign()).await.unwrap();
}
