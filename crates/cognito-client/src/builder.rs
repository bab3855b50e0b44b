//! [`ClientCredentialsBuilder`]: the provider's configuration, validated by
//! [`build`](ClientCredentialsBuilder::build) without any network call.

use std::sync::Arc;
use std::time::Duration;

use cognito_http::{RequestLimits, SecretSource};

use crate::cache::Timing;
use crate::config::{ClientAuth, Config};
use crate::endpoint::Endpoint;
use crate::error::ConfigError;
use crate::key::parse_resource;
use crate::provider::ClientCredentials;
use crate::retry::RetryPolicy;
use crate::scope::ScopeSet;
use crate::secret::{ClientSecrets, Secret};

/// Default [`expiry_margin`](ClientCredentialsBuilder::expiry_margin): 60 s.
pub const DEFAULT_EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// Default [`refresh_ahead`](ClientCredentialsBuilder::refresh_ahead): 5 min.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(300);
/// Default [`max_response_bytes`](ClientCredentialsBuilder::max_response_bytes): 64 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Configures a [`ClientCredentials`] provider. From [`ClientCredentials::builder`].
///
/// ```
/// use std::time::Duration;
/// use cognito_client::{ClientAuth, ClientCredentials};
///
/// let tokens = ClientCredentials::builder()
///     .domain("my-app", "eu-west-1") // https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token
///     .client_id("4a1bexampleclientid")
///     .client_secret("example-secret")
///     .auth_method(ClientAuth::Basic)
///     .scopes(["transactions/post"])
///     .timeout(Duration::from_secs(3))
///     .build()?; // validates; no network until the first token is needed
/// assert!(!format!("{tokens:?}").contains("example-secret"));
/// # Ok::<(), cognito_client::ConfigError>(())
/// ```
// `Debug` is derived: the secret is a `Secret`, whose `Debug` prints `<redacted>`.
#[derive(Debug, Clone)]
pub struct ClientCredentialsBuilder {
    endpoint: Option<Endpoint>,
    client_id: Option<String>,
    client_secret: Option<SecretSource>,
    next_client_secret: Option<Secret>,
    auth: ClientAuth,
    scopes: Vec<String>,
    resource: Option<String>,
    expiry_margin: Duration,
    refresh_ahead: Duration,
    retry: RetryPolicy,
    limits: RequestLimits,
    allow_insecure_http: bool,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientCredentialsBuilder {
    fn default() -> Self {
        ClientCredentialsBuilder {
            endpoint: None,
            client_id: None,
            client_secret: None,
            next_client_secret: None,
            auth: ClientAuth::default(),
            scopes: Vec::new(),
            resource: None,
            expiry_margin: DEFAULT_EXPIRY_MARGIN,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            retry: RetryPolicy::default(),
            limits: RequestLimits::new(DEFAULT_MAX_RESPONSE_BYTES),
            allow_insecure_http: false,
            http_client: None,
        }
    }
}

impl ClientCredentialsBuilder {
    /// Use the Cognito domain `https://{prefix}.auth.{region}.amazoncognito.com`. Replaces any
    /// endpoint set before.
    pub fn domain(mut self, prefix: impl Into<String>, region: impl Into<String>) -> Self {
        self.endpoint = Some(Endpoint::Domain { prefix: prefix.into(), region: region.into() });
        self
    }

    /// Use a custom domain of the user pool, e.g. `auth.example.com`: tokens come from
    /// `https://auth.example.com/oauth2/token`. Replaces any endpoint set before.
    pub fn custom_domain(mut self, host: impl Into<String>) -> Self {
        self.endpoint = Some(Endpoint::CustomDomain(host.into()));
        self
    }

    /// Use this token endpoint URL as is. `https`, or plain `http` on loopback (or anywhere with
    /// [`allow_insecure_http`](Self::allow_insecure_http)). Replaces any endpoint set before.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(Endpoint::Url(url.into()));
        self
    }

