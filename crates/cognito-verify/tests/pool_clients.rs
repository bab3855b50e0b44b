//! Allowed clients per user pool in a verifier that trusts several pools.

use cognito_testkit::{IssuerFormat, TestIssuer};
use cognito_verify::{
    CognitoVerifier, CognitoVerifierBuilder, ConfigError, IssuerFormats, TokenUse, VerifyError,
};

/// A second pool of the testkit's region, signing with the testkit's keys (given as its JWKS
/// document, since the testkit serves keys for its own pool only).
const OTHER_POOL: &str = "local-1_OtherPool";

/// Trusts the testkit's pool for `client-a` and [`OTHER_POOL`] for `client-b`.
fn two_pools(issuer: &TestIssuer) -> CognitoVerifierBuilder {
    let base = issuer.base_url();
    CognitoVerifier::builder()
        .user_pool_with_clients(issuer.pool_id(), ["client-a"])
        .user_pool_with_clients(OTHER_POOL, ["client-b"])
        .issuer_formats(IssuerFormats::Original)
        .user_pool_endpoints(format!("{base}/original/{{region}}"), format!("{base}/updated/{{region}}"))
        .jwks_document(other_pool_issuer(issuer), issuer.jwks().to_string())
        .token_use(TokenUse::Access)
}

fn other_pool_issuer(issuer: &TestIssuer) -> String {
    format!("{}/original/{}/{OTHER_POOL}", issuer.base_url(), issuer.region())
}

#[tokio::test]
async fn each_pool_accepts_its_own_clients_only() {
    let issuer = TestIssuer::start().await;
    let verifier = two_pools(&issuer).build().unwrap();
    let own_pool =
        |client: &str| issuer.access_token().client_id(client).issuer_format(IssuerFormat::Original).sign();
    let other_pool =
        |client: &str| issuer.access_token().client_id(client).issuer(other_pool_issuer(&issuer)).sign();

    verifier.verify(&own_pool("client-a")).await.unwrap();
    verifier.verify(&other_pool("client-b")).await.unwrap();
    for (token, found) in [(own_pool("client-b"), "client-b"), (other_pool("client-a"), "client-a")] {
        let err = verifier.verify(&token).await.unwrap_err().without_claims();
        assert_eq!(err, VerifyError::ClientMismatch { found: found.into(), claims: None });
    }
}

#[tokio::test]
async fn pools_with_their_own_clients_need_no_general_client_choice() {
    let issuer = TestIssuer::start().await;
    two_pools(&issuer).build().unwrap();
}

#[tokio::test]
async fn a_pool_without_its_own_clients_still_needs_the_general_choice() {
    let issuer = TestIssuer::start().await;
    let err = two_pools(&issuer).user_pool("local-1_ThirdPool").build().unwrap_err();
    assert_eq!(err, ConfigError::ClientsNotSet);
    two_pools(&issuer).user_pool("local-1_ThirdPool").client_ids(["client-c"]).build().unwrap();
}

#[tokio::test]
async fn an_empty_client_list_for_a_pool_is_a_configuration_error() {
    for ids in [vec![], vec![""]] {
        let err = CognitoVerifier::builder()
            .user_pool_with_clients("eu-west-1_AbCdEf123", ids)
            .token_use(TokenUse::Access)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::EmptyClientIds);
    }
}
