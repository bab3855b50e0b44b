//! The validated configuration token requests are made with, and [`ClientAuth`], how the client
//! authenticates.

use cognito_http::RequestLimits;
use url::Url;

use crate::retry::RetryPolicy;
use crate::secret::ClientSecrets;

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
    /// form-urlencoded first. Cognito's default, and the safer one: an HTTP client drops the
    /// `Authorization` header on a redirect to another origin.
    #[default]
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body. The body is sent
    /// as one that cannot be replayed, so even an [`http_client`](crate::ClientCredentialsBuilder::http_client)
    /// that follows redirects does not re-post it on a 307 / 308.
    Post,
}

/// The validated configuration the token requests are made with.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) endpoint: Url,
    pub(crate) client_id: String,
    /// The secret, or the two of a rotation, and the one that last worked.
    pub(crate) secrets: ClientSecrets,
    pub(crate) auth: ClientAuth,
    pub(crate) limits: RequestLimits,
    pub(crate) retry: RetryPolicy,
}
