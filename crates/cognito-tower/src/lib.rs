#![doc = include_str!("../README.md")]
//!
//! ## Map of the crate
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
mod layer;
mod on_rejection;
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
pub use response::is_grpc;
pub use token_source::{Token, TokenSource};
