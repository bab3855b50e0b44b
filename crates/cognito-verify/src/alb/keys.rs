//! Load balancer public keys: fetched as PEM from `{endpoint}/{kid}`, parsed once per `kid`.
//!
//! A `kid` names one key forever, so a fetched key never needs refreshing; the cache is only
//! bounded. Fetches are single-flight per `kid` (concurrent callers wait for the one fetch), and
//! a failed fetch is remembered for `min_refetch_interval` in a separate cache, so a flood of
//! tokens with unknown `kid`s neither hammers the endpoint nor evicts good keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_http::{BodyError, describe, read_capped};
use tokio::time::Instant;

use super::options::AlbKeyOptions;
use crate::error::VerifyError;

/// A parsed P-256 public key.
pub(crate) struct AlbKey(ParsedPublicKey);

impl AlbKey {
    /// Check an ES256 signature (fixed-width `r || s`) over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
        self.0.verify_sig(message, signature).map_err(|_| VerifyError::InvalidSignature)
    }
}

/// Why the last fetch for a `kid` failed, and until when that answer stands.
#[derive(Clone)]
struct Failure {
    until: Instant,
    error: VerifyError,
}

pub(crate) struct AlbKeys {
    endpoint: String,
    client: reqwest::Client,
    keys: quick_cache::sync::Cache<String, Arc<AlbKey>>,
    failures: quick_cache::sync::Cache<String, Failure>,
    min_refetch_interval: Duration,
    max_response_bytes: usize,
    fetches: AtomicU64,
}

impl AlbKeys {
    /// Keys fetched from `{endpoint}/{kid}` with `client`.
    pub(crate) fn new(endpoint: String, options: &AlbKeyOptions, client: reqwest::Client) -> Self {
        AlbKeys {
            endpoint,
            client,
            keys: quick_cache::sync::Cache::new(options.cache_capacity),
            failures: quick_cache::sync::Cache::new(options.cache_capacity.saturating_mul(4)),
            min_refetch_interval: options.min_refetch_interval,
            max_response_bytes: options.limits.max_response_bytes,
            fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key for `kid` without fetching: `Some(Err)` while a recent failure for it stands,
    /// `None` when a fetch is needed.
    pub(crate) fn cached(&self, kid: &str) -> Option<Result<Arc<AlbKey>, VerifyError>> {
        if let Some(key) = self.keys.get(kid) {
            return Some(Ok(key));
        }
        self.recent_failure(kid).map(Err)
    }

    /// The key for `kid`, fetching it if needed; one fetch per `kid` at a time.
    pub(crate) async fn fetch(&self, kid: &str) -> Result<Arc<AlbKey>, VerifyError> {
        if let Some(cached) = self.cached(kid) {
            return cached;
        }
        let guard = match self.keys.get_value_or_guard_async(kid).await {
            Ok(key) => return Ok(key),
            Err(guard) => guard,
        };
        // A fetch that failed while this caller waited for the guard recorded why.
        if let Some(err) = self.recent_failure(kid) {
            return Err(err);
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}/{kid}", self.endpoint);
        match fetch(&self.client, &url, kid, self.min_refetch_interval, self.max_response_bytes).await {
            Ok(key) => {
                let key = Arc::new(key);
                // Only fails if the entry was filled meanwhile, which the guard prevents.
                let _ = guard.insert(Arc::clone(&key));
                self.failures.remove(kid);
                tracing::debug!(%kid, "ALB key fetched");
                Ok(key)
            }
            Err(error) => {
                tracing::warn!(%kid, %error, "ALB key fetch failed");
                let until = Instant::now() + self.min_refetch_interval;
                self.failures.insert(kid.to_owned(), Failure { until, error: error.clone() });
                // Waiters take the guard next, find the failure and return it without a fetch.
                drop(guard);
                Err(error)
            }
        }
    }

    fn recent_failure(&self, kid: &str) -> Option<VerifyError> {
        let failure = self.failures.get(kid)?;
        let left = failure.until.checked_duration_since(Instant::now()).filter(|left| !left.is_zero())?;
        Some(match failure.error {
            VerifyError::KeysUnavailable { reason, .. } => {
                VerifyError::KeysUnavailable { reason, retry_after: left }
            }
            other => other,
        })
    }
}

/// GET one key with a size cap and parse it. A 403 or 404 means the endpoint has no such key
/// (S3-backed endpoints answer 403 for missing objects).
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    kid: &str,
    retry_after: Duration,
    max_bytes: usize,
) -> Result<AlbKey, VerifyError> {
    let unavailable = |reason: String| VerifyError::KeysUnavailable { reason, retry_after };
    let mut response =
        client.get(url).send().await.map_err(|err| unavailable(describe(&err, "ALB key endpoint")))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::FORBIDDEN {
        return Err(VerifyError::UnknownKid { kid: kid.to_owned() });
    }
    if !status.is_success() {
        return Err(unavailable(format!("ALB key endpoint answered HTTP {status}")));
    }
    let body = read_capped(&mut response, max_bytes).await.map_err(|err| match err {
        BodyError::TooLarge => unavailable(format!("ALB key document is larger than {max_bytes} bytes")),
        BodyError::Transport(err) => unavailable(describe(&err, "ALB key endpoint")),
    })?;
    parse_pem(&body)
        .map_err(|reason| VerifyError::UnusableKey { kid: kid.to_owned(), reason: reason.to_owned() })
}

/// A PEM `PUBLIC KEY` (X.509 `SubjectPublicKeyInfo`) holding a P-256 key.
pub(crate) fn parse_pem(pem: &[u8]) -> Result<AlbKey, &'static str> {
    const BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
    const END: &str = "-----END PUBLIC KEY-----";
    let text = std::str::from_utf8(pem).map_err(|_| "key document is not text")?;
    let (_, rest) = text.split_once(BEGIN).ok_or("key document has no BEGIN PUBLIC KEY line")?;
    let (body, _) = rest.split_once(END).ok_or("key document has no END PUBLIC KEY line")?;
    let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(base64).map_err(|_| "PEM body is not base64")?;
    // aws-lc-rs reads an SPKI and checks that its curve is P-256.
    ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, der)
        .map(AlbKey)
        .map_err(|_| "not a P-256 public key")
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::KeyPair as _;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair,
    };

    use super::*;

    fn pem(der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|l| std::str::from_utf8(l).unwrap()).collect();
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"))
    }

    #[test]
    fn a_p256_spki_pem_verifies_signatures_of_its_key() {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let der = pair.public_key().as_der().unwrap();
        let key = parse_pem(pem(der.as_ref()).as_bytes()).unwrap();
        let signature = pair.sign(&SystemRandom::new(), b"header.payload").unwrap();
        assert!(key.verify(b"header.payload", signature.as_ref()).is_ok());
        assert_eq!(key.verify(b"header.payloaD", signature.as_ref()), Err(VerifyError::InvalidSignature));
    }

    #[test]
    fn other_documents_are_refused() {
        let p384 = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING).unwrap();
        let p384 = pem(p384.public_key().as_der().unwrap().as_ref());
        assert_eq!(parse_pem(p384.as_bytes()).err(), Some("not a P-256 public key"));
        assert!(parse_pem(b"").is_err());
        assert!(parse_pem(b"\xff\xfe").is_err());
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----").is_err());
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n").is_err());
    }
}
