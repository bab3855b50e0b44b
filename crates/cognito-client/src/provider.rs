//! [`ClientCredentials`]: the token provider callers hold.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::cache::{Timing, TokenCache};
use crate::config::{ClientAuth, Config};
use crate::error::{ConfigError, TokenError};
use crate::key::{TokenKey, parse_resource};
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
    key: TokenKey,
}

impl ClientCredentials {
    pub(crate) fn new(
        config: Config,
        http: reqwest::Client,
        timing: Timing,
        scopes: ScopeSet,
        resource: Option<Arc<str>>,
    ) -> Self {
        let cache = Arc::new(TokenCache::new(TokenRequester::new(config, http), timing));
        ClientCredentials { cache, key: TokenKey { scopes, resource } }
    }

    /// A token for the configured [scopes](crate::ClientCredentialsBuilder::scopes) and
    /// [resource](crate::ClientCredentialsBuilder::resource).
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        self.cache.get(&self.key).await
    }

    /// A token for these scopes and the configured resource (order and duplicates don't matter;
    /// each distinct set is cached on its own, and kept for the provider's lifetime: use a
    /// small, fixed number of sets).
    pub fn access_token_for<I, S>(
        &self,
        scopes: I,
    ) -> impl Future<Output = Result<AccessToken, TokenError>> + Send + '_
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let key = ScopeSet::parse(scopes)
            .map(|scopes| TokenKey { scopes, resource: self.key.resource.clone() })
            .map_err(TokenError::InvalidScope);
        async move { self.cache.get(&key?).await }
    }

    /// A provider for other default scopes that shares this one's client, cache and
    /// configuration: for example one per tower layer.
    pub fn with_scopes<I, S>(&self, scopes: I) -> Result<ClientCredentials, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = ScopeSet::parse(scopes).map_err(ConfigError::InvalidScope)?;
        let key = TokenKey { scopes, resource: self.key.resource.clone() };
        Ok(ClientCredentials { cache: Arc::clone(&self.cache), key })
    }

    /// A provider for another resource (RFC 8707), or none, that shares this one's client,
    /// cache and configuration: tokens are cached per scope set and resource.
    ///
    /// ```
    /// use cognito_client::ClientCredentials;
    ///
    /// let orders = ClientCredentials::builder()
    ///     .domain("my-app", "eu-west-1")
    ///     .client_id("4a1bexampleclientid")
    ///     .client_secret("example-secret")
    ///     .resource("https://orders.example.com")
    ///     .build()?;
    /// let billing = orders.with_resource(Some("https://billing.example.com"))?;
    /// assert_eq!(billing.resource(), Some("https://billing.example.com"));
    /// # Ok::<(), cognito_client::ConfigError>(())
    /// ```
    pub fn with_resource(&self, resource: Option<&str>) -> Result<ClientCredentials, ConfigError> {
        let resource = resource.map(parse_resource).transpose().map_err(ConfigError::InvalidResource)?;
        let key = TokenKey { scopes: self.key.scopes.clone(), resource };
        Ok(ClientCredentials { cache: Arc::clone(&self.cache), key })
    }

    /// The resource tokens are asked for, if any.
    pub fn resource(&self) -> Option<&str> {
        self.key.resource.as_deref()
    }

    /// The cached token for the default scopes, if one may still be handed out. Never waits.
    pub(crate) fn cached_token(&self) -> Option<AccessToken> {
        self.cache.cached(&self.key)
    }

    /// Forgets every cached token (all scope sets), e.g. after an API answered 401 to one: the
    /// next call fetches a new token.
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// The default scopes, sorted.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.key.scopes.iter()
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
            .field("client_secret", &"<redacted>")
            .field("auth_method", &auth)
            .field("scopes", &self.key.scopes.as_str())
            .field("resource", &self.key.resource)
            .field("token_requests", &self.token_requests())
            .finish()
    }
}
