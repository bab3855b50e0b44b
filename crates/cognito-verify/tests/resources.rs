//! The audience check of resource-bound access tokens (RFC 8707 resource indicators, RFC 9068
//! §4): `resources([...])`, per user pool, and `COGNITO_RESOURCE`.

use cognito_testkit::{IssuerFormat, TestIssuer};
use cognito_verify::{CognitoVerifier, ConfigError, IssuerFormats, TokenUse, VerifyError};

const API: &str = "https://api.example.com";
const OTHER_API: &str = "https://other.example.com";

fn mismatch(expected: &[&str]) -> VerifyError {
    VerifyError::ResourceMismatch { expected: expected.iter().map(|r| r.to_string()).collect(), claims: None }
}

#[tokio::test]
async fn access_token_bound_to_this_resource_is_accepted() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().resources([API, "https://api.example.com/v2"]).build().unwrap();
    let claims = verifier.verify(&issuer.access_token().resource(API).sign()).await.unwrap();
    assert_eq!(claims.aud(), [API]);
    // An `aud` array matches when any member is one of ours (RFC 7519 §4.1.3).
    let token = issuer.access_token().resources([OTHER_API, "https://api.example.com/v2"]).sign();
    verifier.verify(&token).await.unwrap();
}

#[tokio::test]
async fn access_token_without_aud_is_refused_with_resource_mismatch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().resources([API]).build().unwrap();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert!(err.verified_claims().is_some(), "a claim check: the claims are kept for logs");
    assert_eq!(err.without_claims(), mismatch(&[API]));
}

#[tokio::test]
async fn access_token_for_another_resource_is_refused_with_resource_mismatch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().resources([API]).build().unwrap();
    let err = verifier.verify(&issuer.access_token().resource(OTHER_API).sign()).await.unwrap_err();
    assert_eq!(err.clone().without_claims(), mismatch(&[API]));
    let message = err.to_string();
    assert!(message.contains(API), "names the expected resource: {message}");
    assert!(!message.contains(OTHER_API), "does not echo the token's aud: {message}");
}

#[tokio::test]
async fn client_credentials_token_is_held_to_the_resource_too() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier().token_use(TokenUse::Access).client_ids(["m2m"]).resources([API]);
    let verifier = verifier.build().unwrap();
    verifier.verify(&issuer.client_credentials_token("m2m").resource(API).sign()).await.unwrap();
    let err = verifier.verify(&issuer.client_credentials_token("m2m").sign()).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&[API]));
}

#[tokio::test]
async fn id_tokens_keep_aud_as_the_client_when_resources_are_set() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier_for(TokenUse::Any).resources([API]).build().unwrap();
    // The ID token's aud is the app client, not a resource: accepted as before.
    verifier.verify(&issuer.id_token().sign()).await.unwrap();
    verifier.verify(&issuer.access_token().resource(API).sign()).await.unwrap();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&[API]));
}

#[tokio::test]
async fn the_client_check_still_applies_to_resource_bound_tokens() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().resources([API]).build().unwrap();
    let token = issuer.access_token().client_id("another-client").resource(API).sign();
    let err = verifier.verify(&token).await.unwrap_err();
    assert_eq!(
        err.without_claims(),
        VerifyError::ClientMismatch { found: "another-client".into(), claims: None }
    );
}

#[tokio::test]
async fn resources_checks_claims_given_by_check_claims_too() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().resources([API]).build().unwrap();
    let claims = issuer.access_token().resource(OTHER_API).claims_json().to_string();
    let err = verifier.check_claims(claims.as_bytes()).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&[API]));
}

/// A second pool of the testkit's region, signing with the testkit's keys.
const OTHER_POOL: &str = "local-1_OtherPool";

