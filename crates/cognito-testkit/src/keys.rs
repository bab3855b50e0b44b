//! Signing keys: generation, Cognito-like `kid`s, JWK export and JWS signatures.
//!
//! Every key the issuer ever generated stays here, published or not, so tests can sign with a
//! key that is no longer in the JWKS (the "unknown `kid`" cases).

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::error::Unspecified;
use aws_lc_rs::rand::{self, SystemRandom};
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

/// The kind of a signing key the issuer can generate and publish.
///
/// Cognito itself only uses [`KeyKind::Rsa2048`]; the others exist so verifiers can be tested
/// against keys and algorithms they must handle (or refuse).
///
/// ```
/// use cognito_testkit::{KeyKind, TestIssuer};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let issuer = TestIssuer::builder().signing_key_kind(KeyKind::Es256).start().await;
/// let verifier = issuer.access_verifier().build().unwrap();
///
/// let token = issuer.access_token().sign(); // `alg: ES256`, signed with the P-256 key
/// assert!(verifier.verify(&token).await.is_ok());
///
/// // A second key of another kind, published in the same JWKS; tokens choose it by `kid`.
/// let kid = issuer.add_key(KeyKind::Rsa4096);
/// let token = issuer.access_token().signed_with_kid(kid).sign();
/// assert!(verifier.verify(&token).await.is_ok());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA, 2048-bit modulus, `e = 65537`, signs RS256 (RS384/RS512 when the header says so).
    Rsa2048,
    /// RSA, 4096-bit modulus, `e = 65537`, signs RS256 (RS384/RS512 when the header says so).
    Rsa4096,
    /// ECDSA on P-256, signs ES256 (fixed-width `r || s`).
    Es256,
    /// ECDSA on P-384, signs ES384 (fixed-width `r || s`).
    Es384,
    /// ECDSA on P-521, signs ES512 (fixed-width `r || s`, 66 bytes each).
    Es512,
    /// Ed25519, signs EdDSA; published as an `OKP` JWK.
    Ed25519,
}

impl KeyKind {
    /// The JWS `alg` a key of this kind signs with by default.
    pub fn alg(self) -> &'static str {
        match self {
            KeyKind::Rsa2048 | KeyKind::Rsa4096 => "RS256",
            KeyKind::Es256 => "ES256",
            KeyKind::Es384 => "ES384",
            KeyKind::Es512 => "ES512",
            KeyKind::Ed25519 => "EdDSA",
        }
    }

    /// Whether this is an RSA key.
    pub fn is_rsa(self) -> bool {
        matches!(self, KeyKind::Rsa2048 | KeyKind::Rsa4096)
    }
}

enum Pair {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// One generated key pair and its `kid`.
pub(crate) struct SigningKey {
    kid: String,
    kind: KeyKind,
    pair: Pair,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a fresh key of `kind` with a new random `kid`.
    ///
    /// RSA generation takes tens to hundreds of milliseconds: call it only when a key is needed.
    pub(crate) fn generate(kind: KeyKind) -> Arc<SigningKey> {
        SigningKey::generate_with_kid(kind, new_kid())
    }

