//! Setup shared by this crate's test files: an issuer with one client-credentials app client,
//! and a provider pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use cognito_client::{ClientCredentials, ClientCredentialsBuilder};
use cognito_testkit::{ClientRegistration, TestIssuer};

pub const CLIENT_ID: &str = "m2m-client";
pub const SECRET: &str = "m2m-secret-never-logged";
pub const POST: &str = "transactions/post";
pub const GET: &str = "transactions/get";

/// The app client, allowed both scopes, tokens valid `lifetime`.
pub fn client(lifetime: Duration) -> ClientRegistration {
    ClientRegistration::new(CLIENT_ID, SECRET).scopes([GET, POST]).token_lifetime(lifetime)
}

/// An issuer with [`client`] registered, tokens valid one hour.
pub async fn issuer() -> TestIssuer {
    TestIssuer::builder().client(client(Duration::from_secs(3600))).start().await
}

/// A provider for [`CLIENT_ID`] asking for [`POST`], with short backoffs so retry tests are fast.
pub fn tokens(issuer: &TestIssuer) -> ClientCredentialsBuilder {
    ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes([POST])
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
}

/// The `scope` claim of a token minted by the test issuer.
pub fn scope_claim(token: &str) -> String {
    let (_, claims) = cognito_testkit::decode_token(token).unwrap();
    claims["scope"].as_str().unwrap().to_owned()
}

pub const WAIT: Duration = Duration::from_secs(10);
