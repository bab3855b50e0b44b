//! The aws-lc-rs backend: each key parsed once, when its JWKS or PEM document arrives.

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};

use super::{BadSignature, Curve, RsaDigest};

/// An RSA public key, parsed once per digest so any RS* header is checked without re-parsing.
pub(crate) struct RsaKey {
    rs256: ParsedPublicKey,
    rs384: ParsedPublicKey,
    rs512: ParsedPublicKey,
}

impl RsaKey {
    /// The key of modulus `n` and exponent `e` (big-endian), whose sizes the caller checked.
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self, &'static str> {
        let components = RsaPublicKeyComponents { n, e };
        let parse = |params| components.to_parsed_public_key(params).map_err(|_| "invalid RSA public key");
        Ok(RsaKey {
            rs256: parse(&signature::RSA_PKCS1_2048_8192_SHA256)?,
            rs384: parse(&signature::RSA_PKCS1_2048_8192_SHA384)?,
            rs512: parse(&signature::RSA_PKCS1_2048_8192_SHA512)?,
        })
    }

    /// Check a PKCS#1 v1.5 `signature` of `message` with `digest`.
    #[inline]
    pub(crate) fn verify(
        &self,
        digest: RsaDigest,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), BadSignature> {
        let key = match digest {
            RsaDigest::Sha256 => &self.rs256,
            RsaDigest::Sha384 => &self.rs384,
            RsaDigest::Sha512 => &self.rs512,
        };
        key.verify_sig(message, signature).map_err(|_| BadSignature)
    }
}

/// An ECDSA public key on P-256, P-384 or P-521, for fixed-width `r || s` signatures.
pub(crate) struct EcKey(ParsedPublicKey);

impl EcKey {
    /// The key at the uncompressed point `04 || x || y` of `curve`.
    pub(crate) fn new(curve: Curve, point: &[u8]) -> Result<Self, &'static str> {
        let algorithm = match curve {
            Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &signature::ECDSA_P521_SHA512_FIXED,
        };
        ParsedPublicKey::new(algorithm, point).map(EcKey).map_err(|_| "invalid EC public key")
    }

    /// The P-256 key of an X.509 `SubjectPublicKeyInfo` in DER (ALB's key documents).
    pub(crate) fn p256_from_spki(der: &[u8]) -> Result<Self, &'static str> {
        // aws-lc-rs reads an SPKI and checks that its curve is P-256.
        ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, der)
            .map(EcKey)
            .map_err(|_| "not a P-256 public key")
    }

    /// Check a fixed-width ECDSA `signature` of `message`, with the curve's digest.
    #[inline]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        self.0.verify_sig(message, signature).map_err(|_| BadSignature)
    }
}

/// An Ed25519 public key.
pub(crate) struct Ed25519Key(ParsedPublicKey);

impl Ed25519Key {
    /// The key of the 32-byte encoding `x` (RFC 8037).
    pub(crate) fn new(x: &[u8]) -> Result<Self, &'static str> {
        ParsedPublicKey::new(&signature::ED25519, x).map(Ed25519Key).map_err(|_| "invalid Ed25519 public key")
    }

    /// Check an Ed25519 `signature` of `message`.
    #[inline]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        self.0.verify_sig(message, signature).map_err(|_| BadSignature)
    }
}
