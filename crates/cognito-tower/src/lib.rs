//! A tower layer that protects HTTP and gRPC services with Amazon Cognito tokens.
//!
//! [`CognitoLayer`] takes the token from the request ([`TokenSource`]: `Authorization: Bearer`
//! by default, or a cookie, or a header), verifies it with a
//! [`cognito_verify::CognitoVerifier`], puts the verified `Arc<`[`CognitoClaims`](cognito_verify::CognitoClaims)`>`
//! in the request extensions and only then calls the service. Refused requests get RFC 6750
//! answers (401 `invalid_token`, 400 `invalid_request`, 403 `insufficient_scope`, 503 with
//! `Retry-After` when the signing keys cannot be fetched), or the same outcomes as gRPC statuses
//! for gRPC calls; see [`AuthError`]. The layer works with `axum::Router::layer` and
//! `route_layer` and with `tonic::transport::Server::builder().layer(..)`.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use axum::{Extension, Router, routing::get};
//! use cognito_tower::{CognitoLayer, TokenSource};
//! use cognito_verify::{CognitoClaims, CognitoVerifier, TokenUse};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?; // no network here: keys are fetched on first use
//!
//! let app = Router::new()
//!     .route("/me", get(|Extension(claims): Extension<Arc<CognitoClaims>>| async move { claims.sub.clone() }))
//!     .layer(
//!         CognitoLayer::new(verifier)
//!             .token_sources([TokenSource::Bearer, TokenSource::cookie("access_token")]),
//!     );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Behind an Application Load Balancer that authenticates users, [`AlbLayer`] verifies the
//! load balancer's signed `x-amzn-oidc-data` header with a [`cognito_verify::AlbVerifier`]
//! instead, and puts `Arc<`[`AlbClaims`](cognito_verify::AlbClaims)`>` in the extensions; see [`alb`].
//!
//! The request path, in module order: [`token_source`] → verifier → [`layer`] (claims into the
//! extensions, [`AuthContext`] for extractors further in) → on failure [`error`] (what the
//! outcome is) → [`response`] (how it is written) or an [`OnRejection`] hook.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

pub mod alb;
mod body;
pub mod context;
pub mod error;
pub mod layer;
pub mod on_rejection;
pub mod response;
pub mod token_source;

pub use alb::{ALB_DATA_HEADER, AlbLayer, AlbResponseFuture, AlbService};
pub use body::ResponseBody;
pub use context::AuthContext;
pub use error::{AuthError, Match};
pub use layer::{CognitoLayer, CognitoService, ResponseFuture};
pub use on_rejection::OnRejection;
pub use response::is_grpc;
pub use token_source::TokenSource;
