//! What a [`VerifyError`] tells beyond its reason: the claims of a token refused after its
//! signature verified, and whether the refusal is a 403.

use super::VerifyError;
use crate::verified_claims::VerifiedClaims;

/// Matches `$error` against the claim checks' variants, the ones that carry the verified claims
/// (in their `claims` field, bound to `$claims`), or anything else. One list for the accessor
/// and the two setters, so a new claim check cannot be forgotten in one of them.
macro_rules! claim_check {
    ($error:expr, $claims:ident => $then:expr, _ => $otherwise:expr) => {
        match $error {
            VerifyError::IssuerMismatch { $claims, .. }
            | VerifyError::TokenUseMismatch { $claims, .. }
            | VerifyError::ClientMismatch { $claims, .. }
            | VerifyError::ResourceMismatch { $claims, .. }
            | VerifyError::Expired { $claims, .. }
            | VerifyError::NotYetValid { $claims, .. }
            | VerifyError::IssuedInFuture { $claims, .. }
            | VerifyError::InsufficientScope { $claims, .. }
            | VerifyError::MissingGroup { $claims, .. }
            | VerifyError::Rejected { $claims, .. }
            | VerifyError::Revoked { $claims, .. } => $then,
            _ => $otherwise,
        }
    };
}

impl VerifyError {
    /// The claims of the refused token, when its signature verified and a claim check failed
    /// after it (issuer, `token_use`, client, resource, times, scopes, groups, custom checks); for
    /// logging who was refused. `None` for every failure up to and including the signature.
    /// The error's `Display` never shows them.
    ///
    /// ```no_run
    /// # async fn run(verifier: cognito_verify::CognitoVerifier, token: &str) {
    /// if let Err(err) = verifier.verify(token).await {
    ///     let sub = err.verified_claims().map(|claims| claims.sub().to_owned());
    ///     tracing::info!(?sub, %err, "token refused");
    /// }
    /// # }
    /// ```
    pub fn verified_claims(&self) -> Option<&VerifiedClaims> {
        claim_check!(self, claims => claims.as_ref(), _ => None)
    }

    /// The same error without the token's claims ([`verified_claims`](Self::verified_claims)
    /// then answers `None`): to compare errors by reason alone, or to keep one longer than the
    /// claims should live.
    ///
    /// ```
    /// use cognito_verify::VerifyError;
    ///
    /// let err = VerifyError::ClientMismatch { found: "client-b".into(), claims: None };
    /// assert_eq!(err.clone().without_claims(), err);
    /// ```
    pub fn without_claims(mut self) -> Self {
        claim_check!(&mut self, claims => *claims = None, _ => ());
        self
    }

    /// The same error, carrying `verified` as the token's claims when it is a claim check's.
    pub(crate) fn with_claims(mut self, verified: VerifiedClaims) -> Self {
        claim_check!(&mut self, claims => *claims = Some(verified), _ => ());
        self
    }

    /// Whether the token is valid but does not grant what is asked (HTTP 403 rather than 401):
    /// [`InsufficientScope`](VerifyError::InsufficientScope),
    /// [`MissingGroup`](VerifyError::MissingGroup), or a [`Rejected`](VerifyError::Rejected)
    /// whose check chose [`Rejection::forbidden`](crate::Rejection::forbidden).
    ///
    /// ```
    /// use cognito_verify::VerifyError;
    ///
    /// let scope = VerifyError::InsufficientScope { required: vec!["orders/read".into()], claims: None };
    /// let expired = VerifyError::Expired { exp: 1_700_000_000, now: 1_700_000_001, claims: None };
    /// assert!(scope.is_forbidden() && !expired.is_forbidden());
    /// ```
    pub fn is_forbidden(&self) -> bool {
        matches!(
            self,
            VerifyError::InsufficientScope { .. }
                | VerifyError::MissingGroup { .. }
                | VerifyError::Rejected { forbidden: true, .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrying_the_claims_keeps_the_error_as_small_as_before() {
        // 56 bytes before the claims were added (`UnusableKey`: two strings and the tag): the
        // claims are one shared pointer, in variants that were smaller.
        assert!(std::mem::size_of::<VerifyError>() <= 56, "{}", std::mem::size_of::<VerifyError>());
    }
}
