//! Where the layer finds the token: `Authorization: Bearer`, a cookie, or a header.
//!
//! Each source answers "no token here", "here is a token" or "there are credentials here, but
//! they are malformed" (RFC 6750 `invalid_request`). The layer tries its sources in order and
//! stops at the first that has a token or is malformed.

use std::fmt;

use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::AuthError;

/// A place in the request to look for the token.
///
/// ```
/// use cognito_tower::TokenSource;
/// use http::HeaderName;
///
/// let sources = [
///     TokenSource::Bearer,                                       // Authorization: Bearer <token>
///     TokenSource::cookie("access_token"),                       // Cookie: access_token=<token>
///     TokenSource::header(HeaderName::from_static("x-access-token")), // X-Access-Token: <token>
/// ];
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// `Authorization: Bearer <token>` (RFC 6750 §2.1), the scheme matched case-insensitively.
    ///
    /// Another scheme (e.g. `Basic`) counts as "no token"; `Bearer` with no token, a token with
    /// whitespace, or two `Authorization` headers are malformed (400 `invalid_request`).
    Bearer,
    /// A cookie with this (case-sensitive) name. An empty value counts as "no token" (that is
    /// how cookies are cleared); the same cookie sent twice is malformed, since the server cannot
    /// tell which one to trust.
    Cookie(String),
    /// A header whose whole value is the token, without a scheme. Sent twice, or empty, it is
    /// malformed.
    Header(HeaderName),
}

impl TokenSource {
    /// The cookie called `name`.
    pub fn cookie(name: impl Into<String>) -> Self {
        TokenSource::Cookie(name.into())
    }

    /// The header `name`, holding the raw token.
    pub fn header(name: HeaderName) -> Self {
        TokenSource::Header(name)
    }

    /// The token in `headers` from this source, if any.
    pub(crate) fn extract(&self, headers: &HeaderMap) -> Result<Option<Token>, AuthError> {
        match self {
            TokenSource::Bearer => bearer(headers),
            TokenSource::Cookie(name) => cookie(headers, name),
            TokenSource::Header(name) => header(headers, name),
        }
    }
}

/// The first token found by `sources`, in order; a malformed source stops the search.
pub(crate) fn find_token(sources: &[TokenSource], headers: &HeaderMap) -> Result<Option<Token>, AuthError> {
    for source in sources {
        if let Some(token) = source.extract(headers)? {
            return Ok(Some(token));
        }
    }
    Ok(None)
}

/// A token a [`TokenSource`] found: the header value it came in (a cheap, reference-counted
/// clone) and where in it the token is, so the token is never copied.
///
/// Authenticators read it from their [`Credentials`](crate::Credentials). Its `Debug` output
/// shows the length only: a token must never reach a log.
///
/// ```
/// use std::sync::Arc;
///
/// use cognito_tower::{AuthLayer, Credentials};
///
/// let layer = AuthLayer::new(|credentials: &Credentials<'_>| {
///     let token = credentials.require_token()?;
///     assert!(!format!("{token:?}").contains(token.as_str()), "Debug never shows the token");
///     Ok(Arc::new(token.as_str().to_owned()))
/// });
/// ```
#[derive(Clone)]
pub struct Token {
    value: HeaderValue,
    start: usize,
    end: usize,
}

impl Token {
    /// Checks that `value[start..end]` can be a token: non-empty, visible ASCII, no spaces.
    fn new(value: &HeaderValue, start: usize, end: usize) -> Result<Token, AuthError> {
        let bytes = value.as_bytes().get(start..end).unwrap_or_default();
        // Branch-free over the whole token so the check vectorises: it runs on every request.
        let outside_visible_ascii =
            bytes.iter().fold(0u8, |acc, b| acc | u8::from(b.wrapping_sub(0x21) > 0x5D));
        if outside_visible_ascii != 0 {
            return Err(AuthError::InvalidRequest("the token contains whitespace or non-ASCII characters"));
        }
        Ok(Token { value: value.clone(), start, end })
    }

    /// The token: visible ASCII, no spaces, not empty.
    pub fn as_str(&self) -> &str {
        let bytes = self.value.as_bytes().get(self.start..self.end).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("len", &self.as_str().len()).finish_non_exhaustive()
    }
}

/// The only value of `name`, `Ok(None)` if absent, `Err(duplicate)` if sent more than once.
fn single<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
    duplicate: &'static str,
) -> Result<Option<&'a HeaderValue>, AuthError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(AuthError::InvalidRequest(duplicate));
    }
    Ok(first)
}

fn is_space(byte: &u8) -> bool {
    *byte == b' ' || *byte == b'\t'
}

/// `start..end` narrowed to exclude leading and trailing spaces and tabs.
fn trim(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let slice = bytes.get(start..end).unwrap_or_default();
    let lead = slice.iter().take_while(|b| is_space(b)).count();
    let trail = slice.iter().rev().take_while(|b| is_space(b)).count();
    if lead == slice.len() { (start, start) } else { (start + lead, end - trail) }
}

fn bearer(headers: &HeaderMap) -> Result<Option<Token>, AuthError> {
    let Some(value) = single(headers, &AUTHORIZATION, "more than one Authorization header")? else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let scheme_end = bytes.iter().position(|b| *b == b' ').unwrap_or(bytes.len());
    let scheme = bytes.get(..scheme_end).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Ok(None);
    }
    let (start, end) = trim(bytes, scheme_end, bytes.len());
    if start == end {
        return Err(AuthError::InvalidRequest("the Bearer scheme is not followed by a token"));
    }
    Token::new(value, start, end).map(Some)
}

