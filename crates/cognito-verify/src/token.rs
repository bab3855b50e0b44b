//! The compact JWS form: splitting, base64url decoding, and the header.
//!
//! This is the first stage of verification and sees raw, untrusted bytes. It allocates only the
//! decoded segments and never panics on any input.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::error::VerifyError;

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

#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow, default)]
    alg: Option<HeaderValue<'a>>,
    #[serde(borrow, default)]
    kid: Option<HeaderValue<'a>>,
}

/// A header member that must be a string; anything else is recorded so the error can say so.
enum HeaderValue<'a> {
    Str(std::borrow::Cow<'a, str>),
    NotAString,
}

impl<'de: 'a, 'a> Deserialize<'de> for HeaderValue<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any<'a> {
            Str(#[serde(borrow)] std::borrow::Cow<'a, str>),
            Other(serde::de::IgnoredAny),
        }
        Ok(match Any::deserialize(deserializer)? {
            Any::Str(s) => HeaderValue::Str(s),
            Any::Other(_) => HeaderValue::NotAString,
        })
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
    // serde's derived struct parsing would also take a JSON array; a header is an object.
    if header.trim_ascii_start().first() != Some(&b'{') {
        return Err(VerifyError::MalformedHeader("not a valid JSON object"));
    }
    let raw: RawHeader<'_> = match serde_json::from_slice(&header) {
        Ok(raw) => raw,
        Err(_) => return Err(VerifyError::MalformedHeader("not a valid JSON object")),
    };
    let alg = match raw.alg {
        None => return Err(VerifyError::MalformedHeader("no alg")),
        Some(HeaderValue::NotAString) => return Err(VerifyError::MalformedHeader("alg is not a string")),
        Some(HeaderValue::Str(alg)) => {
            Algorithm::from_name(&alg).ok_or_else(|| VerifyError::DisallowedAlgorithm(truncate(&alg)))?
        }
    };
    let kid = match raw.kid {
        None => return Err(VerifyError::MissingKid),
        Some(HeaderValue::NotAString) => return Err(VerifyError::MalformedHeader("kid is not a string")),
        Some(HeaderValue::Str(kid)) => kid.into_owned(),
    };
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

fn b64(segment: &str, what: &'static str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD.decode(segment).map_err(|_| VerifyError::Malformed(what))
}

/// Keep attacker-chosen strings short in errors and logs.
fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
