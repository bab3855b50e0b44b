//! The compact JWS form, as every token this crate reads arrives: three base64url segments
//! (header, payload, signature) joined by dots.
//!
//! This is the first stage of verification and sees raw, untrusted bytes: it allocates only the
//! decoded segments and never panics on any input. Cognito tokens take the standard path
//! (`decode`: no padding, the [`Algorithm`] allow-list); ALB tokens use the same pieces with `=`
//! padding allowed and their extra header members.
//!
//! Public: [`peek_kid`], for logging the key id of a token that failed verification.

mod header;
mod numeric_date;
mod segment_bytes;

pub(crate) use self::header::{Header, HeaderMembers};
pub(crate) use self::numeric_date::{NumericDate, UnixTime};

use crate::algorithm::Algorithm;
use crate::error::VerifyError;

/// Longest header segment [`peek_kid`] decodes: real headers are under 200 characters.
const MAX_PEEKED_HEADER_CHARS: usize = 2048;
/// Longest `kid` [`peek_kid`] returns, in characters.
const MAX_PEEKED_KID_CHARS: usize = 64;
/// Decoded header bytes kept on the stack (Cognito's are under 100).
const INLINE_HEADER_BYTES: usize = 256;

/// The `kid` in the header of `token`, for a log line about a token that failed verification;
/// cut to 64 characters, since the token may be hostile. `None` when the header segment is
/// longer than 2 KiB, is not base64url (with or without `=` padding) or is not a JSON object
/// with string `alg` and `kid` members.
///
/// Unverified: never base a decision on it. Cheap and never panics, but it decodes the header
/// again, so call it on the rejection path only.
///
/// ```
/// // {"alg":"RS256","kid":"key-1"}
/// let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.e30.c2ln";
/// assert_eq!(cognito_verify::jws::peek_kid(token).as_deref(), Some("key-1"));
/// assert_eq!(cognito_verify::jws::peek_kid("not a token"), None);
/// ```
pub fn peek_kid(token: &str) -> Option<String> {
    let segment = token.split('.').next().filter(|segment| segment.len() <= MAX_PEEKED_HEADER_CHARS)?;
    let json = decode_segment(segment, Padding::Allowed, "header").ok()?;
    let header = Header::parse(&json, HeaderMembers::Jwt).ok()?;
    Some(header.kid().ok()?.chars().take(MAX_PEEKED_KID_CHARS).collect())
}

/// Whether a segment may end in `=` padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Padding {
    /// None: a JWS never pads (RFC 7515 §2), and a padded segment is malformed.
    Refused,
    /// Exactly the padding the length calls for, or none: ALB tokens pad their segments.
    Allowed,
}

/// The three segments of a compact JWS, split but not decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segments<'t> {
    token: &'t str,
    header: &'t str,
    payload: &'t str,
    signature: &'t str,
}

impl<'t> Segments<'t> {
    /// Exactly three dot-separated segments, header and payload not empty.
    pub(crate) fn split(token: &'t str) -> Result<Self, VerifyError> {
        let (header, rest) = split_header(token)?;
        let (payload, signature) = split_body(rest)?;
        if header.is_empty() || payload.is_empty() {
            return Err(VerifyError::Malformed("empty header or payload segment"));
        }
        Ok(Segments { token, header, payload, signature })
    }

    /// The header JSON.
    pub(crate) fn header(&self, padding: Padding) -> Result<Vec<u8>, VerifyError> {
        decode_segment(self.header, padding, "header is not base64url")
    }

    /// The payload JSON (not yet verified).
    pub(crate) fn payload(&self, padding: Padding) -> Result<Vec<u8>, VerifyError> {
        decode_segment(self.payload, padding, "payload is not base64url")
    }

    /// The signature bytes; an empty signature is malformed.
    pub(crate) fn signature(&self, padding: Padding) -> Result<Vec<u8>, VerifyError> {
        let signature = decode_segment(self.signature, padding, "signature is not base64url")?;
        if signature.is_empty() {
            return Err(VerifyError::Malformed("empty signature"));
        }
        Ok(signature)
    }

