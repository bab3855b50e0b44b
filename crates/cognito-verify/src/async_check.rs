//! The asynchronous custom check (like aws-jwt-verify's `customJwtCheck`): what it sees of a
//! verified token, and how it refuses one.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::claims::CognitoClaims;
use crate::error::VerifyError;
use crate::issuer::Issuer;
use crate::jws::{Padding, Segments};
use crate::keys::VerifyingKey;
use crate::verified_claims::VerifiedClaims;

/// The boxed future of an [`async_check`](crate::CognitoVerifierBuilder::async_check).
pub(crate) type CheckFuture = Pin<Box<dyn Future<Output = Result<(), Rejection>> + Send>>;

/// An asynchronous check on a verified token, run last on every verification.
pub(crate) type AsyncCheck<C> = Arc<dyn Fn(VerifiedToken<C>) -> CheckFuture + Send + Sync>;

/// Why an [`async_check`](crate::CognitoVerifierBuilder::async_check) refused a token, and
/// whether as an invalid token (HTTP 401) or as a valid token without the right to the request
/// (HTTP 403). Verification then fails with [`VerifyError::Rejected`] carrying both.
///
/// ```
/// use cognito_verify::Rejection;
///
/// let revoked = Rejection::invalid_token("token revoked");
/// let suspended = Rejection::forbidden("account suspended");
/// assert!(!revoked.is_forbidden() && suspended.is_forbidden());
/// assert_eq!(suspended.reason(), "account suspended");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: String,
    forbidden: bool,
}

impl Rejection {
    /// Refuse the token itself (revoked, replayed, ...): 401 `invalid_token` through the tower
    /// layer. `reason` is told to the client: keep secrets out of it.
    pub fn invalid_token(reason: impl Into<String>) -> Self {
        Rejection { reason: reason.into(), forbidden: false }
    }

    /// Refuse the caller's rights, the token being valid: 403 through the tower layer. `reason`
    /// is told to the client: keep secrets out of it.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Rejection { reason: reason.into(), forbidden: true }
    }

    /// The reason given.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Whether it is [`forbidden`](Self::forbidden) (403) rather than
    /// [`invalid_token`](Self::invalid_token) (401).
    pub fn is_forbidden(&self) -> bool {
        self.forbidden
    }

    pub(crate) fn into_error(self) -> VerifyError {
        VerifyError::Rejected { reason: self.reason, forbidden: self.forbidden, claims: None }
    }
}

/// A token that passed every other check, as an
/// [`async_check`](crate::CognitoVerifierBuilder::async_check) sees it: its claims, and, when
/// this verifier checked the signature itself ([`verify`](crate::CognitoVerifier::verify)), its
/// header and the JWK that verified it. Owned (cheap `Arc`s), so the check's future can keep it
/// across `.await`s.
///
/// Claims that something else verified ([`check_claims`](crate::CognitoVerifier::check_claims):
/// API Gateway's authorizer, which hands the function claims but not the token) come without a
/// header or key: [`header`](Self::header) and [`jwk`](Self::jwk) are `None` then, never made
/// up. A check that only reads claims (a revocation list by `jti`/`origin_jti` or `sub`, an
/// account status) runs the same in both cases; one that needs the header or key must decide
/// what `None` means for it (refuse, or accept what the other component verified).
///
/// ```
/// use cognito_verify::{CognitoVerifier, Rejection, TokenUse};
///
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .async_check(|token| async move {
///         // `None` for claims verified by API Gateway: no header, no key.
///         let kid = token.header().and_then(|header| header.get("kid")).and_then(|kid| kid.as_str());
///         let rsa = token.jwk().is_some_and(|jwk| jwk["kty"] == "RSA");
///         match (kid.is_some(), rsa, token.claims().username()) {
///             (true, true, Some(_)) => Ok(()),
///             _ => Err(Rejection::forbidden("user tokens signed with RSA only")),
///         }
///     })
///     .build()?;
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
pub struct VerifiedToken<C> {
    /// `None` for claims verified elsewhere.
    pub(crate) header: Option<Arc<Map<String, Value>>>,
    /// `None` for claims verified elsewhere.
    pub(crate) key: Option<Arc<VerifyingKey>>,
    pub(crate) claims: Arc<CognitoClaims<C>>,
}

/// Shows the header only: the claims may hold personal data.
impl<C> std::fmt::Debug for VerifiedToken<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedToken").field("header", &self.header).finish_non_exhaustive()
    }
}

