//! The `admin` example over real HTTP: routes open only to the `admin` group, from ID or access
//! tokens, and `/api/me`.

use admin::{AuditEntry, Me, User};
use cognito_testkit::{Challenge, TestApp, TestIssuer, USER_ADMIN_SCOPE, response_header};
use cognito_verify::TokenUse;
use reqwest::{Response, StatusCode};
use test_support::unix_now;

/// The admin router on loopback, with a verifier that accepts ID and access tokens of the
/// issuer's default app client (as `main.rs` builds it).
struct Admin {
    issuer: TestIssuer,
    http: TestApp,
}

impl Admin {
    async fn start() -> Admin {
        let issuer = TestIssuer::start().await;
        let verifier = issuer.verifier_for(TokenUse::Any).build().unwrap();
        Admin { issuer, http: TestApp::serve(admin::api_router(verifier)).await }
    }

    fn access_token(&self, username: &str, groups: &[&str]) -> String {
        self.issuer.access_token().username(username).groups(groups.iter().copied()).sign()
    }

    fn id_token(&self, username: &str, groups: &[&str]) -> String {
        self.issuer.id_token().username(username).groups(groups.iter().copied()).sign()
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let request = self.http.get(path);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send().await.unwrap()
    }
}

#[tokio::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let admin = Admin::start().await;
    let response = admin.get("/api/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), r#"Bearer realm="admin""#);
}

#[tokio::test]
async fn me_shows_the_claims_of_an_access_token() {
    let admin = Admin::start().await;
    let token = admin.issuer.access_token().username("bob").groups(["staff"]).expires_at(unix_now() + 600);
    let exp = token.claims_json()["exp"].as_i64().unwrap();
    let response = admin.get("/api/me", Some(&token.sign())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Me = response.json().await.unwrap();
    assert_eq!(
        me,
        Me {
            sub: admin.issuer.default_sub().to_owned(),
            username: Some("bob".to_owned()),
            groups: vec!["staff".to_owned()],
            scopes: vec![USER_ADMIN_SCOPE.to_owned()],
            token_use: "access".to_owned(),
            client: Some(admin.issuer.default_client_id().to_owned()),
            email: None,
            expires_at: exp,
        }
    );
}

#[tokio::test]
async fn me_shows_the_claims_of_an_id_token() {
    let admin = Admin::start().await;
    let token = admin.issuer.id_token().username("alice").groups(["admin"]).email("alice@example.com").sign();
    let response = admin.get("/api/me", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Me = response.json().await.unwrap();
    assert_eq!(me.username.as_deref(), Some("alice"));
    assert_eq!(me.groups, ["admin"]);
    assert!(me.scopes.is_empty(), "ID tokens carry no scopes");
    assert_eq!(me.token_use, "id");
    assert_eq!(me.client.as_deref(), Some(admin.issuer.default_client_id()));
    assert_eq!(me.email.as_deref(), Some("alice@example.com"));
}

#[tokio::test]
async fn admin_access_token_lists_the_users() {
    let admin = Admin::start().await;
    let response = admin.get("/api/admin/users", Some(&admin.access_token("alice", &["admin"]))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let users: Vec<User> = response.json().await.unwrap();
    let names: Vec<&str> = users.iter().map(|user| user.username.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
}

#[tokio::test]
async fn admin_id_token_lists_the_users() {
    let admin = Admin::start().await;
    let response = admin.get("/api/admin/users", Some(&admin.id_token("alice", &["admin"]))).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn admin_among_several_groups_is_let_in() {
    let admin = Admin::start().await;
    let response =
        admin.get("/api/admin/users", Some(&admin.access_token("alice", &["staff", "admin"]))).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn caller_outside_the_admin_group_is_403_without_disclosing_the_group() {
    let admin = Admin::start().await;
    for token in [admin.access_token("bob", &["staff"]), admin.id_token("bob", &["staff"])] {
        let response = admin.get("/api/admin/users", Some(&token)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let challenge = response_header(&response, "www-authenticate").to_owned();
        assert!(challenge.starts_with(r#"Bearer realm="admin", error="insufficient_scope""#), "{challenge}");
        assert!(!challenge.contains("scope=\""), "groups are not scopes: {challenge}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "insufficient_scope");
        assert_eq!(body["error_description"], "caller is not in a required group");
    }
}

#[tokio::test]
async fn caller_in_no_group_is_403() {
    let admin = Admin::start().await;
    let token = admin.issuer.access_token().username("carol").sign();
    assert_eq!(admin.get("/api/admin/users", Some(&token)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn group_names_must_match_exactly() {
    let admin = Admin::start().await;
    let token = admin.access_token("mallory", &["Admin", "admins", "admin "]);
    assert_eq!(admin.get("/api/admin/users", Some(&token)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admin_route_without_a_token_is_401_not_403() {
    let admin = Admin::start().await;
    assert_eq!(admin.get("/api/admin/users", None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(admin.get("/api/admin/audit", None).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn route_guard_lets_admins_read_who_listed_the_users() {
    let admin = Admin::start().await;
    admin.get("/api/admin/users", Some(&admin.id_token("alice", &["admin"]))).await;
    let response = admin.get("/api/admin/audit", Some(&admin.access_token("dave", &["admin"]))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let audit: Vec<AuditEntry> = response.json().await.unwrap();
    assert_eq!(audit, [AuditEntry { caller: "alice".to_owned(), action: "listed users".to_owned() }]);
}

#[tokio::test]
async fn route_guard_refuses_non_admins() {
    let admin = Admin::start().await;
    let response = admin.get("/api/admin/audit", Some(&admin.access_token("bob", &["staff"]))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(Challenge::of(&response).error(), Some("insufficient_scope"));
}

#[tokio::test]
async fn id_token_of_another_app_client_is_401_invalid_token() {
    let admin = Admin::start().await;
    let token = admin.issuer.id_token().client_id("someotherclient").groups(["admin"]).sign();
    let response = admin.get("/api/admin/users", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn expired_id_token_of_an_admin_is_401_invalid_token() {
    let admin = Admin::start().await;
    let token = admin.issuer.id_token().groups(["admin"]).issued_at(unix_now() - 7200).sign();
    let response = admin.get("/api/admin/users", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn health_is_public() {
    let admin = Admin::start().await;
    assert_eq!(admin.get("/health", None).await.status(), StatusCode::OK);
}
