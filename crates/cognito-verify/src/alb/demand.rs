//! [`Demand`]: how often each `kid` was asked for lately, to decide which fetch the
//! [`FetchBudget`](super::fetch_budget::FetchBudget)'s reserve goes to.
//!
//! A flood of fresh `kid`s asks for each one once; a key the load balancer really signs with is
//! asked for by every request behind it, again and again until it is fetched. So the reserve
//! goes to the `kid` asked for most: a request whose `kid`'s count is at least 2 and at least
//! the highest count seen lately (the leader) may use it.
//!
//! The counts are kept in a count-min sketch with conservative update (4 rows of 16,384 16-bit
//! counters, 128 KiB, keyed by the standard library's randomly seeded hasher so that no one can
//! aim `kid`s at one counter): a fixed size whatever the flood, which never forgets a `kid`
//! (its count can only be over-estimated, by the other `kid`s that share its counters). Every
//! [`DECAY_EVERY`] all counts are halved, so old demand fades.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Rows of the sketch.
const ROWS: usize = 4;
/// Counters per row: a power of two, indexed by 14 bits of the hash.
const WIDTH: usize = 1 << 14;
/// How often every count is halved.
pub(crate) const DECAY_EVERY: Duration = Duration::from_secs(1);
/// The least count that may use the reserve: a `kid` asked for once never does.
const REPEATED: u16 = 2;

pub(crate) struct Demand {
    hasher: RandomState,
    state: Mutex<State>,
}

struct State {
    counters: Box<[u16]>,
    /// The highest count recorded since the last decay (halved with the counts).
    leader: u16,
    decayed_at: Instant,
}

impl Demand {
    pub(crate) fn new() -> Self {
        Demand {
            hasher: RandomState::new(),
            state: Mutex::new(State {
                counters: vec![0; ROWS * WIDTH].into_boxed_slice(),
                leader: 0,
                decayed_at: Instant::now(),
            }),
        }
    }

    /// Count one request for `kid` that needs a fetch; `true` when it is now the `kid` asked for
    /// most (and more than once), so its fetch may use the reserve.
    pub(crate) fn record(&self, kid: &str) -> bool {
        let slots = self.slots(kid);
        // Plain counters: a panic elsewhere cannot leave them in a state that matters.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.decay(Instant::now());
        let State { counters, leader, .. } = &mut *state;
        let least = slots.iter().map(|&slot| counters.get(slot).copied().unwrap_or(0)).min().unwrap_or(0);
        let count = least.saturating_add(1);
        // Conservative update: only the counters at the minimum grow, which keeps the
        // over-estimate of rarely seen kids small.
        for &slot in &slots {
            if let Some(counter) = counters.get_mut(slot)
                && *counter < count
            {
                *counter = count;
            }
        }
        if count >= *leader {
            *leader = count;
        }
        count >= REPEATED && count >= *leader
    }

    /// The counter of `kid` in each row.
    fn slots(&self, kid: &str) -> [usize; ROWS] {
        let hash = self.hasher.hash_one(kid);
        let mut slots = [0; ROWS];
        for (row, slot) in slots.iter_mut().enumerate() {
            let bits = (hash >> (16 * row)) as usize & (WIDTH - 1);
            *slot = row * WIDTH + bits;
        }
        slots
    }
}

impl State {
    /// Halve every count once per [`DECAY_EVERY`] elapsed (to zero after 16 halvings).
    fn decay(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.decayed_at);
        if elapsed < DECAY_EVERY {
            return;
        }
        let halvings = (elapsed.as_secs_f64() / DECAY_EVERY.as_secs_f64()).min(16.0) as u32;
        for counter in self.counters.iter_mut() {
            *counter = counter.checked_shr(halvings).unwrap_or(0);
        }
        self.leader = self.leader.checked_shr(halvings).unwrap_or(0);
        self.decayed_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kid_asked_for_once_never_leads() {
        let demand = Demand::new();
        // 100 kids in 4 rows of 16,384 counters: a kid whose 4 counters are all shared with
        // others is a chance of about 1 in 10^7.
        for n in 0..100 {
            assert!(!demand.record(&format!("fresh-{n}")), "fresh-{n}");
        }
    }

    #[test]
    fn a_kid_asked_for_again_leads_among_kids_asked_for_once() {
        let demand = Demand::new();
        assert!(!demand.record("genuine"));
        for n in 0..5000 {
            demand.record(&format!("fresh-{n}"));
        }
        let mut led = false;
        for _ in 0..20 {
            led |= demand.record("genuine");
        }
        assert!(led, "20 requests for one kid lead among 5,000 kids asked for once");
    }

    #[test]
    fn counts_fade_by_half_per_decay_period() {
        let mut state = State {
            counters: vec![8; ROWS * WIDTH].into_boxed_slice(),
            leader: 8,
            decayed_at: Instant::now(),
        };
        let later = state.decayed_at + DECAY_EVERY * 2;
        state.decay(later);
        assert!(state.counters.iter().all(|&c| c == 2));
        assert_eq!(state.leader, 2);
        state.decay(later + DECAY_EVERY * 100);
        assert!(state.counters.iter().all(|&c| c == 0));
    }
}