#[tokio::test]
async fn each_pool_is_held_to_its_own_resources() {
    let issuer = TestIssuer::start().await;
    let base = issuer.base_url();
    let other_issuer = format!("{base}/original/{}/{OTHER_POOL}", issuer.region());
    let verifier = CognitoVerifier::builder()
        .user_pool_with_clients(issuer.pool_id(), [issuer.default_client_id()])
        .user_pool_with_clients(OTHER_POOL, [issuer.default_client_id()])
        .issuer_formats(IssuerFormats::Original)
        .user_pool_endpoints(format!("{base}/original/{{region}}"), format!("{base}/updated/{{region}}"))
        .jwks_document(other_issuer.clone(), issuer.jwks().to_string())
        .token_use(TokenUse::Access)
        .resources(["https://general.example.com"])
        .user_pool_resources(OTHER_POOL, [OTHER_API])
        .clock(issuer.clock())
        .build()
        .unwrap();
    let own = |resource: &str| {
        issuer.access_token().issuer_format(IssuerFormat::Original).resource(resource).sign()
    };
    let other = |resource: &str| issuer.access_token().issuer(other_issuer.clone()).resource(resource).sign();

    verifier.verify(&own("https://general.example.com")).await.unwrap();
    verifier.verify(&other(OTHER_API)).await.unwrap();
    let err = verifier.verify(&own(OTHER_API)).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&["https://general.example.com"]));
    let err = verifier.verify(&other("https://general.example.com")).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&[OTHER_API]));
    assert_eq!(verifier.resources().collect::<Vec<_>>(), ["https://general.example.com", OTHER_API]);
}

#[test]
fn resources_of_an_untrusted_pool_are_a_configuration_error() {
    let err = CognitoVerifier::builder()
        .user_pool("eu-west-1_AbCdEf123")
        .user_pool_resources("eu-west-1_Unknown1", [API])
        .token_use(TokenUse::Access)
        .any_client()
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::OutOfRange { option: "user_pool_resources", .. }), "{err:?}");
}

#[test]
fn an_empty_resource_list_is_a_configuration_error() {
    let builder = || {
        CognitoVerifier::builder().user_pool("eu-west-1_AbCdEf123").token_use(TokenUse::Access).any_client()
    };
    assert_eq!(
        builder().resources(Vec::<String>::new()).build().unwrap_err(),
        ConfigError::EmptyList { option: "resources" }
    );
    assert_eq!(
        builder().resources([API, " "]).build().unwrap_err(),
        ConfigError::EmptyList { option: "resources" }
    );
}

#[test]
fn resources_with_id_tokens_only_is_a_configuration_error() {
    let err = CognitoVerifier::builder()
        .user_pool("eu-west-1_AbCdEf123")
        .token_use(TokenUse::Id)
        .client_ids(["web"])
        .resources([API])
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::OutOfRange { option: "resources", .. }), "{err:?}");
}

#[tokio::test]
async fn cognito_resource_from_the_environment_turns_the_audience_check_on() {
    let issuer = TestIssuer::start().await;
    let env = |resource: &'static str| {
        let issuer_url = issuer.issuer_url();
        let client = issuer.default_client_id().to_owned();
        let pool = issuer.pool_id().to_owned();
        move |name: &str| match name {
            "COGNITO_USER_POOL_ID" => Some(pool.clone()),
            "COGNITO_CLIENT_ID" => Some(client.clone()),
            "COGNITO_TOKEN_USE" => Some("access".to_owned()),
            "COGNITO_ISSUER" => Some(issuer_url.clone()),
            "COGNITO_RESOURCE" => Some(resource.to_owned()),
            _ => None,
        }
    };
    let verifier =
        CognitoVerifier::from_lookup(env(" https://api.example.com , https://b.example.com")).unwrap();
    assert_eq!(verifier.resources().collect::<Vec<_>>(), [API, "https://b.example.com"]);
    // No clock injection through the environment: the testkit's clock is the real one here.
    verifier.verify(&issuer.access_token().resource("https://b.example.com").sign()).await.unwrap();
    let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
    assert_eq!(err.without_claims(), mismatch(&[API, "https://b.example.com"]));

    let err = CognitoVerifier::from_lookup(env(" , ")).unwrap_err();
    assert!(matches!(err, ConfigError::MalformedEnv { name: "COGNITO_RESOURCE", .. }), "{err:?}");
}
