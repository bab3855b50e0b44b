//! Why a request was refused, and what that means for the client.
//!
//! [`AuthError`] has one variant per outcome a client can tell apart. This module is the one
//! place that maps an outcome to an HTTP status, an RFC 6750 error code and a gRPC status;
//! [`response`](crate::response) turns that mapping into bytes on the wire.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use cognito_verify::VerifyError;
use http::StatusCode;

/// How a list of required scopes or groups is matched.
///
/// ```
/// use cognito_tower::Match;
///
/// let has = |scope: &str| scope == "orders/read";
/// assert!(Match::Any.matches(["orders/read", "orders/write"], has));
/// assert!(!Match::All.matches(["orders/read", "orders/write"], has));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Match {
    /// At least one of the listed values must be present.
    Any,
    /// Every listed value must be present.
    All,
}

impl Match {
    /// Whether `has(value)` holds for the listed values as this mode requires.
    pub fn matches<'a>(
        self,
        required: impl IntoIterator<Item = &'a str>,
        has: impl FnMut(&str) -> bool,
    ) -> bool {
        match self {
            Match::Any => required.into_iter().any(has),
            Match::All => required.into_iter().all(has),
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Match::Any => "one of",
            Match::All => "all of",
        })
    }
}

/// A request was refused by an [`AuthLayer`](crate::AuthLayer) or by a guard behind it.
///
/// | variant | HTTP | `WWW-Authenticate: Bearer ...` | gRPC |
/// |---|---|---|---|
/// | [`MissingToken`](Self::MissingToken) | 401 | (no error code) | 16 `UNAUTHENTICATED` |
/// | [`InvalidRequest`](Self::InvalidRequest) | 400 | `error="invalid_request"` | 16 `UNAUTHENTICATED` |
/// | [`InvalidToken`](Self::InvalidToken) | 401 | `error="invalid_token"` | 16 `UNAUTHENTICATED` |
/// | [`InsufficientScope`](Self::InsufficientScope) | 403 | `error="insufficient_scope", scope="..."` | 7 `PERMISSION_DENIED` |
/// | [`MissingGroup`](Self::MissingGroup) | 403 | `error="insufficient_scope"` | 7 `PERMISSION_DENIED` |
/// | [`Forbidden`](Self::Forbidden) | 403 | `error="insufficient_scope"` | 7 `PERMISSION_DENIED` |
/// | [`KeysUnavailable`](Self::KeysUnavailable) | 503 + `Retry-After` | (none) | 14 `UNAVAILABLE` |
/// | [`Unavailable`](Self::Unavailable) | 503 + `Retry-After` | (none) | 14 `UNAVAILABLE` |
///
/// A malformed `Authorization` header is 16 `UNAUTHENTICATED` for gRPC rather than
/// 3 `INVALID_ARGUMENT`: the credentials are what is wrong, not the call's arguments, and gRPC
/// clients treat 16 as "fix your credentials".
///
/// Messages never contain the token or key material.
///
/// # Example
///
/// An authenticator or an `OnRejection` hook reads the mapping from the error itself:
///
/// ```
/// use cognito_tower::{AuthError, Match};
/// use http::StatusCode;
///
/// let err = AuthError::InsufficientScope { required: vec!["orders/write".into()], mode: Match::Any };
/// assert_eq!(err.status(), StatusCode::FORBIDDEN);
/// assert_eq!(err.error_code(), Some("insufficient_scope"));
/// assert_eq!(err.grpc_status(), 7); // PERMISSION_DENIED
/// assert_eq!(err.required_scopes(), Some(&["orders/write".to_owned()][..]));
///
/// let missing = AuthError::MissingToken;
/// assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(missing.error_code(), None); // RFC 6750 §3.1: no error code without credentials
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The request presents no credentials: no token in any of the layer's token sources (or,
    /// for an authenticator that reads something else, nothing of that). An
    /// [`optional`](crate::AuthLayer::optional) layer lets such requests through.
    #[error("no access token in the request")]
    MissingToken,
    /// Credentials are present but malformed: e.g. two `Authorization` headers, or `Bearer` with
    /// no token.
    #[error("malformed credentials: {0}")]
    InvalidRequest(&'static str),
    /// The token did not verify: bad signature, expired, wrong issuer or client, ...
    #[error("invalid token: {0}")]
    InvalidToken(VerifyError),
    /// The token lacks the scopes a verifier, layer or extractor requires.
    #[error("token lacks a required scope ({mode}: {})", required.join(" "))]
    InsufficientScope {
        /// The scopes required.
        required: Vec<String>,
        /// Whether one or all of them are needed.
        mode: Match,
    },
    /// The caller is not in the `cognito:groups` a verifier, layer or extractor requires.
    #[error("caller is not in a required group ({mode}: {})", required.join(" "))]
    MissingGroup {
        /// The groups required.
        required: Vec<String>,
        /// Whether membership of one or all of them is needed.
        mode: Match,
    },
    /// The token verified, but an [`async_check`](cognito_verify::CognitoVerifierBuilder::async_check)
    /// refused the caller's rights with [`Rejection::forbidden`](cognito_verify::Rejection::forbidden)
    /// (a check that chose [`Rejection::invalid_token`](cognito_verify::Rejection::invalid_token)
    /// is [`InvalidToken`](Self::InvalidToken)). Always a [`VerifyError::Rejected`].
    #[error("forbidden: {0}")]
    Forbidden(VerifyError),
    /// The signing keys could not be obtained, so no token can be verified right now.
    #[error("signing keys are unavailable: {reason}")]
    KeysUnavailable {
        /// Why the last key fetch failed (safe to log: no key material).
        reason: String,
        /// When the client may retry.
        retry_after: Duration,
    },
    /// Something else the decision depends on cannot be reached right now: the revocation list
    /// in fail-closed mode ([`VerifyError::RevocationsUnavailable`]), or the session store of a
    /// browser session. The client is told only that authentication is temporarily
    /// unavailable; the log says what.
    #[error("{what} is unavailable: {reason}")]
    Unavailable {
        /// What could not be reached, for the log ("the revocation list", "the session store").
        what: &'static str,
        /// Why (safe to log: no token or secret).
        reason: String,
        /// When the client may retry.
        retry_after: Duration,
    },
}

