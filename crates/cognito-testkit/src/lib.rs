#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod alb;
mod alb_key_ring;
mod authorize;
mod browser;
mod builder;
mod challenge;
mod client;
mod client_auth;
mod clock;
mod code_grant;
mod conn;
mod defaults;
mod faults;
mod fuzz_corpus;
mod hosted_login;
mod issuer;
mod issuer_formats;
mod jwks;
mod jws;
mod keys;
mod lock;
mod login_page;
mod login_state;
mod oauth_error;
mod serve;
mod server;
mod shared;
mod sign_out;
mod test_app;
mod token;
mod token_endpoint;
mod user;
mod user_info;
mod wait;

pub use alb::{AlbTokenBuilder, DEFAULT_ALB_ARN};
pub use browser::{Page, TestBrowser};
pub use builder::TestIssuerBuilder;
pub use challenge::Challenge;
pub use client::{ClientRegistration, DEFAULT_REFRESH_TOKEN_LIFETIME};
pub use clock::TestClock;
pub use defaults::{DEFAULT_CLIENT_ID, DEFAULT_LIFETIME, DEFAULT_POOL_ID, DEFAULT_USERNAME};
pub use faults::{Fault, GARBAGE_BODY};
pub use fuzz_corpus::replay_fuzz_corpus;
pub use issuer::TestIssuer;
pub use issuer_formats::IssuerFormat;
pub use jws::{decode_token, tamper_payload, tamper_signature};
pub use keys::KeyKind;
pub use login_state::{AUTHORIZATION_CODE_LIFETIME, HOSTED_SESSION_COOKIE, HostedLoginCounts};
pub use serve::serve_router;
pub use test_app::{TestApp, response_header};
pub use token::{TokenBuilder, USER_ADMIN_SCOPE};
pub use user::TestUser;
pub use wait::{eventually, unix_now};
