//! Verification of the `x-amzn-oidc-data` header an Application Load Balancer sends after it
//! authenticated a user (with Cognito or another OIDC identity provider).
//!
//! That header is not a Cognito token: it is an ES256 JWT signed by the load balancer, whose
//! header names the load balancer (`signer`, its ARN), the app client (`client`), the identity
//! provider (`iss`) and an expiry (`exp`), and whose payload holds the user's claims. Its public
//! key is a PEM document at `https://public-keys.auth.elb.{region}.amazonaws.com/{kid}`, and its
//! segments may end in `=` padding, which standard JWT libraries refuse.
//!
//! [`AlbVerifier`] checks, in order, each failing with its own [`VerifyError`]:
//! size ([`TokenTooLarge`](VerifyError::TokenTooLarge)) → three base64url segments, `=` padding
//! allowed ([`Malformed`](VerifyError::Malformed)) → header JSON
//! ([`MalformedHeader`](VerifyError::MalformedHeader)) → `alg` exactly `ES256`
//! ([`DisallowedAlgorithm`](VerifyError::DisallowedAlgorithm)) → `kid` of `[A-Za-z0-9_-]` only,
//! since it becomes part of a URL path ([`MissingKid`](VerifyError::MissingKid),
//! `MalformedHeader`) → `signer` allowed ([`UntrustedSigner`](VerifyError::UntrustedSigner)) →
//! `client` ([`ClientMismatch`](VerifyError::ClientMismatch)) → `iss`
//! ([`IssuerMismatch`](VerifyError::IssuerMismatch)) → key by `kid`
//! ([`UnknownKid`](VerifyError::UnknownKid), [`UnusableKey`](VerifyError::UnusableKey),
//! [`KeysUnavailable`](VerifyError::KeysUnavailable)) → ES256 signature over the segments as
//! received ([`InvalidSignature`](VerifyError::InvalidSignature)) → payload JSON and claim types
//! → `exp` of header and payload ([`Expired`](VerifyError::Expired)).
//!
//! Every check before the key lookup runs without network, so a token with a foreign signer or a
//! hostile `kid` never causes a fetch.
//!
//! ```no_run
//! use cognito_verify::AlbVerifier;
//!
//! # async fn run(x_amzn_oidc_data: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = AlbVerifier::builder()
//!     .region("eu-west-1")
//!     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
//!     .client_ids(["4a1bexampleclientid"])
//!     .issuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123")
//!     .build()?; // no network: keys are fetched per kid on first use
//!
//! let claims = verifier.verify(x_amzn_oidc_data).await?;
//! println!("{} <{}>", claims.sub, claims.email.as_deref().unwrap_or("no email"));
//! # Ok(()) }
//! ```
//!
//! The `x-amzn-oidc-accesstoken` header, by contrast, carries the Cognito access token itself:
//! verify it with a [`CognitoVerifier`](crate::CognitoVerifier).

mod builder;
mod claims;
mod keys;

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

pub use self::builder::{
    AlbVerifierBuilder, DEFAULT_ALB_KEY_CACHE_CAPACITY, DEFAULT_ALB_MAX_TOKEN_BYTES, MAX_KID_LEN,
};
pub use self::claims::AlbClaims;

use self::builder::AlbConfig;
use self::keys::{AlbKey, AlbKeys};
use crate::error::VerifyError;

/// Verifies the `x-amzn-oidc-data` header of an Application Load Balancer; see the
/// [module docs](self).
///
/// Cheap to clone (an `Arc`); clones share the key cache. Build one with
/// [`AlbVerifier::builder`].
#[derive(Clone)]
pub struct AlbVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    config: AlbConfig,
    keys: AlbKeys,
}

impl fmt::Debug for AlbVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("AlbVerifier")
            .field("key_endpoint", &config.key_endpoint)
            .field("signers", &config.signers)
            .field("client_ids", &config.client_ids)
            .field("issuer", &config.issuer)
            .finish_non_exhaustive()
    }
}

/// The header members an ALB token carries. Unknown members (`typ`) are ignored; a member of the
/// wrong type or given twice makes the header malformed.
#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    signer: Option<String>,
    client: Option<String>,
    iss: Option<String>,
    exp: Option<serde_json::Value>,
}

/// A token whose header passed every check that needs no key.
struct Checked<'t> {
    kid: String,
    signer: String,
    client: Option<String>,
    header_exp: Option<i64>,
    signing_input: &'t [u8],
    payload: Vec<u8>,
    signature: Vec<u8>,
}

