//! [`AlbVerifier`]: every check on an `x-amzn-oidc-data` token, in order.

use std::fmt;
use std::sync::Arc;

use tracing::Instrument;

use super::claims::{self, AlbClaims};
use super::config::AlbConfig;
use super::key::AlbKey;
use super::keys::AlbKeys;
use super::options::AlbKeyOptions;
use crate::algorithm::Algorithm;
use crate::error::{VerifyError, truncate};
use crate::jws::{Header, HeaderMembers, Padding, Segments, UnixTime};
use crate::telemetry::{self, Cache, SpanClaims, Verifier};
use crate::verified_claims::VerifiedClaims;

/// Longest `kid` accepted. Load balancer key ids are UUIDs (36 characters).
pub const MAX_ALB_KID_LEN: usize = 128;
/// Longest `signer`, `client` or `iss` quoted by an error, in characters.
const MAX_ERROR_VALUE_CHARS: usize = 256;

/// Verifies the `x-amzn-oidc-data` header an Application Load Balancer sends after it
/// authenticated a user (with Cognito or another OIDC identity provider).
///
/// That header is not a Cognito token: it is an ES256 JWT signed by the load balancer, whose
/// header names the load balancer (`signer`, its ARN), the app client (`client`), the identity
/// provider (`iss`) and an expiry (`exp`), and whose payload holds the user's claims. Its public
/// key is a PEM document at `https://public-keys.auth.elb.{region}.amazonaws.com/{kid}`, and its
/// segments may end in `=` padding, which standard JWT libraries refuse.
///
/// [`verify`](Self::verify) checks, in order, each failing with its own [`VerifyError`]:
/// size ([`TokenTooLarge`](VerifyError::TokenTooLarge)) → three base64url segments, `=` padding
/// allowed ([`Malformed`](VerifyError::Malformed)) → header JSON
/// ([`MalformedHeader`](VerifyError::MalformedHeader)) → `alg` exactly `ES256`
/// ([`DisallowedAlgorithm`](VerifyError::DisallowedAlgorithm)) → `kid` of `[A-Za-z0-9_-]` only,
/// since it becomes part of a URL path ([`MissingKid`](VerifyError::MissingKid),
/// `MalformedHeader`) → `signer` allowed ([`UntrustedSigner`](VerifyError::UntrustedSigner)) →
/// `client` ([`ClientMismatch`](VerifyError::ClientMismatch)) → `iss`
/// ([`IssuerMismatch`](VerifyError::IssuerMismatch)) → key by `kid`
/// ([`UnknownKid`](VerifyError::UnknownKid), [`UnusableKey`](VerifyError::UnusableKey),
/// [`KeysUnavailable`](VerifyError::KeysUnavailable)) → ES256 signature over the segments as
/// received ([`InvalidSignature`](VerifyError::InvalidSignature)) → payload JSON and claim types
/// → `exp` of header and payload ([`Expired`](VerifyError::Expired)).
///
/// Every check before the key lookup runs without network, so a token with a foreign signer or a
/// hostile `kid` never causes a fetch.
///
/// Cheap to clone (an `Arc`); clones share the key cache. Build one with
/// [`AlbVerifier::builder`].
///
/// ```no_run
/// use cognito_verify::AlbVerifier;
///
/// # async fn run(x_amzn_oidc_data: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = AlbVerifier::builder()
///     .region("eu-west-1")
///     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
///     .client_ids(["4a1bexampleclientid"])
///     .issuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123")
///     .build()?; // no network: keys are fetched per kid on first use
///
/// let claims = verifier.verify(x_amzn_oidc_data).await?;
/// println!("{} <{}>", claims.sub, claims.email.as_deref().unwrap_or("no email"));
/// # Ok(()) }
/// ```
///
/// The `x-amzn-oidc-accesstoken` header, by contrast, carries the Cognito access token itself:
/// verify it with a [`CognitoVerifier`](crate::CognitoVerifier).
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

