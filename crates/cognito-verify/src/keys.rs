//! Public keys: from JWK to a parsed aws-lc-rs key, once per `kid`.
//!
//! A [`KeySet`] is an immutable snapshot of one JWKS document. Keys are parsed when the document
//! arrives, never per request; a key that cannot be used is recorded with the reason rather than
//! failing the whole set, so a token naming it gets a precise error.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, OctetKeyPairType, PublicKeyUse};
use serde::Deserialize;

use crate::algorithm::Algorithm;
use crate::error::VerifyError;

mod rsa;

/// Who publishes a key set, which decides what a JWK without `alg` is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssuerKind {
    /// A Cognito user pool: it signs with RS256 only, so a JWK without `alg` is used for RS256
    /// only (and one that is not RSA is unusable).
    Cognito,
    /// Any other issuer: a JWK without `alg` is used for every algorithm of its key type.
    Other,
}

/// One usable public key.
pub(crate) struct VerifyingKey {
    /// The JWK as served, so a refetch can keep the parsed key when the JWK is unchanged.
    source: String,
    kind: KeyType,
    /// The JWK's `alg`, when it names one; the header `alg` must then equal it.
    alg: Option<Algorithm>,
}

enum KeyType {
    /// RSA keys are parsed once per digest, so any RS* header can be checked without re-parsing.
    Rsa {
        rs256: ParsedPublicKey,
        rs384: ParsedPublicKey,
        rs512: ParsedPublicKey,
    },
    Ec(Algorithm, ParsedPublicKey),
    Ed25519(ParsedPublicKey),
}

impl VerifyingKey {
    /// The parsed key to check a signature of `alg`, or `None` when this key is not for `alg`.
    fn for_alg(&self, alg: Algorithm) -> Option<&ParsedPublicKey> {
        if self.alg.is_some_and(|jwk_alg| jwk_alg != alg) {
            return None;
        }
        match (&self.kind, alg) {
            (KeyType::Rsa { rs256, .. }, Algorithm::RS256) => Some(rs256),
            (KeyType::Rsa { rs384, .. }, Algorithm::RS384) => Some(rs384),
            (KeyType::Rsa { rs512, .. }, Algorithm::RS512) => Some(rs512),
            (KeyType::Ec(key_alg, key), alg) if *key_alg == alg => Some(key),
            (KeyType::Ed25519(key), Algorithm::EdDSA) => Some(key),
            _ => None,
        }
    }

    /// The JWK as the issuer served it.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// Check `signature` over `message` as `alg`, tying the key type to the header `alg` first.
    pub(crate) fn verify(
        &self,
        kid: &str,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let key = self
            .for_alg(alg)
            .ok_or_else(|| VerifyError::KeyAlgorithmMismatch { kid: kid.to_owned(), alg })?;
        key.verify_sig(message, signature).map_err(|_| VerifyError::InvalidSignature)
    }
}

/// An entry of a key set: a usable key, or the reason the JWK was refused.
pub(crate) enum KeyEntry {
    Usable(Arc<VerifyingKey>),
    Unusable(String),
}

/// An immutable snapshot of one JWKS document.
#[derive(Default)]
pub(crate) struct KeySet {
    /// Looked up by `kid` on every verification: a fast keyed hash rather than SipHash.
    keys: HashMap<String, KeyEntry, foldhash::fast::RandomState>,
}

impl KeySet {
    pub(crate) fn get(&self, kid: &str) -> Option<&KeyEntry> {
        self.keys.get(kid)
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The number of usable keys.
    pub(crate) fn usable(&self) -> usize {
        self.keys.values().filter(|entry| matches!(entry, KeyEntry::Usable(_))).count()
    }

    /// Keep the parsed keys of `previous` whose JWK did not change, so verifications cached
    /// against them stay valid across a refresh.
    pub(crate) fn reuse_unchanged(&mut self, previous: &KeySet) {
        for (kid, entry) in &mut self.keys {
            if let (KeyEntry::Usable(new), Some(KeyEntry::Usable(old))) = (&*entry, previous.keys.get(kid))
                && new.source == old.source
            {
                *entry = KeyEntry::Usable(Arc::clone(old));
            }
        }
    }

    /// Parse a JWKS document published by `issuer`. The document itself must be a JSON object
    /// with a `keys` array; each element is parsed on its own, and one that fails is recorded (by
    /// `kid`) as unusable without affecting the others.
    pub(crate) fn parse(body: &[u8], issuer: IssuerKind) -> Result<KeySet, &'static str> {
        #[derive(Deserialize)]
        struct Document {
            keys: Vec<serde_json::Value>,
        }
        const NOT_A_JWKS: &str = "not a JSON object with a `keys` array";
        // A derived struct also reads a JSON array positionally (`[[...]]` would pass as a key
        // set); a JWKS is an object.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Err(NOT_A_JWKS);
        }
        let document: Document = serde_json::from_slice(body).map_err(|_| NOT_A_JWKS)?;
        let mut keys = HashMap::with_capacity_and_hasher(document.keys.len(), Default::default());
        for value in document.keys {
            let Some(kid) = value.get("kid").and_then(|kid| kid.as_str()).map(str::to_owned) else {
                tracing::warn!("JWKS contains a key without a string kid; skipped");
                continue;
            };
            let source = value.to_string();
            let entry = match parse_jwk(value, source, issuer) {
                Ok(key) => KeyEntry::Usable(Arc::new(key)),
                Err(reason) => {
                    tracing::warn!(%kid, reason, "JWKS key cannot be used; skipped");
                    KeyEntry::Unusable(reason.to_owned())
                }
            };
            // A kid listed twice is ambiguous: refuse it rather than pick one.
            if keys.insert(kid.clone(), entry).is_some() {
                keys.insert(kid, KeyEntry::Unusable("kid appears more than once in the JWKS".to_owned()));
            }
        }
        Ok(KeySet { keys })
    }
}

