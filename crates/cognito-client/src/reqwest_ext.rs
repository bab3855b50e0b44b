//! Bearer auth for `reqwest` requests from a [`ClientCredentials`] provider.

use std::future::Future;

use http::header::AUTHORIZATION;

use crate::error::TokenError;
use crate::provider::ClientCredentials;

/// Adds `Authorization: Bearer {token}` to a [`reqwest::RequestBuilder`].
///
/// ```no_run
/// use cognito_client::{ClientCredentials, RequestBuilderExt as _};
///
/// # async fn run(tokens: ClientCredentials) -> Result<(), Box<dyn std::error::Error>> {
/// let http = reqwest::Client::new();
/// let response = http
///     .post("https://api.example.com/transactions")
///     .bearer_auth_from(&tokens)
///     .await?
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
pub trait RequestBuilderExt: Sized {
    /// Sets the `Authorization` header to a token from `tokens` (its default scopes), marked
    /// sensitive. Fails when no token can be obtained.
    fn bearer_auth_from(
        self,
        tokens: &ClientCredentials,
    ) -> impl Future<Output = Result<Self, TokenError>> + Send;
}

impl RequestBuilderExt for reqwest::RequestBuilder {
    async fn bearer_auth_from(self, tokens: &ClientCredentials) -> Result<Self, TokenError> {
        let token = tokens.access_token().await?;
        Ok(self.header(AUTHORIZATION, token.authorization()))
    }
}
