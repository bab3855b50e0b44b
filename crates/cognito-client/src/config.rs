//! The validated configuration token requests are made with, and [`ClientAuth`], how the client
//! authenticates.

use cognito_http::RequestLimits;
use http::HeaderValue;
use url::Url;

use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
///
/// ```
/// use cognito_client::{ClientAuth, ClientCredentials};
///
/// let tokens = ClientCredentials::builder()
///     .domain("my-app", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .client_secret("s3cret")
///     .auth_method(ClientAuth::Post) // the secret in the form body instead of `Authorization: Basic`
///     .build()?;
/// # let _ = tokens;
/// # Ok::<(), cognito_client::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: `Authorization: Basic base64(id:secret)`, id and secret each
    /// form-urlencoded first. Cognito's default.
    #[default]
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
}

/// The validated configuration the token requests are made with.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) endpoint: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) auth: ClientAuth,
    /// `Basic …` for [`ClientAuth::Basic`], computed once and marked sensitive.
    pub(crate) basic_authorization: Option<HeaderValue>,
    pub(crate) limits: RequestLimits,
    pub(crate) retry: RetryPolicy,
}
