//! Internal support crate of cognito-rs: the one outbound HTTP policy of `cognito-verify` (JWKS
//! and ALB key fetches) and `cognito-client` (token requests). Not meant for direct use; its API
//! follows the needs of those crates and may change in any release.
//!
//! - [`check_url`]: which URLs may be fetched (`https`; plain `http` only for loopback or on
//!   explicit opt-in; no credentials), and [`is_region`] for AWS regions put into host names.
//! - [`RequestLimits`]: timeouts and response size cap; [`RequestLimits::client`] builds the
//!   `reqwest` client (no redirects), [`read_capped`] reads a body within the cap, and
//!   [`request_limit_setters!`] gives an options type the builder methods that set them.
//! - [`describe`]: one line, safe to log, for a failed request.
//! - [`Backoff`]: exponential backoff with jitter, from one source of randomness.
//! - `define_inner_service_accessors!`: `get_ref`/`get_mut`/`into_inner` for the middleware
//!   services of `cognito-tower`, `cognito-axum` and `cognito-client`.
//!
//! Which crate does what, and the data path they share: `docs/architecture.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod backoff;
mod body;
mod describe;
mod limits;
mod out_of_range;
mod service_accessors;
mod url_rules;

pub use backoff::Backoff;
pub use body::{BodyError, read_capped};
pub use describe::describe;
pub use limits::RequestLimits;
pub use out_of_range::OutOfRange;
pub use url_rules::{UrlError, UrlRules, check_url, is_region};
