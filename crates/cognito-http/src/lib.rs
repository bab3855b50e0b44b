#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod backoff;
mod body;
mod client_secret;
mod describe;
mod limits;
mod out_of_range;
mod resource;
mod response_url;
mod service_accessors;
pub mod tls;
mod url_rules;

pub use backoff::Backoff;
pub use body::{BodyError, read_capped};
pub use client_secret::{ClientSecrets, Secret, SecretSource};
pub use describe::describe;
pub use limits::RequestLimits;
pub use out_of_range::OutOfRange;
pub use resource::is_resource_indicator;
pub use response_url::check_response_url;
pub use url_rules::{UrlError, UrlRules, check_url, is_region};
