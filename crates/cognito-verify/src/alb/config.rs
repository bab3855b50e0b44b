//! The validated, immutable configuration of an [`AlbVerifier`](crate::AlbVerifier).

use crate::clock::SharedClock;
use crate::validation::{AllowedSet, TokenLimits};

/// What [`AlbVerifierBuilder::build`](crate::AlbVerifierBuilder::build) validated.
#[derive(Debug)]
pub(crate) struct AlbConfig {
    /// Base URL, without a trailing `/`; keys are at `{key_endpoint}/{kid}`.
    pub(crate) key_endpoint: String,
    /// `None` means any signer (explicit opt-out).
    pub(crate) signers: Option<AllowedSet>,
    /// `None` means any client.
    pub(crate) client_ids: Option<AllowedSet>,
    pub(crate) issuer: Option<String>,
    pub(crate) limits: TokenLimits,
    /// Where `exp` is compared to.
    pub(crate) clock: SharedClock,
}
