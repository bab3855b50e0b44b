//! [`CognitoVerifierBuilder::resources`] and [`CognitoVerifierBuilder::user_pool_resources`]:
//! the audience check of resource-bound access tokens (RFC 8707, RFC 9068 §4).

use super::CognitoVerifierBuilder;
use crate::error::ConfigError;
use crate::token_use::TokenUse;
use crate::validation::ByPool;

impl<C> CognitoVerifierBuilder<C> {
    /// This resource server's identifiers (RFC 8707 resource indicators, e.g.
    /// `https://api.example.com`): an access token is accepted only when its `aud` names one of
    /// them, as RFC 9068 §4 asks of a resource server. A token without `aud` (one requested
    /// without a `resource` parameter), or bound to another resource, is refused with
    /// [`VerifyError::ResourceMismatch`](crate::VerifyError::ResourceMismatch) (401
    /// `invalid_token` behind the tower layer).
    ///
    /// Cognito binds an access token to a resource when the client asks for it with the
    /// `resource` parameter (resource binding, Cognito developer guide, "Scopes, M2M, and
    /// resource servers"); tokens requested without it carry no `aud` and keep working with a
    /// verifier that does not call this. ID tokens are not affected: their `aud` is the app
    /// client, checked by [`client_ids`](Self::client_ids). The client check of access tokens
    /// (`client_id`) still applies.
    ///
    /// An empty list, or an empty identifier, is [`ConfigError::EmptyList`]; with
    /// `token_use(TokenUse::Id)` it is an [`OutOfRange`](ConfigError::OutOfRange) mistake, since
    /// no access token would ever be checked.
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .client_ids(["4a1bexampleclientid"])
    ///     .resources(["https://api.example.com"])
    ///     .build()?;
    /// assert_eq!(verifier.resources().collect::<Vec<_>>(), ["https://api.example.com"]);
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn resources(mut self, resources: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.resources = Some(resources.into_iter().map(Into::into).collect());
        self
    }

    /// The [`resources`](Self::resources) of one user pool, in place of the general list for
    /// that pool's issuers: for a verifier that serves several pools whose resource servers are
    /// named differently (as [`user_pool_with_clients`](Self::user_pool_with_clients) does for
    /// clients). The pool must be trusted by [`user_pool`](Self::user_pool) or
    /// `user_pool_with_clients`, else `build` fails with
    /// [`OutOfRange`](ConfigError::OutOfRange). Pools without their own list use the general
    /// one, or have no audience check when there is none.
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool_with_clients("eu-west-1_AbCdEf123", ["web-client"])
    ///     .user_pool_with_clients("us-east-1_XyZ987654", ["partner-client"])
    ///     .user_pool_resources("eu-west-1_AbCdEf123", ["https://api.example.eu"])
    ///     .user_pool_resources("us-east-1_XyZ987654", ["https://api.example.com"])
    ///     .token_use(TokenUse::Access)
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn user_pool_resources(
        mut self,
        pool_id: impl Into<String>,
        resources: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.pool_resources.push((pool_id.into(), resources.into_iter().map(Into::into).collect()));
        self
    }

    /// The validated resources: the general list (`None` when not set) and the lists by pool,
    /// each without duplicates, in configuration order.
    #[allow(clippy::type_complexity)]
    pub(super) fn validated_resources(
        &self,
        token_use: TokenUse,
    ) -> Result<(Option<Vec<String>>, ByPool<Vec<String>>), ConfigError> {
        let general = self.resources.as_deref().map(checked_list).transpose()?;
        let mut by_pool: ByPool<Vec<String>> = ByPool::default();
        for (pool, resources) in &self.pool_resources {
            if !self.pools.contains(pool) {
                return Err(ConfigError::OutOfRange {
                    option: "user_pool_resources",
                    reason: "names a user pool this builder does not trust: call user_pool(..) for it too",
                });
            }
            let list = by_pool.entry(pool.clone()).or_default();
            for resource in checked_list(resources)? {
                if !list.contains(&resource) {
                    list.push(resource);
                }
            }
        }
        if token_use == TokenUse::Id && (general.is_some() || !by_pool.is_empty()) {
            return Err(ConfigError::OutOfRange {
                option: "resources",
                reason: "checks access tokens' aud, and token_use(TokenUse::Id) accepts none; ID tokens' aud is checked by client_ids",
            });
        }
        Ok((general, by_pool))
    }
}

/// `resources` without duplicates; none empty, and at least one.
fn checked_list(resources: &[String]) -> Result<Vec<String>, ConfigError> {
    if resources.is_empty() || resources.iter().any(|r| r.trim().is_empty()) {
        return Err(ConfigError::EmptyList { option: "resources" });
    }
    let mut list: Vec<String> = Vec::with_capacity(resources.len());
    for resource in resources {
        if !list.contains(resource) {
            list.push(resource.clone());
        }
    }
    Ok(list)
}
