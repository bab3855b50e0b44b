//! What the session store holds for the sign-in: started sign-ins, and the tokens of a signed-in
//! user. The browser holds only the session id.

use serde::{Deserialize, Serialize};

/// Session key of the started sign-ins.
pub(crate) const PENDING_KEY: &str = "cognito_login.pending";
/// Session key of the signed-in user's tokens.
pub(crate) const TOKENS_KEY: &str = "cognito_login.tokens";
/// At most this many sign-ins may be in progress per session (several tabs); the oldest goes.
pub(crate) const MAX_PENDING: usize = 4;

/// A sign-in that was sent to the hosted login and has not come back yet.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingSignIn {
    pub(crate) state: String,
    pub(crate) nonce: String,
    pub(crate) verifier: String,
    pub(crate) return_to: String,
    /// When it started, seconds since the Unix epoch.
    pub(crate) started_at: i64,
}

/// The tokens of the signed-in user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionTokens {
    pub(crate) id_token: String,
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
    /// The earlier of the ID and access tokens' `exp`.
    pub(crate) expires_at: i64,
    /// The user's `sub`, which a refresh must not change.
    pub(crate) sub: String,
}

// Never print tokens or sign-in secrets.
impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("return_to", &self.return_to)
            .field("started_at", &self.started_at)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokens")
            .field("sub", &self.sub)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}
