//! A local issuer that behaves like an Amazon Cognito user pool, for tests, examples and demos.
//!
//! [`TestIssuer`] serves a user pool's JWKS and OIDC discovery document and a
//! `client_credentials` `/oauth2/token` endpoint over HTTP on `127.0.0.1`, and mints
//! Cognito-shaped access and ID tokens with [`TokenBuilder`]. Keys can be added, rotated,
//! retired and removed ([`KeyKind`]); endpoints can be made to fail ([`Fault`]); and every
//! endpoint counts the requests it served.
//!
//! It also stands in for an Application Load Balancer: [`TestIssuer::alb_token`] mints
//! `x-amzn-oidc-data` tokens ([`AlbTokenBuilder`]) and `GET /alb-keys/{kid}` serves their public
//! keys as PEM ([`TestIssuer::alb_key_endpoint`]).
//!
//! It also plays Cognito's hosted login for browser apps: `GET /oauth2/authorize` shows a
//! sign-in form for the [`TestUser`]s the test added, and the authorization-code grant (with
//! PKCE), the refresh grant, `/oauth2/revoke`, `/logout` and `/oauth2/userInfo` behave as
//! Cognito's do for [`ClientRegistration`]s with callback URLs. Tokens are minted by the
//! issuer's [`TestClock`], which a test can freeze and move.
//!
//! [`TestBrowser`] drives such an app the way a browser does: cookies, redirects, the login
//! form.
//!
//! For tests that call an app over real HTTP, [`serve_router`] serves an axum `Router` on a
//! loopback port, and [`eventually`] waits on a condition instead of sleeping.
//!
//! ```
//! use std::time::Duration;
//! use cognito_testkit::{ClientRegistration, TestIssuer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let issuer = TestIssuer::builder()
//!     .client(ClientRegistration::new("m2m-client", "s3cret").scopes(["transactions/post"]))
//!     .start()
//!     .await;
//!
//! // A user's access token, and a machine-to-machine one.
//! let user = issuer.access_token().groups(["admin"]).sign();
//! let m2m = issuer
//!     .client_credentials_token("m2m-client")
//!     .lifetime(Duration::from_secs(300))
//!     .sign();
//! assert_eq!(user.split('.').count(), 3);
//! assert_ne!(user, m2m);
//!
//! // What a verifier is pointed at.
//! assert_eq!(issuer.issuer_url(), format!("{}/local-1_TestPool1", issuer.base_url()));
//! assert_eq!(issuer.jwks_url(), format!("{}/.well-known/jwks.json", issuer.issuer_url()));
//! let _verifier = issuer.verifier();
//!
//! // The JWKS endpoint, down for one request.
//! issuer.set_jwks_fault_for(cognito_testkit::Fault::Status(503), 1);
//! # }
//! ```
//!
//! Tokens are signed with aws-lc-rs: RS256 with RSA keys (RS384/RS512 when the header says
//! so), ES256/ES384 and EdDSA for the other [`KeyKind`]s, plus `alg: none` and HS256 tokens for
//! negative tests.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod alb;
mod authorize;
mod browser;
mod builder;
mod client;
mod client_auth;
mod clock;
mod code_grant;
mod conn;
mod faults;
mod hosted_login;
mod issuer;
mod issuer_formats;
mod jwks;
mod jws;
mod keys;
mod login_page;
mod login_state;
mod oauth_error;
mod serve;
mod server;
mod sign_out;
mod token;
mod token_endpoint;
mod user;
mod user_info;
mod wait;

pub use alb::{AlbTokenBuilder, DEFAULT_ALB_ARN};
pub use browser::{Page, TestBrowser};
pub use builder::TestIssuerBuilder;
pub use client::{ClientRegistration, DEFAULT_REFRESH_TOKEN_LIFETIME};
pub use clock::TestClock;
pub use faults::{Fault, GARBAGE_BODY};
pub use issuer::{DEFAULT_CLIENT_ID, DEFAULT_POOL_ID, DEFAULT_USERNAME, TestIssuer};
pub use issuer_formats::IssuerFormat;
pub use jws::{decode_token, tamper_payload, tamper_signature};
pub use keys::KeyKind;
pub use login_state::{AUTHORIZATION_CODE_LIFETIME, HOSTED_SESSION_COOKIE, HostedLoginCounts};
pub use serve::serve_router;
pub use token::{DEFAULT_LIFETIME, TokenBuilder, USER_ADMIN_SCOPE};
pub use user::TestUser;
pub use wait::{eventually, unix_now};
