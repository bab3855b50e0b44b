//! The consumer's flow against a local issuer and the api example on loopback.

use std::net::SocketAddr;

use client_credentials::{
    Error, GET_SCOPE, LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LocalSetup, POST_SCOPE, local_provider, run,
};
use cognito_client::{ClientCredentials, OAuthErrorCode, TokenError};
use cognito_testkit::{ClientRegistration, TestIssuer};
use http::StatusCode;

/// Serves the api example for `issuer`, accepting access tokens of `client_id`.
async fn serve_api(issuer: &TestIssuer, client_id: &str) -> SocketAddr {
    let verifier = issuer.access_verifier().client_ids([client_id]).build().unwrap();
    cognito_testkit::serve_router(api::router(verifier)).await
}

/// A loopback address nothing listens on.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn posts_twice_with_one_token_request_then_get_is_refused_for_the_missing_scope() {
    let local = LocalSetup::start().await.unwrap();
    let mut out = Vec::new();

    let report = run(&local.api_url, &local.tokens, &mut out).await.unwrap();

    assert_eq!(report.created, StatusCode::CREATED);
    assert_eq!(report.created_again, StatusCode::CREATED);
    assert_eq!(report.token_requests_after_first, 1);
    assert_eq!(report.token_requests_after_second, 1);
    assert_eq!(local.issuer.token_requests(), 1);
    assert_eq!(report.forbidden, StatusCode::FORBIDDEN);
    let challenge = report.www_authenticate.unwrap();
    assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
    assert!(challenge.contains(GET_SCOPE), "{challenge}");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("the cached token was reused"), "{text}");
}

#[tokio::test]
async fn unreachable_api_is_a_request_error_not_a_panic() {
    let local = LocalSetup::start().await.unwrap();
    let url = format!("http://{}", closed_port().await);

    let err = run(&url, &local.tokens, &mut Vec::new()).await.unwrap_err();

    assert!(matches!(err, Error::Request { call: "POST /transactions", .. }), "{err}");
    assert!(err.to_string().contains("is the api example running"), "{err}");
}

#[tokio::test]
async fn wrong_secret_is_a_token_error_with_invalid_client() {
    let local = LocalSetup::start().await.unwrap();
    let tokens = ClientCredentials::builder()
        .token_endpoint(local.issuer.token_endpoint())
        .client_id(LOCAL_CLIENT_ID)
        .client_secret("not-the-secret")
        .scopes([POST_SCOPE])
        .build()
        .unwrap();

    let err = run(&local.api_url, &tokens, &mut Vec::new()).await.unwrap_err();

    let Error::Token { source: TokenError::OAuth { error, .. }, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*error, OAuthErrorCode::InvalidClient);
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
}

#[tokio::test]
async fn api_that_lets_the_get_through_is_reported_as_unexpected() {
    // A client allowed both scopes: its token passes `GET /transactions`, which the flow says
    // should have been refused.
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new(LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET).scopes([POST_SCOPE, GET_SCOPE]))
        .start()
        .await;
    let addr = serve_api(&issuer, LOCAL_CLIENT_ID).await;
    let tokens = local_provider(&issuer).unwrap().with_scopes([POST_SCOPE, GET_SCOPE]).unwrap();

    let err = run(&format!("http://{addr}"), &tokens, &mut Vec::new()).await.unwrap_err();

    assert!(
        matches!(err, Error::UnexpectedStatus { call: "GET /transactions", status: StatusCode::OK, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn token_for_another_client_is_refused_by_the_api() {
    // The api accepts only the local client; a token of another client gets 401 on the POST.
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new("other-client", "other-secret").scopes([POST_SCOPE]))
        .start()
        .await;
    let addr = serve_api(&issuer, LOCAL_CLIENT_ID).await;
    let tokens = ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id("other-client")
        .client_secret("other-secret")
        .scopes([POST_SCOPE])
        .build()
        .unwrap();

    let err = run(&format!("http://{addr}"), &tokens, &mut Vec::new()).await.unwrap_err();

    assert!(
        matches!(
            err,
            Error::UnexpectedStatus { call: "POST /transactions", status: StatusCode::UNAUTHORIZED, .. }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn api_url_must_be_http() {
    let local = LocalSetup::start().await.unwrap();

    let err = run("127.0.0.1:3000", &local.tokens, &mut Vec::new()).await.unwrap_err();

    assert!(matches!(err, Error::InvalidApiUrl(_)), "{err}");
}
