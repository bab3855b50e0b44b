//! Not part of the API: an entry point for the fuzz targets in `fuzz/` and their regression
//! tests, hidden from the docs and free to change in any release.
//!
//! A JWKS document normally arrives only through an HTTP fetch, far too slow to fuzz; this
//! parses one directly, exactly as a fetch would, and reports what became of each key.

use crate::algorithm::Algorithm;
use crate::error::VerifyError;
use crate::keys::{KeyEntry, KeySet};

/// Every algorithm a token header may name.
const ALGORITHMS: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::ES256,
    Algorithm::ES384,
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

/// Parses `body` as a fetched JWKS document would be, then reports, for every string `kid` in
/// it (in document order, without repeats), the status of its entry.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<(String, KeyStatus)>, &'static str> {
    #[derive(serde::Deserialize)]
    struct Document {
        keys: Vec<serde_json::Value>,
    }
    let set = KeySet::parse(body)?;
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
