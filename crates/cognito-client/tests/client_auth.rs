//! Client authentication (`client_secret_basic`, `client_secret_post`) and keeping the secret
//! out of `Debug`, errors and logs.

mod common;

use cognito_client::{ClientAuth, ClientCredentials, OAuthErrorCode, TokenError};
use cognito_testkit::{ClientRegistration, TestIssuer};
use common::{POST, SECRET, issuer, scope_claim, tokens};
use http::StatusCode;

const ODD_ID: &str = "m2m:client 1+é";
const ODD_SECRET: &str = "p@ss:w+rd /%é&=?";

async fn issuer_with_odd_credentials() -> TestIssuer {
    TestIssuer::builder().client(ClientRegistration::new(ODD_ID, ODD_SECRET).scopes([POST])).start().await
}

#[tokio::test]
async fn basic_auth_form_encodes_special_characters_in_id_and_secret() {
    let issuer = issuer_with_odd_credentials().await;
    let tokens = tokens(&issuer).client_id(ODD_ID).client_secret(ODD_SECRET).build().unwrap();

    let token = tokens.access_token().await.unwrap();
    let (_, claims) = cognito_testkit::decode_token(token.as_str()).unwrap();
    assert_eq!(claims["client_id"], ODD_ID);
    assert_eq!(claims["token_use"], "access");
}

#[tokio::test]
async fn client_secret_post_sends_the_credentials_in_the_body() {
    let issuer = issuer_with_odd_credentials().await;
    let tokens = tokens(&issuer)
        .client_id(ODD_ID)
        .client_secret(ODD_SECRET)
        .auth_method(ClientAuth::Post)
        .build()
        .unwrap();

    let token = tokens.access_token().await.unwrap();
    assert_eq!(scope_claim(token.as_str()), POST);
}

#[tokio::test]
async fn client_secret_post_with_a_wrong_secret_is_invalid_client() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong").auth_method(ClientAuth::Post).build().unwrap();

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(
        err,
        TokenError::OAuth {
            error: OAuthErrorCode::InvalidClient,
            description: None,
            status: StatusCode::BAD_REQUEST,
        }
    );
}

#[tokio::test]
async fn no_scopes_asks_for_every_scope_the_client_is_allowed() {
    let issuer = issuer().await;
    let tokens = ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id(common::CLIENT_ID)
        .client_secret(SECRET)
        .build()
        .unwrap();

    let token = tokens.access_token().await.unwrap();
    let mut granted: Vec<String> = scope_claim(token.as_str()).split(' ').map(str::to_owned).collect();
    granted.sort();
    assert_eq!(granted, [common::GET, POST]);
}

#[tokio::test]
async fn debug_of_the_builder_and_the_provider_does_not_contain_the_secret() {
    let issuer = issuer().await;
    let builder = tokens(&issuer);
    let shown = format!("{builder:?} {builder:#?}");
    assert!(!shown.contains(SECRET), "{shown}");

    let tokens = builder.build().unwrap();
    tokens.access_token().await.unwrap();
    let shown = format!("{tokens:?} {tokens:#?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("<redacted>"));
    assert!(shown.contains(common::CLIENT_ID), "the client id is not secret: {shown}");
}

#[tokio::test]
async fn access_token_debug_does_not_contain_the_token() {
    let issuer = issuer().await;
    let token = tokens(&issuer).build().unwrap().access_token().await.unwrap();

    let shown = format!("{token:?}");
    assert!(!shown.contains(token.as_str()), "{shown}");
    assert_eq!(token.authorization(), format!("Bearer {}", token.as_str()).as_str());
    assert!(token.authorization().is_sensitive());
}

#[tokio::test]
async fn errors_do_not_contain_the_secret() {
    let issuer = issuer().await;
    let wrong = "wrong-secret-also-private";
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let tokens = tokens(&issuer).client_secret(wrong).auth_method(auth).build().unwrap();
        let err = tokens.access_token().await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(wrong), "{shown}");
    }
}

#[test]
fn http_endpoints_other_than_loopback_are_refused() {
    let err = ClientCredentials::builder()
        .token_endpoint("http://auth.example.com/oauth2/token")
        .client_id("id")
        .client_secret(SECRET)
        .build()
        .unwrap_err();
    assert_eq!(err, cognito_client::ConfigError::InsecureUrl("http://auth.example.com/oauth2/token".into()));
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn domain_and_custom_domain_make_https_endpoints() {
    let build = |b: cognito_client::ClientCredentialsBuilder| {
        b.client_id("id").client_secret(SECRET).build().unwrap().token_endpoint().to_owned()
    };
    assert_eq!(
        build(ClientCredentials::builder().domain("my-prefix", "eu-west-1")),
        "https://my-prefix.auth.eu-west-1.amazoncognito.com/oauth2/token"
    );
    assert_eq!(
        build(ClientCredentials::builder().custom_domain("auth.example.com")),
        "https://auth.example.com/oauth2/token"
    );
}
