//! Compact JWS: assembling signed tokens, and taking them apart or damaging them in tests.

use aws_lc_rs::error::Unspecified;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::keys::SigningKey;

/// Base64url without padding, as used for every JWS segment.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `base64url(header).base64url(payload).base64url(signature)` signed with `key`.
pub(crate) fn try_compact(key: &SigningKey, header: &[u8], payload: &[u8]) -> Result<String, Unspecified> {
    let alg = serde_json::from_slice::<Value>(header)
        .ok()
        .and_then(|h| h.get("alg").and_then(Value::as_str).map(str::to_owned));
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let signature = key.sign(alg.as_deref(), input.as_bytes())?;
    Ok(format!("{input}.{}", b64url(&signature)))
}

/// [`try_compact`] for test code, where a failing signature is a broken environment.
pub(crate) fn compact(key: &SigningKey, header: &[u8], payload: &[u8]) -> String {
    try_compact(key, header, payload).expect("cognito-testkit: signing with aws-lc-rs failed")
}

/// The header and claims of a compact JWS, without checking anything. `None` unless the token
/// has three segments whose first two are base64url JSON.
///
/// ```no_run
/// # async fn demo() {
/// let issuer = cognito_testkit::TestIssuer::start().await;
/// let (header, claims) = cognito_testkit::decode_token(&issuer.access_token().sign()).unwrap();
/// assert_eq!(header["alg"], "RS256");
/// assert_eq!(claims["token_use"], "access");
/// # }
/// ```
pub fn decode_token(token: &str) -> Option<(Value, Value)> {
    let mut segments = token.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return None;
    };
    let decode = |segment: &str| {
        let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
        serde_json::from_slice::<Value>(&bytes).ok()
    };
    Some((decode(header)?, decode(payload)?))
}

/// The same token with its payload changed and its signature kept: a JSON object payload gets
/// `"sub": "tampered"`; anything else gets one byte flipped. Signature checks must fail.
pub fn tamper_payload(token: &str) -> String {
    let Some((header, rest)) = token.split_once('.') else {
        return token.to_owned();
    };
    let Some((payload, signature)) = rest.split_once('.') else {
        return token.to_owned();
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(payload).unwrap_or_default();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut claims)) => {
            claims.insert("sub".to_owned(), Value::String("tampered".to_owned()));
            bytes = serde_json::to_vec(&claims).unwrap_or_default();
        }
        _ => match bytes.last_mut() {
            Some(last) => *last ^= 1,
            None => bytes.push(b'x'),
        },
    }
    format!("{header}.{}.{signature}", b64url(&bytes))
}

/// The same token with one bit of its signature flipped (an empty signature becomes one zero
/// byte). Signature checks must fail.
pub fn tamper_signature(token: &str) -> String {
    let Some((input, signature)) = token.rsplit_once('.') else {
        return token.to_owned();
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
    match bytes.first_mut() {
        Some(first) => *first ^= 1,
        None => bytes.push(0),
    }
    format!("{input}.{}", b64url(&bytes))
}
