//! The errors of configuration and of token requests.
//!
//! None of the messages contain the client secret or an access token: they are safe to log.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// A [`ClientCredentials`](crate::ClientCredentials) provider could not be built: the
/// configuration is incomplete or malformed. No network is involved.
///
/// ```
/// use cognito_client::{ClientCredentials, ConfigError};
///
/// let err = ClientCredentials::builder()
///     .token_endpoint("http://auth.example.com/oauth2/token")
///     .client_id("4a1bexampleclientid")
///     .client_secret("s3cret")
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ConfigError::InsecureUrl(_)));
/// assert!(err.to_string().contains("client secret in clear"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No token endpoint was configured.
    #[error("no token endpoint: call domain(prefix, region), custom_domain(host) or token_endpoint(url)")]
    NoEndpoint,
    /// A Cognito domain prefix or region is malformed.
    #[error("invalid Cognito domain {value:?}: {reason}")]
    InvalidDomain {
        /// The prefix, region or custom domain as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The token endpoint URL does not parse or is not usable.
    #[error("invalid token endpoint URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A plain-`http` endpoint on a host other than loopback, without
    /// [`allow_insecure_http`](crate::ClientCredentialsBuilder::allow_insecure_http).
    #[error(
        "{0:?} uses plain http on a non-loopback host, which would send the client secret in clear; \
         use https, or call allow_insecure_http(true) if you really mean it"
    )]
    InsecureUrl(String),
    /// The client id is missing or empty.
    #[error("client id not set: call client_id(id)")]
    MissingClientId,
    /// The client secret is missing or empty.
    #[error("client secret not set: call client_secret(secret) (the app client must have a secret)")]
    MissingClientSecret,
    /// The [`client_secret_source`](crate::ClientCredentialsBuilder::client_secret_source)
    /// could not be read at build time (a missing, unreadable, empty or oversized file; a
    /// closure that returned nothing). The message names the file, never its content.
    #[error("cannot read the client secret: {0}")]
    SecretSource(String),
    /// The [`resource`](crate::ClientCredentialsBuilder::resource) is not a resource indicator
    /// Cognito accepts: 1 to 256 characters, no spaces, quotes, backslashes or fragment.
    #[error("invalid resource {0:?}: 1 to 256 characters, no spaces, quotes, backslashes or '#'")]
    InvalidResource(String),
    /// A scope is empty or contains characters OAuth does not allow (spaces, quotes,
    /// backslashes, control characters).
    #[error("invalid scope {0:?}: scopes are non-empty and contain no spaces, quotes or backslashes")]
    InvalidScope(String),
    /// A numeric option is out of range.
    #[error("option {option} is out of range: {reason}")]
    OutOfRange {
        /// The option's name.
        option: &'static str,
        /// The range it must be in.
        reason: &'static str,
    },
    /// The HTTP client could not be created (e.g. no TLS roots available).
    #[error("cannot create the HTTP client for token requests: {0}")]
    HttpClient(String),
}

impl From<cognito_http::OutOfRange> for ConfigError {
    fn from(err: cognito_http::OutOfRange) -> Self {
        ConfigError::OutOfRange { option: err.option, reason: err.reason }
    }
}