fn header(headers: &HeaderMap, name: &HeaderName) -> Result<Option<Token>, AuthError> {
    let Some(value) = single(headers, name, "the token header appears more than once")? else {
        return Ok(None);
    };
    let (start, end) = trim(value.as_bytes(), 0, value.len());
    if start == end {
        return Err(AuthError::InvalidRequest("the token header is empty"));
    }
    Token::new(value, start, end).map(Some)
}

fn cookie(headers: &HeaderMap, name: &str) -> Result<Option<Token>, AuthError> {
    let mut found = None;
    // HTTP/2 clients may split cookies over several `Cookie` headers (RFC 9113 §8.2.3).
    for value in headers.get_all(COOKIE) {
        let bytes = value.as_bytes();
        let mut pair_start = 0;
        for pair in bytes.split(|b| *b == b';') {
            let pair_end = pair_start + pair.len();
            let (start, end) = trim(bytes, pair_start, pair_end);
            pair_start = pair_end + 1;
            let pair = bytes.get(start..end).unwrap_or_default();
            let Some(eq) = pair.iter().position(|b| *b == b'=') else { continue };
            if pair.get(..eq) != Some(name.as_bytes()) {
                continue;
            }
            let (mut value_start, mut value_end) = trim(bytes, start + eq + 1, end);
            let quoted = bytes.get(value_start..value_end).unwrap_or_default();
            if quoted.len() >= 2 && quoted.starts_with(b"\"") && quoted.ends_with(b"\"") {
                value_start += 1;
                value_end -= 1;
            }
            if value_start == value_end {
                continue;
            }
            if found.is_some() {
                return Err(AuthError::InvalidRequest("the token cookie appears more than once"));
            }
            found = Some(Token::new(value, value_start, value_end)?);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn extract(source: TokenSource, pairs: &[(&str, &str)]) -> Result<Option<String>, AuthError> {
        source.extract(&headers(pairs)).map(|token| token.map(|t| t.as_str().to_owned()))
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let value = format!("{scheme} a.b.c");
            assert_eq!(extract(TokenSource::Bearer, &[("authorization", &value)]), Ok(Some("a.b.c".into())));
        }
    }

    #[test]
    fn bearer_tolerates_extra_spaces_around_the_token() {
        assert_eq!(
            extract(TokenSource::Bearer, &[("authorization", "Bearer   a.b.c  ")]),
            Ok(Some("a.b.c".into()))
        );
    }

    #[test]
    fn other_schemes_are_no_token() {
        assert_eq!(extract(TokenSource::Bearer, &[("authorization", "Basic dXNlcjpwYXNz")]), Ok(None));
        assert_eq!(extract(TokenSource::Bearer, &[("authorization", "Bearertoken")]), Ok(None));
        assert_eq!(extract(TokenSource::Bearer, &[]), Ok(None));
    }

    #[test]
    fn malformed_bearer_credentials_are_invalid_requests() {
        for value in ["Bearer", "Bearer ", "Bearer a b", "Bearer a\tb"] {
            let result = extract(TokenSource::Bearer, &[("authorization", value)]);
            assert!(matches!(result, Err(AuthError::InvalidRequest(_))), "{value:?}: {result:?}");
        }
        let two =
            extract(TokenSource::Bearer, &[("authorization", "Bearer a"), ("authorization", "Bearer b")]);
        assert_eq!(two, Err(AuthError::InvalidRequest("more than one Authorization header")));
    }

    #[test]
    fn cookie_is_found_among_others_and_across_headers() {
        let source = TokenSource::cookie("access_token");
        let one = [("cookie", "theme=dark; access_token=a.b.c; lang=en")];
        assert_eq!(extract(source.clone(), &one), Ok(Some("a.b.c".into())));
        let split = [("cookie", "theme=dark"), ("cookie", "access_token=\"a.b.c\"")];
        assert_eq!(extract(source.clone(), &split), Ok(Some("a.b.c".into())));
        assert_eq!(extract(source.clone(), &[("cookie", "access_tokenx=a; xaccess_token=b")]), Ok(None));
        assert_eq!(extract(source, &[("cookie", "access_token=")]), Ok(None));
    }

    #[test]
    fn duplicate_cookie_is_an_invalid_request() {
        let result = extract(TokenSource::cookie("t"), &[("cookie", "t=a.b.c; t=d.e.f")]);
        assert!(matches!(result, Err(AuthError::InvalidRequest(_))));
    }

    #[test]
    fn header_source_reads_the_raw_value() {
        let source = TokenSource::header(HeaderName::from_static("x-access-token"));
        assert_eq!(extract(source.clone(), &[("x-access-token", "a.b.c")]), Ok(Some("a.b.c".into())));
        assert_eq!(extract(source.clone(), &[]), Ok(None));
        assert!(matches!(extract(source, &[("x-access-token", " ")]), Err(AuthError::InvalidRequest(_))));
    }

    #[test]
    fn sources_are_tried_in_order() {
        let sources = [TokenSource::Bearer, TokenSource::cookie("t")];
        let found = |pairs: &[(&str, &str)]| {
            find_token(&sources, &headers(pairs)).map(|t| t.map(|t| t.as_str().to_owned()))
        };
        assert_eq!(found(&[("cookie", "t=from.cookie")]), Ok(Some("from.cookie".into())));
        assert_eq!(
            found(&[("authorization", "Bearer from.header"), ("cookie", "t=from.cookie")]),
            Ok(Some("from.header".into()))
        );
        assert!(found(&[("authorization", "Bearer"), ("cookie", "t=from.cookie")]).is_err());
    }
}
