//! The extractors and guards in an axum app behind `CognitoLayer`, over real HTTP on loopback,
//! with tokens from the testkit issuer.

use axum::Router;
use axum::routing::get;
use cognito_axum::{
    Claims, ClaimsRejection, CognitoClaims, CognitoLayer, CognitoVerifier, require_groups, require_scopes,
};
use cognito_testkit::{PreTokenGeneration, TestApp, TestIssuer, response_header};
use reqwest::StatusCode;
use serde::Deserialize;
use test_support::unix_now;

require_scopes!(PostTransactions: "transactions/post", "transactions/admin");
require_scopes!(ReadWrite: all["transactions/get", "transactions/post"]);
require_groups!(Admins: "admin");
require_groups!(Auditors: "auditors");

async fn me(claims: Claims) -> String {
    claims.sub().to_owned()
}

async fn maybe(claims: Option<Claims>) -> String {
    claims.map_or_else(|| "anonymous".to_owned(), |claims| claims.sub().to_owned())
}

async fn post(_: PostTransactions, caller: Claims) -> String {
    format!("posted by {}", caller.sub())
}

async fn read_write(_: ReadWrite) -> &'static str {
    "read-write"
}

async fn admin(_: Admins, caller: Claims) -> String {
    format!("admin {}", caller.sub())
}

async fn audit(_: PostTransactions, _: Auditors, claims: Claims) -> String {
    format!("audit by {}", claims.sub())
}

/// Every extractor and guard on one router, without the layer.
fn routes() -> Router {
    let guarded = Router::new()
        .route("/guarded/scope", get(|| async { "scoped" }))
        .route_layer(PostTransactions::layer());
    let admin_area =
        Router::new().route("/guarded/group", get(|| async { "grouped" })).route_layer(Admins::layer());
    Router::new()
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .route("/post", get(post).post(post))
        .route("/read-write", get(read_write))
        .route("/admin", get(admin))
        .route("/audit", get(audit))
        .merge(guarded)
        .merge(admin_area)
}

struct App {
    issuer: TestIssuer,
    http: TestApp,
}

impl App {
    async fn start(configure: impl FnOnce(CognitoLayer) -> CognitoLayer) -> App {
        let issuer = TestIssuer::start().await;
        let app = routes().layer(configure(CognitoLayer::new(verifier(&issuer))));
        App { http: TestApp::serve(app).await, issuer }
    }

    async fn without_layer() -> App {
        let issuer = TestIssuer::start().await;
        App { http: TestApp::serve(routes()).await, issuer }
    }

    /// `GET path` with an access token carrying `scopes` and `groups`.
    async fn get_as(&self, path: &str, scopes: &[&str], groups: &[&str]) -> reqwest::Response {
        let token =
            self.issuer.access_token().scopes(scopes.iter().copied()).groups(groups.iter().copied()).sign();
        self.http.get(path).bearer_auth(token).send().await.unwrap()
    }

    async fn get_anonymous(&self, path: &str) -> reqwest::Response {
        self.http.get(path).send().await.unwrap()
    }
}

fn verifier(issuer: &TestIssuer) -> CognitoVerifier {
    issuer.access_verifier().build().unwrap()
}

#[tokio::test]
async fn claims_extractor_sees_the_verified_claims() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/me", &[], &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn optional_claims_are_none_without_a_token_in_optional_mode() {
    let app = App::start(CognitoLayer::optional).await;
    let response = app.get_anonymous("/maybe").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "anonymous");
}

