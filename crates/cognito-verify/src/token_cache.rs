//! The verified-token cache: a token seen again skips the signature check.
//!
//! Keyed by SHA-256 of the whole token, so two tokens share an entry only if they are the same
//! bytes; the token itself is not stored. An entry remembers the exact key that verified it and
//! is used only while the issuer's current key set still holds that key, so a key removed by a
//! JWKS refresh also retires every token it signed. Time checks are never cached: the caller
//! re-makes them on every hit.

use std::sync::Arc;

use aws_lc_rs::digest;

use crate::claims::Claims;
use crate::keys::VerifyingKey;

/// What a hit hands back: the claims, and what is needed to re-check the key.
pub(crate) struct CachedToken<C> {
    pub(crate) claims: Claims<C>,
    /// Index of the issuer (and its JWKS cache) in the verifier's configuration.
    pub(crate) issuer: usize,
    pub(crate) kid: String,
    pub(crate) key: Arc<VerifyingKey>,
}

pub(crate) type TokenHash = [u8; 32];

pub(crate) struct TokenCache<C> {
    entries: quick_cache::sync::Cache<TokenHash, Arc<CachedToken<C>>>,
}

impl<C> TokenCache<C> {
    pub(crate) fn new(capacity: usize) -> Self {
        TokenCache { entries: quick_cache::sync::Cache::new(capacity) }
    }

    pub(crate) fn hash(token: &str) -> TokenHash {
        let digest = digest::digest(&digest::SHA256, token.as_bytes());
        let mut hash = [0u8; 32];
        hash.copy_from_slice(digest.as_ref());
        hash
    }

    pub(crate) fn get(&self, hash: &TokenHash) -> Option<Arc<CachedToken<C>>> {
        self.entries.get(hash)
    }

    pub(crate) fn insert(&self, hash: TokenHash, token: CachedToken<C>) {
        self.entries.insert(hash, Arc::new(token));
    }

    pub(crate) fn remove(&self, hash: &TokenHash) {
        self.entries.remove(hash);
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
