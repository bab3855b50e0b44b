//! Not part of the API: an entry point for the `token_sources` fuzz target in `fuzz/` and its
//! regression tests, hidden from the docs and free to change in any release.

use http::HeaderMap;

use crate::error::AuthError;
use crate::token_source::{TokenSource, find_token as find};

/// The token `sources` find in `headers`, tried in order, as the layer looks for it.
pub fn find_token(sources: &[TokenSource], headers: &HeaderMap) -> Result<Option<String>, AuthError> {
    find(sources, headers).map(|token| token.map(|token| token.as_str().to_owned()))
}
