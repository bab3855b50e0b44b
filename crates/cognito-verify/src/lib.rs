#![doc = include_str!("../README.md")]
//!
//! ## Map of the crate
//!
//! The data path, in module order: [`jws`] (segments, base64url, header, NumericDate, clock) →
//! the issuer's `jwks` (key set cache) → `keys` (JWK parsing, signature) → `claims` → `checks`
//! (claim checks, against the `clock`; a refusal carries the `verified_claims`) in `verifier`,
//! then the `async_check` if any; the verifier remembers verified tokens in `token_cache`, and
//! reports through `telemetry` (span, and `instruments` with the `metrics` feature).
//! Configuration: `builder` (and `env`) → `validation` → `config`. Outbound HTTP follows one
//! policy, from the internal `cognito-http` crate. See `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

pub(crate) mod alb;
mod algorithm;
mod async_check;
mod builder;
mod checks;
mod claims;
mod clock;
mod config;
mod crypto;
mod error;
#[doc(hidden)]
pub mod fuzz;
#[cfg(feature = "metrics")]
mod instruments;
mod issuer;
mod json;
mod jwks;
pub mod jws;
mod keys;
mod outcome;
mod revocation;
mod scope_set;
mod telemetry;
mod token_cache;
mod token_use;
mod validation;
mod verified_claims;
mod verifier;

pub use alb::{
    AlbClaims, AlbKeyOptions, AlbVerifier, AlbVerifierBuilder, DEFAULT_ALB_FETCH_BURST,
    DEFAULT_ALB_FETCH_RATE, DEFAULT_ALB_KEY_CACHE_CAPACITY, DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT,
    DEFAULT_ALB_MAX_TOKEN_BYTES, DEFAULT_ALB_NEGATIVE_CACHE_CAPACITY, MAX_ALB_KID_LEN,
};
pub use algorithm::Algorithm;
pub use async_check::{Rejection, VerifiedToken};
pub use builder::{CognitoVerifierBuilder, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_TOKEN_CACHE_CAPACITY};
pub use claims::{ClaimStrings, CognitoClaims, NoCustomClaims};
pub use clock::{Clock, SystemClock};
pub use config::CustomCheck;
pub use error::{ConfigError, VerifyError};
pub use issuer::IssuerFormats;
pub use jwks::{DEFAULT_MAX_RETRY_AFTER, JwksOptions};
pub use revocation::{
    DEFAULT_MAX_TOKEN_LIFETIME, MemoryRevocations, RevocationEntry, RevocationError, RevocationStatus,
    Revocations, RevokeFuture, RevokedBy, TokenOrigin,
};
pub use scope_set::ScopeSet;
pub use token_use::TokenUse;
pub use validation::MAX_LEEWAY;
pub use verified_claims::VerifiedClaims;
pub use verifier::CognitoVerifier;
