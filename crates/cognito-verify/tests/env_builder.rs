//! `CognitoVerifier::builder().from_env()`: a builder seeded from the environment, to which the
//! custom claims, checks and requirements of the application still apply.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, ConfigError, TokenUse, VerifyError};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Tenant {
    #[serde(rename = "custom:tenant")]
    tenant: String,
}

/// The variables of a deployment pointed at `issuer`, plus `extra`.
fn env_of(issuer: &TestIssuer, extra: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    let mut vars = vec![
        ("COGNITO_USER_POOL_ID", issuer.pool_id().to_owned()),
        ("COGNITO_ISSUER", issuer.issuer_url()),
        ("COGNITO_CLIENT_ID", issuer.default_client_id().to_owned()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
}

#[tokio::test]
async fn builder_from_env_keeps_custom_claims_and_checks() {
    let issuer = TestIssuer::start().await;
    let checked = Arc::new(AtomicUsize::new(0));
    let seen = checked.clone();
    let verifier = CognitoVerifier::builder()
        .from_lookup(env_of(&issuer, &[("COGNITO_TOKEN_USE", "id")]))
        .unwrap()
        .custom_claims::<Tenant>()
        .custom_check(move |claims| {
            seen.fetch_add(1, Ordering::SeqCst);
            (claims.custom.tenant == "acme").then_some(()).ok_or_else(|| "wrong tenant".into())
        })
        .clock(issuer.clock())
        .build()
        .unwrap();

    let acme = issuer.id_token().claim("custom:tenant", json!("acme")).sign();
    assert_eq!(verifier.verify(&acme).await.unwrap().custom.tenant, "acme");
    let globex = issuer.id_token().claim("custom:tenant", json!("globex")).sign();
    assert!(matches!(verifier.verify(&globex).await, Err(VerifyError::Rejected { .. })));
    assert_eq!(checked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn builder_from_env_takes_token_use_and_clients_set_before_as_defaults() {
    let issuer = TestIssuer::start().await;
    let mut env: Vec<(&'static str, String)> =
        vec![("COGNITO_USER_POOL_ID", issuer.pool_id().to_owned()), ("COGNITO_ISSUER", issuer.issuer_url())];
    fn lookup(env: &[(&'static str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let env = env.to_vec();
        move |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }
    let verifier = CognitoVerifier::builder()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .from_lookup(lookup(&env))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(verifier.token_use(), TokenUse::Access);
    verifier.verify(&issuer.access_token().sign()).await.unwrap();

    // A variable that is set wins over the earlier setter.
    env.push(("COGNITO_TOKEN_USE", "id".to_owned()));
    let verifier =
        CognitoVerifier::builder().token_use(TokenUse::Access).any_client().from_lookup(lookup(&env));
    assert_eq!(verifier.unwrap().build().unwrap().token_use(), TokenUse::Id);
}

#[test]
fn builder_from_env_names_what_is_missing() {
    let none = |_: &str| None;
    assert_eq!(
        CognitoVerifier::builder().from_lookup(none).err(),
        Some(ConfigError::MissingEnv("COGNITO_USER_POOL_ID"))
    );
    let pool_only = |name: &str| (name == "COGNITO_USER_POOL_ID").then(|| "eu-west-1_Abc".to_owned());
    assert_eq!(
        CognitoVerifier::builder().from_lookup(pool_only).err(),
        Some(ConfigError::MissingEnv("COGNITO_CLIENT_ID"))
    );
    assert_eq!(
        CognitoVerifier::builder().any_client().from_lookup(pool_only).err(),
        Some(ConfigError::MissingEnv("COGNITO_TOKEN_USE"))
    );
    let builder = CognitoVerifier::builder().any_client().token_use(TokenUse::Access).from_lookup(pool_only);
    assert!(builder.unwrap().build().is_ok());
}

#[test]
fn builder_from_env_names_a_malformed_url_variable() {
    let env = |name: &str| match name {
        "COGNITO_USER_POOL_ID" => Some("eu-west-1_Abc".to_owned()),
        "COGNITO_CLIENT_ID" => Some("a".to_owned()),
        "COGNITO_TOKEN_USE" => Some("access".to_owned()),
        "COGNITO_JWKS_URI" => Some("http://keys.example.com/jwks.json".to_owned()),
        _ => None,
    };
    let err = CognitoVerifier::builder().from_lookup(env).err().unwrap();
    assert!(matches!(err, ConfigError::MalformedEnv { name: "COGNITO_JWKS_URI", .. }), "{err:?}");
}
