#![doc = include_str!("../README.md")]
//!
//! ## Map of the crate
//!
//! Where this crate sits in the whole data path (token source → `Authenticate` → claims in the
//! extensions → extractors and guards) is in `docs/architecture.md`.
//!
//! The request path: [`TokenSource`] → [`Authenticate`] (the verifier) → [`AuthService`] (claims
//! and [`AuthContext`] into the extensions) → on failure [`AuthError`] (what the outcome is) and
//! its response, or an [`OnRejection`] hook.
//!
//! With the `lambda` feature, `ApiGatewayLayer` authenticates Lambda events by the claims API
//! Gateway's Cognito or JWT authorizer already verified (see its trust model).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod alb;
#[cfg(feature = "lambda")]
mod api_gateway;
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
mod request_span;
mod resource_metadata;
mod response;
mod scopes_and_groups;
mod token_source;
#[cfg(feature = "tonic")]
mod tonic_claims;

pub use alb::{ALB_DATA_HEADER, AlbLayer};
#[cfg(feature = "lambda")]
pub use api_gateway::{ApiGatewayLayer, TrustApiGateway};
pub use authenticate::{Authenticate, BoxAuthFuture, Credentials};
pub use body::ResponseBody;
pub use cognito::CognitoLayer;
pub use context::AuthContext;
pub use error::{AuthError, Match};
pub use layer::{AuthLayer, AuthService, ResponseFuture};
pub use on_rejection::OnRejection;
pub use other_schemes::OtherSchemes;
pub use request_span::{CLIENT_ID_FIELD, SUB_FIELD};
pub use resource_metadata::{
    ResourceMetadata, ResourceMetadataError, ResourceMetadataService, WELL_KNOWN_PATH,
};
pub use response::is_grpc;
pub use scopes_and_groups::{Grants, ScopesAndGroups};
pub use token_source::{Token, TokenSource};
#[cfg(feature = "tonic")]
pub use tonic_claims::RequestClaims;
