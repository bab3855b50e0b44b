//! axum extractors for Amazon Cognito: verified claims, scope and group guards, rejections.
//!
//! Put a [`CognitoLayer`] (or an [`AlbLayer`], or any `cognito_tower::AuthLayer`) on the
//! router; handlers then say what they need in their signature.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, TokenUse, require_scopes};
//!
//! require_scopes!(PostTransactions: "transactions/post");
//!
//! async fn create(_: PostTransactions, claims: Claims) -> String {
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
//! - [`Claims<T>`](Claims) and `Option<Claims<T>>`: the verified claims, [`CognitoClaims`] by
//!   default, [`AlbClaims`] behind an `AlbLayer`.
//! - [`require_scopes!`] / [`require_groups!`]: declare a guard type, used in handler
//!   signatures (several per handler) and as a route layer ([`GuardLayer`]). Guards check any
//!   claims type that implements [`ScopesAndGroups`].
//! - [`ClaimsRejection`]: what the extractors answer. Client failures look exactly like the
//!   layer's (status, `WWW-Authenticate`, gRPC status, custom hook); a route without the layer
//!   is a 500 that names the missing layer.
//!
//! The claims reach the extractors from the layer's request extensions; the data path before
//! that (token source, `Authenticate`, the verifier's checks) is in `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

#[macro_use]
mod macros;

mod claims;
mod guard;
mod guard_layer;
mod rejection;
mod require;
mod scopes_and_groups;

pub use claims::Claims;
#[doc(hidden)]
pub use guard::__private;
pub use guard::Guard;
pub use guard_layer::{GuardFuture, GuardLayer, GuardService};
pub use rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingAuthLayer};
pub use scopes_and_groups::ScopesAndGroups;

pub use cognito_tower::{AlbLayer, AuthError, CognitoLayer, Match, TokenSource};
pub use cognito_verify::{AlbClaims, AlbVerifier, CognitoClaims, CognitoVerifier, NoCustomClaims, TokenUse};