    /// Allow a plain-`http` token endpoint on hosts other than loopback. Off by default: the
    /// client secret would cross the network in clear.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The app client id.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The app client secret. It is kept out of every `Debug` output, error and log line.
    /// Replaces a [`client_secret_source`](Self::client_secret_source) set before.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretSource::fixed(client_secret));
        self
    }

    /// A second secret of the app client, for a rotation (Cognito allows two per app client):
    /// the [`client_secret`](Self::client_secret) is used first; if the token endpoint refuses
    /// it with `invalid_client`, this one is tried once in the same fetch, and the secret that
    /// works stays in use. Callers see no error as long as one of the two is valid. See
    /// `docs/secret-rotation.md`.
    ///
    /// ```
    /// use cognito_client::ClientCredentials;
    ///
    /// let tokens = ClientCredentials::builder()
    ///     .domain("my-app", "eu-west-1")
    ///     .client_id("4a1bexampleclientid")
    ///     .client_secret("current-secret-value-0123456789")
    ///     .next_client_secret("next-secret-value-0123456789ab")
    ///     .build()?;
    /// # let _ = tokens;
    /// # Ok::<(), cognito_client::ConfigError>(())
    /// ```
    pub fn next_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.next_client_secret = Some(Secret::new(secret.into()));
        self
    }

    /// Read the app client secret from a source that changes while the process runs: a file a
    /// secret manager rewrites ([`SecretSource::file`]) or a closure
    /// ([`SecretSource::from_fn`]). It is read at [`build`](Self::build) (an unreadable or
    /// empty source is a [`ConfigError::SecretSource`]) and again before each token request.
    /// The secret that last worked stays in use until the endpoint refuses it with
    /// `invalid_client`; then the source's current value is tried once, and kept if it works:
    /// a rotation needs no restart and fails no caller. Replaces a
    /// [`client_secret`](Self::client_secret) set before.
    ///
    /// ```no_run
    /// use cognito_client::{ClientCredentials, SecretSource};
    ///
    /// let tokens = ClientCredentials::builder()
    ///     .domain("my-app", "eu-west-1")
    ///     .client_id("4a1bexampleclientid")
    ///     .client_secret_source(SecretSource::file("/var/run/secrets/cognito/client-secret"))
    ///     .build()?;
    /// # let _ = tokens;
    /// # Ok::<(), cognito_client::ConfigError>(())
    /// ```
    pub fn client_secret_source(mut self, source: SecretSource) -> Self {
        self.client_secret = Some(source);
        self
    }

    /// How to authenticate to the token endpoint (default [`ClientAuth::Basic`]).
    pub fn auth_method(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The scopes [`access_token`](ClientCredentials::access_token) asks for, e.g.
    /// `["transactions/post"]`, replacing any set before. None (the default) sends no `scope`
    /// parameter, and Cognito grants every scope the app client is allowed.
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The resource the tokens are for (RFC 8707 resource indicator, Cognito's resource
    /// binding), e.g. `https://api.example.com/mcp`: sent as the `resource` parameter of the
    /// token request, so the access token's `aud` names it and a resource server that checks
    /// its audience accepts it. Tokens are cached per scope set and resource. A resource the
    /// user pool or the app client does not allow fails with
    /// [`TokenError::InvalidTarget`](crate::TokenError::InvalidTarget), not retried. None (the
    /// default) sends no `resource`, and access tokens carry no `aud`.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Stop handing out a cached token this long before it expires (default 60 s), so it does
    /// not expire in transit or on a server whose clock is ahead. Capped at half the token's
    /// lifetime.
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.expiry_margin = margin;
        self
    }

    /// Start fetching a new token in the background this long before the cached one is due to
    /// be replaced (default 5 min), so callers never wait for a refresh. Capped at half of the
    /// time the token is used for. While the refresh fails, callers keep the cached token and a
    /// new background attempt starts after the maximum [backoff](Self::backoff).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Requests made for one token at most, retries included (default 3). Only 408, 429, 5xx,
    /// timeouts and connection failures are retried.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts;
        self
    }

    /// Backoff between retries: `initial`, doubling up to `max`, with jitter (default 100 ms up
    /// to 2 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.backoff.initial = initial;
        self.retry.backoff.max = max;
        self
    }

    /// After a fetch fails (an OAuth error such as `invalid_client`, another 4xx, a bad answer,
    /// or transient failures once the retries are spent), callers get that error, as
    /// [`TokenError::RecentFailure`](crate::TokenError::RecentFailure) with a `retry_after`,
    /// without a new request for `initial` (default 1 s); the window doubles with each failed
    /// fetch in a row up to `max` (default 60 s), less up to a quarter of jitter, and a longer
    /// `Retry-After` from the endpoint wins (up to [`max_retry_after`](Self::max_retry_after)).
    /// Then one caller fetches again, the others wait for it. A success resets the window.
    pub fn failure_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.failure_backoff.initial = initial;
        self.retry.failure_backoff.max = max;
        self
    }

    /// The longest `Retry-After` honoured before a retry (default 10 s); longer ones are cut
    /// to this.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    cognito_http::request_limit_setters!(
        request: "one token request",
        response: "token endpoint response",
        default_max: "64 KiB",
        connect_note: "Ignored with [`http_client`](Self::http_client), which brings its own.",
        timeout_note: "Each retry gets a new one.",
    );

    /// Make token requests with this client instead of one built from the limits above (a
    /// corporate proxy, custom CA roots, mTLS, your own TLS stack: see "TLS and your own HTTP
    /// client" in the README).
    ///
    /// The library still enforces, on your client: the URL rules at [`build`](Self::build)
    /// (`https`, plain `http` only for loopback, `localhost` resolved and checked to be
    /// loopback); the [`timeout`](Self::timeout) of each request and the
    /// [`max_response_bytes`](Self::max_response_bytes) cap; the retry and failure-memory
    /// policy; and that the answer comes from the configured token endpoint: an answer your
    /// client got by following a redirect fails with
    /// [`TokenError::Redirected`](crate::TokenError::Redirected) and is not used. The secret
    /// does not follow a redirect: the request body cannot be replayed, so a 307 / 308 is not
    /// followed, and reqwest drops the `Authorization` header when a 301 / 302 / 303 leads to
    /// another origin. Build yours with `.redirect(reqwest::redirect::Policy::none())` all the
    /// same, as the default client is. Its own
    /// connect timeout, proxy settings and TLS roots apply instead of ours (ours bypass proxies
    /// for plain-http and loopback endpoints).
    ///
    /// ```
    /// use cognito_client::ClientCredentials;
    ///
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let tokens = ClientCredentials::builder()
    ///     .domain("my-app", "eu-west-1")
    ///     .client_id("4a1bexampleclientid")
    ///     .client_secret("example-secret")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Validate the configuration and build the provider. No network call is made.
    pub fn build(self) -> Result<ClientCredentials, ConfigError> {
        let endpoint =
            self.endpoint.as_ref().ok_or(ConfigError::NoEndpoint)?.resolve(self.allow_insecure_http)?;
        let client_id = self.client_id.filter(|id| !id.is_empty()).ok_or(ConfigError::MissingClientId)?;
        let source =
            self.client_secret.filter(|source| !source.is_empty()).ok_or(ConfigError::MissingClientSecret)?;
        let secrets =
            ClientSecrets::new(source, self.next_client_secret).map_err(ConfigError::SecretSource)?;
        let scopes = ScopeSet::parse(&self.scopes).map_err(ConfigError::InvalidScope)?;
        let resource: Option<Arc<str>> =
            self.resource.as_deref().map(parse_resource).transpose().map_err(ConfigError::InvalidResource)?;
        self.retry.validate()?;
        self.limits.validate()?;
        let http = match self.http_client {
            Some(client) => client,
            // The secret goes to the configured URL only: the client follows no redirect.
            // Plain http and loopback endpoints are reached directly, never through a proxy.
            None => self.limits.client_for([endpoint.as_str()]).map_err(ConfigError::HttpClient)?,
        };
        let config =
            Config { endpoint, client_id, secrets, auth: self.auth, limits: self.limits, retry: self.retry };
        let timing = Timing { expiry_margin: self.expiry_margin, refresh_ahead: self.refresh_ahead };
        Ok(ClientCredentials::new(config, http, timing, scopes, resource))
    }
}

