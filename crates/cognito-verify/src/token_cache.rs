//! The verified-token cache: a token seen again skips the signature check.
//!
//! An entry is found by a keyed hash of the end of the token's signature segment (foldhash,
//! seeded at random per process and per cache) and holds the whole token as verified. A hit
//! compares the token with the entry in full: the signed part (`header.payload`, public) as plain
//! bytes, the signature in constant time. So a hit means the very same bytes were verified before; a hash
//! collision, whether chance or crafted, can only cost a miss, never let a different token
//! through. The keyed hash replaced a SHA-256 of the signature segment, which was most of the
//! cost of a hit.
//!
//! An entry remembers the exact key that verified it and is used only while the issuer's current
//! key set still holds that key, so a key removed by a JWKS refresh also retires every token it
//! signed. Time checks are never cached: the caller re-makes them on every hit.

mod local;

use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::crypto::slices_equal;

/// Characters at the end of the signature segment that are hashed: 192 bits of a signature,
/// which no two tokens signed by a key share, and a tenth of the cost of hashing all 342 of an
/// RS256 signature (docs/performance.md). A token that shares them with an entry is compared in
/// full like any other, so a crafted one only costs a miss.
const HASHED_SIGNATURE_CHARS: usize = 32;

/// What a hit hands back (`V`: the claims and what is needed to re-check the key), with the token
/// it was verified from.
pub(crate) struct Entry<V> {
    /// The whole token, compared in full on every hit.
    token: Box<str>,
    /// Where its signature segment starts.
    signature_at: usize,
    pub(crate) value: V,
}

/// How a token is looked up: the keyed hash of the end of its signature segment, and the token.
pub(crate) struct TokenKey<'a> {
    hash: u64,
    token: &'a str,
    /// Where the signature segment starts (after the last `.`).
    signature_at: usize,
}

/// A bounded map from tokens to what verifying them produced, with a small per-thread front
/// ([`local`]) for the tokens a thread keeps seeing.
pub(crate) struct TokenCache<V> {
    /// Unique per cache, for the per-thread front.
    id: u64,
    hasher: foldhash::fast::RandomState,
    entries: quick_cache::sync::Cache<u64, Arc<Entry<V>>>,
}

/// The next [`TokenCache::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl<V> Entry<V> {
    /// Whether this entry was verified from exactly `key`'s token.
    pub(crate) fn is_for(&self, key: &TokenKey<'_>) -> bool {
        same_token((&self.token, self.signature_at), (key.token, key.signature_at))
    }

    /// The token verified.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

