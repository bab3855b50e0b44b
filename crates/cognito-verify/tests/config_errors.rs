//! Configurations that would silently drop a check are refused by `build()`.

use std::time::Duration;

use cognito_verify::{CognitoVerifier, ConfigError, JwksOptions, TokenUse};

fn base() -> cognito_verify::CognitoVerifierBuilder {
    CognitoVerifier::builder().user_pool("eu-west-1_AbCdEf123").token_use(TokenUse::Access).any_client()
}

fn refused_option<C: serde::de::DeserializeOwned + Send + Sync + 'static>(
    builder: cognito_verify::CognitoVerifierBuilder<C>,
) -> &'static str {
    match builder.build() {
        Err(ConfigError::OutOfRange { option, .. }) => option,
        Err(other) => panic!("expected OutOfRange, got {other:?}"),
        Ok(_) => panic!("expected OutOfRange, the configuration was accepted"),
    }
}

#[test]
fn empty_required_scopes_are_a_configuration_error() {
    assert_eq!(refused_option(base().required_scopes(Vec::<String>::new())), "required_scopes");
}

#[test]
fn empty_required_groups_are_a_configuration_error() {
    assert_eq!(refused_option(base().required_groups(Vec::<String>::new())), "required_groups");
}

#[test]
fn custom_claims_after_custom_check_is_a_configuration_error_not_a_dropped_check() {
    #[derive(serde::Deserialize)]
    struct Tenant {}
    let builder = base().custom_check(|_| Err("never".into())).custom_claims::<Tenant>();
    assert_eq!(refused_option(builder), "custom_check");
}

#[test]
fn custom_claims_before_custom_check_keeps_the_check() {
    #[derive(serde::Deserialize)]
    struct Tenant {}
    assert!(base().custom_claims::<Tenant>().custom_check(|_| Ok(())).build().is_ok());
}

#[test]
fn refresh_interval_below_min_refetch_interval_is_a_configuration_error() {
    let options = JwksOptions::default()
        .refresh_interval(Duration::from_secs(5))
        .min_refetch_interval(Duration::from_secs(30));
    assert_eq!(refused_option(base().jwks_options(options)), "refresh_interval");
}
