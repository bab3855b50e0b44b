//! Public keys: from JWK to a key of the crypto backend ([`crate::crypto`]), once per `kid`.
//!
//! A [`KeySet`] is an immutable snapshot of one JWKS document. Keys are parsed when the document
//! arrives, never per request; a key that cannot be used is recorded with the reason rather than
//! failing the whole set, so a token naming it gets a precise error.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, OctetKeyPairType, PublicKeyUse};
use serde::Deserialize;

use crate::algorithm::Algorithm;
use crate::crypto::{Curve, EcKey, Ed25519Key, RsaDigest, RsaKey};
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
    /// RSA keys serve any RS* header the JWK allows.
    Rsa(RsaKey),
    Ec(Algorithm, EcKey),
    Ed25519(Ed25519Key),
}

impl VerifyingKey {
    /// Whether this key checks signatures of `alg`.
    fn accepts(&self, alg: Algorithm) -> bool {
        if self.alg.is_some_and(|jwk_alg| jwk_alg != alg) {
            return false;
        }
        match (&self.kind, alg) {
            (KeyType::Rsa(_), Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512) => true,
            (KeyType::Ec(key_alg, _), alg) => *key_alg == alg,
            (KeyType::Ed25519(_), Algorithm::EdDSA) => true,
            _ => false,
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
        if self.alg.is_some_and(|jwk_alg| jwk_alg != alg) {
            return Err(VerifyError::KeyAlgorithmMismatch { kid: kid.to_owned(), alg });
        }
        let checked = match (&self.kind, alg) {
            (KeyType::Rsa(key), Algorithm::RS256) => key.verify(RsaDigest::Sha256, message, signature),
            (KeyType::Rsa(key), Algorithm::RS384) => key.verify(RsaDigest::Sha384, message, signature),
            (KeyType::Rsa(key), Algorithm::RS512) => key.verify(RsaDigest::Sha512, message, signature),
            (KeyType::Ec(key_alg, key), alg) if *key_alg == alg => key.verify(message, signature),
            (KeyType::Ed25519(key), Algorithm::EdDSA) => key.verify(message, signature),
            _ => return Err(VerifyError::KeyAlgorithmMismatch { kid: kid.to_owned(), alg }),
        };
        checked.map_err(|_| VerifyError::InvalidSignature)
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
            KeyType::Rsa(RsaKey::new(&n, &e)?)
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            let (key_alg, curve, len) = match ec.curve {
                EllipticCurve::P256 => (Algorithm::ES256, Curve::P256, 32),
                EllipticCurve::P384 => (Algorithm::ES384, Curve::P384, 48),
                EllipticCurve::P521 => (Algorithm::ES512, Curve::P521, 66),
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
            KeyType::Ec(key_alg, EcKey::new(curve, &point)?)
        }
        AlgorithmParameters::OctetKeyPair(okp) => {
            if okp.key_type != OctetKeyPairType::OctetKeyPair || okp.curve != EllipticCurve::Ed25519 {
                return Err("OKP key is not Ed25519");
            }
            let x = URL_SAFE_NO_PAD.decode(&okp.x).map_err(|_| "JWK `x` is not base64url")?;
            KeyType::Ed25519(Ed25519Key::new(&x)?)
        }
        AlgorithmParameters::OctetKey(_) => return Err("symmetric (`oct`) keys are never accepted"),
        _ => return Err("unsupported key type"),
    };
    let alg = match (declared, issuer, &kind) {
        (Some(alg), ..) => Some(alg),
        // Cognito signs with RS256 only and labels its keys: an unlabelled key is held to that.
        (None, IssuerKind::Cognito, KeyType::Rsa(_)) => Some(Algorithm::RS256),
        (None, IssuerKind::Cognito, _) => {
            return Err("JWK without `alg` from a Cognito issuer is for RS256 only, and is not an RSA key");
        }
        (None, IssuerKind::Other, _) => None,
    };
    let key = VerifyingKey { source, kind, alg };
    if let Some(alg) = alg
        && !key.accepts(alg)
    {
        return Err("JWK `alg` does not match its key type");
    }
    Ok(key)
}
