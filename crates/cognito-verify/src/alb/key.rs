//! [`AlbKey`]: one load balancer public key, parsed once from its PEM.

use crate::crypto::EcKey;
use crate::error::VerifyError;

/// A parsed P-256 public key.
pub(crate) struct AlbKey(EcKey);

impl AlbKey {
    pub(super) fn new(key: EcKey) -> Self {
        AlbKey(key)
    }

    /// Check an ES256 signature (fixed-width `r || s`) over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
        self.0.verify(message, signature).map_err(|_| VerifyError::InvalidSignature)
    }
}
