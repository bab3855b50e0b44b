//! [`Error`]: why the consumer stopped, in words that say what to check.

use http::StatusCode;

/// Why the consumer could not finish, or finished with something other than what it expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A variable the real-pool mode needs is not set.
    #[error(
        "{0} is not set: against a real user pool set COGNITO_DOMAIN (and AWS_REGION for a domain \
         prefix) or COGNITO_TOKEN_ENDPOINT, COGNITO_CLIENT_ID and COGNITO_CLIENT_SECRET (or none of \
         them to run against a local test issuer)"
    )]
    MissingEnv(&'static str),
    /// Two variables that name the same thing in different ways are both set.
    #[error("{0} and {1} are both set: set one (a full token endpoint URL, or the pool's domain)")]
    ConflictingEnv(&'static str, &'static str),
    /// `COGNITO_DOMAIN` is neither a domain prefix nor a host name.
    #[error(
        "COGNITO_DOMAIN {0:?} is neither a domain prefix (my-prefix) nor a custom domain's host name \
         (auth.example.com); for an emulator or any other URL set COGNITO_TOKEN_ENDPOINT instead"
    )]
    InvalidDomain(String),
    /// The token provider's configuration was refused (bad domain, URL, scope...).
    #[error("the client-credentials configuration is invalid: {0}")]
    Config(#[from] cognito_client::ConfigError),
    /// The API URL is not an `http(s)` URL.
    #[error("API_URL {0:?} is not an http:// or https:// URL")]
    InvalidApiUrl(String),
    /// No access token could be obtained from the token endpoint.
    #[error("could not get an access token from {endpoint}: {source}")]
    Token {
        /// The token endpoint asked.
        endpoint: String,
        /// What went wrong.
        source: cognito_client::TokenError,
    },
    /// The HTTP client could not be created.
    #[error("cannot create the HTTP client: {0}")]
    HttpClient(String),
    /// A request to the API failed without an answer (connection refused, timeout...).
    #[error("{call} failed: {reason} (is the api example running at {url}?)")]
    Request {
        /// The call, e.g. `POST /transactions`.
        call: &'static str,
        /// The URL called.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// The API answered with a status other than the one the flow expects.
    #[error("{call} answered {status}, expected {expected}{}", body_suffix(body))]
    UnexpectedStatus {
        /// The call, e.g. `GET /transactions`.
        call: &'static str,
        /// What was expected, e.g. `403 Forbidden`.
        expected: &'static str,
        /// What came back.
        status: StatusCode,
        /// The start of the response body, for context.
        body: String,
    },
    /// The second call made a token request although the first call's token was still valid.
    #[error(
        "the second call made a token request ({before} before, {after} after): the token was not reused"
    )]
    TokenNotReused {
        /// Token requests after the first call.
        before: u64,
        /// Token requests after the second call.
        after: u64,
    },
    /// The local test setup could not start (no loopback port, bad verifier configuration).
    #[error("cannot start the local setup: {0}")]
    LocalSetup(String),
    /// Writing the report failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

fn body_suffix(body: &str) -> String {
    if body.is_empty() { String::new() } else { format!(": {body}") }
}
