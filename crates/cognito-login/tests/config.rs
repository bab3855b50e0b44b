//! What `CognitoLogin::builder()` refuses, and the cookie it sets outside loopback.

use cognito_login::tower_sessions::MemoryStore;
use cognito_login::{CognitoLogin, LoginConfigError};
use cognito_testkit::{TestIssuer, serve_router};
use cognito_verify::TokenUse;

const CLIENT_ID: &str = "browserappclient000000000a";

async fn builder(
    issuer: &TestIssuer,
    token_use: TokenUse,
    redirect: &str,
) -> cognito_login::CognitoLoginBuilder {
    let verifier = issuer.verifier().token_use(token_use).client_ids([CLIENT_ID]).build().unwrap();
    CognitoLogin::builder()
        .base_url(issuer.base_url())
        .client_id(CLIENT_ID)
        .redirect_uri(redirect)
        .verifier(verifier)
}

#[tokio::test]
async fn a_verifier_for_one_token_kind_is_refused() {
    let issuer = TestIssuer::start().await;
    let error = builder(&issuer, TokenUse::Access, "http://127.0.0.1:1/cb").await.build().unwrap_err();
    assert_eq!(error, LoginConfigError::VerifierTokenUse("access".to_owned()));
}

#[tokio::test]
async fn a_plain_http_redirect_uri_off_loopback_is_refused() {
    let issuer = TestIssuer::start().await;
    let error = builder(&issuer, TokenUse::Any, "http://admin.example.com/cb").await.build().unwrap_err();
    assert!(matches!(error, LoginConfigError::BadUrl { what: "redirect_uri", .. }), "{error}");
}

#[tokio::test]
async fn scopes_without_openid_are_refused() {
    let issuer = TestIssuer::start().await;
    let error =
        builder(&issuer, TokenUse::Any, "http://127.0.0.1:1/cb").await.scopes(["email"]).build().unwrap_err();
    assert_eq!(error, LoginConfigError::NoOpenidScope);
}

#[tokio::test]
async fn a_missing_domain_is_named() {
    let error = CognitoLogin::builder().client_id(CLIENT_ID).build().unwrap_err();
    assert_eq!(error, LoginConfigError::Missing("the Cognito domain"));
}

#[tokio::test]
async fn an_https_app_gets_a_secure_host_prefixed_cookie() {
    let issuer = TestIssuer::start().await;
    let login =
        builder(&issuer, TokenUse::Any, "https://admin.example.com/auth/callback").await.build().unwrap();
    let app = login.routes().layer(login.session_layer(MemoryStore::default()));
    let addr = serve_router(app).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = http.get(format!("http://{addr}/auth/login")).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-cognito-session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
}

#[tokio::test]
async fn builder_setters_take_owned_and_borrowed_strings() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.verifier().token_use(TokenUse::Any).client_ids([CLIENT_ID]).build().unwrap();
    let (prefix, region) = (String::from("my-prefix"), String::from("eu-west-1"));
    let login = CognitoLogin::builder()
        .domain(prefix, region)
        .base_url(issuer.base_url()) // a String, as TestIssuer::base_url returns
        .client_id(String::from(CLIENT_ID))
        .redirect_uri(format!("{}/auth/callback", "http://127.0.0.1:3001"))
        .verifier(verifier);
    assert!(login.build().is_ok());
}
