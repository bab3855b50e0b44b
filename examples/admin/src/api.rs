//! The JSON API for scripts, with bearer tokens: `/api/me`, `/api/admin/users`,
//! `/api/admin/audit`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier};
use serde::{Deserialize, Serialize};

use crate::directory::{AuditEntry, Directory, User};
use crate::{Admins, REALM};

/// What `GET /api/me` answers: who the token says the caller is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The user's id (or the app client, for client-credentials tokens).
    pub sub: String,
    /// `username` (access tokens) or `cognito:username` (ID tokens).
    pub username: Option<String>,
    /// `cognito:groups`.
    pub groups: Vec<String>,
    /// OAuth scopes (access tokens; ID tokens have none).
    pub scopes: Vec<String>,
    /// `access` or `id`.
    pub token_use: String,
    /// The app client: `client_id` of access tokens, `aud` of ID tokens.
    pub client: Option<String>,
    /// `email` (ID tokens).
    pub email: Option<String>,
    /// `exp`, seconds since the Unix epoch.
    pub expires_at: i64,
}

/// The API routes behind a [`CognitoLayer`] built from `verifier` (which may accept ID tokens,
/// access tokens or both).
pub fn api_routes(verifier: CognitoVerifier) -> Router<Directory> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/admin/users", get(list_users))
        .route("/api/admin/audit", get(audit_log).route_layer(Admins::layer()))
        .route_layer(CognitoLayer::new(verifier).realm(REALM))
}

async fn me(claims: Claims) -> Json<Me> {
    Json(Me {
        sub: claims.sub().to_owned(),
        username: claims.user_name().map(str::to_owned),
        groups: claims.groups().map(str::to_owned).collect(),
        scopes: claims.scopes().iter().map(str::to_owned).collect(),
        token_use: claims.token_use().to_owned(),
        client: claims.client().map(str::to_owned),
        email: claims.email().map(str::to_owned),
        expires_at: claims.exp(),
    })
}

async fn list_users(_: Admins, admin: Claims, State(directory): State<Directory>) -> Json<Vec<User>> {
    Json(directory.list_users(admin.user_name().unwrap_or(admin.sub())))
}

// No guard in the signature: the route layer has checked the group already.
async fn audit_log(State(directory): State<Directory>) -> Json<Vec<AuditEntry>> {
    Json(directory.audit())
}
