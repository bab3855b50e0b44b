//! Scope and group guards are written without a type parameter and work behind a layer of any
//! claims type; only `Claims<T>` names the claims type, and naming the wrong one is a 500 whose
//! body names nothing of the server (tests/misconfigured_log.rs checks the log).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use cognito_axum::{
    AlbLayer, Claims, CognitoClaims, CognitoLayer, GuardLayer, misconfigured_routes, require_groups,
    require_scopes,
};
use cognito_testkit::{TestApp, TestIssuer};
use cognito_tower::{AuthError, AuthLayer, Credentials, ScopesAndGroups};
use http::Method;
use reqwest::StatusCode;
use serde::Deserialize;

require_scopes!(PostTransactions: "transactions/post");
require_groups!(Admins: "admin");

/// The application's claims type, named once.
#[derive(Debug, Deserialize)]
struct Tenant {
    #[serde(rename = "custom:tenant")]
    tenant: String,
}
type AppClaims = Claims<CognitoClaims<Tenant>>;

/// The routes every case shares: guards as extractors and as a route layer, none naming a type.
fn guarded_routes() -> Router {
    Router::new()
        .route("/scoped", get(|_: PostTransactions| async { "scoped" }))
        .route("/admin", get(|_: Admins| async { "admin" }))
        .route("/admin-layer", get(|| async { "admin layer" }).route_layer(Admins::layer()))
        .route("/admin-guard-layer", get(|| async { "guard layer" }).route_layer(GuardLayer::<Admins>::new()))
}

async fn status(app: &TestApp, path: &str, token: &str) -> StatusCode {
    app.get(path).bearer_auth(token).send().await.unwrap().status()
}

#[tokio::test]
async fn guards_without_a_type_parameter_work_behind_the_default_claims_layer() {
    let issuer = TestIssuer::start().await;
    let app =
        TestApp::serve(guarded_routes().layer(CognitoLayer::new(issuer.access_verifier().build().unwrap())))
            .await;
    let admin = issuer.access_token().scopes(["transactions/post"]).groups(["admin"]).sign();
    let nobody = issuer.access_token().scopes(["other/scope"]).sign();
    for path in ["/scoped", "/admin", "/admin-layer", "/admin-guard-layer"] {
        assert_eq!(status(&app, path, &admin).await, StatusCode::OK, "{path}");
        assert_eq!(status(&app, path, &nobody).await, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn guards_without_a_type_parameter_work_behind_a_custom_claims_layer() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().custom_claims::<Tenant>().build().unwrap();
    let routes = guarded_routes()
        .route("/tenant", get(|_: Admins, claims: AppClaims| async move { claims.custom.tenant.clone() }));
    let app = TestApp::serve(routes.layer(CognitoLayer::new(verifier))).await;
    let admin = issuer.id_token().groups(["admin"]).claim("custom:tenant", "acme".into()).sign();
    let user = issuer.id_token().groups(["users"]).claim("custom:tenant", "acme".into()).sign();
    for path in ["/admin", "/admin-layer", "/admin-guard-layer"] {
        assert_eq!(status(&app, path, &admin).await, StatusCode::OK, "{path}");
        assert_eq!(status(&app, path, &user).await, StatusCode::FORBIDDEN, "{path}");
    }
    // ID tokens grant no scopes: refused for the scope, not a server error.
    assert_eq!(status(&app, "/scoped", &admin).await, StatusCode::FORBIDDEN);
    let tenant = app.get("/tenant").bearer_auth(&admin).send().await.unwrap();
    assert_eq!(tenant.text().await.unwrap(), "acme");
}

#[tokio::test]
async fn guards_without_a_type_parameter_work_behind_an_alb_layer() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.default_alb_verifier();
    let app = TestApp::serve(guarded_routes().layer(AlbLayer::new(verifier))).await;
    let admin = issuer.alb_token().claim("cognito:groups", serde_json::json!(["admin"])).sign();
    let user = issuer.alb_token().sign();
    for path in ["/admin", "/admin-layer", "/admin-guard-layer"] {
        let ok = app.get(path).header("x-amzn-oidc-data", &admin).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "{path}");
        let refused = app.get(path).header("x-amzn-oidc-data", &user).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // The load balancer forwards no access token: no scopes.
    let scoped = app.get("/scoped").header("x-amzn-oidc-data", &admin).send().await.unwrap();
    assert_eq!(scoped.status(), StatusCode::FORBIDDEN);
}

/// Claims of an in-house authenticator.
struct Staff {
    teams: Vec<String>,
}

impl ScopesAndGroups for Staff {
    fn has_scope(&self, _: &str) -> bool {
        false
    }
    fn in_group(&self, group: &str) -> bool {
        self.teams.iter().any(|team| team == group)
    }
}

fn staff(credentials: &Credentials<'_>) -> Result<Arc<Staff>, AuthError> {
    match credentials.require_token()?.as_str() {
        "ada" => Ok(Arc::new(Staff { teams: vec!["admin".into()] })),
        _ => Ok(Arc::new(Staff { teams: vec![] })),
    }
}

#[tokio::test]
async fn guards_behind_a_closure_layer_read_its_claims_once_it_says_they_have_scopes_and_groups() {
    let app = TestApp::serve(guarded_routes().layer(AuthLayer::new(staff).scopes_and_groups())).await;
    assert_eq!(status(&app, "/admin", "ada").await, StatusCode::OK);
    assert_eq!(status(&app, "/admin-layer", "bob").await, StatusCode::FORBIDDEN);

    let unsaid = TestApp::serve(guarded_routes().layer(AuthLayer::new(staff))).await;
    let response = unsaid.get("/admin").bearer_auth("ada").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(body.starts_with("Server misconfigured") && !body.contains("Staff"), "{body}");
}

#[tokio::test]
async fn probing_a_router_once_finds_its_misconfigured_routes() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().custom_claims::<Tenant>().build().unwrap();
    let app = guarded_routes()
        .route("/right", get(|claims: AppClaims| async move { claims.custom.tenant.clone() }))
        .route("/wrong", get(|claims: Claims| async move { claims.sub().to_owned() }))
        .layer(CognitoLayer::new(verifier));
    let token = issuer.id_token().groups(["admin"]).claim("custom:tenant", "acme".into()).sign();
    let routes = ["/scoped", "/admin", "/admin-layer", "/right", "/wrong"].map(|path| (Method::GET, path));
    let found = misconfigured_routes(&app, &token, routes).await;
    let paths: Vec<&str> = found.iter().map(|(route, _)| route.as_str()).collect();
    assert_eq!(paths, ["GET /wrong"]);
}
