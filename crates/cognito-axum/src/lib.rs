//! axum extractors for Amazon Cognito: verified claims, scope and group guards, rejections.
//!
//! Put a [`CognitoLayer`] on the router; handlers then say what they need in their signature.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, RequireScopes, TokenUse, scope_set};
//!
//! scope_set!(PostTransactions = any_of["transactions/post"]);
//!
//! async fn create(_: RequireScopes<PostTransactions>, claims: Claims) -> String {
//!     format!("created for {}", claims.sub)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?;
//! let app = Router::new().route("/transactions", post(create)).layer(CognitoLayer::new(verifier));
//! axum::serve(tokio::net::TcpListener::bind("127.0.0.1:3000").await?, app).await?;
//! # Ok(()) }
//! ```
//!
//! - [`Claims`] and `Option<Claims>` ([`claims`]): the verified claims.
//! - [`RequireScopes`] / [`RequireGroups`] ([`guard`]): requirements declared once with
//!   [`scope_set!`] / [`group_set!`] ([`requirement`]); several can be used in one handler.
//! - [`require_scopes`] / [`require_groups`] ([`guard_layer`]): the same requirements as route
//!   layers.
//! - [`rejection`]: what the extractors answer. Client failures look exactly like the layer's
//!   (status, `WWW-Authenticate`, gRPC status, custom hook); a route without the layer is a 500
//!   that names the missing layer.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

pub mod claims;
pub mod guard;
pub mod guard_layer;
pub mod rejection;
pub mod requirement;

pub use claims::Claims;
pub use guard::{RequireGroups, RequireScopes};
pub use guard_layer::{Guard, GuardFuture, GuardLayer, require_groups, require_scopes};
pub use rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingCognitoLayer};
pub use requirement::{RequiredGroups, RequiredScopes};

pub use cognito_tower::{AuthError, CognitoLayer, Match, TokenSource};
pub use cognito_verify::{CognitoVerifier, NoCustomClaims, TokenUse};
