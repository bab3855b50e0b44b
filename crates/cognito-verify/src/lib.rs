//! Local verification of Amazon Cognito access and ID tokens.
//!
//! Build a [`CognitoVerifier`] once, then call [`CognitoVerifier::verify`] per request. It checks
//! everything AWS documents (signature with the pool's JWKS key, `iss`, `token_use`,
//! `client_id`/`aud`, `exp`/`nbf`/`iat`, and optionally scopes, groups and a custom check)
//! without calling Cognito per token, and remembers verified tokens so a repeat costs well under
//! a microsecond.
//!
//! ```no_run
//! use cognito_verify::{CognitoVerifier, TokenUse};
//!
//! # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?; // no network: keys are fetched on first use
//!
//! let claims = verifier.verify(token).await?;
//! assert!(claims.scopes.contains("transactions/post"));
//! # Ok(()) }
//! ```
//!
//! Behind an Application Load Balancer that authenticates users, [`AlbVerifier`] verifies the
//! `x-amzn-oidc-data` header the load balancer signs; see [`alb`].
//!
//! The data path, in module order: [`token`] (segments, header, algorithm allow-list) →
//! `jwks` (key set cache) → `keys` (JWK parsing, signature) → [`claims`] → `verifier`
//! (claim checks, verified-token cache). See `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

pub mod alb;
pub mod claims;
mod config;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod json;
mod jwks;
mod keys;
pub mod token;
mod token_cache;
mod verifier;

pub use alb::{AlbClaims, AlbVerifier, AlbVerifierBuilder};
pub use claims::{CognitoClaims, NoCustomClaims, ScopeSet};
pub use config::{
    CognitoVerifierBuilder, CustomCheck, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_TOKEN_CACHE_CAPACITY, MAX_LEEWAY,
    TokenUse,
};
pub use error::{ConfigError, VerifyError};
pub use jwks::JwksOptions;
pub use token::Algorithm;
pub use verifier::CognitoVerifier;
