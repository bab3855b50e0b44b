//! Not part of the API: entry points for the fuzz targets in `fuzz/` and their regression
//! tests, hidden from the docs and free to change in any release.
//!
//! A token endpoint response normally arrives only through an HTTP request, far too slow to
//! fuzz; these parse one directly, exactly as a request would.

use std::time::{Duration, Instant};

use crate::error::{OAuthErrorCode, TokenError};
use crate::request;

/// Parses `body` as a successful (2xx) token response: the token and its lifetime.
pub fn token_response(body: &[u8]) -> Result<(String, Duration), TokenError> {
    let fetched = request::parse_token(body, Instant::now())?;
    Ok((fetched.token.as_str().to_owned(), fetched.lifetime))
}

/// Parses `body` as an error (4xx) token response: the OAuth error code and description, when
/// the body is one.
pub fn error_response(body: &[u8]) -> Option<(OAuthErrorCode, Option<String>)> {
    request::oauth_error(body)
}
