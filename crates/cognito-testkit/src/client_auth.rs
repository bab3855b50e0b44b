//! Client authentication at the token and revocation endpoints: HTTP Basic
//! (`base64(urlencode(id):urlencode(secret))`, RFC 6749 §2.3.1) or `client_id` /
//! `client_secret` in the form body, never both.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use crate::client::ClientRegistration;
use crate::lock::lock;
use crate::oauth_error::TokenError;
use crate::shared::Shared;

/// The registered client the request authenticates as, or `invalid_client`.
pub(crate) fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<ClientRegistration, TokenError> {
    let (client_id, secret) = client_credentials(headers, params)?;
    let basic = headers.contains_key(header::AUTHORIZATION);
    lock(&shared.clients)
        .get(&client_id)
        .filter(|c| c.authenticates(secret.as_deref()))
        .cloned()
        .ok_or(TokenError::InvalidClient { basic })
}

/// The form parameters, refusing any given twice (RFC 6749 §3.2).
pub(crate) fn unique_params(pairs: Vec<(String, String)>) -> Result<HashMap<String, String>, TokenError> {
    let mut params = HashMap::new();
    for (name, value) in pairs {
        if params.insert(name, value).is_some() {
            return Err(TokenError::InvalidRequest);
        }
    }
    Ok(params)
}

/// The client id and secret from HTTP Basic or the form body (exactly one of them).
fn client_credentials(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(String, Option<String>), TokenError> {
    let form_id = params.get("client_id");
    let form_secret = params.get("client_secret");
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        let id = form_id.ok_or(TokenError::InvalidClient { basic: false })?;
        return Ok((id.clone(), form_secret.cloned()));
    };
    if form_secret.is_some() {
        // RFC 6749 §2.3: a client must not use more than one authentication method.
        return Err(TokenError::InvalidRequest);
    }
    let (id, secret) = parse_basic(authorization).ok_or(TokenError::InvalidClient { basic: true })?;
    if form_id.is_some_and(|form_id| *form_id != id) {
        return Err(TokenError::InvalidClient { basic: true });
    }
    Ok((id, Some(secret)))
}

/// `Basic base64(urlencode(id):urlencode(secret))` → `(id, secret)`.
fn parse_basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let decoded = STANDARD.decode(encoded).or_else(|_| STANDARD_NO_PAD.decode(encoded)).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is. `None` if the result is not UTF-8.
fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match (b, escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (other, None) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decode_handles_plus_escapes_and_stray_percent() {
        assert_eq!(form_decode("a+b%2Fc%3A").as_deref(), Some("a b/c:"));
        assert_eq!(form_decode("100%").as_deref(), Some("100%"));
        assert_eq!(form_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(form_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(form_decode("%FF"), None);
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let value = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode("my%3Aid:p%2Bw+d"))).unwrap();
        assert_eq!(parse_basic(&value), Some(("my:id".to_owned(), "p+w d".to_owned())));
        assert_eq!(parse_basic(&HeaderValue::from_static("Bearer abc")), None);
        assert_eq!(parse_basic(&HeaderValue::from_static("Basic !!!")), None);
        assert_eq!(parse_basic(&HeaderValue::from_static("Basic")), None);
    }
}
