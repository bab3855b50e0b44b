//! A tower layer that protects HTTP and gRPC services with Amazon Cognito tokens.
//!
//! One middleware, [`AuthLayer`], generic over what authenticates the request (an
//! [`Authenticate`] implementation). [`CognitoLayer`] is that layer with a
//! [`CognitoVerifier`](cognito_verify::CognitoVerifier), [`AlbLayer`] with an
//! [`AlbVerifier`](cognito_verify::AlbVerifier) for the `x-amzn-oidc-data` header of an
//! Application Load Balancer.
//!
//! The layer takes the token from the request ([`TokenSource`]: `Authorization: Bearer` by
//! default, or a cookie, or a header), authenticates it, puts the claims in the request
//! extensions as `Arc<`[`CognitoClaims`](cognito_verify::CognitoClaims)`>` (or
//! `Arc<`[`AlbClaims`](cognito_verify::AlbClaims)`>`) and only then calls the service. Refused
//! requests get RFC 6750 answers (401 `invalid_token`, 400 `invalid_request`, 403
//! `insufficient_scope`, 503 with `Retry-After` when the signing keys cannot be fetched), or the
//! same outcomes as gRPC statuses for gRPC calls; see [`AuthError`]. It works with
//! `axum::Router::layer` and `route_layer` and with
//! `tonic::transport::Server::builder().layer(..)`.
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
//! let me = |Extension(claims): Extension<Arc<CognitoClaims>>| async move { claims.sub.clone() };
//! let app = Router::new().route("/me", get(me)).layer(
//!     CognitoLayer::new(verifier).token_sources([TokenSource::Bearer, TokenSource::cookie("access_token")]),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! A tonic service reads the same claims with
//! `request.extensions().get::<Arc<CognitoClaims>>()`; axum handlers are simpler with
//! `cognito-axum`'s `Claims` extractor.
//!
//! The request path: [`TokenSource`] → [`Authenticate`] (the verifier) → [`AuthService`] (claims
//! and [`AuthContext`] into the extensions) → on failure [`AuthError`] (what the outcome is) and
//! its response, or an [`OnRejection`] hook.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod macros;

mod alb;
mod authenticate;
mod body;
mod cognito;
mod context;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod layer;
mod on_rejection;
mod other_schemes;
mod response;
mod token_source;

pub use alb::{ALB_DATA_HEADER, AlbLayer};
pub use authenticate::{Authenticate, BoxAuthFuture, Credentials};
pub use body::ResponseBody;
pub use cognito::CognitoLayer;
pub use context::AuthContext;
pub use error::{AuthError, Match};
pub use layer::{AuthLayer, AuthService, ResponseFuture};
pub use on_rejection::OnRejection;
pub use other_schemes::OtherSchemes;
pub use response::is_grpc;
pub use token_source::{Token, TokenSource};