/// An OAuth 2.0 `error` code from the token endpoint (RFC 6749 §5.2).
///
/// ```
/// use cognito_client::OAuthErrorCode;
///
/// assert_eq!(OAuthErrorCode::parse("invalid_scope"), OAuthErrorCode::InvalidScope);
/// assert_eq!(OAuthErrorCode::parse("slow_down").as_str(), "slow_down"); // kept as sent
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`: the request is malformed.
    InvalidRequest,
    /// `invalid_client`: unknown client, wrong secret, or wrong authentication method.
    InvalidClient,
    /// `invalid_grant`: the grant is invalid or expired.
    InvalidGrant,
    /// `unauthorized_client`: the app client may not use the `client_credentials` flow.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the server does not support the grant.
    UnsupportedGrantType,
    /// `invalid_scope`: a requested scope is unknown or not allowed for this client.
    InvalidScope,
    /// `invalid_target` (RFC 8707 §2): the requested `resource` is unknown or not allowed.
    InvalidTarget,
    /// Any other code, as sent (without control characters, at most 256 characters).
    Other(String),
}

impl OAuthErrorCode {
    /// Parses an `error` value; unknown codes become [`Other`](Self::Other).
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "invalid_target" => Self::InvalidTarget,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// No access token could be obtained.
///
/// [`is_transient`](Self::is_transient) tells whether trying again later may help: transient
/// failures were already retried (with backoff) up to the configured number of attempts.
///
/// ```
/// use cognito_client::{OAuthErrorCode, TokenError};
///
/// /// What a caller tells its operator.
/// fn advice(err: &TokenError) -> String {
///     match err.cause() {
///         TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. } => {
///             "check COGNITO_CLIENT_ID and COGNITO_CLIENT_SECRET".to_owned()
///         }
///         TokenError::Certificate { .. } => "check the trust roots or the endpoint URL".to_owned(),
///         _ if err.is_transient() => match err.retry_after() {
///             Some(wait) => format!("Cognito is unavailable; retry in {} s", wait.as_secs()),
///             None => "Cognito is unavailable; retry later".to_owned(),
///         },
///         other => format!("fix the configuration: {other}"),
///     }
/// }
/// # let _ = advice;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint refused the request with an OAuth error (`invalid_client`,
    /// `invalid_scope`, `unauthorized_client`...). Never retried: fix the configuration.
    #[error("token endpoint refused the request with {error} (HTTP {status}){}", describe(description))]
    OAuth {
        /// The OAuth `error` code.
        error: OAuthErrorCode,
        /// The `error_description`, if any (truncated).
        description: Option<String>,
        /// The HTTP status of the answer.
        status: StatusCode,
    },
    /// The token endpoint refused the [`resource`](crate::ClientCredentialsBuilder::resource)
    /// with `invalid_target` (RFC 8707 §2): the user pool has no such resource, or the app
    /// client may not ask for it. Never retried: fix the resource or the app client.
    #[error(
        "token endpoint refused resource {resource:?} with invalid_target (HTTP {status}){}",
        describe(description)
    )]
    InvalidTarget {
        /// The resource asked for.
        resource: String,
        /// The `error_description`, if any (truncated).
        description: Option<String>,
        /// The HTTP status of the answer.
        status: StatusCode,
    },
    /// The token endpoint answered an unexpected HTTP status. 429, 408 and 5xx were retried.
    #[error("token endpoint answered HTTP {status} after {attempts} attempt(s)")]
    Status {
        /// The status of the last answer.
        status: StatusCode,
        /// Requests made, retries included.
        attempts: u32,
        /// The `Retry-After` of the last answer, if any.
        retry_after: Option<Duration>,
    },
    /// Every attempt timed out (connect or total timeout).
    #[error("token request timed out after {attempts} attempt(s)")]
    Timeout {
        /// Requests made, retries included.
        attempts: u32,
    },
    /// The token endpoint could not be reached, or the connection failed mid-request.
    #[error("cannot reach the token endpoint after {attempts} attempt(s): {reason}")]
    Unreachable {
        /// Why the last attempt failed.
        reason: String,
        /// Requests made, retries included.
        attempts: u32,
    },
    /// The token endpoint's TLS certificate was refused (unknown issuer, expired, wrong name...).
    /// Never retried: it will not fix itself within a retry's wait, and retrying would hammer
    /// the endpoint (or whoever is intercepting the connection) for nothing. Fix the trust roots
    /// (e.g. pass an [`http_client`](crate::ClientCredentialsBuilder::http_client) with your CA)
    /// or the endpoint URL.
    #[error("the token endpoint's TLS certificate was refused (permanent, not retried): {reason}")]
    Certificate {
        /// What the TLS stack said.
        reason: String,
    },
    /// The answer came from another URL than the configured token endpoint: the
    /// [`http_client`](crate::ClientCredentialsBuilder::http_client) passed in followed a
    /// redirect (a 301, 302 or 303, which turns the POST into a GET without a body). The answer
    /// is not used, and the failure is not retried. The secret did not go along: the request
    /// body cannot be replayed, so a 307 / 308 is not followed (it fails as
    /// [`Status`](Self::Status)), and the `Authorization` header is dropped by the HTTP client
    /// on a redirect to another origin. Build the client with
    /// `.redirect(reqwest::redirect::Policy::none())` all the same.
    #[error("{reason}")]
    Redirected {
        /// Where the answer came from (its origin) and what to do.
        reason: String,
    },
    /// A success answer that is not a usable token response: not JSON, a missing or malformed
    /// field, a `token_type` other than `Bearer`, `expires_in` not positive.
    #[error("malformed token response: {0}")]
    MalformedResponse(String),
    /// The answer's body is larger than the configured limit.
    #[error("token endpoint response is larger than {limit} bytes")]
    ResponseTooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },
    /// A scope passed to [`access_token_for`](crate::ClientCredentials::access_token_for) is
    /// empty or contains characters OAuth does not allow.
    #[error("invalid scope {0:?}: scopes are non-empty and contain no spaces, quotes or backslashes")]
    InvalidScope(String),
    /// The last fetch for these scopes failed with `error` a moment ago, and no new request is
    /// made until its backoff window ends, in `retry_after`: callers in a loop would otherwise
    /// send the token endpoint a request each (burning the account's token quota, which every
    /// other client of the account shares). The window doubles with each failed fetch in a row
    /// (see [`failure_backoff`](crate::ClientCredentialsBuilder::failure_backoff)).
    #[error("{error} (remembered; no new token request for {retry_after:?})")]
    RecentFailure {
        /// The error of the last fetch.
        error: Box<TokenError>,
        /// When the next fetch may be made, from now.
        retry_after: Duration,
    },
    /// The token request could not run or ended without an answer: no Tokio runtime, or it is
    /// shutting down.
    #[error("the token request task ended without an answer (no Tokio runtime, or it is shutting down)")]
    Aborted,
}