impl From<VerifyError> for AuthError {
    fn from(err: VerifyError) -> Self {
        match err {
            VerifyError::InsufficientScope { required, .. } => {
                AuthError::InsufficientScope { required, mode: Match::Any }
            }
            VerifyError::MissingGroup { required, .. } => {
                AuthError::MissingGroup { required, mode: Match::Any }
            }
            forbidden @ VerifyError::Rejected { forbidden: true, .. } => AuthError::Forbidden(forbidden),
            VerifyError::KeysUnavailable { reason, retry_after } => {
                AuthError::KeysUnavailable { reason, retry_after }
            }
            VerifyError::RevocationsUnavailable { reason, retry_after } => {
                AuthError::Unavailable { what: "the revocation list", reason, retry_after }
            }
            other => AuthError::InvalidToken(other),
        }
    }
}

impl AuthError {
    /// The HTTP status of the response: 400, 401, 403 or 503.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::MissingToken | AuthError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            AuthError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            AuthError::InsufficientScope { .. }
            | AuthError::MissingGroup { .. }
            | AuthError::Forbidden(_) => StatusCode::FORBIDDEN,
            AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// The RFC 6750 error code for the `WWW-Authenticate` header, if any: none when the request
    /// carried no token (RFC 6750 §3.1) and none for 503.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            AuthError::MissingToken | AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. } => {
                None
            }
            AuthError::InvalidRequest(_) => Some("invalid_request"),
            AuthError::InvalidToken(_) => Some("invalid_token"),
            AuthError::InsufficientScope { .. }
            | AuthError::MissingGroup { .. }
            | AuthError::Forbidden(_) => Some("insufficient_scope"),
        }
    }

    /// The `error` member of the JSON body: the RFC 6750 code, or `missing_token` /
    /// `temporarily_unavailable` where RFC 6750 has none.
    pub fn body_error(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "missing_token",
            AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. } => "temporarily_unavailable",
            other => other.error_code().unwrap_or("invalid_token"),
        }
    }

    /// The gRPC status code: 16 `UNAUTHENTICATED`, 7 `PERMISSION_DENIED` or 14 `UNAVAILABLE`.
    pub fn grpc_status(&self) -> i32 {
        match self.status() {
            StatusCode::FORBIDDEN => 7,
            StatusCode::SERVICE_UNAVAILABLE => 14,
            _ => 16,
        }
    }

    /// What the client is told (`error_description`, the JSON body, `grpc-message`).
    ///
    /// Same as the `Display` text except that required group names are not disclosed.
    pub fn description(&self) -> Cow<'static, str> {
        match self {
            AuthError::MissingToken => Cow::Borrowed("no access token in the request"),
            AuthError::InvalidRequest(reason) => Cow::Borrowed(reason),
            AuthError::InvalidToken(err) | AuthError::Forbidden(err) => Cow::Owned(err.to_string()),
            AuthError::InsufficientScope { .. } => Cow::Owned(self.to_string()),
            AuthError::MissingGroup { .. } => Cow::Borrowed("caller is not in a required group"),
            AuthError::KeysUnavailable { .. } => {
                Cow::Borrowed("signing keys are temporarily unavailable; retry later")
            }
            AuthError::Unavailable { .. } => {
                Cow::Borrowed("authentication is temporarily unavailable; retry later")
            }
        }
    }

    /// The scopes to name in the `scope` attribute of `WWW-Authenticate` (403 for scopes only).
    pub fn required_scopes(&self) -> Option<&[String]> {
        match self {
            AuthError::InsufficientScope { required, .. } => Some(required),
            _ => None,
        }
    }

    /// The `Retry-After` value in whole seconds (at least 1), for
    /// [`KeysUnavailable`](Self::KeysUnavailable) and [`Unavailable`](Self::Unavailable).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AuthError::KeysUnavailable { retry_after, .. } | AuthError::Unavailable { retry_after, .. } => {
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                Some(secs.max(1))
            }
            _ => None,
        }
    }

    /// The verification error behind this outcome, if verification ran.
    pub fn verify_error(&self) -> Option<&VerifyError> {
        match self {
            AuthError::InvalidToken(err) | AuthError::Forbidden(err) => Some(err),
            _ => None,
        }
    }

    /// Record the rejection as a `tracing` event: `warn` for outcomes an operator should look
    /// at (keys unavailable, tokens that fail for reasons other than expiry), `debug` for the
    /// routine ones. `kid` is the token header's key id when known; the token is never logged.
    pub(crate) fn log(&self, kid: Option<&str>) {
        let status = self.status().as_u16();
        let code = self.body_error();
        let routine = match self {
            AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. } => false,
            AuthError::InvalidToken(err) => {
                matches!(err, VerifyError::Expired { .. } | VerifyError::NotYetValid { .. })
            }
            _ => true,
        };
        if routine {
            tracing::debug!(target: "cognito_tower", status, error = code, kid, reason = %self, "request rejected");
        } else {
            tracing::warn!(target: "cognito_tower", status, error = code, kid, reason = %self, "request rejected");
        }
    }
}
