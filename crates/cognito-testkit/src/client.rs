//! App clients registered with the issuer's `/oauth2/token` endpoint and hosted login.

use std::fmt;
use std::time::Duration;

use crate::defaults::DEFAULT_LIFETIME;

/// Default lifetime of refresh tokens, as in Cognito (30 days).
pub const DEFAULT_REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// An app client the issuer's `/oauth2/token` endpoint knows: like a Cognito user pool client
/// with a generated secret.
///
/// ```
/// use std::time::Duration;
/// use cognito_testkit::ClientRegistration;
///
/// let client = ClientRegistration::new("m2m-client", "s3cret")
///     .scopes(["transactions/get", "transactions/post"])
///     .token_lifetime(Duration::from_secs(300));
/// assert!(client.allows_client_credentials());
///
/// // A browser app's client for the hosted login: no secret, PKCE only.
/// let web = ClientRegistration::public("web-client")
///     .callback_urls(["http://127.0.0.1:3001/auth/callback"])
///     .logout_urls(["http://127.0.0.1:3001/"]);
/// assert!(web.allows_code_flow());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    client_id: String,
    client_secret: Option<String>,
    allowed_scopes: Vec<String>,
    client_credentials: bool,
    token_lifetime: Duration,
    refresh_token_lifetime: Duration,
    callback_urls: Vec<String>,
    logout_urls: Vec<String>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("allowed_scopes", &self.allowed_scopes)
            .field("client_credentials", &self.client_credentials)
            .field("token_lifetime", &self.token_lifetime)
            .field("refresh_token_lifetime", &self.refresh_token_lifetime)
            .field("callback_urls", &self.callback_urls)
            .field("logout_urls", &self.logout_urls)
            .finish()
    }
}

impl ClientRegistration {
    /// A client with this id and secret, allowed the `client_credentials` grant, no scopes yet
    /// (add them with [`scopes`](Self::scopes): like Cognito, a client-credentials request that
    /// ends up with no scope fails with `invalid_scope`), tokens valid for one hour.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientRegistration {
            client_id: client_id.into(),
            client_secret: Some(client_secret.into()),
            allowed_scopes: Vec::new(),
            client_credentials: true,
            token_lifetime: DEFAULT_LIFETIME,
            refresh_token_lifetime: DEFAULT_REFRESH_TOKEN_LIFETIME,
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
        }
    }

    /// A public client (no secret): it authenticates with its `client_id` alone, may not use
    /// the `client_credentials` grant (Cognito requires a secret for it), and relies on PKCE in
    /// the authorization-code flow. Add [`callback_urls`](Self::callback_urls) to use the hosted
    /// login.
    pub fn public(client_id: impl Into<String>) -> Self {
        ClientRegistration {
            client_secret: None,
            client_credentials: false,
            ..ClientRegistration::new(client_id, String::new())
        }
    }

    /// The callback URLs (`redirect_uri`) of the hosted login, each matched exactly, replacing
    /// any set before. A client with at least one may use the authorization-code flow.
    pub fn callback_urls(mut self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.callback_urls = urls.into_iter().map(Into::into).collect();
        self
    }

    /// The sign-out URLs `/logout` may redirect to (`logout_uri`), each matched exactly.
    pub fn logout_urls(mut self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.logout_urls = urls.into_iter().map(Into::into).collect();
        self
    }

    /// How long refresh tokens issued to this client stay usable (default 30 days), measured
    /// by the issuer's [`TestClock`](crate::TestClock).
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_token_lifetime = lifetime;
        self
    }

    /// Sets the scopes this client may request (`{resource server}/{scope}`), replacing any
    /// set before. A request without `scope` gets all of them.
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the client may use the `client_credentials` grant (default true). A client that
    /// may not gets `unauthorized_client`.
    pub fn allow_client_credentials(mut self, allowed: bool) -> Self {
        self.client_credentials = allowed;
        self
    }

    /// Lifetime of the access tokens issued to this client (`expires_in`, and `exp - iat`).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret (empty for a [public](Self::public) client).
    pub fn client_secret(&self) -> &str {
        self.client_secret.as_deref().unwrap_or_default()
    }

    /// Whether the client has a secret.
    pub fn has_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// Whether `secret` (what the request presented, if anything) authenticates this client:
    /// the right secret for a client that has one, none for a public client.
    pub(crate) fn authenticates(&self, secret: Option<&str>) -> bool {
        self.client_secret.as_deref() == secret
    }

    /// Whether the client may use the hosted login's authorization-code flow.
    pub fn allows_code_flow(&self) -> bool {
        !self.callback_urls.is_empty()
    }

    /// Whether `uri` is one of the client's callback URLs.
    pub fn is_callback_url(&self, uri: &str) -> bool {
        self.callback_urls.iter().any(|url| url == uri)
    }

    /// Whether `uri` is one of the client's sign-out URLs.
    pub fn is_logout_url(&self, uri: &str) -> bool {
        self.logout_urls.iter().any(|url| url == uri)
    }

    /// How long refresh tokens issued to this client stay usable.
    pub fn refresh_lifetime(&self) -> Duration {
        self.refresh_token_lifetime
    }

    /// The scopes the client may request.
    pub fn allowed_scopes(&self) -> &[String] {
        &self.allowed_scopes
    }

    /// Whether the client may use the `client_credentials` grant.
    pub fn allows_client_credentials(&self) -> bool {
        self.client_credentials
    }

    /// Lifetime of the tokens issued to this client.
    pub fn lifetime(&self) -> Duration {
        self.token_lifetime
    }
}