impl ClientCredentials {
    /// A builder: set the endpoint, the client id and secret, and optionally scopes.
    pub fn builder() -> ClientCredentialsBuilder {
        ClientCredentialsBuilder::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientCredentialsBuilder {
        ClientCredentials::builder()
            .token_endpoint("http://127.0.0.1:9/oauth2/token")
            .client_id("client")
            .client_secret("top-secret-value")
    }

    #[test]
    fn debug_of_the_builder_does_not_show_the_secret() {
        let shown = format!("{:?} {:#?}", builder(), builder());
        assert!(!shown.contains("top-secret-value"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn missing_pieces_are_named() {
        let no_endpoint = ClientCredentials::builder().client_id("c").client_secret("s").build();
        assert_eq!(no_endpoint.err(), Some(ConfigError::NoEndpoint));
        let no_id =
            ClientCredentials::builder().token_endpoint("http://127.0.0.1/t").client_secret("s").build();
        assert_eq!(no_id.err(), Some(ConfigError::MissingClientId));
        let empty_secret = builder().client_secret("").build();
        assert_eq!(empty_secret.err(), Some(ConfigError::MissingClientSecret));
    }

    #[test]
    fn out_of_range_options_are_refused() {
        let option = |b: ClientCredentialsBuilder| match b.build() {
            Err(ConfigError::OutOfRange { option, .. }) => option,
            other => panic!("expected OutOfRange, got {other:?}"),
        };
        assert_eq!(option(builder().max_attempts(0)), "max_attempts");
        assert_eq!(option(builder().backoff(Duration::ZERO, Duration::ZERO)), "backoff");
        assert_eq!(option(builder().backoff(Duration::from_secs(2), Duration::from_secs(1))), "backoff");
        assert_eq!(option(builder().failure_backoff(Duration::ZERO, Duration::ZERO)), "failure_backoff");
        assert_eq!(option(builder().timeout(Duration::ZERO)), "timeout");
        assert_eq!(option(builder().max_response_bytes(10)), "max_response_bytes");
    }

    #[test]
    fn malformed_scopes_are_refused_at_build() {
        assert_eq!(
            builder().scopes(["ok/scope", "two words"]).build().err(),
            Some(ConfigError::InvalidScope("two words".into()))
        );
    }
}
