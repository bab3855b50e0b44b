//! Issue 12, item 4: what every rejection carries, when a rejection is gRPC, and what an
//! optional layer does with an `Authorization` header of another scheme. An axum app behind
//! `CognitoLayer` on loopback, called with reqwest, tokens from the testkit issuer.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Extension, Router};
use cognito_testkit::{Fault, TestIssuer};
use cognito_tower::{AuthError, CognitoLayer, OtherSchemes};
use cognito_verify::{CognitoClaims, TokenUse};
use http::request::Parts;
use reqwest::StatusCode;
use test_support::unix_now;

struct App {
    issuer: TestIssuer,
    base: String,
    http: reqwest::Client,
}

impl App {
    async fn start(configure: impl FnOnce(CognitoLayer) -> CognitoLayer) -> App {
        let issuer = TestIssuer::start().await;
        let verifier = issuer
            .verifier()
            .token_use(TokenUse::Access)
            .client_ids([issuer.default_client_id()])
            .build()
            .unwrap();
        let whoami = |claims: Option<Extension<Arc<CognitoClaims>>>| async move {
            claims.map_or_else(|| "anonymous".to_owned(), |Extension(claims)| claims.sub().to_owned())
        };
        let app = Router::new()
            .route("/whoami", get(whoami).post(whoami))
            .route("/echo", post(|| async { "posted" }))
            .layer(configure(CognitoLayer::new(verifier)));
        let base = format!("http://{}", cognito_testkit::serve_router(app).await);
        App { issuer, base, http: reqwest::Client::new() }
    }

    fn get(&self) -> reqwest::RequestBuilder {
        self.http.get(format!("{}/whoami", self.base))
    }

    fn post(&self) -> reqwest::RequestBuilder {
        self.http.post(format!("{}/whoami", self.base))
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
}

#[tokio::test]
async fn grpc_content_type_on_a_get_gets_an_http_401_not_a_grpc_200() {
    let app = App::start(|layer| layer).await;
    let response = app.get().header("content-type", "application/grpc").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("grpc-status").is_none());
    assert_eq!(header(&response, "content-type"), "application/json");
}

#[tokio::test]
async fn grpc_lookalike_content_type_on_a_post_gets_an_http_401() {
    let app = App::start(|layer| layer).await;
    let response = app.post().header("content-type", "application/grpcfoo").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("grpc-status").is_none());
}

#[tokio::test]
async fn grpc_post_still_gets_grpc_status_16() {
    let app = App::start(|layer| layer).await;
    let response = app.post().header("content-type", "application/grpc+proto").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "grpc-status"), "16");
    assert_eq!(header(&response, "cache-control"), "no-store");
}

#[tokio::test]
async fn every_http_rejection_has_cache_control_no_store() {
    let app = App::start(|layer| layer).await;
    let expired = app.issuer.access_token().expires_at(unix_now() - 60).sign();
    let cases = [
        ("missing token", app.get()),
        ("bearer without token", app.get().header("authorization", "Bearer")),
        ("expired", app.get().bearer_auth(&expired)),
    ];
    for (case, request) in cases {
        let response = request.send().await.unwrap();
        assert!(response.status().is_client_error(), "{case}: {}", response.status());
        assert_eq!(header(&response, "cache-control"), "no-store", "{case}");
    }
}

#[tokio::test]
async fn unavailable_keys_503_has_cache_control_no_store() {
    let app = App::start(|layer| layer).await;
    app.issuer.set_jwks_fault(Some(Fault::Status(500)));
    let response = app.get().bearer_auth(app.issuer.access_token().sign()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "cache-control"), "no-store");
}

#[tokio::test]
async fn json_error_bodies_have_nosniff() {
    let app = App::start(|layer| layer).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(header(&response, "content-type"), "application/json");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn a_hooks_response_gets_no_store_unless_it_sets_cache_control() {
    let plain = |_: &AuthError, _: &Parts| http::Response::builder().status(418).body("nope").unwrap();
    let app = App::start(|layer| layer.on_rejection(plain)).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(header(&response, "cache-control"), "no-store");

    let own = |_: &AuthError, _: &Parts| {
        http::Response::builder()
            .status(418)
            .header("cache-control", "private, max-age=0")
            .body("nope")
            .unwrap()
    };
    let app = App::start(|layer| layer.on_rejection(own)).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(header(&response, "cache-control"), "private, max-age=0");
}

#[tokio::test]
async fn optional_mode_refuses_another_scheme_with_400_by_default() {
    let app = App::start(|layer| layer.optional()).await;
    let response = app.get().header("authorization", "Basic dXNlcjpwYXNz").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(header(&response, "www-authenticate").contains(r#"error="invalid_request""#));
}

#[tokio::test]
async fn optional_mode_refuses_bearer_followed_by_a_tab_with_400_by_default() {
    let app = App::start(|layer| layer.optional()).await;
    let token = app.issuer.access_token().sign();
    let response = app.get().header("authorization", format!("Bearer\t{token}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn optional_mode_with_other_schemes_anonymous_lets_another_scheme_through_without_claims() {
    let app = App::start(|layer| layer.optional().other_schemes(OtherSchemes::Anonymous)).await;
    let response = app.get().header("authorization", "Basic dXNlcjpwYXNz").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "anonymous");
}

#[tokio::test]
async fn required_mode_still_answers_another_scheme_with_a_bare_401() {
    let app = App::start(|layer| layer).await;
    let response = app.get().header("authorization", "Basic dXNlcjpwYXNz").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&response, "www-authenticate"), "Bearer");
}

#[tokio::test]
async fn optional_mode_without_bearer_among_the_sources_ignores_the_authorization_header() {
    let app =
        App::start(|layer| layer.optional().token_source(cognito_tower::TokenSource::cookie("t"))).await;
    let response = app.get().header("authorization", "Basic dXNlcjpwYXNz").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "anonymous");
}
