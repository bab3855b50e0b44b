//! The vocabulary of a verification's outcome, shared by the tracing span (`telemetry`) and the
//! metrics (`instruments`): which verifier, whether the verified-token cache answered, and a
//! short fixed name per error.

use crate::error::VerifyError;

/// Which verifier verified.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verifier {
    Cognito,
    Alb,
}

impl Verifier {
    /// The `verifier` label and span field.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verifier::Cognito => "cognito",
            Verifier::Alb => "alb",
        }
    }
}

/// Whether the verified-token cache answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cache {
    Hit,
    Miss,
}

impl Cache {
    /// The `cache` label.
    #[cfg(feature = "metrics")]
    pub(crate) fn label(self) -> &'static str {
        match self {
            Cache::Hit => "hit",
            Cache::Miss => "miss",
        }
    }
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
        VerifyError::CustomClaim { .. } => "custom_claim",
        VerifyError::IssuerMismatch { .. } => "issuer_mismatch",
        VerifyError::TokenUseMismatch { .. } => "token_use_mismatch",
        VerifyError::ClientMismatch { .. } => "client_mismatch",
        VerifyError::ResourceMismatch { .. } => "resource_mismatch",
        VerifyError::Expired { .. } => "expired",
        VerifyError::NotYetValid { .. } => "not_yet_valid",
        VerifyError::IssuedInFuture { .. } => "issued_in_future",
        VerifyError::InsufficientScope { .. } => "insufficient_scope",
        VerifyError::MissingGroup { .. } => "missing_group",
        VerifyError::Rejected { .. } => "rejected",
        VerifyError::Revoked { .. } => "revoked",
        VerifyError::RevocationsUnavailable { .. } => "revocations_unavailable",
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