/// The outcome of running the checks with the keys at hand.
enum Attempt<'t> {
    Done(Result<Arc<AlbClaims>, VerifyError>),
    /// The key for this token is not cached: fetch it, then finish.
    NeedKey(Checked<'t>),
}

impl AlbVerifier {
    /// Start configuring a verifier.
    pub fn builder() -> AlbVerifierBuilder {
        AlbVerifierBuilder::default()
    }

    pub(crate) fn from_config(config: AlbConfig, client: reqwest::Client) -> Self {
        let keys = AlbKeys::new(&config, client);
        AlbVerifier { inner: Arc::new(Inner { config, keys }) }
    }

    /// Verify the value of an `x-amzn-oidc-data` header and return the user's claims.
    ///
    /// Fetches the load balancer's public key for the token's `kid` on first need (once per
    /// `kid`, shared by concurrent callers); fails with the [`VerifyError`] of the first check
    /// that fails.
    pub async fn verify(&self, token: &str) -> Result<Arc<AlbClaims>, VerifyError> {
        match self.attempt(token) {
            Attempt::Done(result) => result,
            Attempt::NeedKey(checked) => {
                let key = self.inner.keys.fetch(&checked.kid).await?;
                self.finish(checked, &key)
            }
        }
    }

    /// [`verify`](Self::verify) with the keys at hand: `None` when the token's key has not been
    /// fetched yet, so verification would have to wait for the key endpoint; call `verify` then.
    /// The tower layer uses it to skip creating a future on the hot path.
    pub fn verify_now(&self, token: &str) -> Option<Result<Arc<AlbClaims>, VerifyError>> {
        match self.attempt(token) {
            Attempt::Done(result) => Some(result),
            Attempt::NeedKey(_) => None,
        }
    }

    /// The base URL keys are fetched from (`{base}/{kid}`).
    pub fn key_endpoint(&self) -> &str {
        &self.inner.config.key_endpoint
    }

    /// How many key fetches this verifier has started.
    pub fn key_fetches(&self) -> u64 {
        self.inner.keys.fetches()
    }

    fn attempt<'t>(&self, token: &'t str) -> Attempt<'t> {
        let checked = match self.check_header(token) {
            Ok(checked) => checked,
            Err(err) => return Attempt::Done(Err(err)),
        };
        match self.inner.keys.cached(&checked.kid) {
            Some(Ok(key)) => Attempt::Done(self.finish(checked, &key)),
            Some(Err(err)) => Attempt::Done(Err(err)),
            None => Attempt::NeedKey(checked),
        }
    }

    /// Every check before the key lookup: size, segments, header.
    fn check_header<'t>(&self, token: &'t str) -> Result<Checked<'t>, VerifyError> {
        let config = &self.inner.config;
        if token.len() > config.max_token_bytes {
            return Err(VerifyError::TokenTooLarge { len: token.len(), max: config.max_token_bytes });
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed("expected three dot-separated segments"));
        };
        if header_b64.is_empty() || payload_b64.is_empty() {
            return Err(VerifyError::Malformed("empty header or payload segment"));
        }
        let header_json = b64(header_b64, "header is not base64url")?;
        let header: Header = serde_json::from_slice(&header_json).map_err(|_| {
            VerifyError::MalformedHeader(
                "not a JSON object with string alg, kid, signer, client and iss, and a numeric exp",
            )
        })?;
        let alg = header.alg.ok_or(VerifyError::MalformedHeader("no alg"))?;
        // ALB signs with ES256 only; accepting anything else would only widen the attack surface.
        if alg != "ES256" {
            return Err(VerifyError::DisallowedAlgorithm(truncate(&alg, 32)));
        }
        let kid = header.kid.ok_or(VerifyError::MissingKid)?;
        check_kid(&kid)?;
        let signer = header.signer.ok_or(VerifyError::MalformedHeader("no signer"))?;
        let client = header.client;
        if let Some(allowed) = &config.signers
            && !allowed.contains(signer.as_str())
        {
            return Err(VerifyError::UntrustedSigner { found: truncate(&signer, 256) });
        }
        if let Some(allowed) = &config.client_ids {
            let client = client.as_deref().ok_or(VerifyError::MalformedHeader("no client"))?;
            if !allowed.contains(client) {
                return Err(VerifyError::ClientMismatch { found: truncate(client, 256) });
            }
        }
        if let Some(expected) = &config.issuer {
            let iss = header.iss.as_deref().ok_or(VerifyError::MalformedHeader("no iss"))?;
            if iss != expected {
                return Err(VerifyError::IssuerMismatch { found: truncate(iss, 256) });
            }
        }
        let header_exp = match &header.exp {
            None => None,
            Some(exp) => Some(numeric_date(exp).ok_or(VerifyError::MalformedHeader("exp is not a number"))?),
        };
        let payload = b64(payload_b64, "payload is not base64url")?;
        let signature = b64(signature_b64, "signature is not base64url")?;
        if signature.is_empty() {
            return Err(VerifyError::Malformed("empty signature"));
        }
        let signing_input_len = header_b64.len() + 1 + payload_b64.len();
        Ok(Checked {
            kid,
            signer,
            client,
            header_exp,
            signing_input: token.as_bytes().get(..signing_input_len).unwrap_or_default(),
            payload,
            signature,
        })
    }

    /// The checks from the signature on.
    fn finish(&self, checked: Checked<'_>, key: &AlbKey) -> Result<Arc<AlbClaims>, VerifyError> {
        key.verify(checked.signing_input, &checked.signature)?;
        let claims =
            claims::parse(&checked.payload, checked.kid, checked.signer, checked.client, checked.header_exp)?;
        let now = unix_now();
        if now >= claims.exp.saturating_add(self.inner.config.leeway_secs) {
            return Err(VerifyError::Expired { exp: claims.exp, now });
        }
        Ok(Arc::new(claims))
    }
}

