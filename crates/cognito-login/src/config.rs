//! The validated settings a [`CognitoLogin`](crate::CognitoLogin) runs with.

use std::sync::Arc;
use std::time::Duration;

use cognito_http::ClientSecrets;
use url::Url;

use crate::endpoints::Endpoints;

/// Default margin before the access token's expiry at which it is refreshed.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);
/// Default time a session lives without requests.
pub const DEFAULT_SESSION_INACTIVITY: Duration = Duration::from_secs(12 * 3600);
/// How long a started sign-in (its `state`, `nonce` and PKCE verifier) can be completed; also
/// how long the session record of an anonymous visitor who started one lives.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(600);
/// Default time one session store call may take before the request gets a 503.
pub const DEFAULT_SESSION_STORE_TIMEOUT: Duration = Duration::from_secs(2);
/// Default number of session store calls in flight at once (per [`CognitoLogin::session_layer`](crate::CognitoLogin::session_layer)).
pub const DEFAULT_SESSION_STORE_CONCURRENCY: usize = 256;
/// Default number of session records holding only sign-ins in progress that one process keeps
/// at a time.
pub const DEFAULT_MAX_SIGN_INS_IN_PROGRESS: usize = 10_000;

/// The limits on the session store and the sign-ins in progress.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoreLimits {
    pub(crate) timeout: Duration,
    pub(crate) concurrency: usize,
    pub(crate) max_sign_ins: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            timeout: DEFAULT_SESSION_STORE_TIMEOUT,
            concurrency: DEFAULT_SESSION_STORE_CONCURRENCY,
            max_sign_ins: DEFAULT_MAX_SIGN_INS_IN_PROGRESS,
        }
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
    /// The secret (or the two of a rotation) of a confidential client; `Debug` shows none.
    pub(crate) client_secrets: Option<Arc<ClientSecrets>>,
    /// The resource (RFC 8707) the access tokens are bound to, sent on the authorize request
    /// and the code exchange.
    pub(crate) resource: Option<String>,
    pub(crate) redirect_uri: Url,
    /// Where Cognito's `/logout` sends the browser back to (a sign-out URL of the client).
    pub(crate) logout_uri: Url,
    /// `scheme://host[:port]` of the app, from the redirect URI: what `Origin` must say on
    /// state-changing requests.
    pub(crate) origin: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) refresh_before: Duration,
    pub(crate) session_inactivity: Duration,
    pub(crate) store: StoreLimits,
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