    /// `header.payload` as received: the bytes the signature covers.
    pub(crate) fn signing_input(&self) -> &'t [u8] {
        let len = self.header.len() + 1 + self.payload.len();
        self.token.as_bytes().get(..len).unwrap_or_default()
    }
}

/// A standard JWS whose header is decoded and checked; the rest (`payload.signature`) not yet
/// split nor decoded.
///
/// Verification looks the key up by `kid` at this stage, so a token whose key is unknown (the
/// common shape of a forged or stale token) is refused without even searching the rest of it for
/// its dots.
#[derive(Debug)]
pub(crate) struct DecodedHeader<'t> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: String,
    token: &'t str,
    /// Everything after the header's dot.
    rest: &'t str,
}

impl<'t> DecodedHeader<'t> {
    /// `header.payload`: the bytes the signature covers, as `body` split them.
    pub(crate) fn signing_input(&self, body: &DecodedBody) -> &'t [u8] {
        self.token.as_bytes().get(..body.signing_input_len).unwrap_or_default()
    }

    /// Split the rest into payload and signature (exactly one more dot, a payload that is not
    /// empty) and decode both (base64url without padding); an empty signature is malformed.
    pub(crate) fn decode_body(&self) -> Result<DecodedBody, VerifyError> {
        let (payload, signature) = split_body(self.rest)?;
        if payload.is_empty() {
            return Err(VerifyError::Malformed("empty header or payload segment"));
        }
        let engine = base64_simd::URL_SAFE_NO_PAD;
        let (payload, signature) = (payload.as_bytes(), signature.as_bytes());
        let mut decoded = Vec::with_capacity(
            engine.estimated_decoded_length(payload.len()) + engine.estimated_decoded_length(signature.len()),
        );
        engine
            .decode_append(payload, &mut decoded)
            .map_err(|_| VerifyError::Malformed("payload is not base64url"))?;
        let payload_len = decoded.len();
        engine
            .decode_append(signature, &mut decoded)
            .map_err(|_| VerifyError::Malformed("signature is not base64url"))?;
        if decoded.len() == payload_len {
            return Err(VerifyError::Malformed("empty signature"));
        }
        let signing_input_len = self.token.len() - self.rest.len() + payload.len();
        Ok(DecodedBody { decoded, payload_len, signing_input_len })
    }
}

/// The payload and signature of a standard JWS, decoded; the signature not yet checked.
#[derive(Debug)]
pub(crate) struct DecodedBody {
    /// The payload JSON then the signature bytes: one allocation for both, which the claims
    /// keep (the payload is their text).
    decoded: Vec<u8>,
    payload_len: usize,
    /// Bytes of the token up to its second dot (`header.payload`).
    signing_input_len: usize,
}

impl DecodedBody {
    /// The payload JSON (not yet verified).
    pub(crate) fn payload(&self) -> &[u8] {
        self.decoded.get(..self.payload_len).unwrap_or_default()
    }

    /// The payload JSON, once the signature is checked: its buffer, for the claims to keep
    /// (the signature's bytes are cut off, not reallocated).
    pub(crate) fn into_payload(mut self) -> Vec<u8> {
        self.decoded.truncate(self.payload_len);
        self.decoded
    }

    /// The signature bytes, not empty.
    pub(crate) fn signature(&self) -> &[u8] {
        self.decoded.get(self.payload_len..).unwrap_or_default()
    }
}

