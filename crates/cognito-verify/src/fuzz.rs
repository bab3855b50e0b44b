//! Not part of the API: an entry point for the fuzz targets in `fuzz/` and their regression
//! tests, hidden from the docs and free to change in any release.
//!
//! A JWKS document normally arrives only through an HTTP fetch, far too slow to fuzz; this
//! parses one directly, exactly as a fetch would, and reports what became of each key. The
//! same goes for a throttled JWKS answer ([`jwks_throttled_wait`]) and the ALB key-fetch
//! admission ([`AlbAdmission`]).

mod alb_admission;
mod jwks_throttling;

pub use self::alb_admission::{AlbAdmission, AlbFetch, AlbRefusal};
pub use self::jwks_throttling::{ThrottledWait, jwks_throttled_wait};

use crate::algorithm::Algorithm;
use crate::error::VerifyError;
use crate::keys::{IssuerKind, KeyEntry, KeySet};

/// Every algorithm a token header may name.
const ALGORITHMS: [Algorithm; 7] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::ES512,
    Algorithm::EdDSA,
];

/// What became of one `kid` of a parsed JWKS document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    /// The key is usable; what checking a made-up signature with it answered under each header
    /// algorithm (`InvalidSignature` for the algorithms it is for, `KeyAlgorithmMismatch` for the
    /// others, and never `Ok`).
    Usable(Vec<(Algorithm, Result<(), VerifyError>)>),
    /// The key was refused, for this reason.
    Unusable(String),
    /// The `kid` is in the document but not in the key set.
    Absent,
}

/// Parses `body` as a fetched JWKS document of an issuer other than Cognito would be (a JWK
/// without `alg` is for every algorithm of its key type), then reports, for every string `kid`
/// in it (in document order, without repeats), the status of its entry.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<(String, KeyStatus)>, &'static str> {
    #[derive(serde::Deserialize)]
    struct Document {
        keys: Vec<serde_json::Value>,
    }
    let set = KeySet::parse(body, IssuerKind::Other)?;
    let mut kids: Vec<String> = Vec::new();
    let keys = serde_json::from_slice::<Document>(body).map(|document| document.keys).unwrap_or_default();
    for key in &keys {
        if let Some(kid) = key.get("kid").and_then(|kid| kid.as_str())
            && !kids.iter().any(|seen| seen == kid)
        {
            kids.push(kid.to_owned());
        }
    }
    let statuses = kids
        .into_iter()
        .map(|kid| {
            let status = match set.get(&kid) {
                None => KeyStatus::Absent,
                Some(KeyEntry::Unusable(reason)) => KeyStatus::Unusable(reason.clone()),
                Some(KeyEntry::Usable(key)) => KeyStatus::Usable(
                    ALGORITHMS
                        .into_iter()
                        .map(|alg| (alg, key.verify(&kid, alg, b"header.payload", &[0x5a; 64])))
                        .collect(),
                ),
            };
            (kid, status)
        })
        .collect();
    Ok(statuses)
}

/// A compact JWS as the standard (Cognito) path decodes it: the header's `alg` and `kid`, the
/// signed bytes, the payload and the signature.
#[derive(Debug)]
pub struct DecodedJws {
    /// The header's `alg`, from the allow-list.
    pub alg: Algorithm,
    /// The header's `kid`.
    pub kid: String,
    /// `header.payload` as received.
    pub signing_input: Vec<u8>,
    /// The decoded payload.
    pub payload: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// Decodes `token` exactly as [`crate::CognitoVerifier`] does: the header before the key lookup,
/// then the payload and signature.
pub fn decode_jws(token: &str) -> Result<DecodedJws, VerifyError> {
    let (header, body) = crate::jws::decode(token)?;
    Ok(DecodedJws {
        alg: header.alg,
        signing_input: header.signing_input(&body).to_vec(),
        kid: header.kid,
        payload: body.payload().to_vec(),
        signature: body.signature().to_vec(),
    })
}

/// Splits `token` and decodes its three segments, with `=` padding allowed where the length calls
/// for it (`padded`, as for ALB tokens) or refused (as for Cognito tokens).
pub fn decode_segments(token: &str, padded: bool) -> Result<[Vec<u8>; 3], VerifyError> {
    let padding = if padded { crate::jws::Padding::Allowed } else { crate::jws::Padding::Refused };
    let segments = crate::jws::Segments::split(token)?;
    Ok([segments.header(padding)?, segments.payload(padding)?, segments.signature(padding)?])
}

/// Reads `payload`'s standard claims with both readers, the scanner for plain payloads and
/// serde_json; `Err` names both readings when they differ (with or without the check for
/// repeated members at depth). `Ok(true)` when the scanner read it, `Ok(false)` when it left it
/// to serde_json.
pub fn compare_payload_readers(payload: &[u8]) -> Result<bool, String> {
    crate::claims::payload::compare_readers(payload)
}
