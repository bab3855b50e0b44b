//! The ring backend. ring's public API parses a public key on each verification (it keeps no
//! parsed key), so the keys here hold their validated bytes; each is checked once, when its
//! document arrives, with the checks ring makes on every verification, so an unusable key is
//! refused with its reason then rather than failing each token as a bad signature.

use ring::agreement;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::{BadSignature, Curve, RsaDigest};

/// An RSA public key: its modulus and exponent, checked as ring reads them.
pub(crate) struct RsaKey {
    n: Box<[u8]>,
    e: Box<[u8]>,
}

impl RsaKey {
    /// The key of modulus `n` and exponent `e` (big-endian), whose sizes the caller checked
    /// (2048 to 8192 bits; `e` odd, from 3 to 2^32). Besides those, ring refuses (on every
    /// verification) an even modulus and a leading zero octet in either, as aws-lc-rs does
    /// when parsing: refused here, once, with aws-lc-rs's reason.
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self, &'static str> {
        let minimal = |bytes: &[u8]| bytes.first().is_some_and(|&first| first != 0);
        if !minimal(n) || !minimal(e) || n.last().is_none_or(|low| low % 2 == 0) {
            return Err("invalid RSA public key");
        }
        Ok(RsaKey { n: n.into(), e: e.into() })
    }

    /// Check a PKCS#1 v1.5 `signature` of `message` with `digest`.
    #[inline]
    pub(crate) fn verify(
        &self,
        digest: RsaDigest,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), BadSignature> {
        let params = match digest {
            RsaDigest::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            RsaDigest::Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            RsaDigest::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        };
        RsaPublicKeyComponents { n: &*self.n, e: &*self.e }
            .verify(params, message, signature)
            .map_err(|_| BadSignature)
    }
}

/// An ECDSA public key on P-256 or P-384, for fixed-width `r || s` signatures.
pub(crate) struct EcKey {
    algorithm: &'static signature::EcdsaVerificationAlgorithm,
    point: Box<[u8]>,
}

impl EcKey {
    /// The key at the uncompressed point `04 || x || y` of `curve`.
    pub(crate) fn new(curve: Curve, point: &[u8]) -> Result<Self, &'static str> {
        let (algorithm, agreement) = match curve {
            Curve::P256 => (&signature::ECDSA_P256_SHA256_FIXED, &agreement::ECDH_P256),
            Curve::P384 => (&signature::ECDSA_P384_SHA384_FIXED, &agreement::ECDH_P384),
            Curve::P521 => {
                return Err(
                    "P-521 (ES512) keys need cognito-verify's `aws-lc-rs` feature: ring has no P-521",
                );
            }
        };
        // ring validates a point (on the curve, coordinates in range) the same way for ECDH
        // and ECDSA: one key agreement with it, once, checks what each verification would.
        let ours = agreement::EphemeralPrivateKey::generate(agreement, &SystemRandom::new())
            .map_err(|_| "no system randomness to check the EC public key")?;
        agreement::agree_ephemeral(ours, &agreement::UnparsedPublicKey::new(agreement, point), |_| ())
            .map_err(|_| "invalid EC public key")?;
        Ok(EcKey { algorithm, point: point.into() })
    }

    /// The P-256 key of an X.509 `SubjectPublicKeyInfo` in DER (ALB's key documents).
    pub(crate) fn p256_from_spki(der: &[u8]) -> Result<Self, &'static str> {
        let point = super::p256_spki_point(der).ok_or("not a P-256 public key")?;
        EcKey::new(Curve::P256, point).map_err(|_| "not a P-256 public key")
    }

    /// Check a fixed-width ECDSA `signature` of `message`, with the curve's digest.
    #[inline]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        UnparsedPublicKey::new(self.algorithm, &*self.point)
            .verify(message, signature)
            .map_err(|_| BadSignature)
    }
}

/// An Ed25519 public key.
pub(crate) struct Ed25519Key(Box<[u8]>);

impl Ed25519Key {
    /// The key of the 32-byte encoding `x` (RFC 8037). ring decodes the point on each
    /// verification; an encoding that is no point fails each one as a bad signature.
    pub(crate) fn new(x: &[u8]) -> Result<Self, &'static str> {
        if x.len() != 32 {
            return Err("invalid Ed25519 public key");
        }
        Ok(Ed25519Key(x.into()))
    }

    /// Check an Ed25519 `signature` of `message`.
    #[inline]
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        UnparsedPublicKey::new(&signature::ED25519, &*self.0)
            .verify(message, signature)
            .map_err(|_| BadSignature)
    }
}