/// Decode the header of `token` (already checked against the size limit), up to its first dot,
/// checking the `alg` against the allow-list. Checks, in order: a dot after a header that is not
/// empty, header base64url without padding, header JSON, no `crit`, `alg`, `kid`. The rest of
/// the token is split by [`DecodedHeader::decode_body`].
pub(crate) fn decode_header(token: &str) -> Result<DecodedHeader<'_>, VerifyError> {
    let (header, rest) = split_header(token)?;
    if header.is_empty() {
        return Err(VerifyError::Malformed("empty header or payload segment"));
    }
    let (mut inline, mut heap) = ([0u8; INLINE_HEADER_BYTES], Vec::new());
    let header_json =
        segment_bytes::decode_into(&base64_simd::URL_SAFE_NO_PAD, header.as_bytes(), &mut inline, &mut heap)
            .ok_or_else(|| VerifyError::Malformed("header is not base64url"))?;
    let header = Header::parse(header_json, HeaderMembers::Jwt)?;
    header.refuse_critical()?;
    let alg = header.alg(Algorithm::from_name)?;
    let kid = header.kid()?.to_owned();
    Ok(DecodedHeader { alg, kid, token, rest })
}

/// The header segment and the rest of `token`, at its first dot.
fn split_header(token: &str) -> Result<(&str, &str), VerifyError> {
    // SIMD search for the dots (here and in `split_body`): the token is scanned whole on every
    // fresh verification.
    memchr::memchr(b'.', token.as_bytes())
        .and_then(|dot| Some((token.get(..dot)?, token.get(dot + 1..)?)))
        .ok_or_else(|| VerifyError::Malformed("expected three dot-separated segments"))
}

/// The payload and signature segments of what follows the header: exactly one more dot.
fn split_body(rest: &str) -> Result<(&str, &str), VerifyError> {
    let mut dots = memchr::memchr_iter(b'.', rest.as_bytes());
    if let (Some(dot), None) = (dots.next(), dots.next())
        && let (Some(payload), Some(signature)) = (rest.get(..dot), rest.get(dot + 1..))
    {
        return Ok((payload, signature));
    }
    Err(VerifyError::Malformed("expected three dot-separated segments"))
}

/// [`decode_header`] then [`DecodedHeader::decode_body`]: the whole token, for callers that need
/// the payload whatever the key.
pub(crate) fn decode(token: &str) -> Result<(DecodedHeader<'_>, DecodedBody), VerifyError> {
    let header = decode_header(token)?;
    let body = header.decode_body()?;
    Ok((header, body))
}

/// Strict base64url: the URL-safe alphabet, canonical trailing bits, padding as `padding` says.
/// SIMD-accelerated, since decoding is a visible part of the per-token cost next to the
/// signature check.
fn decode_segment(segment: &str, padding: Padding, what: &'static str) -> Result<Vec<u8>, VerifyError> {
    let unpadded = unpadded(segment, padding, what)?;
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(unpadded).map_err(|_| VerifyError::Malformed(what))
}