fn parse_jwk(
    mut value: serde_json::Value,
    source: String,
    issuer: IssuerKind,
) -> Result<VerifyingKey, &'static str> {
    // Read `alg` here rather than through jsonwebtoken, whose `KeyAlgorithm` has no ES512. A
    // `null` alg is no alg.
    let declared = match value.as_object_mut().and_then(|jwk| jwk.remove("alg")) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => {
            Some(Algorithm::from_name(&name).ok_or("JWK `alg` is not an accepted signature algorithm")?)
        }
        Some(_) => return Err("JWK `alg` is not a string"),
    };
    let jwk: Jwk = serde_json::from_value(value).map_err(|_| "malformed JWK (missing or invalid members)")?;
    if let Some(key_use) = &jwk.common.public_key_use
        && *key_use != PublicKeyUse::Signature
    {
        return Err("JWK `use` is not `sig`");
    }
    let kind = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let n = URL_SAFE_NO_PAD.decode(&rsa.n).map_err(|_| "JWK `n` is not base64url")?;
            let e = URL_SAFE_NO_PAD.decode(&rsa.e).map_err(|_| "JWK `e` is not base64url")?;
            rsa::check_modulus(&n)?;
            rsa::check_exponent(&e)?;
            let components = RsaPublicKeyComponents { n: n.as_slice(), e: e.as_slice() };
            let parse =
                |params| components.to_parsed_public_key(params).map_err(|_| "invalid RSA public key");
            KeyType::Rsa {
                rs256: parse(&signature::RSA_PKCS1_2048_8192_SHA256)?,
                rs384: parse(&signature::RSA_PKCS1_2048_8192_SHA384)?,
                rs512: parse(&signature::RSA_PKCS1_2048_8192_SHA512)?,
            }
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            let (key_alg, verification, len): (_, &'static signature::EcdsaVerificationAlgorithm, _) =
                match ec.curve {
                    EllipticCurve::P256 => (Algorithm::ES256, &signature::ECDSA_P256_SHA256_FIXED, 32),
                    EllipticCurve::P384 => (Algorithm::ES384, &signature::ECDSA_P384_SHA384_FIXED, 48),
                    EllipticCurve::P521 => (Algorithm::ES512, &signature::ECDSA_P521_SHA512_FIXED, 66),
                    _ => return Err("EC curve is not P-256, P-384 or P-521"),
                };
            let x = URL_SAFE_NO_PAD.decode(&ec.x).map_err(|_| "JWK `x` is not base64url")?;
            let y = URL_SAFE_NO_PAD.decode(&ec.y).map_err(|_| "JWK `y` is not base64url")?;
            if x.len() != len || y.len() != len {
                return Err("EC coordinates have the wrong length for the curve");
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let key = ParsedPublicKey::new(verification, point).map_err(|_| "invalid EC public key")?;
            KeyType::Ec(key_alg, key)
        }
        AlgorithmParameters::OctetKeyPair(okp) => {
            if okp.key_type != OctetKeyPairType::OctetKeyPair || okp.curve != EllipticCurve::Ed25519 {
                return Err("OKP key is not Ed25519");
            }
            let x = URL_SAFE_NO_PAD.decode(&okp.x).map_err(|_| "JWK `x` is not base64url")?;
            let key =
                ParsedPublicKey::new(&signature::ED25519, x).map_err(|_| "invalid Ed25519 public key")?;
            KeyType::Ed25519(key)
        }
        AlgorithmParameters::OctetKey(_) => return Err("symmetric (`oct`) keys are never accepted"),
        _ => return Err("unsupported key type"),
    };
    let alg = match (declared, issuer, &kind) {
        (Some(alg), ..) => Some(alg),
        // Cognito signs with RS256 only and labels its keys: an unlabelled key is held to that.
        (None, IssuerKind::Cognito, KeyType::Rsa { .. }) => Some(Algorithm::RS256),
        (None, IssuerKind::Cognito, _) => {
            return Err("JWK without `alg` from a Cognito issuer is for RS256 only, and is not an RSA key");
        }
        (None, IssuerKind::Other, _) => None,
    };
    let key = VerifyingKey { source, kind, alg };
    if let Some(alg) = alg
        && key.for_alg(alg).is_none()
    {
        return Err("JWK `alg` does not match its key type");
    }
    Ok(key)
}