/// A token whose header passed every check that needs no key.
struct Checked<'t> {
    kid: String,
    signer: String,
    client: Option<String>,
    header_exp: Option<UnixTime>,
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
    pub(crate) fn new(config: AlbConfig, options: &AlbKeyOptions, client: reqwest::Client) -> Self {
        let keys = AlbKeys::new(config.key_endpoint.clone(), options, client);
        AlbVerifier { inner: Arc::new(Inner { config, keys }) }
    }

    /// Verify the value of an `x-amzn-oidc-data` header and return the user's claims.
    ///
    /// Fetches the load balancer's public key for the token's `kid` on first need (once per
    /// `kid`, shared by concurrent callers); fails with the [`VerifyError`] of the first check
    /// that fails.
    pub async fn verify(&self, token: &str) -> Result<Arc<AlbClaims>, VerifyError> {
        let span = telemetry::span(Verifier::Alb, token);
        let result = match span.in_scope(|| self.attempt(token)) {
            Attempt::Done(result) => result,
            Attempt::NeedKey(checked) => {
                let key = self.inner.keys.fetch(&checked.kid).instrument(span.clone()).await;
                key.and_then(|key| span.in_scope(|| self.finish(checked, &key)))
            }
        };
        telemetry::verified(&span, Verifier::Alb, Cache::Miss, &result);
        result
    }

    /// [`verify`](Self::verify) with the keys at hand: `None` when the token's key has not been
    /// fetched yet, so verification would have to wait for the key endpoint; call `verify` then.
    /// The tower layer uses it to skip creating a future on the hot path.
    pub fn verify_now(&self, token: &str) -> Option<Result<Arc<AlbClaims>, VerifyError>> {
        let span = telemetry::span(Verifier::Alb, token);
        match span.in_scope(|| self.attempt(token)) {
            Attempt::Done(result) => {
                telemetry::verified(&span, Verifier::Alb, Cache::Miss, &result);
                Some(result)
            }
            Attempt::NeedKey(_) => {
                span.record("outcome", telemetry::NEEDS_KEY_FETCH);
                None
            }
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
        if token.len() > config.limits.max_token_bytes {
            return Err(VerifyError::TokenTooLarge { len: token.len(), max: config.limits.max_token_bytes });
        }
        let segments = Segments::split(token)?;
        let header_json = segments.header(Padding::Allowed)?;
        let header = Header::parse(&header_json, HeaderMembers::Alb)?;
        header.refuse_critical()?;
        // ALB signs with ES256 only; accepting anything else would only widen the attack surface.
        header.alg(|alg| (alg == Algorithm::ES256.as_str()).then_some(Algorithm::ES256))?;
        let kid = header.kid()?;
        check_kid(kid)?;
        let signer = header.signer.as_deref().ok_or(VerifyError::MalformedHeader("no signer"))?;
        if let Some(allowed) = &config.signers
            && !allowed.contains(signer)
        {
            return Err(VerifyError::UntrustedSigner { found: truncate(signer, MAX_ERROR_VALUE_CHARS) });
        }
        if let Some(allowed) = &config.client_ids {
            let client = header.client.as_deref().ok_or(VerifyError::MalformedHeader("no client"))?;
            if !allowed.contains(client) {
                return Err(VerifyError::ClientMismatch {
                    found: truncate(client, MAX_ERROR_VALUE_CHARS),
                    claims: None,
                });
            }
        }
        if let Some(expected) = &config.issuer {
            let iss = header.iss.as_deref().ok_or(VerifyError::MalformedHeader("no iss"))?;
            if iss != expected {
                return Err(VerifyError::IssuerMismatch {
                    found: truncate(iss, MAX_ERROR_VALUE_CHARS),
                    claims: None,
                });
            }
        }
        Ok(Checked {
            kid: kid.to_owned(),
            signer: signer.to_owned(),
            client: header.client.map(|client| client.into_owned()),
            header_exp: header.exp,
            signing_input: segments.signing_input(),
            payload: segments.payload(Padding::Allowed)?,
            signature: segments.signature(Padding::Allowed)?,
        })
    }

    /// The checks from the signature on.
    fn finish(&self, checked: Checked<'_>, key: &AlbKey) -> Result<Arc<AlbClaims>, VerifyError> {
        key.verify(checked.signing_input, &checked.signature)?;
        let claims =
            claims::parse(&checked.payload, checked.kid, checked.signer, checked.client, checked.header_exp)?;
        let config = &self.inner.config;
        let now = UnixTime::now(&config.clock);
        let claims = Arc::new(claims);
        if now >= claims.expires.saturating_add(config.limits.leeway) {
            let claims_of_refused = Some(VerifiedClaims::new(Arc::clone(&claims)));
            return Err(VerifyError::Expired { exp: claims.exp, now: now.secs(), claims: claims_of_refused });
        }
        Ok(claims)
    }
}

/// What a verification span reports about ALB claims: no `token_use`; the client from the header.
impl SpanClaims for AlbClaims {
    fn token_use(&self) -> Option<&str> {
        None
    }
    fn client(&self) -> Option<&str> {
        self.client.as_deref()
    }
}

/// The key id goes into the key URL's path: only characters that cannot change the path's
/// meaning (no `/`, `.`, `%`, `?`, `#`) are accepted, so `../` or `%2F` tricks never reach the
/// network.
fn check_kid(kid: &str) -> Result<(), VerifyError> {
    if kid.is_empty() || kid.len() > MAX_ALB_KID_LEN {
        return Err(VerifyError::MalformedHeader("kid is empty or too long"));
    }
    if !kid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(VerifyError::MalformedHeader("kid has characters other than A-Z a-z 0-9 - _"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kids_that_could_change_the_key_url_are_refused() {
        for bad in
            ["", "a/b", "..", "a%2Fb", "a?b", "a#b", "a b", "a.b", "é", &"a".repeat(MAX_ALB_KID_LEN + 1)]
        {
            assert!(check_kid(bad).is_err(), "{bad:?}");
        }
        for good in ["c2f80c8b-c05c-4068-af14-17299f7896b1", "abc_DEF-123"] {
            assert!(check_kid(good).is_ok(), "{good:?}");
        }
    }
}
