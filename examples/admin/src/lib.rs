//! Group-gated admin routes: open only to members of the Cognito group `admin`.
//!
//! | route | needs |
//! |---|---|
//! | `GET /health` | nothing (public) |
//! | `GET /me` | any valid token: shows the caller's claims |
//! | `GET /admin/users` | group `admin` (the [`Admins`] guard in the handler signature) |
//! | `GET /admin/audit` | group `admin` (the same guard as a route layer, `Admins::layer()`) |
//!
//! Groups come from the `cognito:groups` claim, which Cognito puts in both ID and access
//! tokens; the verifier `main.rs` builds accepts either ([`TokenUse::Any`]). A caller outside
//! the group gets 403 `insufficient_scope` (the group names are not disclosed); no token, 401.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, TokenUse, require_groups};
use cognito_testkit::TestIssuer;
use cognito_verify::ConfigError;
use serde::{Deserialize, Serialize};

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3001";
/// The group the admin routes require.
pub const ADMIN_GROUP: &str = "admin";
/// The realm named in `WWW-Authenticate` challenges.
pub const REALM: &str = "admin";

require_groups!(
    /// Members of the `admin` group.
    pub Admins: "admin"
);

/// What `GET /me` answers: who the token says the caller is.
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

/// A user of the (made-up, in-memory) directory the admin routes manage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user name.
    pub username: String,
    /// The user's groups.
    pub groups: Vec<String>,
}

/// One admin action, as `GET /admin/audit` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Who did it: the user name, or `sub` when the token has none.
    pub caller: String,
    /// What they did.
    pub action: String,
}

/// The app: public `/health`, `/me` for any valid token, and the `admin`-only routes, behind a
/// [`CognitoLayer`] built from `verifier` (which may accept ID tokens, access tokens or both).
pub fn router(verifier: CognitoVerifier) -> Router {
    let protected = Router::new()
        .route("/me", get(me))
        .route("/admin/users", get(list_users))
        .route("/admin/audit", get(audit_log).route_layer(Admins::layer()))
        .route_layer(CognitoLayer::new(verifier).realm(REALM));
    Router::new().route("/health", get(health)).merge(protected).with_state(Directory::seeded())
}

/// The verifier the example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// ([`CognitoVerifier::from_lookup`] over the process environment, with `COGNITO_TOKEN_USE`
/// defaulting to `any`), otherwise one that accepts ID and access tokens of `issuer`'s default
/// app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(issuer: Option<&TestIssuer>) -> Result<CognitoVerifier, ConfigError> {
    example_support::verifier_from_env_or(issuer, TokenUse::Any)
}

async fn health() -> &'static str {
    "ok"
}

async fn me(claims: Claims) -> Json<Me> {
    Json(Me {
        sub: claims.sub.clone(),
        username: claims.user_name().map(str::to_owned),
        groups: claims.groups.clone(),
        scopes: claims.scopes.iter().map(str::to_owned).collect(),
        token_use: claims.token_use.clone(),
        client: claims.client().map(str::to_owned),
        email: claims.email.clone(),
        expires_at: claims.exp,
    })
}

async fn list_users(admin: Admins, State(directory): State<Directory>) -> Json<Vec<User>> {
    let mut directory = directory.lock();
    let caller = admin.user_name().unwrap_or(&admin.sub).to_owned();
    directory.audit.push(AuditEntry { caller, action: "listed users".to_owned() });
    Json(directory.users.clone())
}

// No guard in the signature: the route layer has checked the group already.
async fn audit_log(State(directory): State<Directory>) -> Json<Vec<AuditEntry>> {
    Json(directory.lock().audit.clone())
}

/// The in-memory directory and audit log.
#[derive(Clone)]
struct Directory(Arc<Mutex<DirectoryInner>>);

struct DirectoryInner {
    users: Vec<User>,
    audit: Vec<AuditEntry>,
}

impl Directory {
    fn seeded() -> Directory {
        let user = |name: &str, groups: &[&str]| User {
            username: name.to_owned(),
            groups: groups.iter().map(|group| (*group).to_owned()).collect(),
        };
        let users = vec![user("alice", &[ADMIN_GROUP]), user("bob", &["staff"]), user("carol", &[])];
        Directory(Arc::new(Mutex::new(DirectoryInner { users, audit: Vec::new() })))
    }

    fn lock(&self) -> MutexGuard<'_, DirectoryInner> {
        // Every update is a single push: a panic cannot leave the data half-changed.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
