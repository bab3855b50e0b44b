//! Choosing between the local setup and a real user pool from environment variables.

use std::collections::HashMap;

use client_credentials::{DEFAULT_API_URL, Error, RemoteTarget};

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| vars.get(name).cloned()
}

const FULL: &[(&str, &str)] = &[
    ("COGNITO_DOMAIN", "my-prefix"),
    ("AWS_REGION", "eu-west-1"),
    ("COGNITO_CLIENT_ID", "4a1bexampleclientid"),
    ("COGNITO_CLIENT_SECRET", "s3cret-value"),
];

#[test]
fn no_cognito_variables_means_the_local_setup() {
    assert!(RemoteTarget::from_lookup(lookup(&[])).unwrap().is_none());
}

#[test]
fn aws_region_alone_does_not_select_a_real_pool() {
    let target = RemoteTarget::from_lookup(lookup(&[("AWS_REGION", "eu-west-1")])).unwrap();
    assert!(target.is_none());
}

#[test]
fn domain_prefix_and_region_give_the_cognito_token_endpoint_and_default_api_url() {
    let target = RemoteTarget::from_lookup(lookup(FULL)).unwrap().unwrap();
    assert_eq!(
        target.tokens.token_endpoint(),
        "https://my-prefix.auth.eu-west-1.amazoncognito.com/oauth2/token"
    );
    assert_eq!(target.tokens.client_id(), "4a1bexampleclientid");
    assert_eq!(target.tokens.scopes().collect::<Vec<_>>(), ["transactions/post"]);
    assert_eq!(target.api_url, DEFAULT_API_URL);
}

#[test]
fn api_url_overrides_the_default() {
    let mut vars = FULL.to_vec();
    vars.push(("API_URL", "http://127.0.0.1:8080"));
    let target = RemoteTarget::from_lookup(lookup(&vars)).unwrap().unwrap();
    assert_eq!(target.api_url, "http://127.0.0.1:8080");
}

#[test]
fn a_missing_secret_is_named() {
    let vars: Vec<_> = FULL.iter().copied().filter(|(k, _)| *k != "COGNITO_CLIENT_SECRET").collect();
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(err, Error::MissingEnv("COGNITO_CLIENT_SECRET")), "{err}");
}

#[test]
fn a_domain_prefix_needs_a_region() {
    let vars: Vec<_> = FULL.iter().copied().filter(|(k, _)| *k != "AWS_REGION").collect();
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(err, Error::MissingEnv("AWS_REGION")), "{err}");
}

#[test]
fn a_custom_domain_needs_no_region() {
    let vars = [
        ("COGNITO_DOMAIN", "auth.example.com"),
        ("COGNITO_CLIENT_ID", "4a1bexampleclientid"),
        ("COGNITO_CLIENT_SECRET", "s3cret-value"),
    ];
    let target = RemoteTarget::from_lookup(lookup(&vars)).unwrap().unwrap();
    assert_eq!(target.tokens.token_endpoint(), "https://auth.example.com/oauth2/token");
}

#[test]
fn the_secret_is_not_in_debug_output() {
    let target = RemoteTarget::from_lookup(lookup(FULL)).unwrap().unwrap();
    assert!(!format!("{target:?}").contains("s3cret-value"));
}

const ENDPOINT_AND_CLIENT: &[(&str, &str)] = &[
    ("COGNITO_TOKEN_ENDPOINT", "http://127.0.0.1:9229/oauth2/token"),
    ("COGNITO_CLIENT_ID", "4a1bexampleclientid"),
    ("COGNITO_CLIENT_SECRET", "s3cret-value"),
];

#[test]
fn a_token_endpoint_url_is_used_as_is_and_needs_no_region() {
    let target = RemoteTarget::from_lookup(lookup(ENDPOINT_AND_CLIENT)).unwrap().unwrap();
    assert_eq!(target.tokens.token_endpoint(), "http://127.0.0.1:9229/oauth2/token");
}

#[test]
fn a_plain_http_token_endpoint_off_loopback_is_refused() {
    let vars = [
        ("COGNITO_TOKEN_ENDPOINT", "http://cognito.internal.example/oauth2/token"),
        ("COGNITO_CLIENT_ID", "4a1bexampleclientid"),
        ("COGNITO_CLIENT_SECRET", "s3cret-value"),
    ];
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(err, Error::Config(cognito_client::ConfigError::InsecureUrl(_))), "{err}");
}

#[test]
fn a_token_endpoint_and_a_domain_together_are_refused() {
    let mut vars = ENDPOINT_AND_CLIENT.to_vec();
    vars.push(("COGNITO_DOMAIN", "my-prefix"));
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(err, Error::ConflictingEnv("COGNITO_TOKEN_ENDPOINT", "COGNITO_DOMAIN")), "{err}");
}

#[test]
fn an_ip_address_as_domain_is_refused_with_a_pointer_to_the_endpoint_variable() {
    let vars = [
        ("COGNITO_DOMAIN", "127.0.0.1"),
        ("COGNITO_CLIENT_ID", "4a1bexampleclientid"),
        ("COGNITO_CLIENT_SECRET", "s3cret-value"),
    ];
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(&err, Error::InvalidDomain(value) if value == "127.0.0.1"), "{err}");
    assert!(err.to_string().contains("COGNITO_TOKEN_ENDPOINT"), "{err}");
}

#[test]
fn neither_a_domain_nor_an_endpoint_names_the_domain_variable() {
    let vars = [("COGNITO_CLIENT_ID", "4a1bexampleclientid"), ("COGNITO_CLIENT_SECRET", "s3cret-value")];
    let err = RemoteTarget::from_lookup(lookup(&vars)).unwrap_err();
    assert!(matches!(err, Error::MissingEnv("COGNITO_DOMAIN")), "{err}");
}
