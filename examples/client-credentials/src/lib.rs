//! A machine-to-machine consumer of the api example (the "client credentials" pattern).
//!
//! The consumer holds a [`cognito_client::ClientCredentials`] provider for its app client and
//! the scope `transactions/post`, and calls the api example with the provider's tokens:
//! `POST /transactions` twice (one token request: the second call reuses the cached token), then
//! `GET /transactions`, which needs `transactions/get` and so answers 403 `insufficient_scope`.
//! See [`run`].
//!
//! By default the binary runs everything locally ([`LocalSetup`]: a test issuer with the app
//! client registered, and the api example in-process); with `COGNITO_DOMAIN`, `AWS_REGION`,
//! `COGNITO_CLIENT_ID` and `COGNITO_CLIENT_SECRET` it uses a real user pool and the api example
//! running at `API_URL` ([`RemoteTarget`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), client_credentials::Error> {
//! let local = client_credentials::LocalSetup::start().await?;
//! let report = client_credentials::run(&local.api_url, &local.tokens, &mut std::io::stdout()).await?;
//! assert_eq!(report.token_requests_after_second, 1);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod env;
mod error;
mod flow;
mod local;

pub use env::{DEFAULT_API_URL, RemoteTarget};
pub use error::Error;
pub use flow::{GET_SCOPE, POST_SCOPE, Report, run};
pub use local::{LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LocalSetup, local_client, local_provider};
