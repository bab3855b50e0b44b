//! The admin console: a browser app for members of the Cognito group `admin`, signed in with
//! Cognito's hosted login ([`cognito_login`]), and the same data as a JSON API for scripts with
//! bearer tokens.
//!
//! | route | who | how |
//! |---|---|---|
//! | `GET /` | group `admin` | the users, and a form that adds a user or changes their group (`POST /`) |
//! | `POST /sign-out-everywhere` | group `admin` | revokes every token of a user (`sub`) signed in before now, on every service sharing the revocation store |
//! | `GET /audit` | group `admin` | who did what |
//! | `GET /auth/login`, `/auth/callback`, `POST /auth/logout` | anyone | the sign-in ([`CognitoLogin::routes`]) |
//! | `GET /signed-out`, `/health` | anyone | |
//! | `GET /api/me` | any valid bearer token | the caller's claims |
//! | `GET /api/admin/users`, `/api/admin/audit` | bearer token of an `admin` | the same data as JSON |
//!
//! Pages: without a session the browser goes to the hosted login and comes back; a signed-in
//! user outside `admin` gets a 403 page. API: no token, 401; outside the group, 403
//! `insufficient_scope`. Groups come from `cognito:groups` (the ID token's for the pages, the
//! bearer token's for the API), checked by the same [`Admins`] guard.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod directory;
mod pages;
mod redis_sessions;
mod setup;

use std::sync::Arc;

use axum::{Extension, Router};
use cognito_axum::{CognitoVerifier, require_groups};
use cognito_login::CognitoLogin;
use cognito_login::tower_sessions::SessionStore;
use cognito_verify::Revocations;

pub use api::Me;
pub use directory::{AuditEntry, Directory, User};
pub use redis_sessions::redis_session_store;
pub use setup::{LOCAL_USERS, LocalUser, Setup, SetupError, verifier_from_env_or};

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3001";
/// The group the admin pages and routes require.
pub const ADMIN_GROUP: &str = "admin";
/// The realm named in `WWW-Authenticate` challenges.
pub const REALM: &str = "admin";

require_groups!(
    /// Members of the `admin` group.
    pub Admins: "admin"
);

/// The whole app: the pages behind `login`'s layer, the API behind a bearer-token layer built
/// from `verifier`, the sign-in routes, and sessions kept in `store`. "Sign out everywhere"
/// revokes in `revocations` (give `login` and `verifier` the same store: [`Setup`] does).
pub fn app<S: SessionStore + Clone>(
    login: &CognitoLogin,
    verifier: CognitoVerifier,
    revocations: Arc<dyn Revocations>,
    store: S,
) -> Router {
    Router::new()
        .merge(pages::admin_pages().layer(Extension(revocations)).layer(login.layer()))
        .merge(pages::public_pages())
        .merge(api::api_routes(verifier))
        .merge(login.routes())
        .layer(login.session_layer(store))
        .with_state(Directory::seeded())
}

/// The JSON API alone (and `/health`), for scripts with bearer tokens.
pub fn api_router(verifier: CognitoVerifier) -> Router {
    api::api_routes(verifier).merge(pages::public_pages()).with_state(Directory::seeded())
}
