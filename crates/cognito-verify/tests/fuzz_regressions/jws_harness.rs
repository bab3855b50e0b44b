//! The checks of the `jws` fuzz target, shared by `fuzz/` (which includes this file) and the
//! regression tests next to it: the compact-JWS stage (`cognito_verify::jws`) on raw bytes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_verify::fuzz::{decode_jws, decode_segments};
use cognito_verify::{Algorithm, VerifyError};

/// Target `jws`. Never a panic; a token the standard path decodes has exactly three segments, each
/// the one canonical unpadded base64url encoding of what it decoded to, a non-empty signature,
/// an allow-listed `alg`, no `crit`, `header.payload` as its signed bytes, and the `kid`
/// `peek_kid` reports;
/// the padded (ALB) decoding accepts every segment the strict one does, with the same bytes, and
/// refuses more than two `=` or padding the length does not call for.
pub fn jws(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let strict = decode_segments(token, false);
    let padded = decode_segments(token, true);
    if let Ok(strict) = &strict {
        assert_eq!(padded.as_ref().ok(), Some(strict), "padded decoding differs: {token:?}");
    }
    if let Ok([header, payload, signature]) = &padded {
        for (segment, bytes) in token.split('.').zip([header, payload, signature]) {
            let unpadded = segment.trim_end_matches('=');
            assert!(segment.len() - unpadded.len() <= 2, "more than two '=': {token:?}");
            assert_eq!(URL_SAFE_NO_PAD.encode(bytes), unpadded, "not canonical: {token:?}");
        }
    }
    match decode_jws(token) {
        Ok(decoded) => {
            let Ok([header, payload, signature]) = strict else {
                panic!("decoded but its segments do not: {token:?}")
            };
            assert_eq!(token.split('.').count(), 3, "{token:?}");
            assert!(!token.contains('='), "padding accepted: {token:?}");
            assert!(!signature.is_empty() && signature == decoded.signature, "{token:?}");
            assert_eq!(payload, decoded.payload, "{token:?}");
            let (signed, _) = token.rsplit_once('.').expect("three segments");
            assert_eq!(decoded.signing_input, signed.as_bytes(), "{token:?}");
            let header = header_members(&header).expect("a JSON header");
            let member = |name: &str| header.iter().find(|(key, _)| key == name).map(|(_, value)| value);
            let string = |name: &str| member(name).and_then(|value| value.as_str());
            assert_eq!(string("alg").and_then(allowed), Some(decoded.alg), "{token:?}");
            assert!(member("crit").is_none(), "crit accepted: {token:?}");
            assert_eq!(string("kid"), Some(decoded.kid.as_str()), "{token:?}");
            let (header_segment, _) = signed.split_once('.').expect("three segments");
            if header_segment.len() <= 2048 {
                let peeked = cognito_verify::jws::peek_kid(token);
                assert_eq!(peeked, Some(decoded.kid.chars().take(64).collect()), "peek_kid: {token:?}");
            }
        }
        Err(
            VerifyError::Malformed(_)
            | VerifyError::MalformedHeader(_)
            | VerifyError::DisallowedAlgorithm(_)
            | VerifyError::MissingKid,
        ) => {}
        Err(other) => panic!("unexpected error {other:?} for {token:?}"),
    }
}

/// The header's members as the decoder reads it: a JSON object whose `alg`, `kid` and `crit`
/// values are read, and whose other members are only checked to be JSON, not interpreted (so a
/// number there need not fit an `f64`, as `serde_json::Value` would require).
fn header_members(header: &[u8]) -> Option<Vec<(String, serde_json::Value)>> {
    use serde::Deserializer as _;
    use serde::de::{IgnoredAny, MapAccess, Visitor};

    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, serde_json::Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = match key.as_str() {
                    "alg" | "kid" | "crit" => map.next_value::<serde_json::Value>()?,
                    _ => map.next_value::<IgnoredAny>().map(|_| serde_json::Value::Null)?,
                };
                members.push((key, value));
            }
            Ok(members)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(header);
    let members = (&mut de).deserialize_map(Members).ok()?;
    de.end().ok()?;
    Some(members)
}

/// The allow-listed algorithm of this name, exact case.
fn allowed(name: &str) -> Option<Algorithm> {
    [
        ("RS256", Algorithm::RS256),
        ("RS384", Algorithm::RS384),
        ("RS512", Algorithm::RS512),
        ("ES256", Algorithm::ES256),
        ("ES384", Algorithm::ES384),
        ("ES512", Algorithm::ES512),
        ("EdDSA", Algorithm::EdDSA),
    ]
    .into_iter()
    .find(|(allowed, _)| *allowed == name)
    .map(|(_, alg)| alg)
}
