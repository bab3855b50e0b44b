//! The crypto backend: the only module that names aws-lc-rs or ring.
//!
//! Signature checks (RSA PKCS#1 v1.5, ECDSA with fixed-width signatures, Ed25519) on aws-lc-rs
//! (feature `aws-lc-rs`, default) or ring (feature `ring`). With both features on, aws-lc-rs is
//! used: it is the faster one (docs/performance.md, "The floor: aws-lc-rs and ring"). The
//! key-size limits are checked by the callers, before a key is built here, so they are the same
//! on both backends.

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "cognito-verify needs a crypto backend: enable its `aws-lc-rs` feature (the default) or its \
     `ring` feature (for an application already on ring: `default-features = false, features = \
     [\"ring\", \"rustls-no-provider\"]`); see docs/configuration.md, \"Crypto backend\""
);

#[cfg(feature = "aws-lc-rs")]
mod aws_lc;
#[cfg(feature = "aws-lc-rs")]
use aws_lc as backend;

#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
mod ring;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use self::ring as backend;

#[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
pub(crate) use backend::{EcKey, Ed25519Key, RsaKey};

/// Whether `a` and `b` are equal, in time that depends on neither their contents nor where they
/// differ (the lengths are not secret). The same on both backends: `constant_time_eq` compares
/// 16 bytes at a time (SSE2, NEON), where aws-lc's `CRYPTO_memcmp` went byte by byte and was a
/// sixth of the cost of a token-cache hit (docs/performance.md).
#[inline]
pub(crate) fn slices_equal(a: &[u8], b: &[u8]) -> bool {
    constant_time_eq::constant_time_eq(a, b)
}

/// The digest of an RSA PKCS#1 v1.5 signature (RS256, RS384, RS512).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RsaDigest {
    Sha256,
    Sha384,
    Sha512,
}

/// The curve of an ECDSA key; its signatures are the fixed-width `r || s` of JWS (RFC 7518 §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    /// ES256.
    P256,
    /// ES384.
    P384,
    /// ES512 (aws-lc-rs only: ring has no P-521).
    P521,
}

/// A signature that does not verify under the key (or is malformed for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadSignature;

/// The DER prefix of an X.509 `SubjectPublicKeyInfo` holding an uncompressed P-256 point: the
/// `id-ecPublicKey` and `prime256v1` OIDs, then the 66-byte BIT STRING header (RFC 5480). DER
/// is canonical, so every such document starts with exactly these bytes.
#[cfg_attr(feature = "aws-lc-rs", allow(dead_code))]
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The uncompressed point (`04 || x || y`, 65 bytes) of a P-256 `SubjectPublicKeyInfo` in DER.
#[cfg_attr(feature = "aws-lc-rs", allow(dead_code))]
fn p256_spki_point(der: &[u8]) -> Option<&[u8]> {
    der.strip_prefix(&P256_SPKI_PREFIX[..]).filter(|point| point.len() == 65)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

    use super::*;

    #[test]
    fn the_point_of_a_p256_spki_is_its_last_65_bytes() {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let der = pair.public_key().as_der().unwrap();
        assert_eq!(p256_spki_point(der.as_ref()), Some(pair.public_key().as_ref()));
        assert_eq!(p256_spki_point(pair.public_key().as_ref()), None);
        assert_eq!(p256_spki_point(&der.as_ref()[..90]), None);
    }

    #[test]
    fn slices_equal_compares_whole_values() {
        assert!(slices_equal(b"abc", b"abc"));
        assert!(!slices_equal(b"abc", b"abd"));
        assert!(!slices_equal(b"abc", b"abcd"));
        assert!(slices_equal(b"", b""));
    }
}