#[tokio::test]
async fn optional_claims_are_some_with_a_valid_token() {
    let app = App::start(CognitoLayer::optional).await;
    let response = app.get_as("/maybe", &[], &[]).await;
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn optional_mode_rejects_a_bad_token_before_the_handler() {
    let app = App::start(CognitoLayer::optional).await;
    let token = app.issuer.access_token().expires_at(unix_now() - 60).sign();
    let response = app.http.get("/maybe").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response_header(&response, "www-authenticate").contains(r#"error="invalid_token""#));
}

#[tokio::test]
async fn required_claims_behind_an_optional_layer_are_401_without_a_token() {
    let app = App::start(|layer| layer.optional().realm("api")).await;
    let response = app.get_anonymous("/me").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), r#"Bearer realm="api""#);
}

#[tokio::test]
async fn any_of_scope_guard_accepts_either_scope() {
    let app = App::start(|layer| layer).await;
    for scope in ["transactions/post", "transactions/admin"] {
        let response = app.get_as("/post", &[scope], &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "{scope}");
        assert_eq!(response.text().await.unwrap(), format!("posted by {}", app.issuer.default_sub()));
    }
}

#[tokio::test]
async fn scope_guard_rejects_with_403_insufficient_scope_naming_the_scopes() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/post", &["transactions/get"], &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.starts_with(r#"Bearer error="insufficient_scope""#), "{challenge}");
    assert!(challenge.ends_with(r#"scope="transactions/post transactions/admin""#), "{challenge}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
}

#[tokio::test]
async fn all_of_scope_guard_needs_every_scope() {
    let app = App::start(|layer| layer).await;
    let one = app.get_as("/read-write", &["transactions/get"], &[]).await;
    assert_eq!(one.status(), StatusCode::FORBIDDEN);
    assert!(
        response_header(&one, "www-authenticate").contains("all of"),
        "{}",
        response_header(&one, "www-authenticate")
    );
    let both = app.get_as("/read-write", &["transactions/get", "transactions/post"], &[]).await;
    assert_eq!(both.status(), StatusCode::OK);
}

#[tokio::test]
async fn group_guard_admits_members() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/admin", &[], &["users", "admin"]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), format!("admin {}", app.issuer.default_sub()));
}

#[tokio::test]
async fn group_guard_rejects_non_members_with_403_without_a_scope_attribute() {
    let app = App::start(|layer| layer).await;
    let response = app.get_as("/admin", &["transactions/post"], &["users"]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{challenge}");
    assert!(!challenge.contains("scope=\""), "{challenge}");
}

#[tokio::test]
async fn group_guard_works_with_id_tokens() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().build().unwrap();
    let app = TestApp::serve(routes().layer(CognitoLayer::new(verifier))).await;
    let token = issuer.id_token().groups(["admin"]).sign();
    let response = app.get("/admin").bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn several_guards_in_one_handler_must_all_pass() {
    let app = App::start(|layer| layer).await;
    let scope_only = app.get_as("/audit", &["transactions/post"], &[]).await;
    assert_eq!(scope_only.status(), StatusCode::FORBIDDEN);
    let group_only = app.get_as("/audit", &[], &["auditors"]).await;
    assert_eq!(group_only.status(), StatusCode::FORBIDDEN);
    let both = app.get_as("/audit", &["transactions/post"], &["auditors"]).await;
    assert_eq!(both.status(), StatusCode::OK);
}

#[tokio::test]
async fn scope_route_layer_guards_its_routes() {
    let app = App::start(|layer| layer).await;
    assert_eq!(app.get_as("/guarded/scope", &["other"], &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_as("/guarded/scope", &["transactions/admin"], &[]).await.status(), StatusCode::OK);
    let response = app.get_as("/guarded/scope", &[], &[]).await;
    assert!(
        response_header(&response, "www-authenticate")
            .ends_with(r#"scope="transactions/post transactions/admin""#)
    );
}

#[tokio::test]
async fn group_route_layer_guards_its_routes() {
    let app = App::start(|layer| layer).await;
    assert_eq!(app.get_as("/guarded/group", &[], &["users"]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_as("/guarded/group", &[], &["admin"]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn route_layer_guard_behind_an_optional_layer_is_401_without_a_token() {
    let app = App::start(CognitoLayer::optional).await;
    let response = app.get_anonymous("/guarded/group").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), "Bearer");
}

#[tokio::test]
async fn extractors_without_the_layer_are_500_naming_nothing_of_the_server() {
    let app = App::without_layer().await;
    for path in ["/me", "/maybe", "/post", "/admin", "/guarded/scope", "/guarded/group"] {
        let response = app.get_as(path, &["transactions/post"], &["admin"]).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(response.headers().get("www-authenticate").is_none(), "{path}");
        let body = response.text().await.unwrap();
        assert!(body.starts_with("Server misconfigured"), "{path}: {body}");
        assert!(!body.contains("Layer") && !body.contains("::"), "{path}: {body}");
    }
}

#[tokio::test]
async fn guard_rejections_use_the_layers_realm() {
    let app = App::start(|layer| layer.realm("transactions")).await;
    let response = app.get_as("/post", &[], &[]).await;
    assert!(
        response_header(&response, "www-authenticate")
            .starts_with(r#"Bearer realm="transactions", error="insufficient_scope""#)
    );
}

#[tokio::test]
async fn guard_rejections_go_through_the_layers_hook() {
    let hook = |error: &cognito_axum::AuthError, _: &http::request::Parts| {
        http::Response::builder()
            .status(error.status())
            .body(format!("custom {}", error.body_error()))
            .unwrap()
    };
    let app = App::start(|layer| layer.on_rejection(hook)).await;
    let response = app.get_as("/post", &[], &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.text().await.unwrap(), "custom insufficient_scope");
}

#[tokio::test]
async fn guard_rejection_of_a_grpc_request_is_permission_denied() {
    let app = App::start(|layer| layer).await;
    let token = app.issuer.access_token().sign();
    let response = app
        .http
        .post("/post")
        .bearer_auth(token)
        .header("content-type", "application/grpc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["grpc-status"], "7");
    assert_eq!(response.headers()["content-type"], "application/grpc");
}

#[derive(Debug, Deserialize)]
struct Tenant {
    tenant: String,
}

#[tokio::test]
async fn custom_claims_are_extracted_with_their_type() {
    // A pool whose V2 pre-token-generation trigger adds `tenant` to access tokens.
    let issuer = TestIssuer::builder().pre_token_generation(PreTokenGeneration::V2).start().await;
    let verifier = issuer.access_verifier().custom_claims::<Tenant>().build().unwrap();
    let app = Router::new()
        .route(
            "/tenant",
            get(|claims: Claims<CognitoClaims<Tenant>>| async move { claims.custom.tenant.clone() }),
        )
        .route("/plain", get(me))
        .layer(CognitoLayer::new(verifier));
    let app = TestApp::serve(app).await;
    let token = issuer.access_token().claim("tenant", "acme".into()).sign();
    let tenant = app.get("/tenant").bearer_auth(&token).send().await.unwrap();
    assert_eq!(tenant.text().await.unwrap(), "acme");

    let mismatch = app.get("/plain").bearer_auth(&token).send().await.unwrap();
    assert_eq!(mismatch.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(mismatch.text().await.unwrap().starts_with("Server misconfigured"));
}

#[tokio::test]
async fn rejections_report_status_and_body_text() {
    use axum::extract::FromRequestParts;
    let (mut parts, ()) = http::Request::new(()).into_parts();
    let rejection = Claims::<CognitoClaims>::from_request_parts(&mut parts, &()).await.unwrap_err();
    assert!(matches!(rejection, ClaimsRejection::MissingAuthLayer(_)));
    assert_eq!(rejection.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(rejection.body_text().starts_with("Server misconfigured"));
    assert!(rejection.to_string().contains("CognitoLayer::new(verifier)"), "the log says what to add");
}
