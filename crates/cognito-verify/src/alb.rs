//! Verification of the `x-amzn-oidc-data` header an Application Load Balancer signs after it
//! authenticated a user: [`AlbVerifier`] (the checks, in order, are listed there), configured by
//! [`AlbVerifierBuilder`] and [`AlbKeyOptions`], handing out [`AlbClaims`].
//!
//! The token is read with the same [`jws`](crate::jws) pieces as Cognito tokens (with `=`
//! padding allowed and the ALB header members); keys come from the load balancer's key endpoint,
//! one PEM document per `kid` ([`keys`]).

mod builder;
mod claims;
mod config;
pub(crate) mod demand;
pub(crate) mod fetch_budget;
mod key;
mod key_fetch;
mod keys;
mod negative_cache;
pub(crate) mod options;
mod verifier;

pub use self::builder::{AlbVerifierBuilder, DEFAULT_ALB_MAX_TOKEN_BYTES};
pub use self::claims::AlbClaims;
pub use self::options::{
    AlbKeyOptions, DEFAULT_ALB_FETCH_BURST, DEFAULT_ALB_FETCH_RATE, DEFAULT_ALB_KEY_CACHE_CAPACITY,
    DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT, DEFAULT_ALB_NEGATIVE_CACHE_CAPACITY,
};
pub use self::verifier::{AlbVerifier, MAX_ALB_KID_LEN};
