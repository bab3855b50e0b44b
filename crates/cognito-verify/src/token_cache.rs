//! The verified-token cache: a token seen again skips the signature check.
//!
//! An entry is found by SHA-256 of the token's signature segment and holds the token's signed
//! part (`header.payload`), compared on every hit: a hit means the very same bytes were verified
//! before. Hashing the signature (342 characters for RSA-2048) rather than the whole token keeps
//! the hash, the dominant cost of a hit, a third as long; and what the cache holds is not a
//! usable credential: the signed part is public information, and the signature, without which it
//! is worthless, is kept only as a hash.
//!
//! An entry remembers the exact key that verified it and is used only while the issuer's current
//! key set still holds that key, so a key removed by a JWKS refresh also retires every token it
//! signed. Time checks are never cached: the caller re-makes them on every hit.

use std::sync::Arc;

use aws_lc_rs::digest;

use crate::claims::CognitoClaims;
use crate::jwks::JwksCache;
use crate::keys::VerifyingKey;

/// What a hit hands back: the claims, and what is needed to re-check the key.
pub(crate) struct CachedToken<C> {
    pub(crate) claims: Arc<CognitoClaims<C>>,
    /// The key set of the issuer whose key verified the token.
    pub(crate) keys: Arc<JwksCache>,
    pub(crate) kid: String,
    pub(crate) key: Arc<VerifyingKey>,
    /// `header.payload` of the token.
    pub(crate) signed: Box<str>,
}

/// How a token is looked up: the hash of its signature segment, and its signed part.
pub(crate) struct TokenKey<'a> {
    hash: [u8; 32],
    pub(crate) signed: &'a str,
}

impl<'a> TokenKey<'a> {
    /// `None` for a string without a `.`: it cannot be a token, and the decoder will say why.
    pub(crate) fn of(token: &'a str) -> Option<Self> {
        let (signed, signature) = token.rsplit_once('.')?;
        let digest = digest::digest(&digest::SHA256, signature.as_bytes());
        let mut hash = [0u8; 32];
        hash.copy_from_slice(digest.as_ref());
        Some(TokenKey { hash, signed })
    }
}

pub(crate) struct TokenCache<C> {
    entries: quick_cache::sync::Cache<[u8; 32], Arc<CachedToken<C>>>,
}

impl<C> TokenCache<C> {
    pub(crate) fn new(capacity: usize) -> Self {
        TokenCache { entries: quick_cache::sync::Cache::new(capacity) }
    }

    /// The entry for exactly this token, if any.
    pub(crate) fn get(&self, key: &TokenKey<'_>) -> Option<Arc<CachedToken<C>>> {
        // Finding the entry needs the exact signature (its SHA-256); the signed part is public, so
        // comparing it need not be constant time.
        let entry = self.entries.get(&key.hash)?;
        (*entry.signed == *key.signed).then_some(entry)
    }

    pub(crate) fn insert(&self, key: &TokenKey<'_>, token: CachedToken<C>) {
        self.entries.insert(key.hash, Arc::new(token));
    }

    pub(crate) fn remove(&self, key: &TokenKey<'_>) {
        self.entries.remove(&key.hash);
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
