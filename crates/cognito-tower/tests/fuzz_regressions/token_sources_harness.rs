//! The checks of the `token_sources` fuzz target, shared by `fuzz/` (which includes this file)
//! and the regression tests next to it: where the layer finds a token, against an independent
//! model of RFC 6750 §2.1 (`Authorization: Bearer`), cookies (RFC 6265) and a raw header.
//!
//! The input is a list of request headers, one `name:value` per line; lines that make no valid
//! header are skipped.

use cognito_tower::TokenSource;
use http::{HeaderMap, HeaderName, HeaderValue};

const COOKIE_NAME: &str = "access_token";
const HEADER_NAME: &str = "x-access-token";

/// What a source answers, in the model: no token, a token, or malformed credentials.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    None,
    Token(String),
    Malformed,
}

fn is_space(b: &u8) -> bool {
    *b == b' ' || *b == b'\t'
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// A token is visible ASCII (no space), not empty.
fn token(bytes: &[u8]) -> Found {
    if !bytes.is_empty() && bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        Found::Token(String::from_utf8(bytes.to_vec()).expect("ASCII"))
    } else {
        Found::Malformed
    }
}

fn bearer_model(headers: &HeaderMap) -> Found {
    let values: Vec<&HeaderValue> = headers.get_all(http::header::AUTHORIZATION).iter().collect();
    match values.as_slice() {
        [] => Found::None,
        [value] => {
            let bytes = value.as_bytes();
            let (scheme, rest) = match bytes.iter().position(|b| *b == b' ') {
                Some(space) => (&bytes[..space], &bytes[space..]),
                None => (bytes, &b""[..]),
            };
            if !scheme.eq_ignore_ascii_case(b"bearer") {
                return Found::None;
            }
            match trim(rest) {
                [] => Found::Malformed,
                rest => token(rest),
            }
        }
        _ => Found::Malformed,
    }
}

fn header_model(headers: &HeaderMap) -> Found {
    let values: Vec<&HeaderValue> = headers.get_all(HEADER_NAME).iter().collect();
    match values.as_slice() {
        [] => Found::None,
        [value] => match trim(value.as_bytes()) {
            [] => Found::Malformed,
            value => token(value),
        },
        _ => Found::Malformed,
    }
}

fn cookie_model(headers: &HeaderMap) -> Found {
    let mut found = Found::None;
    for value in headers.get_all(http::header::COOKIE) {
        for pair in value.as_bytes().split(|b| *b == b';') {
            let pair = trim(pair);
            let Some(eq) = pair.iter().position(|b| *b == b'=') else { continue };
            if &pair[..eq] != COOKIE_NAME.as_bytes() {
                continue;
            }
            let mut value = trim(&pair[eq + 1..]);
            if value.len() >= 2 && value[0] == b'"' && value[value.len() - 1] == b'"' {
                value = &value[1..value.len() - 1];
            }
            if value.is_empty() {
                continue;
            }
            if found != Found::None {
                return Found::Malformed;
            }
            found = token(value);
            if found == Found::Malformed {
                return found;
            }
        }
    }
    found
}

fn parse_headers(data: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(&line[..colon]), HeaderValue::from_bytes(&line[colon + 1..]))
        {
            headers.append(name, value);
        }
    }
    headers
}

fn found(result: Result<Option<String>, cognito_tower::AuthError>) -> Found {
    match result {
        Ok(None) => Found::None,
        Ok(Some(token)) => Found::Token(token),
        Err(cognito_tower::AuthError::InvalidRequest(_)) => Found::Malformed,
        Err(other) => panic!("a token source answered {other:?}"),
    }
}

/// Target `token_sources`. Never a panic; each source alone answers exactly what the model
/// answers; the three in order answer the first model answer that is not "no token".
pub fn token_sources(data: &[u8]) {
    let headers = parse_headers(data);
    let shown = || String::from_utf8_lossy(data).into_owned();
    let bearer = TokenSource::Bearer;
    let cookie = TokenSource::cookie(COOKIE_NAME);
    let header = TokenSource::header(HeaderName::from_static(HEADER_NAME));
    let models = [bearer_model(&headers), cookie_model(&headers), header_model(&headers)];
    for (source, model) in [bearer.clone(), cookie.clone(), header.clone()].into_iter().zip(&models) {
        let got = found(cognito_tower::fuzz::find_token(std::slice::from_ref(&source), &headers));
        assert_eq!(&got, model, "{source:?} for {:?}", shown());
    }
    let got = found(cognito_tower::fuzz::find_token(&[bearer, cookie, header], &headers));
    let want = models.into_iter().find(|model| *model != Found::None).unwrap_or(Found::None);
    assert_eq!(got, want, "all three sources for {:?}", shown());
}
