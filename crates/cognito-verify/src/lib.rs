//! Local verification of Amazon Cognito access and ID tokens.
//!
//! Build a [`CognitoVerifier`] once, then call [`CognitoVerifier::verify`] per request. It checks
//! everything AWS documents (signature with the pool's JWKS key, `iss`, `token_use`,
//! `client_id`/`aud`, `exp`/`nbf`/`iat`, and optionally scopes, groups and a custom check)
//! without calling Cognito per token, and remembers verified tokens so a repeat costs well under
//! a microsecond. The claims come back as an `Arc<`[`CognitoClaims`]`>`.
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
//! `x-amzn-oidc-data` header the load balancer signs, into an `Arc<`[`AlbClaims`]`>`.
//!
//! The data path, in module order: [`jws`] (segments, base64url, header, NumericDate, clock) →
//! the issuer's `jwks` (key set cache) → `keys` (JWK parsing, signature) → `claims` → `checks`
//! (claim checks) in `verifier`, which remembers verified tokens in `token_cache`. Configuration:
//! `builder` (and `env`) → `validation` → `config`. Outbound HTTP follows one policy, from the
//! internal `cognito-http` crate. See `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod alb;
mod algorithm;
mod builder;
mod checks;
mod claims;
mod config;
mod env;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod issuer;
mod json;
mod jwks;
pub mod jws;
mod keys;
mod scope_set;
mod token_cache;
mod token_use;
mod validation;
mod verifier;

pub use alb::{
    AlbClaims, AlbKeyOptions, AlbVerifier, AlbVerifierBuilder, DEFAULT_ALB_KEY_CACHE_CAPACITY,
    DEFAULT_ALB_MAX_TOKEN_BYTES, MAX_ALB_KID_LEN,
};
pub use algorithm::Algorithm;
pub use builder::{CognitoVerifierBuilder, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_TOKEN_CACHE_CAPACITY};
pub use claims::{CognitoClaims, NoCustomClaims};
pub use config::CustomCheck;
pub use error::{ConfigError, VerifyError};
pub use issuer::IssuerFormats;
pub use jwks::JwksOptions;
pub use scope_set::ScopeSet;
pub use token_use::TokenUse;
pub use validation::MAX_LEEWAY;
pub use verifier::CognitoVerifier;
