//! Amazon Cognito client-credentials (machine-to-machine) tokens for outgoing requests.
//!
//! Build a [`ClientCredentials`] provider once and ask it for tokens: it caches them per scope
//! set until shortly before they expire, refreshes them in the background ahead of that, makes
//! one request for any number of concurrent callers, retries transient failures with backoff,
//! and never shows the client secret in `Debug`, errors or logs.
//!
//! ```no_run
//! use cognito_client::{ClientCredentials, RequestBuilderExt as _};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let tokens = ClientCredentials::builder()
//!     .domain("my-app", "eu-west-1") // or .custom_domain(..), or .token_endpoint(url)
//!     .client_id("4a1bexampleclientid")
//!     .client_secret(std::env::var("COGNITO_CLIENT_SECRET")?)
//!     .scopes(["transactions/post"])
//!     .build()?; // no network yet
//!
//! let response = reqwest::Client::new()
//!     .post("https://api.example.com/transactions")
//!     .bearer_auth_from(&tokens) // cached token, fetched when needed
//!     .await?
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! For hyper or tonic clients, wrap the client service in a [`ClientCredentialsLayer`].
//!
//! The path of a token, in module order: `builder` (validation, `endpoint`) → `provider` →
//! `cache` (per-scope slots, single flight, refresh ahead) → `request` (the HTTP request with the
//! validated `config`, `retry`, response parsing) → [`AccessToken`] → `reqwest_ext` / `layer`.
//! Outbound HTTP follows one policy, from the internal `cognito-http` crate.
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
#[doc(hidden)]
pub mod fuzz;
#[cfg(feature = "metrics")]
mod instruments;
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
pub use config::ClientAuth;
pub use error::{ConfigError, OAuthErrorCode, TokenError};
pub use layer::{ClientCredentialsLayer, ClientCredentialsService, ResponseFuture};
pub use provider::ClientCredentials;
pub use reqwest_ext::RequestBuilderExt;
pub use retry::DEFAULT_MAX_ATTEMPTS;
pub use token::AccessToken;