    /// Generates a fresh key of `kind` named `kid`.
    pub(crate) fn generate_with_kid(kind: KeyKind, kid: String) -> Arc<SigningKey> {
        // aws-lc-rs key generation fails only if the process has no entropy source or runs out
        // of memory; a test harness cannot continue meaningfully in either case.
        let pair = match kind {
            KeyKind::Rsa2048 => {
                Pair::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA-2048 key generation failed"))
            }
            KeyKind::Rsa4096 => {
                Pair::Rsa(RsaKeyPair::generate(KeySize::Rsa4096).expect("RSA-4096 key generation failed"))
            }
            KeyKind::Es256 => Pair::Ecdsa(
                EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
                    .expect("P-256 key generation failed"),
            ),
            KeyKind::Es384 => Pair::Ecdsa(
                EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_FIXED_SIGNING)
                    .expect("P-384 key generation failed"),
            ),
            KeyKind::Es512 => Pair::Ecdsa(
                EcdsaKeyPair::generate(&signature::ECDSA_P521_SHA512_FIXED_SIGNING)
                    .expect("P-521 key generation failed"),
            ),
            KeyKind::Ed25519 => {
                Pair::Ed25519(Ed25519KeyPair::generate().expect("Ed25519 key generation failed"))
            }
        };
        Arc::new(SigningKey { kid, kind, pair })
    }

    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    pub(crate) fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The public JWK as Cognito publishes it (`kty`, `alg`, `use`, `kid` and the key itself).
    pub(crate) fn jwk(&self) -> Value {
        match &self.pair {
            Pair::Rsa(pair) => {
                let parts = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
                json!({
                    "kty": "RSA",
                    "alg": "RS256",
                    "use": "sig",
                    "kid": self.kid,
                    "n": URL_SAFE_NO_PAD.encode(&parts.n),
                    "e": URL_SAFE_NO_PAD.encode(&parts.e),
                })
            }
            Pair::Ecdsa(pair) => {
                // The public key is the uncompressed point 0x04 || x || y.
                let point = pair.public_key().as_ref();
                let coords = point.get(1..).unwrap_or_default();
                let (x, y) = coords.split_at(coords.len() / 2);
                let crv = match self.kind {
                    KeyKind::Es384 => "P-384",
                    KeyKind::Es512 => "P-521",
                    _ => "P-256",
                };
                json!({
                    "kty": "EC",
                    "crv": crv,
                    "alg": self.kind.alg(),
                    "use": "sig",
                    "kid": self.kid,
                    "x": URL_SAFE_NO_PAD.encode(x),
                    "y": URL_SAFE_NO_PAD.encode(y),
                })
            }
            Pair::Ed25519(pair) => json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": self.kid,
                "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
            }),
        }
    }

    /// The PKCS#1 `RSAPublicKey` DER of an RSA key.
    pub(crate) fn rsa_public_key_der(&self) -> Option<Vec<u8>> {
        match &self.pair {
            Pair::Rsa(pair) => Some(pair.public_key().as_ref().to_vec()),
            _ => None,
        }
    }

    /// The X.509 `SubjectPublicKeyInfo` DER of the public key.
    pub(crate) fn public_key_spki_der(&self) -> Result<Vec<u8>, Unspecified> {
        let der = match &self.pair {
            Pair::Rsa(pair) => pair.public_key().as_der()?,
            Pair::Ecdsa(pair) => pair.public_key().as_der()?,
            Pair::Ed25519(pair) => pair.public_key().as_der()?,
        };
        Ok(der.as_ref().to_vec())
    }

    /// Signs `input` (the JWS signing input). For RSA keys the digest follows `header_alg` when it
    /// is `RS384` or `RS512`, so a verifier's RS384/RS512 paths can be exercised; every other
    /// `alg` (including lies such as `ES256` or `PS256`) signs with the key's own algorithm.
    pub(crate) fn sign(&self, header_alg: Option<&str>, input: &[u8]) -> Result<Vec<u8>, Unspecified> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match header_alg {
                    Some("RS384") => &signature::RSA_PKCS1_SHA384,
                    Some("RS512") => &signature::RSA_PKCS1_SHA512,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &rng, input, &mut sig)?;
                Ok(sig)
            }
            Pair::Ecdsa(pair) => Ok(pair.sign(&rng, input)?.as_ref().to_vec()),
            Pair::Ed25519(pair) => Ok(pair.try_sign(input)?.as_ref().to_vec()),
        }
    }
}

/// A Cognito-like `kid`: standard base64 of 32 random bytes. It always ends in `=` and contains
/// at least one `+` or `/`, so verifiers that mishandle such characters fail loudly.
fn new_kid() -> String {
    loop {
        let mut bytes = [0u8; 32];
        // No entropy means no keys either; see `SigningKey::generate`.
        rand::fill(&mut bytes).expect("system random number generator failed");
        let kid = STANDARD.encode(bytes);
        if kid.contains(['+', '/']) {
            return kid;
        }
    }
}

/// Encodes `der` as PEM with the given label (`PUBLIC KEY`).
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A random UUID (version 4 layout), as Cognito uses for `sub`, `jti`, `event_id`.
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::fill(&mut b).expect("system random number generator failed");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// `n` random bytes, base64url without padding (for `at_hash`-like values).
pub(crate) fn random_b64url(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::fill(&mut b).expect("system random number generator failed");
    URL_SAFE_NO_PAD.encode(b)
}
