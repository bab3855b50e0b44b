//! A small per-thread front for the verified-token cache.
//!
//! A hit in the shared cache writes to memory every other core reads: the shard's read lock,
//! the entry's reference count, the claims' reference count. When many cores verify the same
//! token (one client's token on many connections), those cache lines bounce between the cores on
//! every hit, and two cores verified that token more slowly than one.
//!
//! So each thread keeps the last few entries it hit, and for a token it keeps hitting, its own
//! copy of the claims. A hit found here reads shared memory (the entry's token, the key set
//! pointer) and writes only memory of this thread. The shared entry is still what a hit stands
//! for: the very same token, compared in full, and the key that verified it still trusted (the
//! caller checks that on every hit, from here or not).

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// Entries per thread, direct-mapped by the token's hash.
const SLOTS: usize = 8;

struct Slot {
    /// Which [`TokenCache`](super::TokenCache): ids are never reused, so a slot of a dropped
    /// verifier matches nothing.
    cache: u64,
    hash: u64,
    value: Rc<dyn Any>,
}

thread_local! {
    static FRONT: RefCell<[Option<Slot>; SLOTS]> = const { RefCell::new([const { None }; SLOTS]) };
}

fn index(hash: u64) -> usize {
    // `SLOTS` is a power of two: the low bits of a keyed hash.
    (hash as usize) & (SLOTS - 1)
}

/// This thread's value for (`cache`, `hash`), if it is an `L`.
pub(super) fn get<L: 'static>(cache: u64, hash: u64) -> Option<Rc<L>> {
    FRONT
        .try_with(|front| {
            let front = front.try_borrow().ok()?;
            let slot = front.get(index(hash))?.as_ref()?;
            if slot.cache != cache || slot.hash != hash {
                return None;
            }
            Rc::clone(&slot.value).downcast::<L>().ok()
        })
        .ok()
        .flatten()
}

/// Remember `value` for (`cache`, `hash`) on this thread, in place of what its slot held.
pub(super) fn set<L: 'static>(cache: u64, hash: u64, value: Rc<L>) {
    let _ = FRONT.try_with(|front| {
        if let Ok(mut front) = front.try_borrow_mut()
            && let Some(slot) = front.get_mut(index(hash))
        {
            // The old value is dropped after the borrow ends: its drop may run user code
            // (custom claims) that verifies a token on this thread.
            let old = slot.replace(Slot { cache, hash, value });
            drop(front);
            drop(old);
        }
    });
}

/// Forget this thread's value for (`cache`, `hash`).
pub(super) fn remove(cache: u64, hash: u64) {
    let _ = FRONT.try_with(|front| {
        let old = match front.try_borrow_mut() {
            Ok(mut front) => match front.get_mut(index(hash)) {
                Some(slot) if slot.as_ref().is_some_and(|s| s.cache == cache && s.hash == hash) => {
                    slot.take()
                }
                _ => None,
            },
            Err(_) => None,
        };
        drop(old);
    });
}
