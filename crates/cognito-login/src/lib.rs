#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod authenticator;
mod builder;
mod config;
mod core;
mod endpoints;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod login;
mod pages;
mod rejection;
mod return_to;
mod routes;
mod same_origin;
mod secrets;
mod session_data;
mod sign_ins;
mod store;
mod token_client;

pub use authenticator::{CROSS_SITE_REQUEST, SessionAuthenticator};
pub use builder::CognitoLoginBuilder;
pub use cognito_http::SecretSource;
pub use config::{
    DEFAULT_MAX_SIGN_INS_IN_PROGRESS, DEFAULT_REFRESH_BEFORE, DEFAULT_SESSION_INACTIVITY,
    DEFAULT_SESSION_STORE_CONCURRENCY, DEFAULT_SESSION_STORE_TIMEOUT, SIGN_IN_TIMEOUT,
};
pub use endpoints::Endpoints;
pub use error::{LoginConfigError, LoginError};
pub use login::CognitoLogin;
pub use pages::escape_html;
pub use rejection::{LoginRejection, is_page_navigation};
pub use return_to::safe_return_path;
pub use store::LoginStore;
/// The tower-sessions this crate is built on (0.14: the newest whose core the Redis store,
/// `tower-sessions-redis-store` 0.16, implements). Take `MemoryStore` and the other session
/// types from here, so that [`CognitoLogin::session_layer`] gets a store of the same version;
/// a `tower-sessions` dependency of another major is a different crate to the compiler.
pub use tower_sessions;