/// The key id goes into the key URL's path: only characters that cannot change the path's
/// meaning (no `/`, `.`, `%`, `?`, `#`) are accepted, so `../` or `%2F` tricks never reach the
/// network.
fn check_kid(kid: &str) -> Result<(), VerifyError> {
    if kid.is_empty() || kid.len() > MAX_KID_LEN {
        return Err(VerifyError::MalformedHeader("kid is empty or too long"));
    }
    if !kid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(VerifyError::MalformedHeader("kid has characters other than A-Z a-z 0-9 - _"));
    }
    Ok(())
}

/// Base64url, with or without `=` padding (the load balancer pads; nothing else in a JWT may).
/// Padding must be exactly what the length calls for.
fn b64(segment: &str, what: &'static str) -> Result<Vec<u8>, VerifyError> {
    let unpadded = segment.trim_end_matches('=');
    let padding = segment.len() - unpadded.len();
    if padding > 2 || (padding > 0 && !segment.len().is_multiple_of(4)) {
        return Err(VerifyError::Malformed(what));
    }
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(unpadded).map_err(|_| VerifyError::Malformed(what))
}

/// A JSON number of seconds since the epoch: fractions truncated, out-of-range values refused.
pub(crate) fn numeric_date(value: &serde_json::Value) -> Option<i64> {
    let number = value.as_number()?;
    if let Some(int) = number.as_i64() {
        return Some(int);
    }
    let float = number.as_f64().filter(|f| f.is_finite() && f.abs() < 9.0e15)?;
    // In range, so the conversion is exact after truncation.
    Some(float.trunc() as i64)
}

/// Keep attacker-chosen strings short in errors and logs.
fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Seconds since the Unix epoch; a clock set before 1970 reads as 0.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_accepted_only_where_the_length_calls_for_it() {
        assert_eq!(b64("YWJjZA==", "x").unwrap(), b"abcd");
        assert_eq!(b64("YWJjZA", "x").unwrap(), b"abcd");
        assert_eq!(b64("YWJjZGU=", "x").unwrap(), b"abcde");
        for bad in ["YWJjZA=", "YWJjZA===", "YWJj=", "YWJj====", "YWJjZB==", "YW+jZA==", "="] {
            assert!(b64(bad, "x").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kids_that_could_change_the_key_url_are_refused() {
        for bad in ["", "a/b", "..", "a%2Fb", "a?b", "a#b", "a b", "a.b", "é", &"a".repeat(MAX_KID_LEN + 1)]
        {
            assert!(check_kid(bad).is_err(), "{bad:?}");
        }
        for good in ["c2f80c8b-c05c-4068-af14-17299f7896b1", "abc_DEF-123"] {
            assert!(check_kid(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn numeric_dates_are_integers_or_truncated_floats() {
        assert_eq!(numeric_date(&serde_json::json!(1_700_000_000)), Some(1_700_000_000));
        assert_eq!(numeric_date(&serde_json::json!(1.9)), Some(1));
        assert_eq!(numeric_date(&serde_json::json!(1e300)), None);
        assert_eq!(numeric_date(&serde_json::json!(u64::MAX)), None);
        assert_eq!(numeric_date(&serde_json::json!("1")), None);
    }
}