impl<C> VerifiedToken<C> {
    /// The JOSE header, every member as sent (`alg`, `kid`, and any other); `None` when the
    /// claims were verified elsewhere ([`check_claims`](crate::CognitoVerifier::check_claims)).
    pub fn header(&self) -> Option<&Map<String, Value>> {
        self.header.as_deref()
    }

    /// The JWK that verified the signature, as the issuer's JWKS served it; `None` when the
    /// claims were verified elsewhere ([`check_claims`](crate::CognitoVerifier::check_claims)).
    pub fn jwk(&self) -> Option<Value> {
        let key = self.key.as_ref()?;
        Some(serde_json::from_str(key.source()).unwrap_or(Value::Null))
    }

    /// The verified claims.
    pub fn claims(&self) -> &Arc<CognitoClaims<C>> {
        &self.claims
    }
}

/// Run `check` on `token`, verified by every other check as `claims`; a refusal carries the
/// claims.
pub(crate) async fn run<C: Send + Sync + 'static>(
    check: &AsyncCheck<C>,
    token: &str,
    claims: Arc<CognitoClaims<C>>,
    issuers: &[Issuer],
) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
    let verified = verified_token(token, Arc::clone(&claims), issuers)?;
    finish(check(verified).await, claims)
}

/// Run `check` on claims verified elsewhere and by every other check: no header, no key.
pub(crate) async fn run_on_claims<C: Send + Sync + 'static>(
    check: &AsyncCheck<C>,
    claims: Arc<CognitoClaims<C>>,
) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
    let verified = VerifiedToken { header: None, key: None, claims: Arc::clone(&claims) };
    finish(check(verified).await, claims)
}

/// The claims, or the check's refusal carrying them.
fn finish<C: Send + Sync + 'static>(
    outcome: Result<(), Rejection>,
    claims: Arc<CognitoClaims<C>>,
) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
    match outcome {
        Ok(()) => Ok(claims),
        Err(rejection) => Err(rejection.into_error().with_claims(VerifiedClaims::new(claims))),
    }
}

/// What the check sees of a token that verified: the header decoded again (it is small, and
/// only verifiers with an async check need it kept) and the key its `kid` names in the key set
/// of its issuer.
fn verified_token<C>(
    token: &str,
    claims: Arc<CognitoClaims<C>>,
    issuers: &[Issuer],
) -> Result<VerifiedToken<C>, VerifyError> {
    let header_json = Segments::split(token)?.header(Padding::Refused)?;
    let header: Map<String, Value> = serde_json::from_slice(&header_json)
        .map_err(|_| VerifyError::MalformedHeader("not a JSON object"))?;
    let kid = header.get("kid").and_then(Value::as_str).ok_or(VerifyError::MissingKid)?;
    let issuer = issuers
        .iter()
        .find(|issuer| issuer.config.issuer == claims.iss())
        .ok_or_else(|| VerifyError::UntrustedIssuer { found: claims.iss().to_owned() })?;
    // The key verified the signature a moment ago; a refresh that removed it since refuses the
    // token as a refresh would have just before.
    let key = match issuer.keys.lookup(kid) {
        Some(Ok(key)) => key,
        Some(Err(err)) => return Err(err),
        None => return Err(VerifyError::unknown_kid(kid)),
    };
    Ok(VerifiedToken { header: Some(Arc::new(header)), key: Some(key), claims })
}
