//! `AlbLayer` over real HTTP on loopback: an axum app behind it, called with reqwest, with
//! `x-amzn-oidc-data` tokens and keys from the testkit's load balancer double.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use axum::{Extension, Router};
use cognito_testkit::{Challenge, Fault, TestApp, TestIssuer, response_header};
use cognito_tower::AlbLayer;
use cognito_verify::AlbClaims;
use reqwest::StatusCode;
use test_support::unix_now;

/// An app whose `/whoami` answers the verified `sub`, or `anonymous`, and counts its calls.
struct App {
    issuer: TestIssuer,
    http: TestApp,
    calls: Arc<AtomicUsize>,
}

impl App {
    async fn start(configure: impl FnOnce(AlbLayer) -> AlbLayer) -> App {
        let issuer = TestIssuer::start().await;
        let verifier = issuer.default_alb_verifier();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let whoami = move |claims: Option<Extension<Arc<AlbClaims>>>| async move {
            counter.fetch_add(1, Ordering::SeqCst);
            claims.map_or_else(|| "anonymous".to_owned(), |Extension(claims)| claims.sub.clone())
        };
        let app = Router::new().route("/whoami", get(whoami)).layer(configure(AlbLayer::new(verifier)));
        App { issuer, http: TestApp::serve(app).await, calls }
    }

    fn get(&self) -> reqwest::RequestBuilder {
        self.http.get("/whoami")
    }

    fn with_token(&self, token: String) -> reqwest::RequestBuilder {
        self.get().header("x-amzn-oidc-data", token)
    }

    /// A gRPC call (always a `POST`), with `token` if given.
    fn grpc(&self, token: Option<String>) -> reqwest::RequestBuilder {
        let request = self.http.post("/whoami").header("content-type", "application/grpc");
        match token {
            Some(token) => request.header("x-amzn-oidc-data", token),
            None => request,
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn valid_alb_token_reaches_the_service_with_its_claims() {
    let app = App::start(|layer| layer).await;
    for _ in 0..3 {
        let response = app.with_token(app.issuer.alb_token().sign()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
    }
    assert_eq!(app.issuer.alb_key_requests(), 1, "the key is fetched once");
}

#[tokio::test]
async fn missing_header_is_rejected_with_401() {
    let app = App::start(|layer| layer).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), "Bearer");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn optional_mode_lets_requests_without_the_header_through() {
    let app = App::start(AlbLayer::optional).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "anonymous");
    let response = app.with_token(app.issuer.alb_token().signer("arn:evil").sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_of_another_load_balancer_is_rejected_with_invalid_token() {
    let app = App::start(|layer| layer).await;
    let response = app.with_token(app.issuer.alb_token().signer("arn:evil").sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
    assert_eq!(app.calls(), 0);
    assert_eq!(app.issuer.alb_key_requests(), 0);
}

#[tokio::test]
async fn expired_alb_token_is_rejected_with_invalid_token() {
    let app = App::start(|layer| layer).await;
    let token = app.issuer.alb_token().expires_at(unix_now() - 60).sign();
    let response = app.with_token(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.contains(r#"error_description="token expired at"#), "{challenge}");
}

#[tokio::test]
async fn key_endpoint_failure_is_answered_with_503_and_retry_after() {
    let app = App::start(|layer| layer).await;
    app.issuer.set_alb_key_fault(Some(Fault::Status(500)));
    let response = app.with_token(app.issuer.alb_token().sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response_header(&response, "retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(response_header(&response, "www-authenticate"), "");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn grpc_calls_get_grpc_statuses() {
    let app = App::start(|layer| layer).await;
    let response = app.grpc(None).send().await.unwrap();
    assert_eq!((response.status(), response_header(&response, "grpc-status")), (StatusCode::OK, "16"));
    let token = app.issuer.alb_token().client("other").sign();
    let response = app.grpc(Some(token)).send().await.unwrap();
    assert_eq!(response_header(&response, "grpc-status"), "16");
    app.issuer.set_alb_key_fault(Some(Fault::Status(500)));
    let response = app.grpc(Some(app.issuer.alb_token().sign())).send().await.unwrap();
    assert_eq!(response_header(&response, "grpc-status"), "14");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn duplicate_alb_header_is_an_invalid_request() {
    let app = App::start(|layer| layer).await;
    let token = app.issuer.alb_token().sign();
    let response = app
        .get()
        .header("x-amzn-oidc-data", token.clone())
        .header("x-amzn-oidc-data", token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
