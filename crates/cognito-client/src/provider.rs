//! [`ClientCredentials`]: the token provider callers hold.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::cache::{Timing, TokenCache};
use crate::config::{ClientAuth, Config};
use crate::error::{ConfigError, TokenError};
use crate::request::TokenRequester;
use crate::scope::ScopeSet;
use crate::token::AccessToken;

/// Access tokens for one Cognito app client, by the OAuth 2.0 client-credentials grant.
///
/// Tokens are cached per scope set until shortly before they expire, and refreshed in the
/// background ahead of that, so a caller rarely waits. Concurrent callers that need a new token
/// share one request; transient failures (429, 5xx, timeouts, connection errors) are retried
/// with backoff; OAuth errors (`invalid_client`, `invalid_scope`, ...) are returned at once.
///
/// Cloning is cheap and shares the cache.
///
/// ```no_run
/// use cognito_client::ClientCredentials;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let tokens = ClientCredentials::builder()
///     .domain("my-app", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .client_secret(std::env::var("COGNITO_CLIENT_SECRET")?)
///     .scopes(["transactions/post"])
///     .build()?;
///
/// let token = tokens.access_token().await?; // one request
/// let again = tokens.access_token().await?; // cached
/// assert_eq!(token, again);
/// let other = tokens.access_token_for(["transactions/get"]).await?; // its own cache entry
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientCredentials {
    cache: Arc<TokenCache>,
    scopes: ScopeSet,
}

impl ClientCredentials {
    pub(crate) fn new(config: Config, http: reqwest::Client, timing: Timing, scopes: ScopeSet) -> Self {
        let cache = Arc::new(TokenCache::new(TokenRequester::new(config, http), timing));
        ClientCredentials { cache, scopes }
    }

    /// A token for the configured [scopes](crate::ClientCredentialsBuilder::scopes).
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        self.cache.get(&self.scopes).await
    }

    /// A token for these scopes (order and duplicates don't matter; each distinct set is cached
    /// on its own, and kept for the provider's lifetime: use a small, fixed number of sets).
    pub fn access_token_for<I, S>(
        &self,
        scopes: I,
    ) -> impl Future<Output = Result<AccessToken, TokenError>> + Send + '_
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = ScopeSet::parse(scopes).map_err(TokenError::InvalidScope);
        async move { self.cache.get(&scopes?).await }
    }

    /// A provider for other default scopes that shares this one's client, cache and
    /// configuration: for example one per tower layer.
    pub fn with_scopes<I, S>(&self, scopes: I) -> Result<ClientCredentials, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = ScopeSet::parse(scopes).map_err(ConfigError::InvalidScope)?;
        Ok(ClientCredentials { cache: Arc::clone(&self.cache), scopes })
    }

    /// The cached token for the default scopes, if one may still be handed out. Never waits.
    pub(crate) fn cached_token(&self) -> Option<AccessToken> {
        self.cache.cached(&self.scopes)
    }

    /// Forgets every cached token (all scope sets), e.g. after an API answered 401 to one: the
    /// next call fetches a new token.
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// The default scopes, sorted.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter()
    }

    /// The token endpoint URL.
    pub fn token_endpoint(&self) -> &str {
        self.cache.requester().config().endpoint.as_str()
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.cache.requester().config().client_id
    }

    /// HTTP requests this provider (and the providers sharing its cache) sent to the token
    /// endpoint, retries included. With a working cache it grows by about one per token
    /// lifetime and scope set.
    pub fn token_requests(&self) -> u64 {
        self.cache.requester().requests()
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.cache.requester().config();
        let auth = match config.auth {
            ClientAuth::Basic => "client_secret_basic",
            ClientAuth::Post => "client_secret_post",
        };
        f.debug_struct("ClientCredentials")
            .field("token_endpoint", &config.endpoint.as_str())
            .field("client_id", &config.client_id)
            .field("client_secret", &config.client_secret)
            .field("auth_method", &auth)
            .field("scopes", &self.scopes.as_str())
            .field("token_requests", &self.token_requests())
            .finish()
    }
}
