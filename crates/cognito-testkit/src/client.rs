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
    /// Whether the client is confidential (authenticates with a secret) or public.
    confidential: bool,
    /// The secrets that authenticate it: at most two, as in Cognito.
    secrets: Vec<String>,
    allowed_scopes: Vec<String>,
    /// Resource indicators (RFC 8707) it may ask tokens for.
    resources: Vec<String>,
    aud_as_array: bool,
    /// Refresh-token rotation: `Some(grace)` when enabled.
    refresh_rotation: Option<Duration>,
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
            .field("client_secrets", &format_args!("<{} redacted>", self.secrets.len()))
            .field("allowed_scopes", &self.allowed_scopes)
            .field("resources", &self.resources)
            .field("aud_as_array", &self.aud_as_array)
            .field("refresh_rotation", &self.refresh_rotation)
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
            confidential: true,
            secrets: vec![client_secret.into()],
            allowed_scopes: Vec::new(),
            resources: Vec::new(),
            aud_as_array: false,
            refresh_rotation: None,
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
            confidential: false,
            secrets: Vec::new(),
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

    /// A second secret, as Cognito allows two per app client while one is rotated (30 Jan
    /// 2026): either authenticates the client. A client has at most two; adding a third, or a
    /// secret to a [public](Self::public) client, changes nothing. At run time:
    /// [`TestIssuer::add_client_secret`](crate::TestIssuer::add_client_secret) and
    /// [`remove_client_secret`](crate::TestIssuer::remove_client_secret).
    pub fn second_secret(mut self, secret: impl Into<String>) -> Self {
        self.add_secret(secret.into());
        self
    }

    /// The resource indicators (RFC 8707) the client may ask tokens for with the `resource`
    /// parameter, on the authorize request and on the token request of the code exchange or of
    /// the client-credentials grant. The access token's `aud` is then that resource; any other
    /// value is refused with `invalid_target`. Requests without `resource` get access tokens
    /// without `aud`, as before resource binding.
    pub fn resources(mut self, resources: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.resources = resources.into_iter().map(Into::into).collect();
        self
    }

    /// Whether a resource-bound access token carries `aud` as a one-element array
    /// (`["https://api.example.com"]`) instead of a string (the default). RFC 7519 §4.1.3
    /// allows both; verifiers must accept both.
    pub fn aud_as_array(mut self, array: bool) -> Self {
        self.aud_as_array = array;
        self
    }

    /// Refresh-token rotation, as Cognito's `RefreshTokenRotation` of an app client: each
    /// `refresh_token` grant answers a new refresh token, and the one presented stays usable
    /// for `grace` (Cognito's `RetryGracePeriodSeconds`, 0 to 60 s) by the issuer's
    /// [clock](crate::TestIssuer::clock), then answers `invalid_grant`. Off by default: a
    /// refresh answers no new refresh token.
    pub fn refresh_token_rotation(mut self, grace: Duration) -> Self {
        self.refresh_rotation = Some(grace);
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client's first secret (empty for a [public](Self::public) client, or when every
    /// secret was removed).
    pub fn client_secret(&self) -> &str {
        self.secrets.first().map(String::as_str).unwrap_or_default()
    }

    /// The client's secrets (none, one or two).
    pub fn client_secrets(&self) -> &[String] {
        &self.secrets
    }

    /// Whether the client is confidential (authenticates with a secret).
    pub fn has_secret(&self) -> bool {
        self.confidential
    }

    /// The resources the client may ask tokens for.
    pub fn allowed_resources(&self) -> &[String] {
        &self.resources
    }

    /// The refresh-token rotation grace period, when rotation is on.
    pub fn refresh_rotation(&self) -> Option<Duration> {
        self.refresh_rotation
    }

    /// Adds a secret; `false` if the client is public, has two already, or has this one.
    pub(crate) fn add_secret(&mut self, secret: String) -> bool {
        if !self.confidential || self.secrets.len() >= 2 || self.secrets.contains(&secret) {
            return false;
        }
        self.secrets.push(secret);
        true
    }

    /// Removes a secret; `false` if the client does not have it, or it is the last one.
    pub(crate) fn remove_secret(&mut self, secret: &str) -> bool {
        if self.secrets.len() < 2 {
            return false;
        }
        let before = self.secrets.len();
        self.secrets.retain(|s| s != secret);
        self.secrets.len() != before
    }

    /// Whether `secret` (what the request presented, if anything) authenticates this client:
    /// one of its secrets for a confidential client, none for a public client.
    pub(crate) fn authenticates(&self, secret: Option<&str>) -> bool {
        match secret {
            Some(secret) => self.confidential && self.secrets.iter().any(|s| s == secret),
            None => !self.confidential,
        }
    }

    /// The `aud` claim of an access token bound to `resource`, or `invalid_target` when the
    /// client may not ask for it.
    pub(crate) fn audience(&self, resource: &str) -> Option<serde_json::Value> {
        let resource = self.resources.iter().find(|r| *r == resource)?;
        Some(if self.aud_as_array { serde_json::json!([resource]) } else { serde_json::json!(resource) })
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
