//! Browser sign-in for tower/axum web apps with Amazon Cognito's hosted (managed) login.
//!
//! The authorization-code flow with PKCE, as Cognito intends for browser apps: the browser
//! holds only an `HttpOnly` session cookie; the ID, access and refresh tokens stay in a
//! server-side [tower-sessions](tower_sessions) store (in memory by default, Redis or another
//! store for a fleet of replicas); tokens are refreshed shortly before they expire, one refresh
//! per session at a time; sign-out revokes the refresh token and ends Cognito's own session too.
//!
//! The session is one more authenticator for cognito-tower's one auth middleware
//! ([`SessionAuthenticator`] implements `Authenticate`), so handlers use the same `Claims`
//! extractor and group guards as with bearer tokens. The claims are the ID token's.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use cognito_login::CognitoLogin;
//! use cognito_verify::{CognitoVerifier, TokenUse};
//! use tower_sessions::MemoryStore;
//!
//! # fn app() -> Result<Router, Box<dyn std::error::Error>> {
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Any) // the ID and the access token are both verified
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?;
//! let login = CognitoLogin::builder()
//!     .domain("my-prefix", "eu-west-1")
//!     .client_id("4a1bexampleclientid")
//!     .redirect_uri("https://admin.example.com/auth/callback")
//!     .verifier(verifier)
//!     .build()?;
//! let app = Router::new()
//!     .route("/", get(|| async { "signed in" }))
//!     .layer(login.layer()) // no session: 302 to the hosted login (pages) or 401 (API, XHR)
//!     .merge(login.routes()) // /auth/login, /auth/callback, /auth/logout
//!     .layer(login.session_layer(MemoryStore::default()));
//! # Ok(app) }
//! ```
//!
//! The session's place in the shared data path (`Authenticate` → claims in the extensions →
//! extractors and guards) is in `docs/architecture.md`.
//!
//! What each part guarantees, and the test that shows it, is in `docs/browser-login.md`:
//!
//! - `state`, `nonce` and the PKCE verifier are random per sign-in, kept in the session, and
//!   single-use: the callback takes the sign-in out of the session before it exchanges the code,
//!   so a replayed or forged callback is refused ([`LoginError::UnknownState`]). The ID token's
//!   `nonce`, `aud` and `at_hash` are checked, and both tokens go through the
//!   [`CognitoVerifier`](cognito_verify::CognitoVerifier).
//! - The session id is rotated at sign-in.
//! - The return path survives the round trip only as a same-origin path
//!   ([`safe_return_path`]).
//! - Cross-site requests: the cookie is `SameSite=Lax`, and every request with an unsafe method
//!   (to the pages behind the layer and to sign-out) must carry the app's `Origin` (or, without
//!   `Origin`, a `Referer` on it); others get 403.
//! - A refresh the identity provider refuses (revoked, expired) ends the session: the next page
//!   view goes to the hosted login again. A refresh that fails for a transient reason keeps the
//!   session while its tokens are valid.
//! - A signed-in user who lacks a group gets a 403 page ([`LoginRejection`]), not a login loop.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod authenticator;
mod builder;
mod config;
mod core;
mod endpoints;
mod error;
mod login;
mod pages;
mod rejection;
mod return_to;
mod routes;
mod same_origin;
mod secrets;
mod session_data;
mod token_client;

pub use authenticator::{CROSS_SITE_REQUEST, SessionAuthenticator};
pub use builder::CognitoLoginBuilder;
pub use config::{DEFAULT_REFRESH_BEFORE, DEFAULT_SESSION_INACTIVITY, SIGN_IN_TIMEOUT};
pub use endpoints::Endpoints;
pub use error::{LoginConfigError, LoginError};
pub use login::CognitoLogin;
pub use pages::escape_html;
pub use rejection::{LoginRejection, is_page_navigation};
pub use return_to::safe_return_path;
pub use tower_sessions;
