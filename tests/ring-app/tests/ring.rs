//! Issue 10, item 2: an application on rustls with ring starts, verifies tokens, gets
//! client-credentials tokens and builds its own TLS configuration, without a panic. One test in
//! its own binary: the process-level `CryptoProvider` is the subject, and the steps depend on
//! their order (before and after the application's first `ClientConfig::builder()`).

use cognito_axum::TokenUse;
use cognito_client::{ClientCredentials, RequestBuilderExt as _};
use cognito_testkit::{ClientRegistration, TestIssuer, serve_router};
use rustls::crypto::CryptoProvider;

#[tokio::test]
async fn an_app_on_rustls_with_ring_verifies_tokens_and_builds_its_own_tls_config() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new("reporter", "s3cret").scopes(["reports/read"]))
        .start()
        .await;
    let verifier = || issuer.verifier().token_use(TokenUse::Access).client_ids(["reporter"]);
    let tokens = || {
        ClientCredentials::builder()
            .token_endpoint(issuer.token_endpoint())
            .client_id("reporter")
            .client_secret("s3cret")
            .scopes(["reports/read"])
    };

    // Before any provider is installed, our builders refuse to build their client (reqwest
    // would panic), and say what to do.
    assert!(CryptoProvider::get_default().is_none());
    match verifier().build() {
        Err(cognito_verify::ConfigError::HttpClient(reason)) => {
            assert!(reason.contains("CryptoProvider"), "{reason}")
        }
        other => panic!("expected ConfigError::HttpClient, got {other:?}"),
    }
    assert!(matches!(tokens().build(), Err(cognito_client::ConfigError::HttpClient(_))));

    // The application's own TLS configuration: ring is the only provider rustls was built with,
    // so `builder()` installs it as the process default instead of panicking.
    let _config = ring_app::own_tls_config();
    let installed = CryptoProvider::get_default().expect("builder() installs the provider");
    let ring = rustls::crypto::ring::default_provider();
    assert_eq!(format!("{:?}", installed.cipher_suites), format!("{:?}", ring.cipher_suites));

    // Our clients now build on ring: tokens are fetched and verified through the app.
    let addr = serve_router(ring_app::app(verifier().build().unwrap())).await;
    let tokens = tokens().build().unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response =
        http.get(format!("http://{addr}/me")).bearer_auth_from(&tokens).await.unwrap().send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "reporter");

    // And with the application's own client passed in.
    let own = verifier().http_client(http.clone()).build().unwrap();
    let claims = own.verify(tokens.access_token().await.unwrap().as_str()).await.unwrap();
    assert_eq!(claims.client_id(), Some("reporter"));
    let own_tokens = ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id("reporter")
        .client_secret("s3cret")
        .http_client(http)
        .build()
        .unwrap();
    own_tokens.access_token().await.unwrap();
}
