//! The validated settings a [`CognitoLogin`](crate::CognitoLogin) runs with.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::endpoints::Endpoints;

/// Default margin before the access token's expiry at which it is refreshed.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);
/// Default time a session lives without requests.
pub const DEFAULT_SESSION_INACTIVITY: Duration = Duration::from_secs(12 * 3600);
/// How long a started sign-in (its `state`, `nonce` and PKCE verifier) can be completed.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(600);

/// An app client secret; `Debug` shows no part of it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything the builder checked.
#[derive(Debug, Clone)]
pub(crate) struct LoginConfig {
    pub(crate) endpoints: Endpoints,
    pub(crate) max_response_bytes: usize,
    /// Total timeout of one token or revocation request (also applied to a caller's client).
    pub(crate) timeout: std::time::Duration,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) redirect_uri: Url,
    /// Where Cognito's `/logout` sends the browser back to (a sign-out URL of the client).
    pub(crate) logout_uri: Url,
    /// `scheme://host[:port]` of the app, from the redirect URI: what `Origin` must say on
    /// state-changing requests.
    pub(crate) origin: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) refresh_before: Duration,
    pub(crate) session_inactivity: Duration,
    /// Whether the session cookie gets `Secure` (everywhere but loopback `http`).
    pub(crate) secure_cookie: bool,
    pub(crate) login_path: String,
    pub(crate) logout_path: String,
    pub(crate) realm: String,
    /// Where sign-out revokes the session's tokens, if anywhere.
    pub(crate) revocations: Option<RevocationStore>,
}

/// A revocation store, shown as such in `Debug` output.
#[derive(Clone)]
pub(crate) struct RevocationStore(pub(crate) std::sync::Arc<dyn cognito_verify::Revocations>);

impl std::fmt::Debug for RevocationStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Revocations")
    }
}

impl LoginConfig {
    /// The path of the callback route: the redirect URI's.
    pub(crate) fn callback_path(&self) -> &str {
        self.redirect_uri.path()
    }

    /// The name of the session cookie: `__Host-` prefixed when it is `Secure`, so the browser
    /// refuses it from a sub-domain or over plain HTTP.
    pub(crate) fn cookie_name(&self) -> &'static str {
        if self.secure_cookie { "__Host-cognito-session" } else { "cognito-session" }
    }
}
