//! The metrics of the `metrics` cargo feature, recorded through the `metrics` facade (a no-op
//! until the application installs a recorder). Names and labels: `docs/observability.md`.
//!
//! A valid verification, the hot path, increments one counter whose key is a `static` (no
//! allocation, no formatting); other outcomes build their label set per call.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::VerifyError;
use crate::outcome::{Cache, Verifier, error_kind};

/// Verifications, by `verifier`, `outcome`, `error` and `cache`.
pub(crate) const VERIFICATIONS: &str = "cognito_verify_verifications_total";
/// JWKS fetches, by `jwks_uri` and `outcome`.
pub(crate) const JWKS_FETCHES: &str = "cognito_verify_jwks_fetches_total";
/// JWKS fetch latency in seconds, by `jwks_uri` and `outcome`.
pub(crate) const JWKS_FETCH_DURATION: &str = "cognito_verify_jwks_fetch_duration_seconds";
/// Refetches started because a token named a `kid` the key set lacks, by `jwks_uri`.
pub(crate) const UNKNOWN_KID_REFETCHES: &str = "cognito_verify_jwks_unknown_kid_refetches_total";
/// Fetches refused, by `jwks_uri` and `reason` (`rate_limit`, `backoff`).
pub(crate) const REFETCHES_REFUSED: &str = "cognito_verify_jwks_refetches_refused_total";
/// ALB key fetches, by `key_endpoint` and `outcome`.
pub(crate) const ALB_KEY_FETCHES: &str = "cognito_verify_alb_key_fetches_total";
/// ALB key fetch latency in seconds, by `key_endpoint` and `outcome`.
pub(crate) const ALB_KEY_FETCH_DURATION: &str = "cognito_verify_alb_key_fetch_duration_seconds";
/// ALB key fetches refused by the fetch budget, by `key_endpoint` and `reason` (`rate_limit`,
/// `in_flight`).
pub(crate) const ALB_KEY_FETCHES_REFUSED: &str = "cognito_verify_alb_key_fetches_refused_total";
/// Unix time of the last successful JWKS fetch, by `jwks_uri`.
pub(crate) const KEY_SET_UPDATED: &str = "cognito_verify_jwks_key_set_updated_timestamp_seconds";

pub(crate) fn verification(verifier: Verifier, cache: Cache, error: Option<&VerifyError>) {
    let Some(error) = error else {
        // The labels of the valid outcomes are literals, so the macro keeps their keys static.
        let counter = match (verifier, cache) {
            (Verifier::Cognito, Cache::Hit) => metrics::counter!("cognito_verify_verifications_total",
                "verifier" => "cognito", "outcome" => "valid", "error" => "none", "cache" => "hit"),
            (Verifier::Cognito, Cache::Miss) => metrics::counter!("cognito_verify_verifications_total",
                "verifier" => "cognito", "outcome" => "valid", "error" => "none", "cache" => "miss"),
            (Verifier::Alb, Cache::Hit) => metrics::counter!("cognito_verify_verifications_total",
                "verifier" => "alb", "outcome" => "valid", "error" => "none", "cache" => "hit"),
            (Verifier::Alb, Cache::Miss) => metrics::counter!("cognito_verify_verifications_total",
                "verifier" => "alb", "outcome" => "valid", "error" => "none", "cache" => "miss"),
        };
        counter.increment(1);
        return;
    };
    let outcome = if error.is_retryable() { "unavailable" } else { "invalid" };
    metrics::counter!(VERIFICATIONS, "verifier" => verifier.label(), "outcome" => outcome,
        "error" => error_kind(error), "cache" => cache.label())
    .increment(1);
}

/// One JWKS fetch finished after `elapsed`, with `outcome` (`success` or a failure kind).
pub(crate) fn jwks_fetch(jwks_uri: &str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!(JWKS_FETCHES, "jwks_uri" => jwks_uri.to_owned(), "outcome" => outcome).increment(1);
    metrics::histogram!(JWKS_FETCH_DURATION, "jwks_uri" => jwks_uri.to_owned(), "outcome" => outcome)
        .record(elapsed.as_secs_f64());
    if outcome == "success" {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        metrics::gauge!(KEY_SET_UPDATED, "jwks_uri" => jwks_uri.to_owned()).set(now.as_secs_f64());
    }
}

/// A refetch for an unknown `kid` started.
pub(crate) fn unknown_kid_refetch(jwks_uri: &str) {
    metrics::counter!(UNKNOWN_KID_REFETCHES, "jwks_uri" => jwks_uri.to_owned()).increment(1);
}

/// A fetch was refused: `rate_limit` (unknown-kid refetch too soon) or `backoff` (after a
/// failure).
pub(crate) fn refetch_refused(jwks_uri: &str, reason: &'static str) {
    metrics::counter!(REFETCHES_REFUSED, "jwks_uri" => jwks_uri.to_owned(), "reason" => reason).increment(1);
}

/// One ALB key fetch finished after `elapsed`, with `outcome` (`success` or a failure kind).
pub(crate) fn alb_key_fetch(key_endpoint: &str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!(ALB_KEY_FETCHES, "key_endpoint" => key_endpoint.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!(ALB_KEY_FETCH_DURATION, "key_endpoint" => key_endpoint.to_owned(), "outcome" => outcome)
        .record(elapsed.as_secs_f64());
}

/// An ALB key fetch was not started: `rate_limit` or `in_flight`.
pub(crate) fn alb_key_fetch_refused(key_endpoint: &str, reason: &'static str) {
    metrics::counter!(ALB_KEY_FETCHES_REFUSED, "key_endpoint" => key_endpoint.to_owned(), "reason" => reason)
        .increment(1);
}