impl<V> TokenCache<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        TokenCache {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            hasher: foldhash::fast::RandomState::default(),
            entries: quick_cache::sync::Cache::new(capacity),
        }
    }

    /// This thread's front value `L` for `key`, if it has one. The caller checks that it is for
    /// the very same token ([`Entry::is_for`]).
    // Inlined into the hit path: as a call it cost a few percent of a hit.
    #[inline]
    pub(crate) fn local<L: 'static>(&self, key: &TokenKey<'_>) -> Option<Rc<L>> {
        local::get(self.id, key.hash)
    }

    /// Keep `value` in this thread's front for `key`.
    pub(crate) fn set_local<L: 'static>(&self, key: &TokenKey<'_>, value: Rc<L>) {
        local::set(self.id, key.hash, value);
    }

    /// The key of `token`; `None` for a string without a `.`: it cannot be a token, and the
    /// decoder will say why.
    #[inline]
    pub(crate) fn key<'a>(&self, token: &'a str) -> Option<TokenKey<'a>> {
        let signature_at = memchr::memrchr(b'.', token.as_bytes())? + 1;
        let signature = token.as_bytes().get(signature_at..)?;
        let tail =
            signature.get(signature.len().saturating_sub(HASHED_SIGNATURE_CHARS)..).unwrap_or(signature);
        Some(TokenKey { hash: self.hasher.hash_one(tail), token, signature_at })
    }

    /// The entry for exactly this token, if any.
    pub(crate) fn get(&self, key: &TokenKey<'_>) -> Option<Arc<Entry<V>>> {
        let entry = self.entries.get(&key.hash)?;
        same_token((&entry.token, entry.signature_at), (key.token, key.signature_at)).then_some(entry)
    }

    pub(crate) fn insert(&self, key: &TokenKey<'_>, value: V) {
        self.entries.insert(
            key.hash,
            Arc::new(Entry { token: key.token.into(), signature_at: key.signature_at, value }),
        );
    }

    /// Forget `key`'s token, here and in this thread's front (other threads find out on their
    /// next hit, which checks the key again).
    pub(crate) fn remove(&self, key: &TokenKey<'_>) {
        local::remove(self.id, key.hash);
        self.entries.remove(&key.hash);
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Whether two tokens, each with where its signature starts, are the same bytes: the signed
/// parts compared plainly (they are public), the signatures in constant time.
fn same_token((cached, cached_at): (&str, usize), (token, at): (&str, usize)) -> bool {
    let (cached_signed, cached_signature) = cached.as_bytes().split_at_checked(cached_at).unwrap_or_default();
    let (signed, signature) = token.as_bytes().split_at_checked(at).unwrap_or_default();
    cached_at == at
        && cached.len() == token.len()
        && cached_signed == signed
        && slices_equal(cached_signature, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of `token` with its hash replaced: a collision, as an attacker would want one.
    fn colliding<'a>(key: &TokenKey<'_>, token: &'a str) -> TokenKey<'a> {
        let signature_at = token.rfind('.').map_or(0, |dot| dot + 1);
        TokenKey { hash: key.hash, token, signature_at }
    }

    #[test]
    fn tokens_that_share_the_hashed_end_of_their_signature_are_told_apart() {
        let cache = TokenCache::new(16);
        let tail = "s".repeat(HASHED_SIGNATURE_CHARS);
        let first = format!("aGVhZGVy.cGF5bG9hZA.A{tail}");
        let second = format!("aGVhZGVy.cGF5bG9hZA.B{tail}");
        let (first_key, second_key) = (cache.key(&first).unwrap(), cache.key(&second).unwrap());
        assert_eq!(first_key.hash, second_key.hash, "only the end of the signature is hashed");
        cache.insert(&first_key, 1);
        assert!(cache.get(&second_key).is_none(), "a different signature is a miss");
        assert_eq!(cache.get(&first_key).map(|entry| entry.value), Some(1));
    }

    #[test]
    fn a_hit_needs_the_very_same_token() {
        let cache = TokenCache::new(16);
        let key = cache.key("aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl").unwrap();
        cache.insert(&key, 7);
        assert_eq!(cache.get(&key).map(|entry| entry.value), Some(7));
        assert_eq!(
            cache.get(&cache.key("aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl").unwrap()).map(|e| e.value),
            Some(7)
        );
    }

    #[test]
    fn a_colliding_hash_with_another_signature_is_a_miss() {
        let cache = TokenCache::new(16);
        let key = cache.key("aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl").unwrap();
        cache.insert(&key, 7);
        for other in
            ["aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJm", "aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJ", "aGVhZGVy.cGF5bG9hZA."]
        {
            assert!(cache.get(&colliding(&key, other)).is_none(), "{other}");
        }
    }

    #[test]
    fn a_colliding_hash_with_another_signed_part_is_a_miss() {
        let cache = TokenCache::new(16);
        let key = cache.key("aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl").unwrap();
        cache.insert(&key, 7);
        for other in [
            "aGVhZGVy.cGF5bG9hZB.c2lnbmF0dXJl",
            "aGVhZGVy.c2lnbmF0dXJl",
            "x.aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl",
        ] {
            assert!(cache.get(&colliding(&key, other)).is_none(), "{other}");
        }
    }

    #[test]
    fn a_string_without_a_dot_has_no_key() {
        let cache = TokenCache::<u32>::new(16);
        assert!(cache.key("no-dot-here").is_none());
    }
}
