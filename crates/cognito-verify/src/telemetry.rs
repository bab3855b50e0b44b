//! What verification reports to operators: one tracing span per verification and, with the
//! `metrics` cargo feature, counters, a histogram and a gauge through the `metrics` facade.
//!
//! Names and labels are listed in `docs/observability.md`. Every label value is from a fixed
//! set, or from configuration (the JWKS URL): never from a token.
//!
//! Without the `metrics` feature the metric functions are empty and inline away. The span costs
//! one interest check when no subscriber wants `cognito_verify` debug spans; its fields are only
//! computed when one does.

use std::sync::Arc;

use tracing::Span;

use crate::claims::CognitoClaims;
use crate::error::VerifyError;

/// The `outcome` of a `verify_now` span that ended because the key must be fetched first (the
/// caller then calls `verify`, which has its own span).
pub(crate) const NEEDS_KEY_FETCH: &str = "needs_key_fetch";

/// Which verifier verified.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verifier {
    Cognito,
    Alb,
}

/// Whether the verified-token cache answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cache {
    Hit,
    Miss,
}

/// The span of one verification: `token_use`, `client`, `kid` and `outcome` are recorded as
/// they become known; never the token.
#[inline]
pub(crate) fn span(verifier: Verifier, token: &str) -> Span {
    let span = match verifier {
        Verifier::Cognito => tracing::debug_span!(
            target: "cognito_verify",
            "verify",
            verifier = "cognito",
            token_use = tracing::field::Empty,
            client = tracing::field::Empty,
            kid = tracing::field::Empty,
            outcome = tracing::field::Empty,
        ),
        Verifier::Alb => tracing::debug_span!(
            target: "cognito_verify",
            "verify",
            verifier = "alb",
            token_use = tracing::field::Empty,
            client = tracing::field::Empty,
            kid = tracing::field::Empty,
            outcome = tracing::field::Empty,
        ),
    };
    if !span.is_disabled()
        && let Some(kid) = crate::jws::peek_kid(token)
    {
        span.record("kid", kid.as_str());
    }
    span
}

/// The claims a span reports about a verified token.
pub(crate) trait SpanClaims {
    fn token_use(&self) -> Option<&str>;
    fn client(&self) -> Option<&str>;
}

impl<C> SpanClaims for CognitoClaims<C> {
    fn token_use(&self) -> Option<&str> {
        Some(&self.token_use)
    }
    fn client(&self) -> Option<&str> {
        CognitoClaims::client(self)
    }
}

/// Record the outcome of one verification: on its span, and in the metrics.
#[inline]
pub(crate) fn verified<T: SpanClaims>(
    span: &Span,
    verifier: Verifier,
    cache: Cache,
    result: &Result<Arc<T>, VerifyError>,
) {
    if !span.is_disabled() {
        if let Ok(claims) = result {
            if let Some(token_use) = claims.token_use() {
                span.record("token_use", token_use);
            }
            if let Some(client) = claims.client() {
                span.record("client", client);
            }
        }
        span.record("outcome", outcome(result.as_ref().err()));
    }
    #[cfg(feature = "metrics")]
    crate::instruments::verification(verifier, cache, result.as_ref().err());
    #[cfg(not(feature = "metrics"))]
    let _ = (verifier, cache);
}

/// `valid`, or the error kind of a refusal.
pub(crate) fn outcome(error: Option<&VerifyError>) -> &'static str {
    error.map_or("valid", error_kind)
}

/// A short, fixed name per [`VerifyError`] variant, for labels and span fields.
pub(crate) fn error_kind(error: &VerifyError) -> &'static str {
    match error {
        VerifyError::TokenTooLarge { .. } => "token_too_large",
        VerifyError::Malformed(_) => "malformed",
        VerifyError::MalformedHeader(_) => "malformed_header",
        VerifyError::MissingKid => "missing_kid",
        VerifyError::DisallowedAlgorithm(_) => "disallowed_algorithm",
        VerifyError::UntrustedIssuer { .. } => "untrusted_issuer",
        VerifyError::UntrustedSigner { .. } => "untrusted_signer",
        VerifyError::UnknownKid { .. } => "unknown_kid",
        VerifyError::KeysUnavailable { .. } => "keys_unavailable",
        VerifyError::UnusableKey { .. } => "unusable_key",
        VerifyError::KeyAlgorithmMismatch { .. } => "key_algorithm_mismatch",
        VerifyError::InvalidSignature => "invalid_signature",
        VerifyError::MalformedPayload(_) => "malformed_payload",
        VerifyError::InvalidClaim { .. } => "invalid_claim",
        VerifyError::MissingClaim(_) => "missing_claim",
        VerifyError::IssuerMismatch { .. } => "issuer_mismatch",
        VerifyError::TokenUseMismatch { .. } => "token_use_mismatch",
        VerifyError::ClientMismatch { .. } => "client_mismatch",
        VerifyError::Expired { .. } => "expired",
        VerifyError::NotYetValid { .. } => "not_yet_valid",
        VerifyError::IssuedInFuture { .. } => "issued_in_future",
        VerifyError::InsufficientScope { .. } => "insufficient_scope",
        VerifyError::MissingGroup { .. } => "missing_group",
        VerifyError::Rejected { .. } => "rejected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_unavailable_is_reported_as_such() {
        let unavailable = VerifyError::KeysUnavailable {
            reason: "down".to_owned(),
            retry_after: std::time::Duration::from_secs(1),
        };
        assert_eq!(outcome(Some(&unavailable)), "keys_unavailable");
        assert_eq!(outcome(Some(&VerifyError::InvalidSignature)), "invalid_signature");
        assert_eq!(outcome(None), "valid");
    }
}
