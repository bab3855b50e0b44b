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
