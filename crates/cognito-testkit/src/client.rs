//! App clients registered with the issuer's `/oauth2/token` endpoint.

use std::fmt;
use std::time::Duration;

use crate::token::DEFAULT_LIFETIME;

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
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    client_id: String,
    client_secret: String,
    allowed_scopes: Vec<String>,
    client_credentials: bool,
    token_lifetime: Duration,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("allowed_scopes", &self.allowed_scopes)
            .field("client_credentials", &self.client_credentials)
            .field("token_lifetime", &self.token_lifetime)
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
            client_secret: client_secret.into(),
            allowed_scopes: Vec::new(),
            client_credentials: true,
            token_lifetime: DEFAULT_LIFETIME,
        }
    }

    /// Sets the scopes this client may request (`{resource server}/{scope}`), replacing any
    /// set before. A request without `scope` gets all of them.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
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

    /// The client secret.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
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
