//! [`CognitoVerifierBuilder::user_pool_with_clients`].

use super::CognitoVerifierBuilder;

impl<C> CognitoVerifierBuilder<C> {
    /// Trust the user pool `pool_id`, as [`user_pool`](Self::user_pool) does, accepting only the
    /// tokens of its app clients `ids` (`client_id` of access tokens, `aud` of ID tokens): for a
    /// verifier that serves several pools, each with its own clients (like aws-jwt-verify's
    /// `CognitoJwtVerifier.create([{ userPoolId, clientId }, ...])`). These replace
    /// [`client_ids`](Self::client_ids) / [`any_client`](Self::any_client) for this pool's
    /// issuers, which then need not be called when every issuer is such a pool. An empty list,
    /// or an empty id, is [`ConfigError::EmptyClientIds`](crate::ConfigError::EmptyClientIds).
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool_with_clients("eu-west-1_AbCdEf123", ["web-client", "mobile-client"])
    ///     .user_pool_with_clients("us-east-1_XyZ987654", ["partner-client"])
    ///     .token_use(TokenUse::Access)
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn user_pool_with_clients(
        mut self,
        pool_id: impl Into<String>,
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        let pool_id = pool_id.into();
        self.pool_clients.push((pool_id.clone(), ids.into_iter().map(Into::into).collect()));
        self.user_pool(pool_id)
    }
}
