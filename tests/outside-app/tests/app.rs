//! A client-credentials token from the test issuer opens the protected route.

use cognito_axum::TokenUse;
use cognito_client::{ClientCredentials, RequestBuilderExt as _};
use cognito_testkit::{ClientRegistration, TestIssuer, serve_router};

#[tokio::test]
async fn a_client_credentials_token_with_the_scope_reads_reports() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new("reporter", "s3cret").scopes(["reports/read"]))
        .start()
        .await;
    let verifier = issuer.verifier().token_use(TokenUse::Access).client_ids(["reporter"]).build().unwrap();
    let addr = serve_router(outside_app::app(verifier)).await;
    let tokens = ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id("reporter")
        .client_secret("s3cret")
        .scopes(["reports/read"])
        .build()
        .unwrap();

    let http = reqwest::Client::new();
    let response = http
        .get(format!("http://{addr}/reports"))
        .bearer_auth_from(&tokens)
        .await
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "reports for reporter");
    let anonymous = http.get(format!("http://{addr}/reports")).send().await.unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
}
