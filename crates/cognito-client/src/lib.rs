#![doc = include_str!("../README.md")]
//!
//! ## Map of the crate
//!
//! The path of a token, in module order: `builder` (validation, `endpoint`) → `provider` →
//! `cache` (per-scope slots, single flight, refresh ahead) → `request` (the HTTP request with the
//! validated `config`, `retry`, response parsing) → [`AccessToken`] → `reqwest_ext` / `layer`.
//! Outbound HTTP follows one policy, from the internal `cognito-http` crate. The crates and what
//! each does: `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod builder;
mod cache;
mod config;
mod endpoint;
mod error;
mod form;
#[doc(hidden)]
pub mod fuzz;
#[cfg(feature = "metrics")]
mod instruments;
mod key;
mod layer;
mod provider;
mod request;
mod reqwest_ext;
mod retry;
mod scope;
mod secret;
mod token;

pub use builder::{
    ClientCredentialsBuilder, DEFAULT_EXPIRY_MARGIN, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REFRESH_AHEAD,
};
pub use cognito_http::SecretSource;
pub use config::ClientAuth;
pub use error::{ConfigError, OAuthErrorCode, TokenError};
pub use layer::{ClientCredentialsLayer, ClientCredentialsService, ResponseFuture};
pub use provider::ClientCredentials;
pub use reqwest_ext::RequestBuilderExt;
pub use retry::DEFAULT_MAX_ATTEMPTS;
pub use token::AccessToken;
