#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod alb;
mod builder;
mod client;
mod conn;
mod faults;
mod issuer;
mod jwks;
mod jws;
mod keys;
mod serve;
mod server;
mod token;
mod token_endpoint;
mod wait;

pub use alb::{AlbTokenBuilder, DEFAULT_ALB_ARN};
pub use builder::TestIssuerBuilder;
pub use client::ClientRegistration;
pub use faults::{Fault, GARBAGE_BODY};
pub use issuer::{DEFAULT_CLIENT_ID, DEFAULT_POOL_ID, DEFAULT_USERNAME, TestIssuer};
pub use jws::{decode_token, tamper_payload, tamper_signature};
pub use keys::KeyKind;
pub use serve::serve_router;
pub use token::{DEFAULT_LIFETIME, TokenBuilder, USER_ADMIN_SCOPE};
pub use wait::{eventually, unix_now};