/// `segment` without its `=` padding, when `padding` allows it and it is the padding the length
/// calls for.
fn unpadded<'s>(segment: &'s str, padding: Padding, what: &'static str) -> Result<&'s str, VerifyError> {
    match padding {
        Padding::Refused => Ok(segment),
        Padding::Allowed => {
            let unpadded = segment.trim_end_matches('=');
            let pad = segment.len() - unpadded.len();
            if pad > 2 || (pad > 0 && !segment.len().is_multiple_of(4)) {
                return Err(VerifyError::Malformed(what));
            }
            Ok(unpadded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn seg(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn strict(segment: &str) -> Result<Vec<u8>, VerifyError> {
        decode_segment(segment, Padding::Refused, "x")
    }

    fn padded(segment: &str) -> Result<Vec<u8>, VerifyError> {
        decode_segment(segment, Padding::Allowed, "x")
    }

    #[test]
    fn a_token_needs_exactly_three_segments() {
        for token in ["", "a", "a.b", "a.b.c.d", "a.b.c.d.e"] {
            assert!(matches!(decode(token), Err(VerifyError::Malformed(_))), "{token:?}");
        }
    }

    #[test]
    fn standard_alphabet_and_padding_are_refused() {
        let header = seg(r#"{"alg":"RS256","kid":"k"}"#);
        let token = format!("{header}.ab+/.c2ln");
        assert_eq!(decode(&token).unwrap_err(), VerifyError::Malformed("payload is not base64url"));
        let token = format!("{header}=.YWJj.c2ln");
        assert_eq!(decode(&token).unwrap_err(), VerifyError::Malformed("header is not base64url"));
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // "YWJjZA" is "abcd"; "YWJjZB" differs only in bits that do not fit a byte. Accepting it
        // would let one signature be written several ways.
        assert_eq!(strict("YWJjZA").unwrap(), b"abcd");
        assert!(strict("YWJjZB").is_err());
        assert!(strict("YWJjZA==").is_err());
        assert!(strict("Y").is_err());
    }

    #[test]
    fn padding_is_accepted_only_where_the_length_calls_for_it() {
        assert_eq!(padded("YWJjZA==").unwrap(), b"abcd");
        assert_eq!(padded("YWJjZA").unwrap(), b"abcd");
        assert_eq!(padded("YWJjZGU=").unwrap(), b"abcde");
        for bad in ["YWJjZA=", "YWJjZA===", "YWJj=", "YWJj====", "YWJjZB==", "YW+jZA==", "="] {
            assert!(padded(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn header_members_must_be_strings() {
        let token = format!("{}.YWJj.c2ln", seg(r#"{"alg":1,"kid":"k"}"#));
        assert_eq!(decode(&token).unwrap_err(), VerifyError::MalformedHeader("alg is not a string"));
        let token = format!("{}.YWJj.c2ln", seg(r#"{"alg":"RS256","kid":["k"]}"#));
        assert_eq!(decode(&token).unwrap_err(), VerifyError::MalformedHeader("kid is not a string"));
        let token = format!("{}.YWJj.c2ln", seg(r#"["RS256"]"#));
        assert_eq!(decode(&token).unwrap_err(), VerifyError::MalformedHeader("not a valid JSON object"));
    }

    #[test]
    fn only_allow_listed_algorithms_pass() {
        for alg in ["none", "HS256", "PS256", "RS1", "ES521", "rs256"] {
            let token = format!("{}.YWJj.c2ln", seg(&format!(r#"{{"alg":"{alg}","kid":"k"}}"#)));
            assert_eq!(decode(&token).unwrap_err(), VerifyError::DisallowedAlgorithm(alg.into()));
        }
        let token = format!("{}.YWJj.c2ln", seg(r#"{"alg":"ES256","kid":"k+/="}"#));
        let (header, body) = decode(&token).unwrap();
        assert_eq!(
            (header.alg, header.kid.as_str(), body.payload()),
            (Algorithm::ES256, "k+/=", &b"abc"[..])
        );
        assert_eq!(
            header.signing_input(&body),
            format!("{}.YWJj", seg(r#"{"alg":"ES256","kid":"k+/="}"#)).as_bytes()
        );
    }

    #[test]
    fn peek_kid_reads_padded_and_unpadded_headers_and_cuts_long_kids() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","kid":"abc"}"#);
        assert_eq!(peek_kid(&format!("{header}.x.y")).as_deref(), Some("abc"));
        let padded = base64::engine::general_purpose::URL_SAFE.encode(r#"{"alg":"ES256","kid":"abcd"}"#);
        assert!(padded.ends_with('='));
        assert_eq!(peek_kid(&format!("{padded}.x.y")).as_deref(), Some("abcd"));
        let long = seg(&format!(r#"{{"kid":"{}"}}"#, "k".repeat(100)));
        assert_eq!(peek_kid(&long), Some("k".repeat(64)));
        assert_eq!(peek_kid(&seg(r#"{"alg":"RS256"}"#)), None);
        assert_eq!(peek_kid(&"A".repeat(4096)), None);
        assert_eq!(peek_kid(""), None);
    }
}
