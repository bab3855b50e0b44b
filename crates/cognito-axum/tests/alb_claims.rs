//! ALB claims reach handlers through the same extractors and guards as Cognito claims: an axum
//! app behind `AlbLayer`, over real HTTP on loopback, with `x-amzn-oidc-data` tokens from the
//! testkit's load balancer double.

use axum::Router;
use axum::routing::get;
use cognito_axum::{AlbClaims, AlbLayer, Claims, CognitoClaims, GuardLayer, require_groups, require_scopes};
use cognito_testkit::{TestApp, TestIssuer, response_header};
use reqwest::StatusCode;

require_groups!(Admins: "admin");
require_scopes!(PostTransactions: "transactions/post");

async fn me(claims: Claims<AlbClaims>) -> String {
    claims.sub.clone()
}

async fn maybe(claims: Option<Claims<AlbClaims>>) -> String {
    claims.map_or_else(|| "anonymous".to_owned(), |claims| claims.sub.clone())
}

async fn admin(_: Admins, claims: Claims<AlbClaims>) -> String {
    format!("admin {}", claims.sub)
}

async fn post(_: PostTransactions) -> &'static str {
    "posted"
}

async fn cognito_me(claims: Claims<CognitoClaims>) -> String {
    claims.sub().to_owned()
}

struct App {
    issuer: TestIssuer,
    http: TestApp,
}

impl App {
    async fn start(configure: impl FnOnce(AlbLayer) -> AlbLayer) -> App {
        let issuer = TestIssuer::start().await;
        let verifier = issuer.default_alb_verifier();
        let admin_area = Router::new()
            .route("/guarded/group", get(|| async { "grouped" }))
            .route_layer(GuardLayer::<Admins>::new());
        let app = Router::new()
            .route("/me", get(me))
            .route("/maybe", get(maybe))
            .route("/admin", get(admin))
            .route("/post", get(post))
            .route("/cognito-me", get(cognito_me))
            .merge(admin_area)
            .layer(configure(AlbLayer::new(verifier)));
        App { issuer, http: TestApp::serve(app).await }
    }

    /// `GET path` as a user in `groups` (none: no `cognito:groups` claim).
    async fn get_as(&self, path: &str, groups: &[&str]) -> reqwest::Response {
        let mut token = self.issuer.alb_token();
        if !groups.is_empty() {
            token = token.claim("cognito:groups", serde_json::json!(groups));
        }
        let request = self.http.get(path);
        request.header("x-amzn-oidc-data", token.sign()).send().await.unwrap()
    }

    async fn get_anonymous(&self, path: &str) -> reqwest::Response {
        self.http.get(path).send().await.unwrap()
    }
}

#[tokio::test]
async fn claims_extractor_sees_the_alb_claims() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/me", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn optional_alb_claims_are_none_without_the_header_in_optional_mode() {
    let app = App::start(AlbLayer::optional).await;
    let response = app.get_anonymous("/maybe").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "anonymous");
    let response = app.get_as("/maybe", &[]).await;
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn group_guard_admits_an_alb_caller_in_the_cognito_group() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/admin", &["users", "admin"]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), format!("admin {}", app.issuer.default_sub()));
}

#[tokio::test]
async fn group_guard_rejects_an_alb_caller_outside_the_group_with_403() {
    let app = App::start(|layer| layer).await;
    for groups in [&["users"][..], &[]] {
        let response = app.get_as("/admin", groups).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{groups:?}");
        let challenge = response_header(&response, "www-authenticate");
        assert!(challenge.starts_with(r#"Bearer error="insufficient_scope""#), "{challenge}");
        assert!(!challenge.contains("scope=\""), "{challenge}");
    }
}

#[tokio::test]
async fn group_route_layer_guards_alb_routes() {
    let app = App::start(|layer| layer).await;
    assert_eq!(app.get_as("/guarded/group", &["users"]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_as("/guarded/group", &["admin"]).await.status(), StatusCode::OK);
    assert_eq!(app.get_anonymous("/guarded/group").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn scope_guard_refuses_alb_claims_which_grant_no_scopes() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/post", &["admin"]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response_header(&response, "www-authenticate").ends_with(r#"scope="transactions/post""#),
        "{}",
        response_header(&response, "www-authenticate")
    );
}

#[tokio::test]
async fn cognito_claims_extractor_behind_an_alb_layer_is_a_500_type_mismatch() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/cognito-me", &[]).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(body.starts_with("Server misconfigured"), "{body}");
    assert!(!body.contains("AlbClaims") && !body.contains("::"), "{body}");
}
