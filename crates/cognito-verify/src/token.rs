//! The compact JWS form: splitting, base64url decoding, and the header.
//!
//! This is the first stage of verification and sees raw, untrusted bytes. It allocates only the
//! decoded segments and never panics on any input.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::error::VerifyError;
use crate::json::Str;

/// A signature algorithm this library accepts.
///
/// `none`, the HMAC algorithms and RSASSA-PSS are deliberately absent: a header naming them is
/// refused with [`VerifyError::DisallowedAlgorithm`] before any key is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: what Cognito uses.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// Ed25519.
    EdDSA,
}

impl Algorithm {
    /// The algorithm named `name` in a JWS header, if it is one we accept.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "RS256" => Algorithm::RS256,
            "RS384" => Algorithm::RS384,
            "RS512" => Algorithm::RS512,
            "ES256" => Algorithm::ES256,
            "ES384" => Algorithm::ES384,
            "EdDSA" => Algorithm::EdDSA,
            _ => return None,
        })
    }

    /// The name used in JWS headers and JWKs.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token split into its parts, with header and signature decoded.
#[derive(Debug)]
pub(crate) struct DecodedToken<'a> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: String,
    /// `header.payload`: the bytes the signature covers.
    pub(crate) signing_input: &'a [u8],
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

/// The header members we read; `alg` and `kid` must be strings when present.
#[derive(Default)]
struct RawHeader<'a> {
    alg: Option<Cow<'a, str>>,
    kid: Option<Cow<'a, str>>,
}

/// Reads a header object, recording which member had the wrong type.
struct HeaderSeed<'a> {
    not_a_string: &'a Cell<Option<&'static str>>,
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = RawHeader<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<RawHeader<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = RawHeader<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawHeader<'de>, A::Error> {
        let mut header = RawHeader::default();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let (slot, error) = match key.as_ref() {
                "alg" => (&mut header.alg, "alg is not a string"),
                "kid" => (&mut header.kid, "kid is not a string"),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if slot.is_some() {
                return Err(de::Error::custom("duplicate header member"));
            }
            match map.next_value::<Str<'de>>() {
                Ok(Str(value)) => *slot = Some(value),
                Err(err) => {
                    self.not_a_string.set(Some(error));
                    return Err(err);
                }
            }
        }
        Ok(header)
    }
}

/// Split and decode `token` (already checked against the size limit), then check the header's
/// `alg` against the allow-list. Checks, in order: three segments, base64url, header JSON,
/// `alg`, `kid`.
pub(crate) fn decode(token: &str) -> Result<DecodedToken<'_>, VerifyError> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed("expected three dot-separated segments"));
    };
    if header_b64.is_empty() || payload_b64.is_empty() {
        return Err(VerifyError::Malformed("empty header or payload segment"));
    }
    let header = b64(header_b64, "header is not base64url")?;
    let not_a_string = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(&header);
    let seed = HeaderSeed { not_a_string: &not_a_string };
    let raw = match seed.deserialize(&mut de).and_then(|raw| de.end().map(|()| raw)) {
        Ok(raw) => raw,
        Err(_) => {
            return Err(VerifyError::MalformedHeader(
                not_a_string.get().unwrap_or("not a valid JSON object"),
            ));
        }
    };
    let alg = raw.alg.ok_or(VerifyError::MalformedHeader("no alg"))?;
    let alg = Algorithm::from_name(&alg).ok_or_else(|| VerifyError::DisallowedAlgorithm(truncate(&alg)))?;
    let kid = raw.kid.ok_or(VerifyError::MissingKid)?.into_owned();
    let payload = b64(payload_b64, "payload is not base64url")?;
    let signature = b64(signature_b64, "signature is not base64url")?;
    if signature.is_empty() {
        return Err(VerifyError::Malformed("empty signature"));
    }
    let signing_input_len = header_b64.len() + 1 + payload_b64.len();
    Ok(DecodedToken {
        alg,
        kid,
        signing_input: token.as_bytes().get(..signing_input_len).unwrap_or_default(),
        payload,
        signature,
    })
}

/// Strict base64url without padding; SIMD-accelerated, since decoding is a visible part of the
/// per-token cost next to the signature check.
fn b64(segment: &str, what: &'static str) -> Result<Vec<u8>, VerifyError> {
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(segment).map_err(|_| VerifyError::Malformed(what))
}

/// Keep attacker-chosen strings short in errors and logs.
fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn seg(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
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
        assert_eq!(b64("YWJjZA", "x").unwrap(), b"abcd");
        assert!(b64("YWJjZB", "x").is_err());
        assert!(b64("YWJjZA==", "x").is_err());
        assert!(b64("Y", "x").is_err());
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
        for alg in ["none", "HS256", "PS256", "RS1", "ES512", "rs256"] {
            let token = format!("{}.YWJj.c2ln", seg(&format!(r#"{{"alg":"{alg}","kid":"k"}}"#)));
            assert_eq!(decode(&token).unwrap_err(), VerifyError::DisallowedAlgorithm(alg.into()));
        }
        let token = format!("{}.YWJj.c2ln", seg(r#"{"alg":"ES256","kid":"k+/="}"#));
        let decoded = decode(&token).unwrap();
        assert_eq!(
            (decoded.alg, decoded.kid.as_str(), decoded.payload.as_slice()),
            (Algorithm::ES256, "k+/=", &b"abc"[..])
        );
    }
}
