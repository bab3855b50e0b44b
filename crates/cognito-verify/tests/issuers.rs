//! Which `iss` values a user pool verifier trusts: both issuer formats, replica regions, and
//! key sets fetched per issuer actually seen (COGNITO.md, "Issuers").

use std::time::Duration;

use cognito_testkit::{Fault, IssuerFormat, TestIssuer};
use cognito_verify::{CognitoVerifier, IssuerFormats, JwksOptions, TokenUse, VerifyError};

const CLIENT: &str = "client-a";
const REPLICA: &str = "local-2";

fn fast() -> JwksOptions {
    JwksOptions::default()
        .min_refetch_interval(Duration::from_millis(300))
        .backoff(Duration::from_millis(50), Duration::from_millis(200))
        .timeout(Duration::from_millis(500))
}

async fn replicated_pool() -> TestIssuer {
    TestIssuer::builder().replica_regions([REPLICA]).start().await
}

fn pool_verifier(issuer: &TestIssuer) -> CognitoVerifier {
    issuer
        .pool_verifier()
        .replica_regions([REPLICA])
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .jwks_options(fast())
        .build()
        .unwrap()
}

#[tokio::test]
async fn updated_format_and_replica_region_tokens_verify_with_user_pool_and_replica_regions() {
    let issuer = replicated_pool().await;
    let verifier = pool_verifier(&issuer);
    for token in [
        issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Original).sign(),
        issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Updated).sign(),
        issuer.access_token().client_id(CLIENT).replica_region(REPLICA).sign(),
    ] {
        verifier.verify(&token).await.unwrap();
    }
}

#[tokio::test]
async fn keys_are_fetched_only_for_issuers_seen_in_tokens() {
    let issuer = replicated_pool().await;
    let verifier = pool_verifier(&issuer);
    issuer.set_updated_format_jwks_fault(Some(Fault::Status(403)));
    verifier
        .verify(&issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Original).sign())
        .await
        .unwrap();
    verifier
        .verify(&issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Original).sign())
        .await
        .unwrap();
    assert_eq!(issuer.jwks_requests(), 1, "only the original-format JWKS was fetched");
}

#[tokio::test]
async fn hydrate_succeeds_when_the_updated_format_jwks_answers_403() {
    let issuer = replicated_pool().await;
    issuer.set_updated_format_jwks_fault(Some(Fault::Status(403)));
    let verifier = pool_verifier(&issuer);
    verifier.hydrate().await.unwrap();
    let requests = issuer.jwks_requests();
    verifier
        .verify(&issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Original).sign())
        .await
        .unwrap();
    verifier.verify(&issuer.access_token().client_id(CLIENT).replica_region(REPLICA).sign()).await.unwrap();
    assert_eq!(issuer.jwks_requests(), requests, "hydrate fetched the keys the pool serves");
}

#[tokio::test]
async fn hydrate_succeeds_when_only_the_updated_format_serves_keys() {
    let issuer = TestIssuer::start().await;
    let base = issuer.base_url();
    let verifier = issuer
        .pool_verifier()
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .user_pool_endpoints(format!("{base}/nowhere/{{region}}"), format!("{base}/updated/{{region}}"))
        .jwks_options(fast())
        .build()
        .unwrap();
    verifier.hydrate().await.unwrap();
}

#[tokio::test]
async fn hydrate_fails_when_no_issuer_of_the_pool_serves_keys() {
    let issuer = TestIssuer::start().await;
    issuer.set_updated_format_jwks_fault(Some(Fault::Status(403)));
    let base = issuer.base_url();
    let verifier = CognitoVerifier::builder()
        .user_pool("local-1_NoSuchPool")
        .user_pool_endpoints(format!("{base}/original/{{region}}"), format!("{base}/updated/{{region}}"))
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .jwks_options(fast())
        .build()
        .unwrap();
    assert!(matches!(verifier.hydrate().await, Err(VerifyError::KeysUnavailable { .. })));
}

#[tokio::test]
async fn hydrate_fails_when_an_issuer_of_the_pool_fails_otherwise_than_403_or_404() {
    let issuer = replicated_pool().await;
    issuer.set_updated_format_jwks_fault(Some(Fault::Status(503)));
    let verifier = pool_verifier(&issuer);
    assert!(matches!(verifier.hydrate().await, Err(VerifyError::KeysUnavailable { .. })));
}

#[tokio::test]
async fn a_restricted_issuer_format_refuses_the_other_format() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer
        .pool_verifier()
        .issuer_formats(IssuerFormats::Original)
        .token_use(TokenUse::Access)
        .client_ids([CLIENT])
        .build()
        .unwrap();
    let token = issuer.access_token().client_id(CLIENT).issuer_format(IssuerFormat::Updated).sign();
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::IssuerMismatch { .. })));
}

#[tokio::test]
async fn replica_region_tokens_are_refused_without_replica_regions() {
    let issuer = replicated_pool().await;
    let verifier = issuer.pool_verifier().token_use(TokenUse::Access).client_ids([CLIENT]).build().unwrap();
    let token = issuer.access_token().client_id(CLIENT).replica_region(REPLICA).sign();
    assert!(matches!(verifier.verify(&token).await, Err(VerifyError::UntrustedIssuer { .. })));
}

#[test]
fn from_env_reads_replica_regions() {
    let vars = [
        ("COGNITO_USER_POOL_ID", "eu-west-1_AbCdEf123"),
        ("COGNITO_CLIENT_ID", CLIENT),
        ("COGNITO_TOKEN_USE", "access"),
        ("COGNITO_REPLICA_REGIONS", "us-west-2, eu-central-1"),
    ];
    let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
    let verifier = CognitoVerifier::from_lookup(lookup).unwrap();
    let issuers: Vec<&str> = verifier.issuers().collect();
    assert_eq!(
        issuers,
        [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            "https://cognito-idp.us-west-2.amazonaws.com/eu-west-1_AbCdEf123",
            "https://cognito-idp.eu-central-1.amazonaws.com/eu-west-1_AbCdEf123",
        ]
    );
}

#[test]
fn from_env_refuses_a_malformed_replica_region() {
    let vars = [
        ("COGNITO_USER_POOL_ID", "eu-west-1_AbCdEf123"),
        ("COGNITO_CLIENT_ID", CLIENT),
        ("COGNITO_TOKEN_USE", "access"),
        ("COGNITO_REPLICA_REGIONS", "us-west-2,evil.example"),
    ];
    let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
    assert!(matches!(
        CognitoVerifier::from_lookup(lookup),
        Err(cognito_verify::ConfigError::MalformedEnv { name: "COGNITO_REPLICA_REGIONS", .. })
    ));
}
