//! Errors: [`LoginConfigError`] from the builder, [`LoginError`] from a sign-in, a refresh or a
//! sign-out.

use cognito_verify::VerifyError;
use http::StatusCode;

/// Why [`CognitoLoginBuilder::build`](crate::CognitoLoginBuilder::build) refused the
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginConfigError {
    /// A required setting was not given.
    #[error("{0} is required")]
    Missing(&'static str),
    /// A URL does not parse, or is not `https` (plain `http` is allowed on loopback only).
    #[error("{what} {url:?}: {reason}")]
    BadUrl {
        /// Which setting.
        what: &'static str,
        /// The value given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The domain prefix or region is not a valid host label.
    #[error("invalid Cognito domain prefix or region {0:?}")]
    BadDomain(String),
    /// The requested scopes do not include `openid`, so Cognito would issue no ID token.
    #[error("scopes must include \"openid\": the session is built on the ID token")]
    NoOpenidScope,
    /// The verifier does not accept both kinds of token (`TokenUse::Any`); the ID and the
    /// access token are both verified.
    #[error("the verifier must accept ID and access tokens (TokenUse::Any), not {0}")]
    VerifierTokenUse(String),
    /// The [`client_secret_source`](crate::CognitoLoginBuilder::client_secret_source) could not
    /// be read (the message names the file, never its content), or a
    /// [`next_client_secret`](crate::CognitoLoginBuilder::next_client_secret) was given without
    /// a first secret.
    #[error("client secret: {0}")]
    ClientSecret(String),
    /// The [`resource`](crate::CognitoLoginBuilder::resource) is not a resource indicator Cognito
    /// accepts: 1 to 256 characters, no spaces, quotes, backslashes or fragment.
    #[error("invalid resource {0:?}: 1 to 256 characters, no spaces, quotes, backslashes or '#'")]
    InvalidResource(String),
    /// The request limits are out of range, or the HTTP client for the token endpoint could not
    /// be built.
    #[error("HTTP client: {0}")]
    HttpClient(String),
    /// A session store or sign-in limit is out of range.
    #[error("{0}")]
    OutOfRange(&'static str),
}

/// Why a sign-in, refresh or sign-out did not complete.
///
/// The callback answers these with [`status`](Self::status) and a short page; the session
/// authenticator ends the session on the ones that mean "sign in again".
///
/// ```
/// use cognito_login::LoginError;
/// use http::StatusCode;
///
/// // A replayed or forged callback: refused, and not worth retrying.
/// assert_eq!(LoginError::UnknownState.status(), StatusCode::BAD_REQUEST);
/// assert!(!LoginError::UnknownState.is_transient());
/// // The identity provider unreachable: try again later.
/// let down = LoginError::Unavailable("connection refused".into());
/// assert!(down.is_transient());
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// The callback's `state` matches no sign-in this session started: forged, replayed, from
    /// another browser, or expired.
    #[error("unknown or already used sign-in request (state)")]
    UnknownState,
    /// The callback has no `code`.
    #[error("the callback has no authorization code")]
    MissingCode,
    /// The hosted login redirected back with `?error=...`.
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    /// The token endpoint answered with an OAuth error (`invalid_grant`, ...).
    #[error("the token endpoint refused the request: {error} (HTTP {status})")]
    TokenEndpoint {
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` code, or a description of the body when it had none.
        error: String,
    },
    /// The token endpoint could not be reached, timed out, or answered something unreadable.
    #[error("the token endpoint is unavailable: {0}")]
    Unavailable(String),
    /// A token did not verify.
    #[error("the {which} token did not verify: {error}")]
    Verify {
        /// `ID` or `access`.
        which: &'static str,
        /// Why.
        error: VerifyError,
    },
    /// The ID token's `nonce` is missing or is not the one this sign-in sent.
    #[error("the ID token's nonce does not match the sign-in request")]
    NonceMismatch,
    /// The ID token's `at_hash` does not match the access token.
    #[error("the ID token's at_hash does not match the access token")]
    AtHashMismatch,
    /// A token was issued to another app client, or the ID and access tokens name different
    /// users, or the token endpoint swapped the kinds.
    #[error("the tokens do not belong together: {0}")]
    Mismatch(&'static str),
    /// The session expired or was ended and holds no tokens to refresh.
    #[error("no refresh token in the session")]
    NoRefreshToken,
    /// The session store failed, timed out, or had too many calls in flight.
    #[error("session store: {0}")]
    Session(String),
    /// The process keeps [`max_sign_ins_in_progress`](crate::CognitoLoginBuilder::max_sign_ins_in_progress)
    /// session records of sign-ins in progress already: try again in a moment.
    #[error("too many sign-ins in progress")]
    TooManySignIns,
    /// The operating system gave no randomness for the sign-in's secrets.
    #[error("no randomness available")]
    Randomness,
}

impl LoginError {
    /// Whether the token endpoint answered this OAuth `error` code.
    pub(crate) fn is_oauth(&self, code: &str) -> bool {
        matches!(self, LoginError::TokenEndpoint { error, .. } if error == code)
    }

    /// The HTTP status of a callback that failed with this error: 400 for a request that cannot
    /// be honoured (forged or replayed `state`, a refused or invalid sign-in), 502 when the
    /// identity provider is unavailable, 503 when the session store is unavailable or too many
    /// sign-ins are in progress, 500 for randomness.
    pub fn status(&self) -> StatusCode {
        match self {
            LoginError::Unavailable(_) => StatusCode::BAD_GATEWAY,
            LoginError::Verify { error, .. } if error.is_retryable() => StatusCode::SERVICE_UNAVAILABLE,
            LoginError::Session(_) | LoginError::TooManySignIns => StatusCode::SERVICE_UNAVAILABLE,
            LoginError::Randomness => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether the condition may clear by itself (the identity provider or the keys were
    /// unavailable): a session is kept, not ended, on such a failed refresh.
    pub fn is_transient(&self) -> bool {
        match self {
            LoginError::Unavailable(_) | LoginError::Session(_) | LoginError::TooManySignIns => true,
            LoginError::Verify { error, .. } => error.is_retryable(),
            LoginError::TokenEndpoint { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}