impl TokenError {
    /// Whether the failure may go away by itself (endpoint unreachable, slow, overloaded or
    /// failing), as opposed to one that needs a configuration change.
    pub fn is_transient(&self) -> bool {
        match self {
            TokenError::Status { status, .. } => is_retryable_status(*status),
            TokenError::RecentFailure { error, .. } => error.is_transient(),
            TokenError::Timeout { .. } | TokenError::Unreachable { .. } | TokenError::Aborted => true,
            TokenError::OAuth { .. }
            | TokenError::InvalidTarget { .. }
            | TokenError::Certificate { .. }
            | TokenError::Redirected { .. }
            | TokenError::MalformedResponse(_)
            | TokenError::ResponseTooLarge { .. }
            | TokenError::InvalidScope(_) => false,
        }
    }
}

impl TokenError {
    /// The error the token endpoint caused: for [`RecentFailure`](Self::RecentFailure) the
    /// remembered one, else this one.
    pub fn cause(&self) -> &TokenError {
        match self {
            TokenError::RecentFailure { error, .. } => error.cause(),
            other => other,
        }
    }

    /// How long until a new request may be made: the window of a
    /// [`RecentFailure`](Self::RecentFailure), the `Retry-After` of a [`Status`](Self::Status).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TokenError::RecentFailure { retry_after, .. } => Some(*retry_after),
            TokenError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Statuses worth retrying: request timeout, rate limiting and server errors.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

fn describe(description: &Option<String>) -> String {
    description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_round_trip() {
        for code in [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "invalid_target",
            "access_denied",
        ] {
            assert_eq!(OAuthErrorCode::parse(code).as_str(), code);
        }
        assert_eq!(OAuthErrorCode::parse("access_denied"), OAuthErrorCode::Other("access_denied".into()));
    }

    #[test]
    fn oauth_error_message_names_code_status_and_description() {
        let err = TokenError::OAuth {
            error: OAuthErrorCode::InvalidScope,
            description: Some("scope x/y unknown".into()),
            status: StatusCode::BAD_REQUEST,
        };
        assert_eq!(
            err.to_string(),
            "token endpoint refused the request with invalid_scope (HTTP 400 Bad Request): scope x/y unknown"
        );
        assert!(!err.is_transient());
    }

    #[test]
    fn server_errors_and_rate_limits_are_transient_client_errors_are_not() {
        let status = |code| TokenError::Status {
            status: StatusCode::from_u16(code).unwrap(),
            attempts: 3,
            retry_after: None,
        };
        assert!(status(500).is_transient());
        assert!(status(503).is_transient());
        assert!(status(429).is_transient());
        assert!(!status(404).is_transient());
        assert!(TokenError::Timeout { attempts: 1 }.is_transient());
    }
}
