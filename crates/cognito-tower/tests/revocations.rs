//! Revoked tokens through the layer: 401 `invalid_token` saying "revoked"; a revocation list
//! that cannot answer (fail-closed) is a 503 with `Retry-After`, like unavailable keys.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::routing::get;
use cognito_testkit::{Challenge, TestApp, TestIssuer, response_header};
use cognito_tower::CognitoLayer;
use cognito_verify::{MemoryRevocations, RevocationStatus, Revocations, RevokeFuture, TokenOrigin};
use reqwest::StatusCode;
use serde_json::json;

async fn serve(issuer: &TestIssuer, store: Arc<dyn Revocations>) -> TestApp {
    let verifier = issuer.access_verifier().revocations(store).build().unwrap();
    TestApp::serve(Router::new().route("/", get(|| async { "ok" })).layer(CognitoLayer::new(verifier))).await
}

#[tokio::test]
async fn a_revoked_token_is_rejected_with_invalid_token_saying_revoked() {
    let issuer = TestIssuer::start().await;
    let store = Arc::new(MemoryRevocations::new());
    let app = serve(&issuer, store.clone()).await;
    let token = issuer.access_token().claim("origin_jti", json!("session-1")).sign();
    assert_eq!(app.get("/").bearer_auth(&token).send().await.unwrap().status(), StatusCode::OK);
    store.revoke_session("session-1").await.unwrap();
    let response = app.get("/").bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = Challenge::of(&response);
    assert_eq!(challenge.error(), Some("invalid_token"));
    let description = challenge.error_description().unwrap_or_default().to_owned();
    assert!(description.contains("revoked"), "{description}");
    // Everyone else is still accepted.
    let other = issuer.access_token().sign();
    assert_eq!(app.get("/").bearer_auth(&other).send().await.unwrap().status(), StatusCode::OK);
}

/// A store that cannot answer, as a fail-closed shared store whose backend is away.
struct Away;

impl Revocations for Away {
    fn generation(&self) -> u64 {
        0
    }
    fn status(&self, _: &TokenOrigin<'_>) -> RevocationStatus {
        RevocationStatus::Unavailable { reason: "backend away".into(), retry_after: Duration::from_secs(3) }
    }
    fn revoke_session<'a>(&'a self, _: &'a str) -> RevokeFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn revoke_user<'a>(&'a self, _: &'a str, _: SystemTime) -> RevokeFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

#[tokio::test]
async fn an_unavailable_revocation_list_is_503_with_retry_after() {
    let issuer = TestIssuer::start().await;
    let app = serve(&issuer, Arc::new(Away)).await;
    let response = app.get("/").bearer_auth(issuer.access_token().sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response_header(&response, "retry-after"), "3");
}
