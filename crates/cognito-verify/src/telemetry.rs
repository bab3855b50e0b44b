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
use crate::outcome::outcome;
pub(crate) use crate::outcome::{Cache, Verifier};

/// The `outcome` of a `verify_now` span that ended because the key must be fetched first (the
/// caller then calls `verify`, which has its own span).
pub(crate) const NEEDS_KEY_FETCH: &str = "needs_key_fetch";

/// The span of one verification: `token_use`, `client`, `kid` and `outcome` are recorded as
/// they become known; never the token.
#[inline]
pub(crate) fn span(verifier: Verifier, token: &str) -> Span {
    let span = tracing::debug_span!(
        target: "cognito_verify",
        "verify",
        verifier = verifier.label(),
        token_use = tracing::field::Empty,
        client = tracing::field::Empty,
        kid = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
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
        Some(CognitoClaims::token_use(self))
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
