//! [`CognitoVerifierBuilder::revocations`].

use std::sync::Arc;

use super::CognitoVerifierBuilder;
use crate::revocation::Revocations;

impl<C> CognitoVerifierBuilder<C> {
    /// Refuse revoked tokens: those whose sign-in session (`origin_jti`) or user (`sub`, signed
    /// in before a time) is in `store`, with [`VerifyError::Revoked`](crate::VerifyError::Revoked)
    /// (401 `invalid_token` through the tower layer). Asked after the other synchronous checks,
    /// on fresh verifications and verified-token cache hits alike, and by
    /// [`check_claims`](crate::CognitoVerifier::check_claims). A cache hit costs one more
    /// atomic load while nothing was revoked since the token was last checked. A store that
    /// cannot answer (fail-closed) refuses with the retryable
    /// [`VerifyError::RevocationsUnavailable`](crate::VerifyError::RevocationsUnavailable) (503).
    ///
    /// Keep your own `Arc` to the store to revoke: see [`MemoryRevocations`](crate::MemoryRevocations)
    /// and `docs/revocation.md`.
    pub fn revocations(mut self, store: Arc<dyn Revocations>) -> Self {
        self.revocations = Some(store);
        self
    }
}
